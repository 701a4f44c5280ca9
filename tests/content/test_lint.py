import itertools
import shutil
from pathlib import Path

import pytest

from text4baby_ru.content import library, lint
from text4baby_ru.resources import data_dir

SHIPPED = data_dir("message_library")


@pytest.fixture(scope="module")
def shipped() -> library.Library:
    return library.load(SHIPPED)


def test_the_shipped_library_has_no_errors(shipped: library.Library) -> None:
    errors = [p for p in lint.lint(shipped) if p.severity == "error"]
    assert errors == [], lint.report(errors)


def test_the_shipped_library_covers_every_week_and_slot_in_both_languages(
    shipped: library.Library,
) -> None:
    tips = {(m.track, m.week, m.slot): m for m in shipped.tips()}
    assert len(tips) == (41 - 4 + 1) * 3 + (52 + 1) * 3
    assert all(set(m.texts) == {"ru", "en"} for m in tips.values())


def test_every_event_message_comes_before_or_inside_its_window(shipped: library.Library) -> None:
    windows = [m for m in shipped.tips() if m.window]
    assert windows
    assert all((m.week or 0) <= m.window.last for m in windows if m.window)


def test_danger_signs_recur_with_russian_emergency_numbers(shipped: library.Library) -> None:
    for track in ("pregnancy", "baby"):
        weeks = sorted(
            {m.week for m in shipped.tips() if m.track == track and "103" in m.texts["ru"]}
        )
        assert len(weeks) >= 8, f"{track}: 103 named in only {weeks}"
        assert max(b - a for a, b in itertools.pairwise(weeks)) <= 6
    assert not any("911" in t for m in shipped.messages for t in m.texts.values())


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(SHIPPED, target)
    path = target / "pregnancy" / "weeks-17-29.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def _kinds(root: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in lint.lint(library.load(root)):
        if p.severity == "error":
            found.setdefault(p.kind, []).append(f"{p.where}: {p.detail}")
    return found


def test_a_missing_slot_is_a_coverage_error(tmp_path: Path) -> None:
    root = _broken_copy(
        tmp_path,
        "key: pregnancy.w20.2\n    week: 20\n    slot: 2",
        "key: pregnancy.w20.4\n    week: 20\n    slot: 4",
    )
    kinds = _kinds(root)
    assert any("pregnancy.w20.2" in p for p in kinds["coverage"])


def test_a_curly_quote_in_english_is_flagged(tmp_path: Path) -> None:
    path = SHIPPED / "pregnancy" / "weeks-17-29.yaml"
    english = next(
        line
        for line in path.read_text("utf-8").splitlines()
        if line.startswith("      ") and " the " in line
    )
    root = _broken_copy(tmp_path, english, english.replace(" the ", " “the” ", 1))
    assert any("UCS-2" in p for p in _kinds(root)["characters"])


def test_a_latin_letter_inside_a_russian_word_is_flagged(tmp_path: Path) -> None:
    path = SHIPPED / "pregnancy" / "weeks-17-29.yaml"
    russian = next(line for line in path.read_text("utf-8").splitlines() if " врач" in line)
    root = _broken_copy(tmp_path, russian, russian.replace(" врач", " вpач", 1))  # Latin p
    assert any("вpач" in p for p in _kinds(root)["script"])


def test_an_unknown_source_and_a_late_event_message_are_errors(tmp_path: Path) -> None:
    root = _broken_copy(
        tmp_path,
        "window: {event: glucose-test, from: 24, to: 28}",
        "window: {event: glucose-test, from: 10, to: 12}",
    )
    assert _kinds(root)["window"]


def test_a_too_long_russian_text_is_a_budget_error(tmp_path: Path) -> None:
    path = SHIPPED / "pregnancy" / "weeks-17-29.yaml"
    russian = next(line for line in path.read_text("utf-8").splitlines() if " врач" in line)
    root = _broken_copy(tmp_path, russian, russian + " Это очень важно." * 8)
    assert any("max 3" in p for p in _kinds(root)["budget"])
