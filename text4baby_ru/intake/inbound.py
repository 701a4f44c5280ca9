"""Texts she sends, in two steps: `store` (what a webhook does: one short write, once per
provider id) and `handle_batch` (later, in batches: the conversation, the replies queued)."""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from text4baby_ru.content.live import LiveTexts, MissingContent, render_live
from text4baby_ru.content.templates import Stage
from text4baby_ru.delivery.outbox import cancel_reminder_texts, cancel_unsent, enqueue_replies
from text4baby_ru.enrollment.models import SET_ASIDE, InboundMessage
from text4baby_ru.enrollment.service import (
    Handled,
    Known,
    allow_outside_reply,
    handle_text,
    preload,
)
from text4baby_ru.keys import keyed_hash
from text4baby_ru.kit.phones import BadPhoneNumber, mask, normalize, region_of
from text4baby_ru.modules.conversation import answer_text, close_questions

log = logging.getLogger(__name__)
MAX_BODY = 1600  # Twilio's own limit for one inbound message
MAX_ATTEMPTS = 3  # a text whose handling fails this often is set aside for an operator
# Control characters (NUL among them: PostgreSQL refuses it in text) carry nothing she wrote.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str, limit: int = MAX_BODY) -> str:
    """An inbound field as we store it: no control characters, at most limit characters."""
    return _CONTROL.sub("", text)[:limit]


@dataclass(frozen=True)
class Arrival:
    """One text as a provider handed it to us."""

    provider: str
    provider_id: str
    sender: str
    body: str


@dataclass(frozen=True)
class Pending:
    """A stored text waiting to be handled."""

    id: int
    sender: str
    body: str
    received_at: datetime
    attempts: int


@dataclass
class Batch:
    """What one batch did: texts handled (or set aside), replies to send now."""

    handled: list[int] = field(default_factory=list)
    reply_ids: list[int] = field(default_factory=list)
    outside_replies: list[tuple[str, str]] = field(default_factory=list)  # never stored
    failed: int = 0
    more: bool = False  # texts may be waiting for the next batch


def store(session: Session, arrivals: Sequence[Arrival], *, now: datetime) -> list[int | None]:
    """Store texts once per (provider, provider id) in one statement: each new row's id, None for
    a text stored before (a provider's retry) or twice in this batch."""
    rows, seen = [], set()
    for a in arrivals:
        key = (a.provider, clean(a.provider_id, 64))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "provider": a.provider,
                "provider_id": key[1],
                "sender": clean(a.sender, 32),
                "body": clean(a.body),
                "received_at": now,
            }
        )
    if not rows:
        return [None] * len(arrivals)
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table: Any = InboundMessage.__table__
    statement = (
        dialect_insert(table)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["provider", "provider_id"])
        .returning(table.c.id, table.c.provider, table.c.provider_id)
    )
    new = {(p, pid): i for i, p, pid in session.execute(statement)}
    ids: list[int | None] = []
    for a in arrivals:
        ids.append(new.pop((a.provider, clean(a.provider_id, 64)), None))
    return ids


def claim(session: Session, *, limit: int) -> list[Pending]:
    """The oldest texts not yet handled, at most one per number (her next text waits for the
    next batch, so two texts from one woman are never handled out of order or at once). On
    PostgreSQL the rows stay locked to this transaction and other handlers skip them."""
    return [
        Pending(id=i, sender=s or "", body=b or "", received_at=r, attempts=n)
        for i, s, b, r, n in session.execute(_first_of_each_number().limit(limit))
    ]


@cache
def _first_of_each_number() -> Select[int, str | None, str | None, datetime, int]:
    """claim's query, built once: an aliased table is rebuilt column by column each time, which
    was a tenth of a batch's time under a burst of small batches."""
    earlier = aliased(InboundMessage)
    return (
        select(
            InboundMessage.id,
            InboundMessage.sender,
            InboundMessage.body,
            InboundMessage.received_at,
            InboundMessage.attempts,
        )
        .where(
            InboundMessage.processed_at.is_(None),
            ~exists().where(
                and_(
                    earlier.processed_at.is_(None),
                    earlier.sender == InboundMessage.sender,
                    earlier.id < InboundMessage.id,
                )
            ),
        )
        .order_by(InboundMessage.id)
        .with_for_update(skip_locked=True, of=InboundMessage)
    )


@dataclass
class Reads:
    """What a batch reads once for all its texts: the numbers' rows (loaded together) and the
    live texts of the replies (each key read once)."""

    known: Known | None = None
    texts: LiveTexts | None = None


