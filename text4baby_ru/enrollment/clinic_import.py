"""Enrolling women registered at a clinic from a CSV file, each row checked like an SMS."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.enrollment.dates import MAX_DUE_AHEAD
from text4baby_ru.enrollment.models import (
    Channel,
    Enrollment,
    Language,
    Person,
    SubscriberStatus,
    Suppression,
    Track,
)
from text4baby_ru.enrollment.queries import find_person
from text4baby_ru.enrollment.service import current_enrollment, local_today
from text4baby_ru.enrollment.stage import in_programme, position_on
from text4baby_ru.keys import keyed_hash
from text4baby_ru.kit.phones import BadPhoneNumber, normalize, region_of

COLUMNS = ("phone", "language", "due_date", "birth_date", "timezone", "consent_at")


class RowError(ValueError):
    """A row that cannot be enrolled; the message says why."""


@dataclass(frozen=True)
class ClinicRow:
    """A validated row."""

    line: int
    phone: str
    language: Language
    due_date: date | None
    birth_date: date | None
    timezone: str
    consent_at: datetime


def _date(value: str, column: str) -> date | None:
    if not value.strip():
        return None
    text = value.strip()
    try:
        if "." in text:
            day, month, year = text.split(".")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(f"{column} {value!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)") from None


def validate(
    raw: dict[str, str], line: int, *, now: datetime, countries: tuple[str, ...]
) -> ClinicRow:
    """A clean row, or RowError naming the problem."""
    try:
        phone = normalize(raw.get("phone") or "")
    except BadPhoneNumber:
        raise RowError("phone is not a valid number") from None
    if region_of(phone) not in countries:
        raise RowError(f"phone is from {region_of(phone)}, not one of {','.join(countries)}")
    language = (raw.get("language") or "ru").strip().lower()
    if language not in ("ru", "en"):
        raise RowError(f"language {language!r} must be ru or en")
    zone = (raw.get("timezone") or DEFAULT_ZONE).strip()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RowError(f"timezone {zone!r} is not an IANA zone such as {DEFAULT_ZONE}") from None
    consent_raw = (raw.get("consent_at") or "").strip()
    if not consent_raw:
        raise RowError("consent_at is required: when she agreed to the messages")
    try:
        consent = datetime.fromisoformat(consent_raw)
    except ValueError:
        raise RowError(f"consent_at {consent_raw!r} is not an ISO date or time") from None
    consent = consent if consent.tzinfo else consent.replace(tzinfo=ZoneInfo(zone))
    if consent > now:
        raise RowError("consent_at is in the future")
    due, born = (
        _date(raw.get("due_date") or "", "due_date"),
        _date(raw.get("birth_date") or "", "birth_date"),
    )
    today = local_today(now, zone)
    if due is None and born is None:
        raise RowError("due_date or birth_date is required")
    if born is not None and born > today:
        raise RowError("birth_date is in the future")
    if born is None and due is not None and (due - today) > MAX_DUE_AHEAD:
        raise RowError("due_date is more than 37 weeks ahead")
    if not in_programme(today, due_date=due, birth_date=born):
        raise RowError("the dates are past the baby's first birthday")
    return ClinicRow(line, phone, Language(language), due, born, zone, consent)


class Lines:
    """A file's lines as text, counted; a line that is not UTF-8 is noted (and read with
    replacement characters) rather than stopping the import."""

    def __init__(self, source: Iterable[bytes] | Iterable[str]) -> None:
        self._source = source
        self.number = 0
        self.undecodable: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for raw in self._source:
            self.number += 1
            if isinstance(raw, str):
                yield raw
                continue
            encoding = "utf-8-sig" if self.number == 1 else "utf-8"
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as error:
                byte = raw[error.start]
                self.undecodable[self.number] = (
                    f"the line is not UTF-8 (byte 0x{byte:02x} at position {error.start + 1}); "
                    "save the file as UTF-8"
                )
                yield raw.decode(encoding, "replace")


def read_rows(
    handle: Iterable[bytes] | Iterable[str],
) -> Iterator[tuple[int, dict[str, str] | RowError]]:
    """The CSV's rows with their line numbers, or the problem of a row that cannot be read
    (a byte that is not UTF-8, a field over the size limit); RowError on line 1 for a missing
    column or an unreadable header."""
    lines = Lines(handle)
    reader = csv.DictReader(lines)
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as error:
        raise RowError(f"line 1: {_problem(error)}") from None
    if 1 in lines.undecodable:
        raise RowError(f"line 1: {lines.undecodable[1]}")
    missing = [c for c in COLUMNS if c not in fieldnames]
    if missing:
        raise RowError(f"line 1: missing columns {', '.join(missing)}")
    while True:
        first = lines.number + 1
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield lines.number, RowError(_problem(error))
            continue
        bad = [n for n in range(first, lines.number + 1) if n in lines.undecodable]
        if bad:
            yield bad[0], RowError(lines.undecodable[bad[0]])
            continue
        yield reader.line_num, {k: (v or "") for k, v in raw.items() if k}


def _problem(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a field is longer than {csv.field_size_limit()} characters"
    return f"not readable as CSV ({error})"


def enroll(session: Session, row: ClinicRow, *, now: datetime, hash_key: bytes) -> Enrollment:
    """Enroll one clinic row as active; RowError if suppressed or already enrolled."""
    phone_hash = keyed_hash(hash_key, row.phone)
    if session.get(Suppression, phone_hash) is not None:
        raise RowError("this number opted out or was erased: never re-enrolled by an import")
    person = find_person(session, row.phone)
    if person is not None and current_enrollment(session, person.id) is not None:
        raise RowError("already enrolled")
    where = position_on(
        local_today(now, row.timezone), due_date=row.due_date, birth_date=row.birth_date
    )
    if where is None:
        raise RowError("the dates are past the baby's first birthday")
    if person is None:
        person = Person(
            phone=row.phone,
            phone_hash=phone_hash,
            language=row.language,
            timezone=row.timezone,
            created_at=now,
        )
        session.add(person)
        session.flush()
    enrollment = Enrollment(
        person_id=person.id,
        status=SubscriberStatus.ACTIVE,
        track=Track(where.track),
        due_date=row.due_date,
        birth_date=row.birth_date,
        channel=Channel.IMPORT,
        consent_at=row.consent_at,
        created_at=now,
        updated_at=now,
        activated_at=now,
    )
    session.add(enrollment)
    session.flush()
    return enrollment
