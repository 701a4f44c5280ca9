"""Kannel's calls: MO messages from an sms-service (`get-url` or `post-url`) and delivery reports
(`dlr-url`). Kannel signs nothing, so both carry T4B_INBOUND_SECRET as `secret` in the URL."""

from __future__ import annotations

import codecs
import hashlib
import hmac
import re
from functools import partial
from urllib.parse import parse_qsl

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from text4baby_ru.delivery.statuses import KANNEL_DLR_STATUSES
from text4baby_ru.deps import RuntimeDep
from text4baby_ru.gateways.kannel import reference
from text4baby_ru.runtime import Runtime
from text4baby_ru.webhooks.shared import accept_inbound, handle_report, handle_soon

router = APIRouter(prefix="/sms/kannel", tags=["webhooks"])
UCS2 = "2"  # Kannel's %c for UCS-2 text
_NACK = re.compile(r"NACK/(0x[0-9a-fA-F]+)")
_ERR = re.compile(r"\berr:(\w{1,8})")


async def kannel_params(request: Request) -> dict[str, bytes]:
    """The request's parameters as raw bytes (Kannel's %b is the text in its own charset).

    GET: the query string. POST: the query string, plus a form body, or (post-url) the text as
    the body with its charset and X-Kannel-* headers."""
    params = _parse(request.url.query)
    if request.method != "POST":
        return params
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return params | _parse(body.decode("latin-1"))
    headers = {
        "from": "x-kannel-from",
        "to": "x-kannel-to",
        "coding": "x-kannel-coding",
    }
    for name, header in headers.items():
        if name not in params and header in request.headers:
            params[name] = request.headers[header].encode()
    charset = re.search(r'charset="?([\w.:-]+)"?', content_type)
    if charset and "charset" not in params:
        params["charset"] = charset.group(1).encode()
    return params | {"text": body}


def _parse(query: str) -> dict[str, bytes]:
    # latin-1 maps every byte to one character, so the bytes survive the decoding of %XX.
    return {k: v.encode("latin-1") for k, v in parse_qsl(query, True, encoding="latin-1")}


def authorised(runtime: Runtime, params: dict[str, bytes]) -> bool:
    """True when the request carries T4B_INBOUND_SECRET (never when none is configured)."""
    secret = runtime.settings.inbound_secret
    if secret is None:
        return False
    return hmac.compare_digest(params.get("secret", b""), secret.get_secret_value().encode())


def forbidden() -> JSONResponse:
    """403 for a request without our shared secret."""
    return JSONResponse({"detail": "missing or wrong secret", "code": "forbidden"}, 403)


def invalid(detail: str) -> JSONResponse:
    """400 for a request Kannel should not have sent like this (a configuration mistake)."""
    return JSONResponse({"detail": detail, "code": "invalid"}, 400)


def decode_text(params: dict[str, bytes]) -> str:
    """Her text: UCS-2 when Kannel says so (%c = 2), else in its charset (%C), else UTF-8."""
    raw = params.get("text", b"")
    if params.get("coding", b"").strip() == UCS2.encode():
        return raw.decode("utf-16-be", errors="replace")
    charset = params.get("charset", b"").decode("ascii", errors="ignore").strip() or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return raw.decode(charset, errors="replace")


def message_id(params: dict[str, bytes], text: str) -> str:
    """Kannel's id of the message (%I, the same on every retry), or, if the service does not
    pass it, a digest of what identifies it: the time, the sender and the text."""
    given = params.get("id", b"").decode("ascii", errors="ignore").strip()
    if given:
        return given[:64]
    seen = b"\0".join([params.get("time", b""), params.get("from", b""), text.encode()])
    return "sha256:" + hashlib.sha256(seen).hexdigest()[:40]


@router.get("/inbound", summary="Kannel's MO messages (get-url)")
@router.post("/inbound", summary="Kannel's MO messages (post-url)", operation_id="kannel_mo_post")
async def inbound(request: Request, runtime: RuntimeDep, tasks: BackgroundTasks) -> Response:
    params = await kannel_params(request)
    if not authorised(runtime, params):
        return forbidden()
    sender = params.get("from", b"").decode("ascii", errors="ignore").strip()
    if not sender:
        return invalid("from is required: add from=%p to the sms-service URL")
    text = decode_text(params)
    stored = await run_in_threadpool(
        partial(
            accept_inbound,
            runtime,
            provider="kannel",
            provider_id=message_id(params, text),
            sender=sender,
            body=text,
        )
    )
    if stored is not None:
        tasks.add_task(handle_soon, runtime)
    # An empty answer: with max-messages = 0 (or omit-empty) Kannel texts nothing back to her;
    # her replies go out as tracked messages of their own.
    return Response(status_code=200, media_type="text/plain")


def error_code(kind: int, answer: str) -> str | None:
    """What went wrong, for a failure report: the SMPP status of a rejection, the operator's
    error of a receipt, or the report's type."""
    if kind not in (2, 16):
        return None
    found = _NACK.search(answer) or _ERR.search(answer)
    return (found.group(1) if found else f"dlr{kind}")[:16]


@router.get("/dlr", summary="Kannel's delivery reports (dlr-url)")
@router.post("/dlr", summary="Kannel's delivery reports (dlr-url)", operation_id="kannel_dlr_post")
async def delivery_report(request: Request, runtime: RuntimeDep) -> Response:
    params = await kannel_params(request)
    if not authorised(runtime, params):
        return forbidden()
    try:
        ours, kind = int(params.get("id", b"")), int(params.get("type", b""))
    except ValueError:
        return invalid("id (our message id) and type (%d) must be numbers")
    if not 0 <= ours < 2**63:
        return invalid("id is not one of our message ids")
    status = KANNEL_DLR_STATUSES.get(kind)
    if status is not None and ours > 0:
        await run_in_threadpool(
            partial(
                handle_report,
                runtime,
                gateway="kannel",
                provider_sid=reference(ours),
                status=status,
                error_code=error_code(kind, params.get("answer", b"").decode("utf-8", "replace")),
            )
        )
    return Response(status_code=200, media_type="text/plain")
