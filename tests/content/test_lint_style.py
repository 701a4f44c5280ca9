"""The lint rules of how the library reads: the week she is told, one alphabet per word, en dash
ranges, one name for one thing, room to edit, and tips that repeat another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from text4baby_ru.content import library, lint, review
from text4baby_ru.content.lint_style import overlap, repeats, typography
from text4baby_ru.content.models import ContentKey, ContentKind
from text4baby_ru.errors import Invalid
from text4baby_ru.resources import data_dir

SHIPPED = data_dir("message_library")
WEEK_RU = '{{ week }} {{ week | plural("неделя", "недели", "недель") }}'


@pytest.fixture(scope="module")
def shipped() -> library.Library:
    return library.load(SHIPPED)


def _kinds(text: str, language: str = "ru", *, tip: bool = True) -> set[str]:
    return {kind for _, kind, _ in typography(text, language=language, source=text, tip=tip)}


@pytest.mark.parametrize(
    "source", ["{{ week }}-я неделя", "на {{ week }}-й неделе", "{{ week }} - ю неделю"]
)
def test_an_ordinal_after_the_week_variable_is_refused(source: str) -> None:
    found = typography("25-я неделя", language="ru", source=source, tip=True)
    assert [(s, k) for s, k, _ in found] == [("error", "week-wording")]


def test_completed_weeks_after_the_variable_pass() -> None:
    assert _kinds("срок 25 недель", "ru") == set()
    assert not typography("срок 25 недель", language="ru", source=f"срок {WEEK_RU}", tip=True)


def test_latin_b_in_hepatitis_is_refused_and_cyrillic_passes() -> None:
    assert _kinds("Прививка от гепатита B в роддоме") == {"typography"}
    assert _kinds("Анализы на гепатиты В и C") == {"typography"}  # Latin C after Cyrillic В
    assert _kinds("Прививка от гепатита В и Hib в роддоме") == set()


def test_a_hyphen_range_in_russian_is_refused_but_a_phone_number_is_not() -> None:
    assert _kinds("Через 1-2 недели") == {"typography"}
    assert _kinds("на 3-7-й день") == {"typography"}
    assert _kinds("Через 1–2 недели, на 3–7-й день") == set()
    assert _kinds("Помощь: 8-800-200-0-200") == set()


def test_one_word_for_the_cot_and_one_name_for_the_helpline() -> None:
    assert _kinds("Put your baby in the crib.", "en") == {"typography"}
    assert _kinds("Call the Healthy Russia line.", "en") == {"typography"}
    assert _kinds("Put your baby in the cot. Zdorovaya Rossiya helpline.", "en") == set()


def test_a_single_part_english_tip_over_150_characters_is_a_warning() -> None:
    assert _kinds("a" * 151, "en") == {"room"}
    assert _kinds("a" * 150, "en") == set()
    assert _kinds("a" * 161, "en") == set()  # two parts anyway: the budget rule speaks
    assert _kinds("a" * 155, "en", tip=False) == set()  # replies are not edited that way


def test_word_overlap_finds_a_reworded_tip_and_spares_a_different_one() -> None:
    one = "Эти сообщения не заменяют врача. Записывайте вопросы в телефон и берите список на приём."
    again = (
        "Эти сообщения не заменяют врача. Записывайте вопросы в телефон и задавайте их на приёме."
    )
    other = "Купите автокресло для новорождённого заранее: оно нужно уже при выписке."
    assert overlap(one, again) >= 0.5 > overlap(one, other)


def test_the_shipped_library_has_no_repetition_typography_or_wording_findings(
    shipped: library.Library,
) -> None:
    found = [
        p
        for p in lint.lint(shipped)
        if p.kind in {"repetition", "typography", "week-wording", "room"}
    ]
    assert found == [], lint.report(found)
    assert repeats(shipped.tips()) == []


def test_a_tip_copied_into_another_week_is_a_repetition_warning(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(SHIPPED, root)
    path = root / "pregnancy" / "weeks-04-16.yaml"
    lib = library.load(SHIPPED).by_key()
    original, other = lib["pregnancy.w08.3"].texts["ru"], lib["pregnancy.w12.2"].texts["ru"]
    text = path.read_text("utf-8")
    assert other in text
    path.write_text(text.replace(other, original.replace("берите", "носите")), "utf-8")
    warnings = [p for p in lint.lint(library.load(root)) if p.kind == "repetition"]
    assert [(p.severity, p.where) for p in warnings] == [("warning", "pregnancy.w08.3")]
    assert "pregnancy.w12.2" in warnings[0].detail


def test_replies_are_measured_with_a_real_date_not_an_empty_one(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(SHIPPED, root)
    path = root / "replies.yaml"
    text = path.read_text("utf-8")
    old = library.load(SHIPPED).by_key()["reply.date_changed"].texts["ru"]
    # 126 letters and the date: 136 characters she gets, 3 SMS; without the date it was 2.
    path.write_text(text.replace(old, "Дата родов: {{ due_date }}. " + "я" * 112), "utf-8")
    budget = [p for p in lint.lint(library.load(root)) if "reply.date_changed [ru]" in p.where]
    assert [p.detail for p in budget] == ["136 chars = 3 SMS (aim 2)"]


def test_the_editor_measures_a_reply_with_a_real_date_and_refuses_an_ordinal_week() -> None:
    reply = ContentKey(key="reply.date_changed", kind=ContentKind.REPLY)
    warnings = review.validate_text(reply, "ru", "Дата родов: {{ due_date }}. " + "я" * 112)
    assert warnings == ["136 chars = 3 SMS (aim 2)"]
    with pytest.raises(Invalid, match="ordinal after the week"):
        review.validate_text(reply, "ru", "У вас {{ week }}-я неделя, роды {{ due_date }}.")
    tip = ContentKey(key="pregnancy.w20.1", kind=ContentKind.TIP, track="pregnancy", week=20)
    assert review.validate_text(tip, "en", "a" * 151) == [
        "151 chars in one SMS: keep at most 150 so an editor has room to add a word"
    ]
