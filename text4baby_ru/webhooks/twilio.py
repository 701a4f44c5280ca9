"""Twilio's webhooks: verify the signature, store and handle once, answer with empty TwiML."""

from __future__ import annotations

import logging
from functools import partial

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from twilio.request_validator import RequestValidator

from text4baby_ru.delivery.statuses import TWILIO_STATUSES
from text4baby_ru.deps import RuntimeDep
from text4baby_ru.runtime import Runtime
from text4baby_ru.webhooks.shared import accept_inbound, handle_report, handle_soon

log = logging.getLogger(__name__)
router = APIRouter(prefix="/sms/twilio", tags=["webhooks"])
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


async def signed_form(request: Request, runtime: Runtime) -> dict[str, str] | None:
    """The form fields if X-Twilio-Signature is valid for T4B_PUBLIC_URL + path, else None."""
    token = runtime.settings.twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    form = {k: str(v) for k, v in (await request.form()).items()}
    if token is None or not signature:
        return None
    url = runtime.settings.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not RequestValidator(token.get_secret_value()).validate(url, form, signature):
        return None
    return form


def forbidden() -> JSONResponse:
    """403 for a request that is not signed by Twilio with our token."""
    return JSONResponse(
        {"detail": "invalid or missing X-Twilio-Signature", "code": "forbidden"}, 403
    )


@router.post("/inbound", summary="Twilio's inbound-message webhook (signed)")
async def inbound(request: Request, runtime: RuntimeDep, tasks: BackgroundTasks) -> Response:
    form = await signed_form(request, runtime)
    if form is None:
        return forbidden()
    if not form.get("MessageSid") or not form.get("From"):
        return JSONResponse({"detail": "MessageSid and From are required", "code": "invalid"}, 400)
    stored = await run_in_threadpool(
        partial(
            accept_inbound,
            runtime,
            provider="twilio",
            provider_id=form["MessageSid"],
            sender=form["From"],
            body=form.get("Body", ""),
        )
    )
    if stored is not None:
        tasks.add_task(handle_soon, runtime)
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/status", summary="Twilio's status callback (signed)")
async def status_callback(request: Request, runtime: RuntimeDep) -> Response:
    form = await signed_form(request, runtime)
    if form is None:
        return forbidden()
    if not form.get("MessageSid"):
        return JSONResponse({"detail": "MessageSid is required", "code": "invalid"}, 400)
    status = TWILIO_STATUSES.get(form.get("MessageStatus", "").lower())
    if status is not None:
        await run_in_threadpool(
            partial(
                handle_report,
                runtime,
                gateway="twilio",
                provider_sid=form["MessageSid"],
                status=status,
                error_code=form.get("ErrorCode") or None,
            )
        )
    return Response(status_code=204)
