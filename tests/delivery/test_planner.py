from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_enrollment, make_person
from tests.metrics.builders import make_message
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.planner import Rules, latest_slot, plan
from text4baby_ru.enrollment.models import Enrollment, Person, SubscriberStatus

RULES = Rules(weekdays=(0, 2, 4), hour=10, quiet=(time(21), time(9)))
MONDAY_1005_MSK = datetime(2026, 11, 30, 7, 5, tzinfo=UTC)
T_ENROLLED = datetime(2026, 11, 20, tzinfo=UTC)


def tips(session: Session) -> list[OutboundMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def enrol(session: Session, zone: str = "Europe/Moscow", **overrides: object):  # type: ignore[no-untyped-def]
    person = make_person(session, timezone=zone, language=overrides.pop("language", "ru"))
    values = {"due_date": date(2027, 3, 15), "activated_at": T_ENROLLED} | overrides
    return make_enrollment(session, person, **values)


def test_monday_ten_oclock_gives_each_woman_the_tip_for_her_week_and_slot_one(
    session: Session,
) -> None:
    ru = enrol(session)  # week 25 on 30.11.2026
    en = enrol(session, language="en", due_date=None, birth_date=date(2026, 10, 1), track="baby")
    report = plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert report.tips == 2
    by_enrollment = {t.enrollment_id: t for t in tips(session)}
    assert (
        by_enrollment[ru.id].content_key == "pregnancy.w25.1"
        and by_enrollment[ru.id].language == "ru"
    )
    assert (
        by_enrollment[en.id].content_key == "baby.w08.1" and by_enrollment[en.id].language == "en"
    )
    row = by_enrollment[ru.id]
    assert row.status is MessageStatus.QUEUED and row.revision_id is not None and row.body is None
    assert row.due_at == MONDAY_1005_MSK  # 10:00 has passed: due now
    assert row.expires_at == MONDAY_1005_MSK + timedelta(hours=4)  # the deadline, before 21:00


@pytest.mark.parametrize(
    ("hour", "deadline", "expires_msk"),
    [
        (10, timedelta(hours=4), time(14)),  # the deadline: four hours after its time
        (19, timedelta(hours=4), time(21)),  # her quiet hours begin first: never in them
        (10, timedelta(hours=24), time(21)),
    ],
)
def test_a_tip_expires_at_its_deadline_or_when_her_quiet_hours_begin_whichever_is_first(
    hour: int, deadline: timedelta, expires_msk: time
) -> None:
    rules = Rules(weekdays=(0, 2, 4), hour=hour, quiet=(time(21), time(9)), deadline=deadline)
    msk = ZoneInfo("Europe/Moscow")
    slot = latest_slot(datetime(2026, 11, 30, hour, tzinfo=msk), "Europe/Moscow", rules)
    assert slot is not None
    assert slot.expires_at == datetime.combine(date(2026, 11, 30), expires_msk, msk)


def test_a_second_pass_writes_nothing(session: Session) -> None:
    enrol(session)
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    again = plan(session, now=MONDAY_1005_MSK + timedelta(minutes=30), rules=RULES)
    assert again.tips == 0 and len(tips(session)) == 1


def test_each_zone_waits_for_its_own_ten_oclock(session: Session) -> None:
    enrol(session, zone="Europe/Kaliningrad")  # 09:05 there: not yet
    enrol(session, zone="Asia/Vladivostok")  # 17:05 there: due
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert [t.week for t in tips(session)] == [25]
    plan(session, now=MONDAY_1005_MSK + timedelta(hours=1), rules=RULES)
    assert len(tips(session)) == 2


def test_only_active_enrollments_get_tips(session: Session) -> None:
    for status in SubscriberStatus:
        enrol(session, status=status)
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert len(tips(session)) == 1


def test_nobody_gets_a_tip_for_a_send_time_before_she_enrolled(session: Session) -> None:
    enrol(session, activated_at=MONDAY_1005_MSK - timedelta(minutes=1))
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert tips(session) == []


def test_after_downtime_only_the_latest_missed_tip_goes_and_none_older_than_the_limit(
    session: Session,
) -> None:
    enrol(session)
    wednesday_evening = datetime(2026, 12, 2, 19, 0, tzinfo=UTC)  # 22:00 Moscow, quiet hours
    plan(session, now=wednesday_evening, rules=RULES)
    [row] = tips(session)
    assert row.content_key == "pregnancy.w25.2"  # Wednesday's, not Monday's
    assert row.due_at == datetime(2026, 12, 3, 6, 0, tzinfo=UTC)  # next morning, 09:00
    skip = Rules(weekdays=(0, 2, 4), hour=10, quiet=(time(21), time(9)), catchup="skip")
    enrol(session)
    assert plan(session, now=wednesday_evening, rules=skip).tips == 0
    late = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # Sunday: Friday's tip is 2 days 5 h old
    assert latest_slot(late, "Europe/Moscow", RULES) is None


@pytest.mark.parametrize(
    ("due", "key"),
    [
        (date(2027, 8, 2), "pregnancy.w05.1"),  # early pregnancy: 35 days since due - 280
        (date(2026, 11, 23), "pregnancy.w41.1"),  # 41+0 on the send day
        (date(2026, 11, 16), "baby.w02.1"),  # 42+0 without a birth: baby track from the due date
    ],
)
def test_week_boundaries_follow_the_stage_rule(session: Session, due: date, key: str) -> None:
    enrol(session, due_date=due, activated_at=datetime(2026, 11, 27, tzinfo=UTC))
    given_before = datetime(2026, 11, 27, tzinfo=UTC)  # her newborn essentials already went
    for n in range(6):
        week, slot = divmod(n, 3)
        given(session, f"baby.w{week:02}.{slot + 1}", due_at=given_before)
    session.flush()
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    planned = [t for t in tips(session) if t.created_at == MONDAY_1005_MSK]
    assert [t.content_key for t in planned if t.kind is MessageKind.TIP] == [key]


def given(session: Session, key: str, *, due_at: datetime) -> None:
    """A tip row as an earlier send day left it (sent), for the newest enrollment."""
    enrollment = session.scalars(select(Enrollment).order_by(Enrollment.id.desc())).first()
    assert enrollment is not None
    make_message(session, enrollment, status=MessageStatus.SENT, created_at=due_at, key=key)


def send_days(first: datetime, count: int) -> list[datetime]:
    """The next `count` Monday/Wednesday/Friday 10:05 Moscow instants from first on."""
    days, day = [], first
    while len(days) < count:
        if day.weekday() in RULES.weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def test_a_woman_who_never_answers_is_asked_at_her_due_date_and_at_41_weeks_then_gets_the_newborn_essentials_first(
    session: Session,
) -> None:
    due = date(2026, 12, 2)  # a Wednesday: 40+0 on a send day; she never texts back
    enrol(session, due_date=due)
    by_day: list[list[str]] = []
    for instant in send_days(MONDAY_1005_MSK, 3 * 6):  # 30.11.2026 (39+5) to baby week 3
        plan(session, now=instant, rules=RULES)
        again = plan(session, now=instant + timedelta(minutes=40), rules=RULES)
        assert again.tips == again.questions == 0  # each send day is planned once
        by_day.append([t.content_key or "" for t in tips(session) if t.created_at == instant])
    assert by_day[:2] == [["pregnancy.w39.1"], ["pregnancy.w40.2", "reply.baby_arrived_due"]]
    assert by_day[4] == ["pregnancy.w41.2", "reply.baby_arrived_question"]
    # 42+0 is Wednesday 16.12 (send day 8): the automatic switch starts at baby week 2, and the
    # week 0-1 essentials come first, two a send day, in order; then the regular track resumes.
    assert by_day[7:11] == [
        ["baby.w00.1", "baby.w00.2"],
        ["baby.w00.3", "baby.w01.1"],
        ["baby.w01.2", "baby.w01.3"],
        ["baby.w03.2"],
    ]
    keys = [key for day in by_day for key in day]
    assert len(keys) == len(set(keys))  # nothing twice
    assert not any(key.startswith("baby.w02.") for key in keys)


def test_a_birth_reported_late_still_brings_the_essentials_she_missed(session: Session) -> None:
    # Born 10.11.2026, reported on 24.11 at baby week 2: she got none of weeks 0-1.
    enrol(
        session,
        due_date=None,
        birth_date=date(2026, 11, 10),
        track="baby",
        activated_at=datetime(2026, 11, 24, tzinfo=UTC),
    )
    given(session, "baby.w00.1", due_at=datetime(2026, 11, 11, 7, tzinfo=UTC))
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert [t.content_key for t in tips(session) if t.created_at == MONDAY_1005_MSK] == [
        "baby.w00.2",
        "baby.w00.3",
    ]


def test_a_mother_who_joins_after_six_weeks_gets_the_regular_tip_only(
    session: Session,
) -> None:
    enrol(session, due_date=None, birth_date=date(2026, 10, 12), track="baby")  # week 7
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    assert [t.content_key for t in tips(session)] == ["baby.w07.1"]


def test_at_41_weeks_she_is_asked_once_whether_the_baby_has_arrived(session: Session) -> None:
    enrol(session, due_date=date(2026, 11, 23))  # 41+0 on Monday
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    plan(session, now=MONDAY_1005_MSK + timedelta(days=2), rules=RULES)  # Wednesday
    questions = [t for t in tips(session) if t.content_key == "reply.baby_arrived_question"]
    assert len(questions) == 1 and questions[0].kind is MessageKind.NOTICE


def test_after_the_first_birthday_one_closing_message_and_the_enrollment_is_completed(
    session: Session,
) -> None:
    done = enrol(session, due_date=None, birth_date=date(2025, 11, 20), track="baby")  # 53 weeks
    still = enrol(session, due_date=None, birth_date=date(2025, 12, 5), track="baby")  # week 51
    plan(session, now=MONDAY_1005_MSK, rules=RULES)
    plan(session, now=MONDAY_1005_MSK + timedelta(days=2), rules=RULES)
    rows = tips(session)
    assert [t.content_key for t in rows if t.enrollment_id == done.id] == ["reply.completion"]
    assert {t.content_key for t in rows if t.enrollment_id == still.id} == {
        "baby.w51.1",
        "baby.w51.2",
    }
    session.refresh(done)
    assert done.status is SubscriberStatus.COMPLETED and done.end_reason == "first_birthday"


def test_planning_in_chunks_of_enrollments_writes_the_same_rows(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    from text4baby_ru.delivery.service import plan_once

    for i in range(7):
        enrol(session, zone=("Europe/Moscow", "Asia/Omsk")[i % 2])
    session.commit()
    report = plan_once(sessions, now=MONDAY_1005_MSK, rules=RULES, chunk=2)
    assert report is not None and report.tips == 7
    assert len({t.enrollment_id for t in tips(session)}) == 7
    assert plan_once(sessions, now=MONDAY_1005_MSK, rules=RULES, chunk=3).tips == 0  # type: ignore[union-attr]


def test_one_planner_at_a_time_on_postgresql(
    session: Session, sessions: sessionmaker[Session], engine: Engine
) -> None:
    from text4baby_ru.delivery.service import PLANNER_LOCK, plan_once

    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's advisory lock; SQLite runs one scheduler per database")
    enrol(session)
    session.commit()
    with engine.connect() as other:  # another worker in the middle of its pass
        other.scalar(select(func.pg_advisory_lock(PLANNER_LOCK)))
        assert plan_once(sessions, now=MONDAY_1005_MSK, rules=RULES) is None
        other.scalar(select(func.pg_advisory_unlock(PLANNER_LOCK)))
    report = plan_once(sessions, now=MONDAY_1005_MSK, rules=RULES)
    assert report is not None and report.tips == 1


def test_a_zone_that_changed_its_offset_still_gets_ten_oclock_local() -> None:
    # Volgograd moved from UTC+4 to UTC+3 on 27 December 2020 (tzdata decides, not us).
    before = latest_slot(datetime(2020, 12, 21, 7, 0, tzinfo=UTC), "Europe/Volgograd", RULES)
    after = latest_slot(datetime(2020, 12, 28, 8, 0, tzinfo=UTC), "Europe/Volgograd", RULES)
    assert before is not None and before.instant == datetime(2020, 12, 21, 6, 0, tzinfo=UTC)
    assert after is not None and after.instant == datetime(2020, 12, 28, 7, 0, tzinfo=UTC)


def test_a_clock_jumping_back_and_forth_never_plans_a_tip_twice(session: Session) -> None:
    enrol(session)
    for shift in (0, -2, 1, -1, 3, 0):  # hours around Monday 10:05 in Moscow
        plan(session, now=MONDAY_1005_MSK + timedelta(hours=shift), rules=RULES)
    assert [t.content_key for t in tips(session)] == ["pregnancy.w25.1"]


def test_no_tip_is_due_inside_quiet_hours_whatever_the_pass_time(session: Session) -> None:
    from zoneinfo import ZoneInfo

    for zone in ("Europe/Kaliningrad", "Europe/Moscow", "Asia/Omsk", "Asia/Kamchatka"):
        enrol(session, zone=zone)
    for hour in range(0, 72, 3):  # passes every three hours from Monday 00:00 UTC
        plan(session, now=datetime(2026, 11, 30, tzinfo=UTC) + timedelta(hours=hour), rules=RULES)
    rows = tips(session)
    assert rows
    people = {p.id: p.timezone for p in session.scalars(select(Person))}
    for row in rows:
        local = row.due_at.astimezone(ZoneInfo(people[row.person_id]))
        assert 9 <= local.hour < 21, (people[row.person_id], local)
        assert row.expires_at is not None
        quiet = local.replace(hour=21, minute=0, second=0)
        # Out by her quiet hours, and within the deadline of the time it became due.
        assert row.expires_at == min(quiet, row.due_at + RULES.deadline)
