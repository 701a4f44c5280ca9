"""The planner: which tips are due at an instant, written to the outbox with a few SQL statements.

Set-based: one INSERT ... SELECT per distinct time zone (SQLite has no zone functions, so each
zone's local date is computed here), with unique keys that make every pass idempotent. Texts
are rendered at send time from the revision each row records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    case,
    func,
    literal,
    select,
    text,
    true,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from text4baby_ru.content.models import ContentKey, ContentKind, ContentRevision, RevisionStatus
from text4baby_ru.delivery import newborn
from text4baby_ru.delivery.models import (
    ONCE_PER_ENROLLMENT,
    MessageKind,
    MessageStatus,
    OutboundMessage,
)
from text4baby_ru.delivery.schedule import next_allowed
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus
from text4baby_ru.enrollment.stage import (
    LAST_BABY_WEEK,
    LAST_PREGNANCY_WEEK,
    PREGNANCY_DAYS,
)
from text4baby_ru.enrollment.stage import day_literal as day_literal  # kept for its callers
from text4baby_ru.enrollment.stage import position_sql as position_sql

log = logging.getLogger(__name__)
Catchup = Literal["latest", "skip"]
SKIP_GRACE = timedelta(hours=1)  # with the `skip` policy, a tip this late still goes
DUE_WEEK = PREGNANCY_DAYS // 7  # 40+0, the due date itself
DUE_QUESTION = "reply.baby_arrived_due"  # "has the baby arrived?" in the due date's week
OVERDUE_QUESTION = "reply.baby_arrived_question"  # and again at 41+0


@dataclass(frozen=True)
class Rules:
    """When tips go out: three weekdays at an hour, never in quiet hours; the catch-up policy."""

    weekdays: tuple[int, int, int]
    hour: int
    quiet: tuple[time, time]
    catchup: Catchup = "latest"
    catchup_max: timedelta = timedelta(hours=48)
    deadline: timedelta = timedelta(hours=4)  # a tip not out this long after its time expires


@dataclass
class PlanReport:
    """Rows a pass wrote, by kind."""

    tips: int = 0
    questions: int = 0
    completed: int = 0
    reminders: int = 0
    module_questions: int = 0
    zones: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SendSlot:
    """The send day a zone is on at an instant: local date, slot, when to send and until when."""

    day: date
    slot: int
    instant: datetime  # the send time itself: she gets it if she enrolled before this
    due_at: datetime  # when to send: the instant, or later after downtime, never in quiet hours
    expires_at: datetime


def latest_slot(now: datetime, zone: str, rules: Rules) -> SendSlot | None:
    """The most recent send instant at or before now in this zone that the policy still sends."""
    tz = ZoneInfo(zone)
    local_day = now.astimezone(tz).date()
    for back in range(8):
        day = local_day - timedelta(days=back)
        if day.weekday() not in rules.weekdays:
            continue
        instant = datetime.combine(day, time(rules.hour), tz)
        if instant > now:
            continue
        late = now - instant
        if late > (rules.catchup_max if rules.catchup == "latest" else SKIP_GRACE):
            return None
        due = next_allowed(max(instant, now), timezone=zone, quiet=rules.quiet)
        local_due = due.astimezone(tz)
        quiet_start = datetime.combine(local_due.date(), rules.quiet[0], tz)
        if quiet_start <= local_due:
            quiet_start += timedelta(days=1)
        # Never in her quiet hours, and never long after its time (a throttled route, a
        # backlog): a tip that cannot make it expires, with its reason, for the operator.
        expires = min(quiet_start, due + rules.deadline)
        return SendSlot(day, rules.weekdays.index(day.weekday()) + 1, instant, due, expires)
    return None


@dataclass(frozen=True)
class ZoneSlots:
    """Each zone's send slot as SQL: one statement plans every zone at once (by her zone)."""

    slots: dict[str, SendSlot]
    dialect: str

    def _by_zone(self, values: dict[str, ColumnElement[Any]]) -> ColumnElement[Any]:
        return case(values, value=Person.timezone)

    def day(self) -> ColumnElement[Any]:
        return self._by_zone({z: day_literal(s.day, self.dialect) for z, s in self.slots.items()})

    def slot(self) -> ColumnElement[Any]:
        return self._by_zone({z: literal(s.slot) for z, s in self.slots.items()})

    def when(self, field: str) -> ColumnElement[Any]:
        return self._by_zone(
            {
                z: literal(getattr(s, field), OutboundMessage.due_at.type)
                for z, s in self.slots.items()
            }
        )

    def position(self) -> tuple[ColumnElement[str], ColumnElement[int]]:
        return position_sql(self.day(), self.dialect)


