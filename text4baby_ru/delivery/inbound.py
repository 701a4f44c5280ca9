"""Every inbound route (Twilio, Kannel, the web page) ends here: store once, converse, queue."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from text4baby_ru.content.live import MissingContent, render_live
from text4baby_ru.content.templates import Stage
from text4baby_ru.db import insert_or_ignore
from text4baby_ru.delivery.outbox import cancel_unsent, enqueue_replies
from text4baby_ru.enrollment.models import InboundMessage
from text4baby_ru.enrollment.service import Handled, allow_outside_reply, handle_text
from text4baby_ru.keys import keyed_hash
from text4baby_ru.kit.phones import BadPhoneNumber, mask, normalize, region_of

log = logging.getLogger(__name__)
MAX_BODY = 1600  # Twilio's own limit for one inbound message
# Control characters (NUL among them: PostgreSQL refuses it in text) carry nothing she wrote.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str, limit: int = MAX_BODY) -> str:
    """An inbound field as we store it: no control characters, at most limit characters."""
    return _CONTROL.sub("", text)[:limit]


@dataclass
class Received:
    """What the route must do next: nothing (a retry), send queued replies, or answer a number we
    keep no record of."""

    duplicate: bool = False
    reply_ids: list[int] = field(default_factory=list)
    outside_reply: tuple[str, str] | None = None  # (number, text), never stored


def receive(
    session: Session,
    *,
    provider: str,
    provider_id: str,
    sender: str,
    body: str,
    now: datetime,
    hash_key: bytes,
    countries: tuple[str, ...],
) -> Received:
    """Store the text (once per provider id), run the conversation, queue the replies."""
    body, provider_id, sender = clean(body), clean(provider_id, 64), clean(sender, 32)
    inbound_id = insert_or_ignore(
        session,
        InboundMessage.__table__,
        {
            "provider": provider,
            "provider_id": provider_id[:64],
            "received_at": now,
            "processed_at": now,
            "body": body[:MAX_BODY],
        },
        conflict=["provider", "provider_id"],
    )
    if inbound_id is None:
        log.info("inbound %s %s already handled", provider, provider_id)
        return Received(duplicate=True)

    def settle(outcome: str, **values: object) -> None:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == inbound_id)
            .values(outcome=outcome, **values)
        )

    try:
        phone = normalize(sender)
    except BadPhoneNumber:
        settle("bad_number", body=None)
        return Received()
    if region_of(phone) not in countries:
        settle("country_not_served", body=None)
        if not allow_outside_reply(session, phone_hash=keyed_hash(hash_key, phone), now=now):
            return Received()
        language = "en" if body.isascii() and any(c.isalpha() for c in body) else "ru"
        try:
            text = render_live(session, "reply.country_not_allowed", language, Stage(None, 0)).text
        except MissingContent:
            return Received()
        return Received(outside_reply=(phone, text))
    handled = handle_text(session, phone=phone, body=body, now=now, hash_key=hash_key)
    outcome = handled.replies[0].key.removeprefix("reply.") if handled.replies else "no_reply"
    if handled.person is None:
        settle(outcome, body=None)  # a STOP from a stranger leaves no trace of her
    else:
        settle(outcome, person_id=handled.person.id)
    ids = act_on(session, handled, inbound_id=inbound_id, now=now)
    log.info(
        "inbound from %s: %s, %d replies",
        mask(phone),
        outcome,
        len(ids),
        extra={
            "subscriber_id": handled.person.id if handled.person else None,
            "enrollment_id": handled.enrollment.id if handled.enrollment else None,
            "message_ids": ids or None,
        },
    )
    return Received(reply_ids=ids)


def act_on(session: Session, handled: Handled, *, inbound_id: int, now: datetime) -> list[int]:
    """Cancel what a stop or a loss must stop and queue her replies; the replies' ids."""
    if handled.enrollment is not None and (handled.opted_out or handled.ended):
        cancelled = cancel_unsent(session, enrollment_id=handled.enrollment.id, now=now)
        log.info(
            "enrollment %s: %s, %d queued messages cancelled",
            handled.enrollment.id,
            "opted out" if handled.opted_out else "ended",
            cancelled,
        )
    return enqueue_replies(session, handled, inbound_id=inbound_id, now=now)
