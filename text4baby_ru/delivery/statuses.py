"""Provider status reports (Twilio callbacks, Kannel delivery reports): late, twice or out of
order, and never moving a message backwards."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from text4baby_ru.db import insert_or_ignore
from text4baby_ru.delivery.failures import record_delivery, record_permanent_failure
from text4baby_ru.delivery.models import EarlyReport, MessageStatus, OutboundMessage

log = logging.getLogger(__name__)
S = MessageStatus
# How far along a message is; a report never moves it to a lower rank.
RANK = {
    S.QUEUED: 0,
    S.SENDING: 1,
    S.UNKNOWN: 1,
    S.SENT: 2,
    S.UNDELIVERED: 3,
    S.FAILED: 3,
    S.EXPIRED: 3,
    S.CANCELLED: 3,
    S.DELIVERED: 4,
}
TWILIO_STATUSES = {
    "accepted": S.SENT,
    "scheduled": S.SENT,
    "queued": S.SENT,
    "sending": S.SENT,
    "sent": S.SENT,
    "delivered": S.DELIVERED,
    "read": S.DELIVERED,
    "undelivered": S.UNDELIVERED,
    "failed": S.FAILED,
    "canceled": S.CANCELLED,
}
# Kannel's delivery-report types (%d): 1 delivered to the phone, 2 not delivered, 4 buffered at
# the SMSC (still trying), 8 taken by the SMSC, 16 rejected by the SMSC.
KANNEL_DLR_STATUSES = {
    1: S.DELIVERED,
    2: S.UNDELIVERED,
    4: S.SENT,
    8: S.SENT,
    16: S.FAILED,
}


def record_status(
    session: Session,
    *,
    gateway: str,
    provider_sid: str,
    status: MessageStatus,
    error_code: str | None,
    now: datetime,
    max_failures: int,
) -> bool:
    """Apply a provider's report; False when the message is not ours (it is kept in case our
    own write of the message's id is still on its way)."""
    query = select(OutboundMessage).where(
        OutboundMessage.gateway == gateway, OutboundMessage.provider_sid == provider_sid
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    message = session.scalar(query)
    if message is None:
        # Perhaps faster than our own write of the id: keep it for when the id is recorded.
        insert_or_ignore(
            session,
            EarlyReport.__table__,
            {
                "gateway": gateway,
                "provider_sid": provider_sid,
                "status": status.value,
                "error_code": error_code,
                "received_at": now,
            },
            conflict=["gateway", "provider_sid", "status"],
            returning=False,
        )
        return False
    if RANK[status] <= RANK[message.status]:
        return True
    log.info(
        "message %s: %s -> %s%s",
        message.id,
        message.status.value,
        status.value,
        f" (error {error_code})" if error_code else "",
        extra={"message_id": message.id, "provider_sid": provider_sid},
    )
    message.status, message.updated_at = status, now
    if error_code:
        message.error_code = error_code
    if status is S.DELIVERED:
        message.delivered_at = now
        record_delivery(session, message)
    elif status in (S.UNDELIVERED, S.FAILED):
        record_permanent_failure(session, message, now=now, max_failures=max_failures)
    return True


def apply_early_reports(
    session: Session, gateway: str, provider_sids: list[str], *, now: datetime, max_failures: int
) -> int:
    """Apply the kept reports about these provider ids; the number applied.

    Whoever writes second sees the first: the sender commits an id and then looks for reports,
    a callback commits its report and then looks for the id. So every report is applied at
    least once, and applying one twice changes nothing (a message never moves back).
    """
    if not provider_sids:
        return 0
    early = session.scalars(
        select(EarlyReport).where(
            EarlyReport.gateway == gateway, EarlyReport.provider_sid.in_(provider_sids)
        )
    ).all()
    applied = 0
    for report in sorted(early, key=lambda r: RANK[r.status]):
        found = record_status(
            session,
            gateway=report.gateway,
            provider_sid=report.provider_sid,
            status=report.status,
            error_code=report.error_code,
            now=now,
            max_failures=max_failures,
        )
        if found:
            # A plain DELETE: the sender and a callback may both apply the same report, and the
            # second finding it gone is expected, not an error.
            session.execute(
                delete(EarlyReport).where(
                    EarlyReport.gateway == report.gateway,
                    EarlyReport.provider_sid == report.provider_sid,
                    EarlyReport.status == report.status,
                )
            )
            applied += 1
    return applied
