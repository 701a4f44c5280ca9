"""Twilio's webhooks: verify the signature, store and handle once, answer with empty TwiML."""

from __future__ import annotations

import logging

from fastapi import APIRouter, BackgroundTasks, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from twilio.request_validator import RequestValidator

from text4baby_ru.db import unit_of_work
from text4baby_ru.delivery.inbound import Received, receive
from text4baby_ru.delivery.statuses import TWILIO_STATUSES, apply_early_reports, record_status
from text4baby_ru.deps import RuntimeDep
from text4baby_ru.gateways.base import GatewayError, OutgoingSms
from text4baby_ru.keys import secret_key
from text4baby_ru.kit.phones import mask
from text4baby_ru.runtime import Runtime

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


def send_replies(runtime: Runtime, ids: list[int], outside: tuple[str, str] | None) -> None:
    """Send the replies of one inbound text right after answering the webhook."""
    if ids:
        runtime.send_now(ids, "web")
    if outside is not None:
        phone, text = outside
        try:
            runtime.gateway.send(OutgoingSms(0, phone, text))
        except GatewayError as error:
            log.warning("reply to %s outside the programme not sent: %s", mask(phone), error)


def handle_inbound(runtime: Runtime, form: dict[str, str]) -> Received:
    """Store and answer one inbound text in its own unit of work (runs in a worker thread)."""
    now = runtime.clock.now()
    configured = runtime.settings.secret_key
    with unit_of_work(runtime.sessions) as session:
        return receive(
            session,
            provider="twilio",
            provider_id=form["MessageSid"],
            sender=form["From"],
            body=form.get("Body", ""),
            now=now,
            hash_key=secret_key(
                session, configured=configured.get_secret_value() if configured else None, now=now
            ),
            countries=runtime.settings.countries,
        )


@router.post("/inbound", summary="Twilio's inbound-message webhook (signed)")
async def inbound(request: Request, runtime: RuntimeDep, tasks: BackgroundTasks) -> Response:
    form = await signed_form(request, runtime)
    if form is None:
        return forbidden()
    if not form.get("MessageSid") or not form.get("From"):
        return JSONResponse({"detail": "MessageSid and From are required", "code": "invalid"}, 400)
    result = await run_in_threadpool(handle_inbound, runtime, form)
    if result.reply_ids or result.outside_reply:
        tasks.add_task(send_replies, runtime, result.reply_ids, result.outside_reply)
    return Response(EMPTY_TWIML, media_type="application/xml")


def handle_status(runtime: Runtime, form: dict[str, str]) -> None:
    """Record one status callback in its own unit of work (runs in a worker thread)."""
    status = TWILIO_STATUSES.get(form.get("MessageStatus", "").lower())
    if status is None:
        return
    now, max_failures = runtime.clock.now(), runtime.settings.max_failures
    with unit_of_work(runtime.sessions) as session:
        found = record_status(
            session,
            gateway="twilio",
            provider_sid=form["MessageSid"],
            status=status,
            error_code=form.get("ErrorCode") or None,
            now=now,
            max_failures=max_failures,
        )
    if not found:  # kept as an early report: our id may have been written meanwhile
        with unit_of_work(runtime.sessions) as session:
            apply_early_reports(
                session, "twilio", [form["MessageSid"]], now=now, max_failures=max_failures
            )


@router.post("/status", summary="Twilio's status callback (signed)")
async def status_callback(request: Request, runtime: RuntimeDep) -> Response:
    form = await signed_form(request, runtime)
    if form is None:
        return forbidden()
    if not form.get("MessageSid"):
        return JSONResponse({"detail": "MessageSid is required", "code": "invalid"}, 400)
    await run_in_threadpool(handle_status, runtime, form)
    return Response(status_code=204)
