"""Applying the conversation to the database: people, enrollments, consent, the suppression list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.content.templates import Stage
from text4baby_ru.enrollment.commands import Command, Parsed, parse
from text4baby_ru.enrollment.conversation import Outcome, Reply, State, join_with_date, respond
from text4baby_ru.enrollment.dates import classify
from text4baby_ru.enrollment.models import (
    CLOSED_STATUSES,
    Channel,
    Enrollment,
    Language,
    Person,
    Reminder,
    ReminderStatus,
    ReplyCounter,
    SubscriberStatus,
    Suppression,
    Track,
)
from text4baby_ru.enrollment.reminders import add as add_reminder
from text4baby_ru.enrollment.reminders import cancel_all as cancel_reminders
from text4baby_ru.enrollment.reminders import pending_count, too_soon
from text4baby_ru.enrollment.stage import position_on
from text4baby_ru.keys import keyed_hash

S = SubscriberStatus
MAX_REPLIES_A_DAY = 15
MAX_AUTOMATIC_REPLIES_A_DAY = 3


def local_today(now: datetime, timezone: str) -> date:
    """The date in her zone at this instant."""
    return now.astimezone(ZoneInfo(timezone)).date()


def current_enrollment(session: Session, person_id: int) -> Enrollment | None:
    """Her enrollment that is not over (at most one exists, by a unique index)."""
    return session.scalar(
        select(Enrollment).where(
            Enrollment.person_id == person_id, Enrollment.status.not_in(CLOSED_STATUSES)
        )
    )


def stage_of(enrollment: Enrollment | None, today: date) -> Stage:
    """Her track and week today, for rendering replies and tips."""
    if enrollment is None:
        return Stage(None, 0)
    where = position_on(today, due_date=enrollment.due_date, birth_date=enrollment.birth_date)
    if where is None:
        return Stage(enrollment.track, 0, enrollment.due_date, enrollment.birth_date)
    return Stage(where.track, where.week, enrollment.due_date, enrollment.birth_date)


def _guess_language(parsed: Parsed, text: str) -> str:
    if parsed.language:
        return parsed.language
    has_latin = any("a" <= c <= "z" for c in text.lower())
    has_cyrillic = any("а" <= c <= "я" for c in text.lower())
    return "en" if has_latin and not has_cyrillic else "ru"


@dataclass(frozen=True)
class WebJoin:
    """A join from the web page: her due date, or her baby's birth date when born is True."""

    day: date
    born: bool = False


@dataclass(frozen=True)
class Handled:
    """What the conversation decided about one text, as plain values for the layers above:
    whose it was (ids; None for a number we keep no record of), the replies to queue, and
    whether her queued messages must stop."""

    person_id: int | None
    enrollment_id: int | None
    replies: list[Reply]
    language: str
    stage: Stage
    opted_out: bool = False
    ended: bool = False
    reminders_cancelled: bool = False  # her queued reminder texts must stop too


@dataclass
class Known:
    """What the conversation reads about a batch of numbers, each loaded in one query: their
    people, current enrollments, reminders still ahead and recent reply counters. Only for
    texts from distinct numbers handled in one transaction (each text changes only her rows)."""

    phones: frozenset[str]
    hashes: frozenset[str]
    people: dict[str, Person] = field(default_factory=dict)
    enrollments: dict[int, Enrollment] = field(default_factory=dict)
    appointments: dict[int, list[datetime]] = field(default_factory=dict)
    counters: dict[tuple[str, date], ReplyCounter] = field(default_factory=dict)
    counters_since: date = date.min

    def person(self, phone: str) -> Person | None:
        """Her person, from the batch's load."""
        return self.people.get(phone)

    def enrollment(self, person: Person) -> Enrollment | None:
        """Her current enrollment, from the batch's load."""
        return self.enrollments.get(person.id)

    def pending_reminders(self, person_id: int, now: datetime) -> int:
        """Her reminders whose appointment is still ahead at now."""
        return sum(1 for at in self.appointments.get(person_id, ()) if at > now)


