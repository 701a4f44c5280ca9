"""`subscribers import`: enroll a clinic's CSV and queue each woman's welcome text."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.delivery.notices import queue_notice
from text4baby_ru.enrollment.clinic_import import RowError, enroll, read_rows, validate
from text4baby_ru.enrollment.models import Person
from text4baby_ru.keys import secret_key

log = logging.getLogger(__name__)
CHUNK = 500  # rows per transaction: short write locks on SQLite


@dataclass
class ClinicReport:
    """What an import did, with each bad row's line number and reason."""

    enrolled: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the operator."""
        return f"{self.enrolled} enrolled, {len(self.skipped)} rows skipped"


def import_clinic_csv(
    sessions: sessionmaker[Session],
    handle: Iterable[bytes] | Iterable[str],
    *,
    now: datetime,
    configured_key: str | None,
    countries: tuple[str, ...],
    quiet: tuple[time, time],
    progress: Callable[[int], None] = lambda _: None,
) -> ClinicReport:
    """Enroll every good row (bad rows are reported and skipped); safe to run twice."""
    report = ClinicReport()
    rows = read_rows(handle)
    done = False
    while not done:
        with sessions() as session, session.begin():
            hash_key = secret_key(session, configured=configured_key, now=now)
            for _ in range(CHUNK):
                item = next(rows, None)
                if item is None:
                    done = True
                    break
                line, raw = item
                if isinstance(raw, RowError):  # a line that could not even be read
                    report.skipped.append((line, str(raw)))
                    continue
                try:
                    with session.begin_nested():
                        row = validate(raw, line, now=now, countries=countries)
                        enrollment = enroll(session, row, now=now, hash_key=hash_key)
                        person = session.get_one(Person, enrollment.person_id)
                        queue_notice(
                            session,
                            person=person,
                            enrollment=enrollment,
                            key="reply.clinic_welcome",
                            now=now,
                            quiet=quiet,
                        )
                except RowError as error:
                    report.skipped.append((line, str(error)))
                    continue
                report.enrolled += 1
                if (report.enrolled + len(report.skipped)) % 1000 == 0:
                    progress(report.enrolled + len(report.skipped))
    return report
