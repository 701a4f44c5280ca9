"""The words the pages show for codes and for the API's reasons, in both languages."""

from __future__ import annotations

import re

import pytest

from text4baby_ru.admin.pages.labels import CODES, REASONS, for_js, label
from text4baby_ru.delivery.models import AlertStatus, MessageStatus
from text4baby_ru.enrollment.models import SubscriberStatus


def _fill(words: str, groups: tuple[str | None, ...]) -> str:
    return re.sub(r"\$(\d)", lambda m: groups[int(m.group(1))] or "", words)


def _reason(text: str, language: str) -> str | None:
    """What format.js does with the table: the first pattern that matches, $n filled in."""
    for pattern, words in for_js(language)["reasons"]:
        found = re.search(pattern, text)
        if found:
            return _fill(words, (found.group(0), *found.groups()))
    return None


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("subscriber_status", SubscriberStatus),
        ("message_status", MessageStatus),
        ("alert_status", AlertStatus),
    ],
)
def test_every_status_has_a_russian_and_an_english_word(kind: str, codes: type) -> None:
    for code in codes:
        assert re.search("[а-я]", label(kind, code.value, "ru")), code
        assert not re.search("[а-яА-Я]", label(kind, code.value, "en")), code


def test_an_unknown_code_shows_itself_and_none_a_dash() -> None:
    assert label("topic", "new-topic", "ru") == "new-topic"
    assert label("topic", None, "ru") == "—"
    assert label("topic", "clinic-visits", "ru") == "визиты к врачу"


@pytest.mark.parametrize(
    ("detail", "russian"),
    [
        ("no subscriber with this number", "Абонентки с таким номером нет."),
        ("due_date is more than 37 weeks ahead", "Дата родов больше чем через 37 недель."),
        ("191 chars = 3 SMS (aim 2)", "Длинновато: 3 SMS, лучше не больше 2."),
        ("201 chars = 4 SMS (max 3)", "Слишком длинно: 4 SMS, можно не больше 3."),
        (
            "a second person must publish a draft: you wrote this one",
            "Опубликовать черновик должен другой человек: этот написали вы.",
        ),
        ("Input should be a valid datetime", "дата и время не распознаны"),
        ("Input should be less than or equal to 52", "не больше 52"),
    ],
)
def test_the_api_reasons_read_in_russian(detail: str, russian: str) -> None:
    assert _reason(detail, "ru") == russian
    assert not re.search("[а-яА-Я]", _reason(detail, "en") or "")


def test_every_reason_pattern_is_one_both_languages_read() -> None:
    for pattern, ru, en in REASONS:
        re.compile(pattern)  # JavaScript reads the same text: no Python-only syntax
        assert "(?P" not in pattern and "(?<" not in pattern
        assert re.search("[а-яА-Я]", ru) and not re.search("[а-яА-Я]", en)
    assert set(CODES) >= {"subscriber_status", "message_status", "topic", "error", "role"}


def test_every_topic_of_the_shipped_library_has_a_word_in_both_languages() -> None:
    from text4baby_ru.admin.pages.labels import CODES
    from text4baby_ru.content.library import load
    from text4baby_ru.resources import data_dir

    shipped = load(data_dir("message_library"))
    topics = {tip.topic for tip in shipped.tips() if tip.topic}
    assert topics and topics <= set(CODES["topic"]), topics - set(CODES["topic"])