def preload(session: Session, numbers: Iterable[str], *, since: datetime, hash_key: bytes) -> Known:
    """Load what the conversation reads for these numbers (normalized), as of `since` or later:
    four queries for the whole batch instead of four per text."""
    phones = frozenset(numbers)
    known = Known(phones, frozenset(keyed_hash(hash_key, p) for p in phones))
    if not phones:
        return known
    known.people = {
        p.phone: p
        for p in session.scalars(select(Person).where(Person.phone.in_(phones)))
        if p.phone
    }
    ids = [p.id for p in known.people.values()]
    if ids:
        open_ = select(Enrollment).where(
            Enrollment.person_id.in_(ids), Enrollment.status.not_in(CLOSED_STATUSES)
        )
        known.enrollments = {e.person_id: e for e in session.scalars(open_)}
        ahead = select(Reminder.person_id, Reminder.appointment_at).where(
            Reminder.person_id.in_(ids),
            Reminder.status == ReminderStatus.ACTIVE,
            Reminder.appointment_at > since,
        )
        for person_id, at in session.execute(ahead):
            known.appointments.setdefault(person_id, []).append(at)
    # A day earlier than any zone's today at `since`: older counters never count again.
    known.counters_since = since.date() - timedelta(days=1)
    recent = select(ReplyCounter).where(
        ReplyCounter.phone_hash.in_(known.hashes), ReplyCounter.day >= known.counters_since
    )
    known.counters = {(c.phone_hash, c.day): c for c in session.scalars(recent)}
    return known


def _counter(
    session: Session, phone_hash: str, today: date, known: Known | None
) -> ReplyCounter | None:
    if known is not None and phone_hash in known.hashes and today >= known.counters_since:
        return known.counters.get((phone_hash, today))  # loaded with the batch, or not there
    return session.get(ReplyCounter, (phone_hash, today))


def _allow_reply(
    session: Session,
    phone_hash: str,
    today: date,
    *,
    automatic: bool,
    max_automatic: int = MAX_AUTOMATIC_REPLIES_A_DAY,
    known: Known | None = None,
) -> bool:
    """Count a reply against the number's daily caps; False when a cap is reached."""
    counter = _counter(session, phone_hash, today, known)
    if counter is None:
        counter = ReplyCounter(phone_hash=phone_hash, day=today, replies=0, automatic=0)
        session.add(counter)
        if known is not None and phone_hash in known.hashes:
            known.counters[phone_hash, today] = counter
    if counter.replies >= MAX_REPLIES_A_DAY or (automatic and counter.automatic >= max_automatic):
        return False
    counter.replies += 1
    counter.automatic += int(automatic)
    return True


def suppress(session: Session, phone_hash: str, *, reason: str, now: datetime) -> None:
    """Put a number on the list that imports never enroll again."""
    if session.get(Suppression, phone_hash) is None:
        session.add(Suppression(phone_hash=phone_hash, reason=reason, created_at=now))


def _apply(
    session: Session,
    outcome: Outcome,
    *,
    person: Person | None,
    enrollment: Enrollment | None,
    phone: str,
    phone_hash: str,
    language: str,
    channel: Channel,
    now: datetime,
) -> tuple[Person | None, Enrollment | None]:
    state = outcome.state
    if person is None and (state is not None or outcome.replies):
        person = Person(
            phone=phone, phone_hash=phone_hash, language=Language(language), created_at=now
        )
        session.add(person)
        session.flush()
    if person is None:
        return None, None
    if outcome.place is not None:
        person.timezone, person.city = outcome.place.zone, outcome.place.name_ru
    if state is None:
        return person, enrollment
    person.language = Language(state.language)
    if outcome.new_enrollment or enrollment is None:
        enrollment = Enrollment(
            person_id=person.id, channel=channel, created_at=now, status=state.status
        )
        session.add(enrollment)
    if state.status is SubscriberStatus.ACTIVE and (
        enrollment.status is not SubscriberStatus.ACTIVE or enrollment.activated_at is None
    ):
        enrollment.activated_at = now
    enrollment.status = state.status
    enrollment.track, enrollment.due_date = state.track, state.due_date
    enrollment.birth_date = state.birth_date
    enrollment.updated_at = now
    if outcome.consent:
        enrollment.consent_at = now
    if outcome.end_reason:
        enrollment.end_reason, enrollment.ended_at = outcome.end_reason, now
    if state.status is SubscriberStatus.OPTED_OUT:
        suppress(session, phone_hash, reason="opted_out", now=now)
    session.flush()
    if outcome.visit is not None:
        add_reminder(
            session, person=person, enrollment_id=enrollment.id, visit=outcome.visit, now=now
        )
    if outcome.cancel_reminders or state.status in (S.OPTED_OUT, S.ENDED):
        cancel_reminders(session, person_id=person.id, now=now)
    return person, enrollment


@dataclass(frozen=True)
class _Loaded:
    phone: str
    phone_hash: str
    person: Person | None
    enrollment: Enrollment | None
    state: State | None
    today: date
    known: Known | None = None


def find(
    session: Session, phone: str, known: Known | None = None
) -> tuple[Person | None, Enrollment | None]:
    """Her person and current enrollment: from the batch's load when it has her number."""
    if known is not None and phone in known.phones:
        person = known.person(phone)
        return person, known.enrollment(person) if person else None
    person = session.scalar(select(Person).where(Person.phone == phone))
    return person, current_enrollment(session, person.id) if person else None


