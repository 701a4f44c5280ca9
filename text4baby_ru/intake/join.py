"""The join page's actions, confirmed by a code sent by SMS: ask (rate-limited, the same answer
for every number), then confirm.

Only a confirmed code changes anything, and then exactly as the SMS conversation would.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from text4baby_ru.content.templates import Stage
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage
from text4baby_ru.delivery.outbox import enqueue_replies
from text4baby_ru.enrollment.conversation import Reply
from text4baby_ru.enrollment.models import InboundMessage, Language, Person, SubscriberStatus
from text4baby_ru.enrollment.service import Handled, WebJoin, current_enrollment, handle_web
from text4baby_ru.intake.inbound import act_on
from text4baby_ru.intake.models import WebAction, WebCode
from text4baby_ru.keys import keyed_hash
from text4baby_ru.kit.phones import mask, region_of

log = logging.getLogger(__name__)
CODE_KEY = "reply.web_code"
KEEP = timedelta(days=1)  # requests are kept this long, for the daily limit
_STOPPABLE = (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE, SubscriberStatus.PAUSED)
_FINAL = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNDELIVERED,
    MessageStatus.FAILED,
    MessageStatus.CANCELLED,
    MessageStatus.EXPIRED,
)


@dataclass(frozen=True)
class Limits:
    """How many codes a number and a client may ask for, how long a code lives, how many
    guesses it allows."""

    per_phone_hour: int = 3
    per_phone_day: int = 5
    per_client_hour: int = 20
    # What the whole programme sends, whoever asks (T4B_JOIN_CODES_PER_HOUR / _PER_DAY): one
    # client behind many addresses, or many clients, cannot pump more SMS than this.
    codes_per_hour: int = 60
    codes_per_day: int = 500
    lifetime: timedelta = timedelta(minutes=10)
    attempts: int = 5


@dataclass
class Asked:
    """The token of the confirmation form (None: over a limit, nothing sent) and the outbox ids
    to send at once."""

    token: str | None
    send: list[int] = field(default_factory=list)


class Verdict(enum.StrEnum):
    """What a typed code did."""

    DONE = "done"
    WRONG = "wrong"  # she may try again
    SPENT = "spent"  # expired, used, or too many guesses: ask for a new code


@dataclass
class Confirmed:
    """The verdict, the guesses left and the replies to send at once."""

    verdict: Verdict
    left: int = 0
    send: list[int] = field(default_factory=list)
    action: WebAction = WebAction.JOIN


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _count(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> int:
    query = select(func.count()).select_from(WebCode).where(column == value)
    return int(session.scalar(query.where(WebCode.created_at > since)) or 0)


def purge(session: Session, *, now: datetime) -> None:
    """Blank the texts of codes that are over (a code never stays readable in the outbox) and
    forget requests older than a day."""
    over = select(WebCode.message_id).where(
        WebCode.message_id.is_not(None),
        (WebCode.used_at.is_not(None)) | (WebCode.expires_at <= now),
    )
    session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id.in_(over),
            OutboundMessage.body.is_not(None),
            OutboundMessage.status.in_(_FINAL),
        )
        .values(body=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(WebCode).where(WebCode.created_at < now - KEEP))


def _over_limit(
    session: Session, *, phone_hash: str, client_hash: str, now: datetime, limits: Limits
) -> bool:
    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    return (
        _count(session, WebCode.phone_hash, phone_hash, hour) >= limits.per_phone_hour
        or _count(session, WebCode.phone_hash, phone_hash, day) >= limits.per_phone_day
        or _count(session, WebCode.client_hash, client_hash, hour) >= limits.per_client_hour
    )


# Serialises the budget's count and the code it allows across processes (PostgreSQL; SQLite's
# BEGIN IMMEDIATE already lets one writer at a time in).
_BUDGET_LOCK = 0x7434_6A6F  # "t4jo"


def _budget_spent(session: Session, *, now: datetime, limits: Limits) -> bool:
    """True when the programme has sent as many codes as it may this hour or this day."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _BUDGET_LOCK})
    sent = select(func.count()).select_from(WebCode).where(WebCode.code_hash.is_not(None))
    hour = int(session.scalar(sent.where(WebCode.created_at > now - timedelta(hours=1))) or 0)
    if hour >= limits.codes_per_hour:
        log.warning("web page: the %d codes of this hour are spent", limits.codes_per_hour)
        return True
    day = int(session.scalar(sent.where(WebCode.created_at > now - KEEP)) or 0)
    if day >= limits.codes_per_day:
        log.warning("web page: the %d codes of this day are spent", limits.codes_per_day)
        return True
    return False


def _web_inbound(session: Session, *, what: str, person_id: int | None, now: datetime) -> int:
    """The request stored like an inbound text (provider `web`), so its replies are keyed; the
    id comes from the random token, as request rows are deleted and their ids may come back."""
    inbound = InboundMessage(
        provider="web", provider_id=what, person_id=person_id, received_at=now, processed_at=now
    )
    session.add(inbound)
    session.flush()
    return inbound.id


