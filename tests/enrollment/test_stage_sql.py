"""The stage rule is written twice, in Python and as SQL for the set-based planner: for any due
date, birth date, zone and instant they must put her on the same track and week."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, cast, literal, select
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.stage import day_literal, position_on, position_sql, raw_position

START = date(2026, 1, 1)
days = st.integers(min_value=-800, max_value=800).map(lambda n: START + timedelta(days=n))
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


def sql_position(session: Session, day: date, due: date | None, birth: date | None):  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name

    def column(value: date | None):  # type: ignore[no-untyped-def]
        # A bound date as each database stores the column: SQLite keeps ISO text.
        bound = literal(value, Date)
        return cast(bound, Date) if dialect == "postgresql" else bound

    track, week = position_sql(
        day_literal(day, dialect), dialect, due_date=column(due), birth_date=column(birth)
    )
    return session.execute(select(track, week)).one()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    due=st.none() | days,
    birth=st.none() | days,
    zone=st.sampled_from(sorted(available_timezones())),
    instant=instants,
)
@example(
    due=date(2026, 6, 1),
    birth=None,
    zone="Europe/Moscow",
    instant=datetime(2025, 8, 24, 21, tzinfo=UTC),
)
@example(
    due=None,
    birth=date(2026, 6, 1),
    zone="Asia/Kamchatka",
    instant=datetime(2026, 5, 31, 13, tzinfo=UTC),
)
@example(
    due=date(2026, 6, 1),
    birth=None,
    zone="Europe/Kaliningrad",
    instant=datetime(2026, 6, 15, tzinfo=UTC),
)
def test_the_sql_stage_rule_agrees_with_the_python_rule(
    session: Session, due: date | None, birth: date | None, zone: str, instant: datetime
) -> None:
    day = instant.astimezone(ZoneInfo(zone)).date()  # her local day, as the planner takes it
    expected = raw_position(day, due_date=due, birth_date=birth)
    track, week = sql_position(session, day, due, birth)
    if expected is None:
        assert track is None
        return
    assert (track, week) == (expected.track, expected.week)
    inside = position_on(day, due_date=due, birth_date=birth)
    assert inside is None or inside == expected