def _outbox_columns(
    kind: MessageKind,
    key: Any,
    track: Any,
    week: Any,
    slot_no: Any,
    slots: ZoneSlots,
    now: datetime,
) -> list[Any]:
    """The columns of an outbox row, for INSERT ... SELECT."""
    return [
        literal(kind.value).label("kind"),
        Enrollment.person_id,
        Enrollment.id.label("enrollment_id"),
        key.label("content_key"),
        ContentRevision.id.label("revision_id"),
        Person.language,
        track.label("track"),
        week.label("week"),
        slot_no.label("slot"),
        literal(MessageStatus.QUEUED.value).label("status"),
        slots.when("due_at").label("due_at"),
        slots.when("expires_at").label("expires_at"),
        literal(0).label("attempts"),
        literal(0).label("segments"),
        literal(now, OutboundMessage.created_at.type).label("created_at"),
        literal(now, OutboundMessage.updated_at.type).label("updated_at"),
    ]


IdRange = tuple[int, int] | None


def eligible_where(slots: ZoneSlots, ids: IdRange) -> list[ColumnElement[bool]]:
    # No "phone IS NOT NULL" here: an erased woman has no active enrollment, and the condition
    # let SQLite walk every person by the phone index for each chunk (cost grew with the table).
    conditions: list[ColumnElement[bool]] = [Person.timezone.in_(list(slots.slots))]
    if ids is None:
        return [Enrollment.status == SubscriberStatus.ACTIVE, *conditions]
    # A chunk is a range of ids: keep SQLite on the primary key. Given the plain status test it
    # walked every active enrollment through the status index for each chunk (|| '' hides it).
    active = (
        Enrollment.status == SubscriberStatus.ACTIVE
        if slots.dialect == "postgresql"  # PostgreSQL weighs both indexes well by itself
        else type_coerce(Enrollment.status, String).concat("") == SubscriberStatus.ACTIVE.value
    )
    return [
        active,
        Enrollment.id >= ids[0],
        Enrollment.id < ids[1],
        *conditions,
    ]


