import io
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import fixture_phone
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, OutboundMessage
from text4baby_ru.enrollment.models import (
    Channel,
    Enrollment,
    Person,
    SubscriberStatus,
    Suppression,
)
from text4baby_ru.intake.clinic import import_clinic_csv
from text4baby_ru.keys import keyed_hash, secret_key

QUIET = (time(21), time(9))
HEADER = "phone,language,due_date,birth_date,timezone,consent_at\n"


def run(sessions: sessionmaker[Session], clock: FixedClock, text: str):  # type: ignore[no-untyped-def]
    return import_clinic_csv(
        sessions,
        io.StringIO(text),
        now=clock.now(),
        configured_key="test-hash-key",
        countries=("RU",),
        quiet=QUIET,
    )


def test_good_rows_are_enrolled_bad_rows_reported_by_line_and_a_rerun_changes_nothing(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    a, b = fixture_phone(), fixture_phone()
    csv = (
        HEADER
        + "\n".join(
            [
                f"{a},ru,2027-05-01,,Asia/Yekaterinburg,2026-11-20T10:00:00+05:00",
                f"{b},en,,01.11.2026,,2026-11-20",
                "+7 916 000,ru,2027-05-01,,,2026-11-20",  # line 4: bad number
                f"{fixture_phone()},ru,2027-05-01,,,",  # line 5: no consent
                f"{fixture_phone()},ru,2028-05-01,,,2026-11-20",  # line 6: too far ahead
                f"{fixture_phone()},de,2027-05-01,,,2026-11-20",  # line 7: language
                f"{fixture_phone()},ru,2027-05-01,,Mars/Olympus,2026-11-20",  # line 8: zone
                "+77010000000,ru,2027-05-01,,,2026-11-20",  # line 9: Kazakhstan
            ]
        )
        + "\n"
    )
    report = run(sessions, clock, csv)
    assert report.enrolled == 2
    assert [line for line, _ in report.skipped] == [4, 5, 6, 7, 8, 9]
    assert "consent_at" in report.skipped[1][1] and "37 weeks" in report.skipped[2][1]
    again = run(sessions, clock, csv)
    assert again.enrolled == 0 and (3, "already enrolled") in again.skipped
    session.expire_all()
    rows = session.scalars(select(Enrollment).where(Enrollment.channel == Channel.IMPORT)).all()
    assert {e.status for e in rows} == {SubscriberStatus.ACTIVE} and len(rows) == 2
    assert {e.track for e in rows} == {"pregnancy", "baby"}


def test_each_woman_gets_one_welcome_outside_her_quiet_hours(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 30, 18, 0, tzinfo=UTC))  # 21:00 in Moscow: quiet
    phone = fixture_phone()
    csv = HEADER + f"{phone},ru,2027-05-01,,Europe/Moscow,2026-11-20\n"
    run(sessions, clock, csv)
    run(sessions, clock, csv)
    session.expire_all()
    welcomes = session.scalars(
        select(OutboundMessage)
        .join(Person)
        .where(Person.phone == phone, OutboundMessage.kind == MessageKind.NOTICE)
    ).all()
    assert len(welcomes) == 1
    assert welcomes[0].content_key == "reply.clinic_welcome"
    assert welcomes[0].due_at == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 09:00 Moscow
    assert "СТОП" in (welcomes[0].body or "")


def test_a_number_that_opted_out_is_never_re_enrolled_by_an_import(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    phone = fixture_phone()
    key = secret_key(session, configured="test-hash-key", now=clock.now())
    session.add(
        Suppression(phone_hash=keyed_hash(key, phone), reason="opted_out", created_at=clock.now())
    )
    session.commit()
    report = run(sessions, clock, HEADER + f"{phone},ru,2027-05-01,,,2026-11-20\n")
    assert report.enrolled == 0 and "opted out" in report.skipped[0][1]


def test_a_file_without_the_columns_is_refused_as_a_whole(
    sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    import pytest

    from text4baby_ru.enrollment.clinic_import import RowError

    with pytest.raises(RowError, match="missing columns"):
        run(sessions, clock, "phone,due\n+79160000001,2027-01-01\n")
