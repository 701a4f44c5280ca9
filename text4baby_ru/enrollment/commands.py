"""Recognising a command in an SMS: pure, forgiving about case, punctuation, ё and layout."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from text4baby_ru.enrollment.text import fold, other_layouts, words


class Command(enum.StrEnum):
    """What a text asks for."""

    JOIN = "join"
    STOP = "stop"
    RESTART = "restart"
    HELP = "help"
    BIRTH = "birth"
    LOSS = "loss"
    LANGUAGE = "language"
    DATE = "date"
    REMINDER = "reminder"  # an appointment reminder, or its cancellation
    TEXT = "text"  # anything else: a date, a city, a question


JOIN_WORDS = {
    "мама": "ru",
    "малыш": "ru",
    "старт": "ru",
    "начать": "ru",
    "baby": "en",
    "start": "en",
    "join": "en",
}
STOP_WORDS = {
    "stop",
    "stopall",
    "unsubscribe",
    "cancel",
    "end",
    "quit",
    "стоп",
    "отписка",
    "отписаться",
}
RESTART_WORDS = {"start", "старт", "unstop"}
HELP_WORDS = {"help", "info", "помощь", "справка"}
BIRTH_WORDS = {"родила", "родился", "родилась", "born"}
LOSS_WORDS = {"потеря", "loss"}
LANGUAGE_WORDS = {"english": "en", "английский": "en", "русский": "ru", "russian": "ru"}
DATE_WORDS = {"дата", "date"}
REMINDER_WORDS = {"визит", "прием", "appt", "appointment", "напомнить", "remind"}
# Free text that suggests a loss: answered gently, never acted on without the loss word.
LOSS_HINTS = (
    "выкидыш",
    "замерш",
    "потеряла ребенка",
    "потеряли ребенка",
    "мертвый",
    "мертворожд",
    "miscarr",
    "lost the baby",
    "lost my baby",
    "stillbirth",
    "stillborn",
)

_VOCABULARY = (
    set(JOIN_WORDS)
    | STOP_WORDS
    | RESTART_WORDS
    | HELP_WORDS
    | BIRTH_WORDS
    | LOSS_WORDS
    | set(LANGUAGE_WORDS)
    | DATE_WORDS
    | REMINDER_WORDS
)


@dataclass(frozen=True)
class Parsed:
    """A recognised command, the language its word belongs to, and the rest of the text."""

    command: Command
    word: str | None
    rest: str
    language: str | None = None
    loss_hint: bool = False


def _known(word: str) -> str | None:
    """The command word this is, also when typed in the other keyboard layout."""
    if word in _VOCABULARY:
        return word
    for variant in other_layouts(word):
        if variant in _VOCABULARY:
            return variant
    return None


def language_of_word(word: str) -> str:
    """ru for a Cyrillic command word, en for a Latin one."""
    return "ru" if any("а" <= c <= "я" for c in word) else "en"


def parse(text: str) -> Parsed:
    """The command of a text: its first word decides; a stop word decides anywhere at the start."""
    tokens = words(text)
    folded = fold(text)
    hint = any(h in folded for h in LOSS_HINTS)
    if not tokens:
        return Parsed(Command.TEXT, None, "", loss_hint=hint)
    first = _known(tokens[0])
    rest = " ".join(tokens[1:])
    if first is None:
        return Parsed(Command.TEXT, None, " ".join(tokens), loss_hint=hint)
    language = language_of_word(first)
    if first in STOP_WORDS:
        return Parsed(Command.STOP, first, rest, language)
    if first in LOSS_WORDS:
        return Parsed(Command.LOSS, first, rest, language)
    if first in BIRTH_WORDS:
        return Parsed(Command.BIRTH, first, rest, language)
    if first in HELP_WORDS:
        return Parsed(Command.HELP, first, rest, language)
    if first in LANGUAGE_WORDS:
        return Parsed(Command.LANGUAGE, first, rest, LANGUAGE_WORDS[first])
    if first in DATE_WORDS:
        return Parsed(Command.DATE, first, rest, language)
    if first in REMINDER_WORDS:
        return Parsed(Command.REMINDER, first, rest, language)
    if first == "unstop":
        return Parsed(Command.RESTART, first, rest, language)
    # СТАРТ and START are both a join word and "start again": the conversation decides by state.
    return Parsed(Command.JOIN, first, rest, JOIN_WORDS[first])