def _load(
    session: Session, phone: str, now: datetime, hash_key: bytes, known: Known | None = None
) -> _Loaded:
    """Her person, current enrollment and state as the conversation sees it."""
    person, enrollment = find(session, phone, known)
    today = local_today(now, person.timezone if person else DEFAULT_ZONE)
    batch = known is not None and phone in known.phones
    state = (
        State(
            enrollment.status,
            person.language.value,
            Track(enrollment.track) if enrollment.track else None,
            enrollment.due_date,
            enrollment.birth_date,
            reminders=known.pending_reminders(person.id, now)
            if known is not None and batch
            else pending_count(session, person.id, now=now),
        )
        if person and enrollment
        else None
    )
    return _Loaded(
        phone,
        keyed_hash(hash_key, phone),
        person,
        enrollment,
        state,
        today,
        known if batch else None,
    )


def _settle(
    session: Session,
    loaded: _Loaded,
    outcome: Outcome,
    *,
    fallback_language: str,
    channel: Channel,
    now: datetime,
) -> Handled:
    """Store an outcome of the conversation and say what the delivery layer must do."""
    person = loaded.person
    language = (
        outcome.state.language
        if outcome.state
        else (person.language.value if person else fallback_language)
    )
    replies = list(outcome.replies)
    if replies and not _allow_reply(
        session,
        loaded.phone_hash,
        loaded.today,
        automatic=outcome.counts_as_auto,
        known=loaded.known,
    ):
        replies = []
    person, enrollment = _apply(
        session,
        outcome,
        person=person,
        enrollment=loaded.enrollment,
        phone=loaded.phone,
        phone_hash=loaded.phone_hash,
        language=language,
        channel=channel,
        now=now,
    )
    status = outcome.state.status if outcome.state else None
    return Handled(
        person_id=person.id if person else None,
        enrollment_id=enrollment.id if enrollment else None,
        replies=replies,
        language=language,
        stage=stage_of(enrollment, loaded.today),
        opted_out=status is SubscriberStatus.OPTED_OUT,
        ended=status is SubscriberStatus.ENDED,
        reminders_cancelled=outcome.cancel_reminders,
    )


def handle_text(
    session: Session,
    *,
    phone: str,
    body: str,
    now: datetime,
    hash_key: bytes,
    known: Known | None = None,
) -> Handled:
    """Run the conversation for one text from an allowed number and store what changed (what
    it reads about her comes from `known` when the batch loaded her number)."""
    loaded = _load(session, phone, now, hash_key, known)
    parsed = parse(body)
    outcome = respond(parsed, body, loaded.state, today=loaded.today)
    if loaded.person is not None:
        outcome = too_soon(outcome, timezone=loaded.person.timezone, now=now)
    fallback = _guess_language(parsed, body)
    return _settle(
        session, loaded, outcome, fallback_language=fallback, channel=Channel.SMS, now=now
    )


# She joined on the page, which exists for women who may not be able to reply by SMS: her consent
# is the confirmed code, so she is neither told "by replying you agree" nor asked for her city.
_WEB_REPLIES = {
    "reply.confirm_pregnancy": "reply.web_confirm_pregnancy",
    "reply.confirm_baby": "reply.web_confirm_baby",
}


def _for_web(outcome: Outcome) -> Outcome:
    """The web page's wording of a join's replies, without the question that needs an answer."""
    replies = tuple(
        replace(r, key=_WEB_REPLIES.get(r.key, r.key))
        for r in outcome.replies
        if r.key != "reply.ask_city"
    )
    return replace(outcome, replies=replies)


def handle_web(
    session: Session,
    *,
    phone: str,
    join: WebJoin | None,
    language: str,
    now: datetime,
    hash_key: bytes,
) -> Handled:
    """A join (with her date) or, when join is None, a stop, confirmed on the web page by a code:
    the same changes and replies as the SMS conversation makes."""
    loaded = _load(session, phone, now, hash_key)
    if join is None:
        stop = Parsed(Command.STOP, None, "", language)
        outcome = respond(stop, "", loaded.state, today=loaded.today)
    else:
        dated = classify(join.day.isoformat(), today=loaded.today, birth_word=join.born)
        outcome = _for_web(join_with_date(loaded.state, dated, language=language))
    return _settle(
        session, loaded, outcome, fallback_language=language, channel=Channel.WEB, now=now
    )


def allow_outside_reply(
    session: Session, *, phone_hash: str, now: datetime, known: Known | None = None
) -> bool:
    """One polite reply a day to a number from a country we do not serve (no record of her)."""
    return _allow_reply(
        session, phone_hash, now.date(), automatic=True, max_automatic=1, known=known
    )
