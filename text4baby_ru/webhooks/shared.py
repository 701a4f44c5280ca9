"""What every provider's webhook does once it has verified a request: store an inbound text
(handled right after the answer, by the handler), record a status report."""

from __future__ import annotations

import logging

from text4baby_ru.db import unit_of_work
from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.delivery.statuses import apply_early_reports, record_status
from text4baby_ru.intake.inbound import Arrival
from text4baby_ru.runtime import Runtime

log = logging.getLogger(__name__)


def accept_inbound(
    runtime: Runtime, *, provider: str, provider_id: str, sender: str, body: str
) -> int | None:
    """Store one inbound text, grouped with concurrent requests' (runs in a worker thread); its
    id, or None for a provider's retry of a text stored before."""
    return runtime.inbound.accept(Arrival(provider, provider_id, sender, body))


async def handle_soon(runtime: Runtime) -> None:
    """After the answer has gone: wake the handler and let it handle the text and send her
    replies (waits without holding a thread)."""
    await runtime.inbound.handled()


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
