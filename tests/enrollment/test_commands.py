import pytest

from text4baby_ru.enrollment.commands import Command, parse


@pytest.mark.parametrize(
    ("text", "command", "language"),
    [
        ("МАМА", Command.JOIN, "ru"),
        ("мама", Command.JOIN, "ru"),
        ("  Мама!!! ", Command.JOIN, "ru"),
        ("м а м а", Command.TEXT, None),
        ("Малыш", Command.JOIN, "ru"),
        ("НАЧАТЬ", Command.JOIN, "ru"),
        ("vfvf", Command.JOIN, "ru"),  # МАМА typed on the Latin layout
        ("BABY", Command.JOIN, "en"),
        ("join.", Command.JOIN, "en"),
        ("ифин", Command.JOIN, "en"),  # baby typed on the Russian layout
        ("СТАРТ", Command.JOIN, "ru"),
        ("STOP", Command.STOP, "en"),
        ("Стоп пожалуйста", Command.STOP, "ru"),
        ("cnjg", Command.STOP, "ru"),  # СТОП on the Latin layout
        ("ОТПИСАТЬСЯ", Command.STOP, "ru"),
        ("unsubscribe", Command.STOP, "en"),
        ("quit", Command.STOP, "en"),
        ("UNSTOP", Command.RESTART, "en"),
        ("помощь", Command.HELP, "ru"),
        ("СПРАВКА", Command.HELP, "ru"),
        ("info", Command.HELP, "en"),
        ("родила 12.11.2026", Command.BIRTH, "ru"),
        ("РОДИЛСЯ", Command.BIRTH, "ru"),
        ("родилась", Command.BIRTH, "ru"),
        ("born 1 nov", Command.BIRTH, "en"),
        ("ПОТЕРЯ", Command.LOSS, "ru"),
        ("loss", Command.LOSS, "en"),
        ("ENGLISH", Command.LANGUAGE, "en"),
        ("английский", Command.LANGUAGE, "en"),
        ("Русский", Command.LANGUAGE, "ru"),
        ("ДАТА 15.03.2027", Command.DATE, "ru"),
        ("date 2027-03-15", Command.DATE, "en"),
        ("15.03.2027", Command.TEXT, None),
        ("", Command.TEXT, None),
    ],
)
def test_commands_are_recognised_however_they_are_typed(
    text: str, command: Command, language: str | None
) -> None:
    parsed = parse(text)
    assert parsed.command is command
    assert parsed.language == language


def test_ye_and_yo_are_the_same_letter() -> None:
    assert parse("РОДИЛА 1 ИЮЛЁ").command is Command.BIRTH


def test_the_date_after_a_keyword_is_kept() -> None:
    assert parse("МАМА 15.03.2027").rest == "15.03.2027"


@pytest.mark.parametrize(
    "text", ["у меня выкидыш", "Замершая беременность", "I had a miscarriage", "we lost the baby"]
)
def test_words_that_suggest_a_loss_are_noticed_but_not_a_command(text: str) -> None:
    parsed = parse(text)
    assert parsed.command is Command.TEXT and parsed.loss_hint