def read_ahead(session: Session, texts: Sequence[Pending], *, hash_key: bytes) -> Reads:
    """Load at once what handling these texts will read. A number written two ways (two texts
    of hers in one batch) is left out: her second text must see what her first one changed."""
    phones: Counter[str] = Counter()
    for text in texts:
        try:
            phones[normalize(text.sender)] += 1
        except BadPhoneNumber:
            continue
    once = [phone for phone, n in phones.items() if n == 1]
    since = min((t.received_at for t in texts), default=None)
    known = preload(session, once, since=since, hash_key=hash_key) if since else None
    return Reads(known, LiveTexts(session))


def handle_one(
    session: Session,
    text: Pending,
    *,
    now: datetime,
    hash_key: bytes,
    countries: tuple[str, ...],
    batch: Batch,
    reads: Reads | None = None,
) -> None:
    """Run the conversation for one stored text as of its arrival and queue her replies; the
    stored number is replaced by her person id, or dropped when we keep no record of her.
    `reads`: what its batch loaded ahead (none: everything is read here)."""
    reads = reads or Reads()

    def settle(outcome: str, **values: object) -> None:
        session.execute(
            update(InboundMessage)
            .where(InboundMessage.id == text.id)
            .values(outcome=outcome, processed_at=now, sender=None, error=None, **values)
        )

    at = text.received_at
    try:
        phone = normalize(text.sender)
    except BadPhoneNumber:
        settle("bad_number", body=None)
        return
    if region_of(phone) not in countries:
        settle("country_not_served", body=None)
        phone_hash = keyed_hash(hash_key, phone)
        if allow_outside_reply(session, phone_hash=phone_hash, now=at, known=reads.known):
            body = text.body
            language = "en" if body.isascii() and any(c.isalpha() for c in body) else "ru"
            try:
                key = "reply.country_not_allowed"
                reply = render_live(session, key, language, Stage(None, 0), texts=reads.texts)
            except MissingContent:
                return
            batch.outside_replies.append((phone, reply.text))
        return
    # While a module's question is open her text is read as its answer first (a command wins).
    answered = answer_text(session, phone=phone, body=text.body, now=at, known=reads.known)
    if answered is not None:
        handled, outcome = answered.handled, answered.outcome
    else:
        handled = handle_text(
            session, phone=phone, body=text.body, now=at, hash_key=hash_key, known=reads.known
        )
        outcome = handled.replies[0].key.removeprefix("reply.") if handled.replies else "no_reply"
    if handled.person_id is None:
        settle(outcome, body=None)  # a STOP from a stranger leaves no trace of her
    else:
        settle(outcome, person_id=handled.person_id)
    ids = act_on(session, handled, inbound_id=text.id, now=at, texts=reads.texts)
    batch.reply_ids.extend(ids)
    log.info(
        "inbound from %s: %s, %d replies",
        mask(phone),
        outcome,
        len(ids),
        extra={
            "subscriber_id": handled.person_id,
            "enrollment_id": handled.enrollment_id,
            "message_ids": ids or None,
        },
    )


def record_failure(session: Session, text: Pending, error: BaseException, *, now: datetime) -> bool:
    """Count a failed attempt; after MAX_ATTEMPTS set the text aside (handled, outcome `failed`,
    the error kept for an operator) so it never blocks her texts behind it. True if set aside."""
    attempts = text.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:200]
    aside = attempts >= MAX_ATTEMPTS
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == text.id)
        .values(
            attempts=attempts,
            error=reason,
            **({"processed_at": now, "outcome": SET_ASIDE} if aside else {}),
        )
    )
    log.error(
        "inbound %s: handling failed (attempt %d of %d%s): %s",
        text.id,
        attempts,
        MAX_ATTEMPTS,
        ", set aside" if aside else "",
        type(error).__name__,
    )
    return aside


def act_on(
    session: Session,
    handled: Handled,
    *,
    inbound_id: int,
    now: datetime,
    texts: LiveTexts | None = None,
) -> list[int]:
    """Cancel what a stop or a loss must stop and queue her replies; the replies' ids."""
    if handled.enrollment_id is not None and (handled.opted_out or handled.ended):
        cancelled = cancel_unsent(session, enrollment_id=handled.enrollment_id, now=now)
        close_questions(session, handled.enrollment_id)
        log.info(
            "enrollment %s: %s, %d queued messages cancelled",
            handled.enrollment_id,
            "opted out" if handled.opted_out else "ended",
            cancelled,
        )
    if handled.person_id is not None and handled.reminders_cancelled:
        cancel_reminder_texts(session, person_id=handled.person_id, now=now)
    return enqueue_replies(session, handled, inbound_id=inbound_id, now=now, texts=texts)


def requeue(session: Session, inbound_id: int) -> bool:
    """Give a set-aside text another round of attempts (an operator's retry). False if there is
    no such text set aside."""
    result = session.execute(
        update(InboundMessage)
        .where(
            InboundMessage.id == inbound_id,
            InboundMessage.outcome == SET_ASIDE,
            InboundMessage.sender.is_not(None),
        )
        .values(processed_at=None, outcome=None, attempts=0)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
