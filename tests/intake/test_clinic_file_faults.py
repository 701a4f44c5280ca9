"""A clinic file with a huge field or a byte that is not UTF-8: that line is reported by number
and skipped, every good row is enrolled, and no traceback reaches the operator."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import FixedClock
from text4baby_ru.enrollment.models import Channel, Enrollment
from text4baby_ru.intake.clinic import import_clinic_csv

HEADER = b"phone,language,due_date,birth_date,timezone,consent_at\n"


def _file(first: int) -> bytes:
    """Good rows on lines 2, 4 and 6 (numbers first, first + 1, ...); line 3 holds a field of
    200,000 characters, line 5 a Windows-1251 word."""
    good = [f"+7916000{first + i:04d},ru,2027-05-01,,,2026-11-20\n".encode() for i in range(3)]
    huge = f"+7916000{first + 3:04d},ru,2027-05-01,,{'x' * 200_000},2026-11-20\n".encode()
    cp1251 = f"+7916000{first + 4:04d},ru,2027-05-01,,Москва,2026-11-20\n".encode("cp1251")
    return HEADER + good[0] + huge + good[1] + cp1251 + good[2]


def test_a_huge_field_and_a_non_utf8_byte_skip_only_their_lines(
    session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    report = import_clinic_csv(
        sessions,
        io.BytesIO(_file(7100)),
        now=clock.now(),
        configured_key="test-hash-key",
        countries=("RU",),
        quiet=(time(21), time(9)),
    )
    assert report.enrolled == 3
    assert [line for line, _ in report.skipped] == [3, 5]
    assert "longer than 131072 characters" in report.skipped[0][1]
    assert "not UTF-8 (byte 0xcc" in report.skipped[1][1]
    imported = select(func.count()).where(Enrollment.channel == Channel.IMPORT)
    assert session.scalar(imported) == 3


def test_the_command_reports_the_lines_and_keeps_the_good_rows(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
        "T4B_DATABASE_URL": f"sqlite:///{tmp_path / 'clinic.db'}"
    }
    cli = [sys.executable, "-m", "text4baby_ru"]
    for step in (["db", "upgrade"], ["content", "import"]):
        subprocess.run([*cli, *step], env=env, check=True, capture_output=True)
    path = tmp_path / "clinic.csv"
    path.write_bytes(_file(7200))
    result = subprocess.run(
        [*cli, "subscribers", "import", str(path)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{path}:3: skipped: a field is longer than 131072 characters" in result.stderr
    assert f"{path}:5: skipped: the line is not UTF-8" in result.stderr
    assert "3 enrolled, 2 rows skipped" in result.stdout
