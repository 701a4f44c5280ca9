"""What every provider's webhook does once it has verified a request: store and answer an
inbound text, record a status report."""

from __future__ import annotations

import logging

from text4baby_ru.db import unit_of_work
from text4baby_ru.delivery.inbound import Received, receive
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.delivery.statuses import apply_early_reports, record_status
from text4baby_ru.gateways.base import GatewayError, OutgoingSms
from text4baby_ru.kit.phones import mask
from text4baby_ru.runtime import Runtime

log = logging.getLogger(__name__)


def send_replies(runtime: Runtime, ids: list[int], outside: tuple[str, str] | None) -> None:
    """Send the replies of one inbound text right after answering the webhook (together with
    those of other requests arriving meanwhile)."""
    runtime.send_now(ids)
    if outside is not None:
        phone, text = outside
        try:
            runtime.gateway.send(OutgoingSms(0, phone, text))
        except GatewayError as error:
            log.warning("reply to %s outside the programme not sent: %s", mask(phone), error)


def handle_inbound(
    runtime: Runtime, *, provider: str, provider_id: str, sender: str, body: str
) -> Received:
    """Store and answer one inbound text in its own unit of work (runs in a worker thread)."""
    now, hash_key = runtime.clock.now(), runtime.hash_key()
    with unit_of_work(runtime.sessions) as session:
        return receive(
            session,
            provider=provider,
            provider_id=provider_id,
            sender=sender,
            body=body,
            now=now,
            hash_key=hash_key,
            countries=runtime.settings.countries,
        )


def handle_report(
    runtime: Runtime,
    *,
    gateway: str,
    provider_sid: str,
    status: MessageStatus,
    error_code: str | None,
) -> None:
    """Record one status report in its own unit of work (runs in a worker thread)."""
    now, max_failures = runtime.clock.now(), runtime.settings.max_failures
    with unit_of_work(runtime.sessions) as session:
        found = record_status(
            session,
            gateway=gateway,
            provider_sid=provider_sid,
            status=status,
            error_code=error_code,
            now=now,
            max_failures=max_failures,
        )
    if not found:  # kept as an early report: our id may have been written meanwhile
        with unit_of_work(runtime.sessions) as session:
            apply_early_reports(
                session, gateway, [provider_sid], now=now, max_failures=max_failures
            )