def _live_tips(rows: Select[Any], which: ColumnElement[bool]) -> Select[Any]:
    """rows from each enrollment joined to the tips `which` selects that have a live text in
    her language."""
    return (
        rows.select_from(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .join(ContentKey, which)
        .join(
            ContentRevision,
            and_(
                ContentRevision.key == ContentKey.key,
                ContentRevision.language == Person.language,
                ContentRevision.status == RevisionStatus.LIVE,
            ),
        )
    )


def _tip_columns(slots: ZoneSlots, now: datetime) -> list[Any]:
    """An outbox row for the tip joined as ContentKey, under its own track, week and slot."""
    key = ContentKey
    return _outbox_columns(MessageKind.TIP, key.key, key.track, key.week, key.slot, slots, now)


def _plan_tips(session: Session, slots: ZoneSlots, now: datetime, ids: IdRange) -> int:
    track, week = slots.position()
    columns = _tip_columns(slots, now)
    this_slot = and_(
        ContentKey.kind == ContentKind.TIP,
        ContentKey.track == track,
        ContentKey.week == week,
        ContentKey.slot == slots.slot(),
    )
    eligible = _live_tips(select(*columns), this_slot).where(
        *eligible_where(slots, ids),
        Enrollment.activated_at < slots.when("instant"),
        # While newborn essentials are owed (planned just before), they take the regular tip's
        # place. A CASE, so the outbox is only looked at for women in the catch-up weeks.
        case(
            (
                newborn.in_catch_up(track, week),
                ~newborn.essentials_today(slots.when("instant")),
            ),
            else_=true(),
        ),
    )
    return insert_new(session, eligible)


def _plan_newborn(session: Session, slots: ZoneSlots, now: datetime, ids: IdRange) -> int:
    """The next newborn essentials she never got, two per send day (see delivery.newborn)."""
    track, week = slots.position()
    instant = slots.when("instant")
    columns = _tip_columns(slots, now)
    order = func.row_number().over(
        partition_by=Enrollment.id, order_by=(ContentKey.week, ContentKey.slot)
    )
    owed = (
        _live_tips(select(*columns, order.label("place")), newborn.is_essential(ContentKey))
        .where(
            *eligible_where(slots, ids),
            Enrollment.activated_at < instant,
            newborn.in_catch_up(track, week),
            ~newborn.given_before(ContentKey.key, instant),
        )
        .subquery()
    )
    names = [column.name for column in columns]
    rows = select(*[owed.c[name] for name in names]).where(owed.c.place <= newborn.PER_SEND_DAY)
    return insert_new(session, rows)


def _plan_notice(
    session: Session,
    slots: ZoneSlots,
    now: datetime,
    key: str,
    who: ColumnElement[bool],
    ids: IdRange,
) -> int:
    """Queue a one-off notice for the enrollments that `who` selects."""
    track, week = slots.position()
    columns = _outbox_columns(
        MessageKind.NOTICE, literal(key), track, week, literal(None, Integer), slots, now
    )
    eligible = (
        select(*columns)
        .select_from(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .join(
            ContentRevision,
            and_(
                ContentRevision.key == key,
                ContentRevision.language == Person.language,
                ContentRevision.status == RevisionStatus.LIVE,
            ),
        )
        .where(*eligible_where(slots, ids), who)
    )
    return insert_new(session, eligible)


def _plan_milestones(
    session: Session, slots: ZoneSlots, now: datetime, report: PlanReport, ids: IdRange
) -> None:
    """In the due date's week and again at 41+0 with no birth reported: "has the baby
    arrived?". After baby week 52: one closing message, and the enrollment is completed."""
    track, week = slots.position()
    due = and_(track == "pregnancy", week == DUE_WEEK)
    report.questions += _plan_notice(session, slots, now, DUE_QUESTION, due, ids)
    overdue = and_(track == "pregnancy", week == LAST_PREGNANCY_WEEK)
    report.questions += _plan_notice(session, slots, now, OVERDUE_QUESTION, overdue, ids)
    finished = and_(track == "baby", week > LAST_BABY_WEEK)
    report.completed += _plan_notice(session, slots, now, "reply.completion", finished, ids)
    done = list(
        session.scalars(
            select(Enrollment.id)
            .join(Person, Person.id == Enrollment.person_id)
            .where(*eligible_where(slots, ids), finished)
        )
    )
    if done:
        session.execute(
            update(Enrollment)
            .where(Enrollment.id.in_(done), Enrollment.status == SubscriberStatus.ACTIVE)
            .values(
                status=SubscriberStatus.COMPLETED,
                ended_at=now,
                end_reason="first_birthday",
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )


def insert_new(
    session: Session,
    rows: Select[Any],
    *,
    key: tuple[str, str] = ("enrollment_id", "content_key"),
    where: str = ONCE_PER_ENROLLMENT,
) -> int:
    """INSERT ... SELECT ... ON CONFLICT DO NOTHING into the outbox (on the partial unique index
    of key where); the number of new rows."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        module.insert(OutboundMessage)
        .from_select([c.name for c in rows.selected_columns], rows)
        .on_conflict_do_nothing(index_elements=list(key), index_where=text(where))
    )
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return int(result.rowcount)  # type: ignore[attr-defined]


def zones(session: Session) -> list[str]:
    """The distinct zones of active subscribers."""
    return list(
        session.scalars(
            select(Person.timezone)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.status == SubscriberStatus.ACTIVE)
            .distinct()
        )
    )


def plan(
    session: Session,
    *,
    now: datetime,
    rules: Rules,
    in_zones: list[str] | None = None,
    ids: IdRange = None,
    report: PlanReport | None = None,
) -> PlanReport:
    """Write every tip due at now to the outbox (at most one per enrollment and send day), for
    the enrollments whose id is in `ids` (all by default), every zone in one statement."""
    report = report or PlanReport()
    slots = {}
    for zone in zones(session) if in_zones is None else in_zones:
        slot = latest_slot(now, zone, rules)
        if slot is not None:
            slots[zone] = slot
    if not slots:
        return report
    report.zones = sorted(set(report.zones) | set(slots))
    zone_slots = ZoneSlots(slots, session.get_bind().dialect.name)
    report.tips += _plan_newborn(session, zone_slots, now, ids)  # first: tips look at them
    report.tips += _plan_tips(session, zone_slots, now, ids)
    _plan_milestones(session, zone_slots, now, report, ids)
    # Imported here: the questions' planner builds on this module's slots.
    from text4baby_ru.delivery.questions import plan_questions

    report.module_questions += plan_questions(session, zone_slots, now, ids)
    return report
