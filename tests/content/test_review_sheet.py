"""`text4baby-ru content review-sheet`: every tip and reply for the clinician's sign-off."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

from text4baby_ru.cli import app
from text4baby_ru.content import library
from text4baby_ru.kit.segments import count
from text4baby_ru.resources import data_dir

LIB = library.load(data_dir("message_library"))


def _sheet(*args: str) -> str:
    result = CliRunner().invoke(app, ["content", "review-sheet", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_csv_sheet_has_every_message_with_an_empty_verdict() -> None:
    rows = list(csv.DictReader(io.StringIO(_sheet("--format", "csv"))))
    assert [r["key"] for r in rows] == [
        *sorted(
            (m.key for m in LIB.tips()),
            key=lambda k: (not k.startswith("pregnancy"), int(k.split(".")[1][1:]), k),
        ),
        *(m.key for m in LIB.replies()),
    ]
    assert all(r["clinician_verdict"] == "" for r in rows)
    by_key = {r["key"]: r for r in rows}
    gbs = by_key["pregnancy.w34.1"]
    assert (gbs["track"], gbs["week"], gbs["topic"]) == ("pregnancy", "34", "tests")
    assert gbs["event_window"] == "gbs-swab: 35–37"
    assert gbs["source"].startswith("MZ-NB-2023: Минздрав России")
    assert "стрептококк" in gbs["text_ru"] and "strep" in gbs["text_en"]
    assert gbs["segments_ru"] == str(count(gbs["text_ru"]).segments)
    assert gbs["segments_en"] == str(count(gbs["text_en"]).segments)
    # A reply is counted with a real date: the confirmation is 2 SMS, never more.
    assert by_key["reply.confirm_pregnancy"]["segments_ru"] == "2"
    assert by_key["reply.confirm_pregnancy"]["track"] == "reply"


def test_the_markdown_sheet_lists_the_facts_awaiting_confirmation_then_the_table(
    tmp_path: Path,
) -> None:
    target = tmp_path / "sheet.md"
    assert "wrote" in _sheet("--format", "md", "--output", str(target))
    page = target.read_text("utf-8")
    assert page.index("ожидающие подтверждения") < page.index("| Ключ |")
    assert all(note in page for note in LIB.review_notes)
    table = [line for line in page.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + len(LIB.messages)
    assert all(line.count(" | ") == 10 for line in table)  # no text breaks a column


def test_a_folder_that_is_not_a_library_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["content", "review-sheet", str(tmp_path)])
    assert result.exit_code == 1
    assert "not a message library" in result.output