def _should_send(
    session: Session, phone: str, action: WebAction, countries: tuple[str, ...]
) -> bool:
    """A code goes to a number we serve; for a stop, only if she has something to stop."""
    if region_of(phone) not in countries:
        return False
    if action is WebAction.JOIN:
        return True
    person = session.scalar(select(Person).where(Person.phone == phone))
    enrollment = current_enrollment(session, person.id) if person else None
    return enrollment is not None and enrollment.status in _STOPPABLE


def _queue_code(
    session: Session, request: WebCode, *, phone: str, code: str, now: datetime
) -> int | None:
    """Queue the code SMS through the outbox (tracked like every reply); its id."""
    person = session.scalar(select(Person).where(Person.phone == phone))
    if person is None:
        person = Person(
            phone=phone,
            phone_hash=request.phone_hash,
            language=Language(request.language),
            created_at=now,
        )
        session.add(person)
        session.flush()
    inbound_id = _web_inbound(
        session, what=f"code:{request.token_hash[:40]}", person_id=person.id, now=now
    )
    enrollment = current_enrollment(session, person.id)
    handled = Handled(
        person_id=person.id,
        enrollment_id=enrollment.id if enrollment else None,
        replies=[Reply(CODE_KEY, {"code": code})],
        language=request.language,
        stage=Stage(None, 0),
    )
    ids = enqueue_replies(session, handled, inbound_id=inbound_id, now=now)
    if not ids:
        return None
    session.get_one(OutboundMessage, ids[0]).expires_at = request.expires_at
    return ids[0]


def ask(
    session: Session,
    *,
    phone: str,
    action: WebAction,
    join: WebJoin | None,
    language: str,
    client: str,
    now: datetime,
    hash_key: bytes,
    countries: tuple[str, ...],
    limits: Limits = Limits(),
) -> Asked:
    """Record a request and send a code if this number can use one. The answer depends only on
    the limits, never on whether the number is enrolled, stopped, erased or served."""
    purge(session, now=now)
    phone_hash = keyed_hash(hash_key, phone)
    client_hash = keyed_hash(hash_key, "client:" + client)
    if _over_limit(
        session, phone_hash=phone_hash, client_hash=client_hash, now=now, limits=limits
    ) or _budget_spent(session, now=now, limits=limits):
        log.info("web %s for %s refused: over the limit", action, mask(phone))
        return Asked(None)
    token = secrets.token_urlsafe(24)
    request = WebCode(
        token_hash=_token_hash(token),
        phone_hash=phone_hash,
        client_hash=client_hash,
        action=action,
        language=language,
        day=join.day if join else None,
        born=join.born if join else False,
        created_at=now,
        expires_at=now + limits.lifetime,
    )
    session.add(request)
    session.flush()
    if not _should_send(session, phone, action, countries):
        log.info("web %s for %s: no code sent", action, mask(phone))
        return Asked(token)
    code = f"{secrets.randbelow(10**6):06d}"
    request.code_hash = keyed_hash(hash_key, f"{token}:{code}")
    request.message_id = _queue_code(session, request, phone=phone, code=code, now=now)
    log.info("web %s for %s: code queued", action, mask(phone))
    return Asked(token, [request.message_id] if request.message_id else [])


def confirm(
    session: Session,
    *,
    token: str,
    code: str,
    now: datetime,
    hash_key: bytes,
    limits: Limits = Limits(),
) -> Confirmed:
    """Check a typed code; the right one, once, within its lifetime, does what was asked."""
    query = select(WebCode).where(WebCode.token_hash == _token_hash(token))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    request = session.scalar(query)
    if (
        request is None
        or request.used_at is not None
        or request.expires_at <= now
        or request.attempts >= limits.attempts
    ):
        return Confirmed(Verdict.SPENT)
    request.attempts += 1
    expected = request.code_hash or ""
    if not hmac.compare_digest(keyed_hash(hash_key, f"{token}:{code.strip()}"), expected):
        left = limits.attempts - request.attempts
        return Confirmed(Verdict.WRONG, left) if left > 0 else Confirmed(Verdict.SPENT)
    request.used_at = now
    session.flush()
    purge(session, now=now)  # her code is spent: its text leaves the outbox now
    person = session.scalar(select(Person).where(Person.phone_hash == request.phone_hash))
    if person is None or person.phone is None:  # erased since the code was sent
        return Confirmed(Verdict.DONE, action=request.action)
    join = WebJoin(request.day, request.born) if request.day is not None else None
    handled = handle_web(
        session,
        phone=person.phone,
        join=join if request.action is WebAction.JOIN else None,
        language=request.language,
        now=now,
        hash_key=hash_key,
    )
    inbound_id = _web_inbound(
        session, what=f"confirm:{request.token_hash[:40]}", person_id=person.id, now=now
    )
    ids = act_on(session, handled, inbound_id=inbound_id, now=now)
    log.info("web %s for %s confirmed, %d replies", request.action, mask(person.phone), len(ids))
    return Confirmed(Verdict.DONE, send=ids, action=request.action)
