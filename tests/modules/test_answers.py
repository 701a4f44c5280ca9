"""Reading her text as an option: numbers and words in both languages, forgiving like commands."""

import pytest

from text4baby_ru.content.library import load
from text4baby_ru.modules.answers import choices, match
from text4baby_ru.modules.conversation import arm_for
from text4baby_ru.modules.definition import ArmDef, ModuleDef, modules_of
from text4baby_ru.modules.models import Step
from text4baby_ru.resources import data_dir


def _registration() -> ModuleDef:
    return next(m for m in modules_of(load(data_dir("message_library"))) if m.id == "registration")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2", "not_yet"),
        (" 2. ", "not_yet"),
        ("2)", "not_yet"),
        ("Нет", "not_yet"),
        ("ещё нет", "not_yet"),
        ("ЕЩЕ НЕТ", "not_yet"),
        ("ytn", "not_yet"),  # нет typed in the Latin layout
        ("not yet", "not_yet"),
        ("нет, пока не успела", "not_yet"),
        ("Не знаю где", "dont_know_where"),
        ("1", "done"),
        ("да", "done"),
        ("встла", "done"),  # one letter missing
        ("Yes", "done"),
        ("3", "dont_know_where"),
    ],
)
def test_her_answer_is_read_as_the_option_she_meant(text: str, value: str) -> None:
    option = match(text, _registration().options[Step.QUESTION])
    assert option is not None and option.value == value


@pytest.mark.parametrize("text", ["4", "привет", "", "1 или 2", "сколько стоит"])
def test_a_text_that_is_no_option_or_two_at_once_is_not_an_answer(text: str) -> None:
    assert match(text, _registration().options[Step.QUESTION]) is None


def test_the_choices_read_as_a_russian_or_english_reader_writes_them() -> None:
    options = _registration().options[Step.QUESTION]
    assert choices(options, "ru") == "1, 2 или 3"
    assert choices(options, "en") == "1, 2 or 3"


def test_arms_are_drawn_stably_and_evenly() -> None:
    arms = (ArmDef("reminder"), ArmDef("no_reminder", offer_reminder=False))
    drawn = [arm_for("seed-a", i, arms) for i in range(1, 4001)]
    assert drawn == [arm_for("seed-a", i, arms) for i in range(1, 4001)]  # the same each time
    share = drawn.count("reminder") / len(drawn)
    assert 0.46 < share < 0.54
    other_seed = [arm_for("seed-b", i, arms) for i in range(1, 4001)]
    assert other_seed != drawn  # the seed keys the draw: not guessable from the id alone


def test_every_module_of_the_library_has_its_texts_in_both_languages() -> None:
    from text4baby_ru.modules.definition import problems

    assert problems(load(data_dir("message_library"))) == []


def test_the_mood_check_in_never_diagnoses_and_not_good_gets_the_doctor_and_103_112() -> None:
    library = load(data_dir("message_library")).by_key()
    not_good = library["module.mood.answer.not_good"].texts
    assert all("103" in t and "112" in t for t in not_good.values())
    assert "врач" in not_good["ru"] and "doctor" in not_good["en"]
    for key in ("good", "mixed", "not_good"):
        texts = library[f"module.mood.answer.{key}"].texts
        assert "депресс" not in texts["ru"].lower() and "depress" not in texts["en"].lower()


def test_the_season_window_runs_over_the_new_year_when_it_should() -> None:
    from datetime import date

    from text4baby_ru.delivery.questions import in_window

    assert in_window(date(2026, 11, 30), (9, 12)) and not in_window(date(2027, 7, 5), (9, 12))
    assert in_window(date(2027, 1, 15), (10, 2)) and not in_window(date(2027, 3, 1), (10, 2))
    assert in_window(date(2027, 3, 1), None)
