"""What the shipped library tells her, read as she gets it: the week in both languages, a
newborn's first week, the joining texts within 2 SMS, and the safety and milestone facts of
issue #15, each with its source listed."""

from __future__ import annotations

import re
from datetime import date

import pytest

from text4baby_ru.content import library
from text4baby_ru.content.reply_keys import REPLY_SAMPLES
from text4baby_ru.content.templates import Stage, render
from text4baby_ru.kit.segments import count
from text4baby_ru.resources import data_dir

DUE, BORN = date(2027, 3, 15), date(2026, 12, 15)
WEEK_REPLIES = [
    "reply.confirm_pregnancy",
    "reply.restart",
    "reply.date_changed",
    "reply.already_pregnancy",
    "reply.clinic_welcome",
    "reply.web_confirm_pregnancy",
]
BABY_REPLIES = [
    "reply.confirm_baby",
    "reply.birth_recorded",
    "reply.restart_baby",
    "reply.already_baby",
    "reply.web_confirm_baby",
]


@pytest.fixture(scope="module")
def lib() -> library.Library:
    return library.load(data_dir("message_library"))


def text(lib: library.Library, key: str, language: str, track: str, week: int) -> str:
    stage = Stage(track, week, due_date=DUE, birth_date=BORN)
    return render(lib.by_key()[key].texts[language], stage.context() | REPLY_SAMPLES[language])


@pytest.mark.parametrize("key", [*WEEK_REPLIES, "pregnancy.w32.1"])
def test_at_25_weeks_both_languages_say_25_completed_weeks(lib: library.Library, key: str) -> None:
    week = 25
    ru = text(lib, key, "ru", "pregnancy", week)
    en = text(lib, key, "en", "pregnancy", week)
    assert f"{week} недель" in ru and not re.search(r"\d+-[яйю] недел", ru), ru
    assert f"{week} weeks" in en, en
    assert "21 неделя" in text(lib, key, "ru", "pregnancy", 21)


@pytest.mark.parametrize("key", BABY_REPLIES)
def test_a_baby_in_her_first_week_is_less_than_a_week_old(lib: library.Library, key: str) -> None:
    assert "меньше недели" in text(lib, key, "ru", "baby", 0)
    assert "less than a week old" in text(lib, key, "en", "baby", 0)
    assert "0 нед" not in text(lib, key, "ru", "baby", 0)
    assert "1 неделя" in text(lib, key, "ru", "baby", 1)
    assert "1 week old" in text(lib, key, "en", "baby", 1)


@pytest.mark.parametrize("confirm", ["reply.confirm_pregnancy", "reply.confirm_baby"])
@pytest.mark.parametrize("language", ["ru", "en"])
def test_joining_costs_at_most_2_sms_each_with_consent_and_stop_in_the_first(
    lib: library.Library, confirm: str, language: str
) -> None:
    for week in (0, 9, 21, 25, 40):
        first = text(lib, confirm, language, "baby" if "baby" in confirm else "pregnancy", week)
        city = text(lib, "reply.ask_city", language, "pregnancy", week)
        assert count(first).segments <= 2 and count(city).segments <= 2, (first, city)
        stop, agree = (
            ("СТОП", "Отвечая, вы соглашаетесь") if language == "ru" else ("STOP", "agree")
        )
        assert stop in first and agree in first


def test_the_code_sms_names_the_programme(lib: library.Library) -> None:
    assert text(lib, "reply.web_code", "ru", "pregnancy", 0).startswith("СМС-советы Text4baby")
    assert text(lib, "reply.web_code", "en", "pregnancy", 0).startswith("Text4baby SMS tips")


def _tip(lib: library.Library, key: str) -> library.Message:
    tip = lib.by_key()[key]
    assert tip.source in lib.sources, f"{key}: source {tip.source} not listed"
    return tip


def test_infant_choking_first_aid_gives_back_blows_then_chest_thrusts(
    lib: library.Library,
) -> None:
    for key in ("baby.w33.3", "baby.w50.2"):
        tip = _tip(lib, key)
        ru, en = tip.texts["ru"], tip.texts["en"]
        assert ru.index("5 удар") < ru.index("двумя пальцами"), ru
        assert en.index("5 back blows") < en.index("chest thrusts"), en
        assert count(ru).segments <= 3 and tip.source == "ERC-PLS-2021"
    assert "голова ниже груди" in lib.by_key()["baby.w33.3"].texts["ru"]
    # The same week says who calls: someone else, or she on speaker.
    call = _tip(lib, "baby.w33.1")
    assert "103 или 112" in call.texts["ru"] and "громкой связи" in call.texts["ru"]
    assert "103 or 112" in call.texts["en"] and "speaker" in call.texts["en"]


def test_meat_comes_at_about_6_months_and_water_depends_on_formula(
    lib: library.Library,
) -> None:
    meat = [t for t in lib.tips() if "мясное пюре" in t.texts["ru"]]
    assert meat and all(t.track == "baby" and (t.week or 0) <= 27 for t in meat)
    assert "7–8 месяцев" not in " ".join(t.texts["ru"] for t in meat)
    heat = _tip(lib, "baby.w21.2")
    assert "смеси" in heat.texts["ru"] and "воды" in heat.texts["ru"]
    assert "breastfed baby needs no water" in heat.texts["en"] and "formula" in heat.texts["en"]


def test_second_ultrasound_and_birth_certificate_say_what_the_rules_say(
    lib: library.Library,
) -> None:
    scan = _tip(lib, "pregnancy.w17.1")
    assert "18–21" in scan.texts["ru"] and "18-21" in scan.texts["en"]
    cert = _tip(lib, "pregnancy.w30.3")
    assert "поликлинике малыша" in cert.texts["ru"] and "baby's clinic" in cert.texts["en"]
    assert not any("₽" in t for m in lib.messages for t in m.texts.values())


@pytest.mark.parametrize(
    ("key", "track", "weeks", "ru", "en"),
    [
        ("pregnancy.w34.1", "pregnancy", (34, 37), "стрептококк группы В", "group B strep"),
        ("pregnancy.w31.3", "pregnancy", (28, 34), "ВИЧ, сифилис", "HIV, syphilis"),
        ("baby.w51.2", "baby", (48, 52), "Манту", "Mantoux"),
        ("baby.w52.3", "baby", (52, 52), "в 15 месяцев", "15 months"),
        ("baby.w04.1", "baby", (4, 4), "невролог", "neurologist"),
    ],
)
def test_each_missing_milestone_is_in_its_week_in_both_languages(
    lib: library.Library, key: str, track: str, weeks: tuple[int, int], ru: str, en: str
) -> None:
    tip = _tip(lib, key)
    assert tip.track == track and weeks[0] <= (tip.week or 0) <= weeks[1]
    assert ru in tip.texts["ru"] and en in tip.texts["en"]


def test_the_1_month_examination_waits_for_the_clinician(lib: library.Library) -> None:
    assert any("baby.w04.1" in note for note in lib.review_notes)


def test_the_doctor_disclaimer_is_no_longer_padding(lib: library.Library) -> None:
    disclaimers = [t.key for t in lib.tips() if "не заменя" in t.texts["ru"]]
    assert 3 <= len(disclaimers) <= 6, disclaimers
