"""A module as written in the library (`message_library/modules/*.yaml`): parsing, checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from text4baby_ru.content.library import LANGUAGES, TRACK_WEEKS, Library
from text4baby_ru.modules.models import Step

DEFAULT_OPEN_HOURS = 72


class ModuleError(ValueError):
    """A module file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class OptionDef:
    """An answer option: its number, its words in both languages, what follows it."""

    value: str
    number: int
    words: tuple[str, ...]
    ask_reason: bool = False
    offer_reminder: bool = False


@dataclass(frozen=True)
class ArmDef:
    """An arm of the evaluation: whether it offers the reminder and sends the tailored texts."""

    name: str
    offer_reminder: bool = True
    tailored: bool = True


@dataclass(frozen=True)
class ModuleDef:
    """A module's structure; its texts are the library keys `keys()` names."""

    id: str
    title: str
    track: str
    week_from: int
    week_to: int
    months: tuple[int, int] | None
    open_hours: int
    arms: tuple[ArmDef, ...]
    options: dict[Step, tuple[OptionDef, ...]]
    outcome_after_days: int | None
    outcome_success: str | None

    def text_keys(self) -> list[str]:
        """Every library key the module sends."""
        base = f"module.{self.id}"
        keys = [f"{base}.question"]
        keys += [f"{base}.answer.{o.value}" for o in self.options[Step.QUESTION]]
        if self.options.get(Step.REASON):
            keys.append(f"{base}.reason")
            keys += [f"{base}.reason.{o.value}" for o in self.options[Step.REASON]]
            if any(not a.tailored for a in self.arms):
                keys.append(f"{base}.reason.general")
        if any(o.offer_reminder for o in self.options[Step.QUESTION]):
            keys.append(f"{base}.reminder_offer")
        if self.options.get(Step.OUTCOME):
            keys.append(f"{base}.outcome")
            keys += [f"{base}.outcome.{o.value}" for o in self.options[Step.OUTCOME]]
        return keys


def _options(raw: Any, where: str) -> tuple[OptionDef, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ModuleError(f"{where}: needs a list of at least two options")
    for o in raw:
        if any(not isinstance(w, str) for w in o.get("words") or ()):
            raise ModuleError(f'{where}: {o.get("value")}: quote words like "yes" and "no"')
    options = tuple(
        OptionDef(
            value=str(o["value"]),
            number=int(o["number"]),
            words=tuple(str(w) for w in o.get("words") or ()),
            ask_reason=bool(o.get("ask_reason", False)),
            offer_reminder=bool(o.get("offer_reminder", False)),
        )
        for o in raw
    )
    if len({o.number for o in options}) != len(options):
        raise ModuleError(f"{where}: two options share a number")
    if len({o.value for o in options}) != len(options):
        raise ModuleError(f"{where}: two options share a value")
    return options


def parse(file: str, raw: Any) -> ModuleDef:
    """A module from its file's `module:` mapping, or ModuleError naming what is wrong."""
    try:
        audience = raw["audience"]
        weeks = audience["weeks"]
        months = audience.get("months")
        options = {Step.QUESTION: _options(raw["question"], f"{file}: question")}
        if raw.get("reason"):
            options[Step.REASON] = _options(raw["reason"], f"{file}: reason")
        outcome = raw.get("outcome") or {}
        if outcome:
            options[Step.OUTCOME] = _options(outcome["options"], f"{file}: outcome")
        arms = tuple(
            ArmDef(
                str(a["name"]),
                bool(a.get("offer_reminder", True)),
                bool(a.get("tailored", True)),
            )
            for a in raw.get("arms") or [{"name": "all"}]
        )
        module = ModuleDef(
            id=str(raw["id"]),
            title=str(raw["title"]),
            track=str(audience["track"]),
            week_from=int(weeks[0]),
            week_to=int(weeks[1]),
            months=(int(months[0]), int(months[1])) if months else None,
            open_hours=int(raw.get("open_hours", DEFAULT_OPEN_HOURS)),
            arms=arms,
            options=options,
            outcome_after_days=int(outcome["after_days"]) if outcome else None,
            outcome_success=str(outcome["success"]) if outcome else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as error:
        if isinstance(error, ModuleError):
            raise
        raise ModuleError(f"{file}: missing or bad field {error}") from None
    _check(file, module)
    return module


def _check(file: str, m: ModuleDef) -> None:
    first, last = TRACK_WEEKS.get(m.track, (0, -1))
    if not first <= m.week_from <= m.week_to <= last:
        raise ModuleError(f"{file}: weeks {m.week_from}-{m.week_to} are not in the {m.track} track")
    if m.months and not all(1 <= x <= 12 for x in m.months):
        raise ModuleError(f"{file}: months must be 1-12")
    if len({a.name for a in m.arms}) != len(m.arms):
        raise ModuleError(f"{file}: two arms share a name")
    if m.outcome_success and m.outcome_success not in {o.value for o in m.options[Step.OUTCOME]}:
        raise ModuleError(f"{file}: outcome success {m.outcome_success!r} is not an option")
    if not 1 <= m.open_hours <= 24 * 14:
        raise ModuleError(f"{file}: open_hours must be between 1 and 336")


def modules_of(library: Library) -> list[ModuleDef]:
    """Every module of the library, checked, or ModuleError."""
    return [parse(file, raw) for file, raw in library.modules]


def problems(library: Library) -> list[str]:
    """What keeps the library's modules from running: bad structure or a missing text."""
    found: list[str] = []
    messages = library.by_key()
    for file, raw in library.modules:
        try:
            module = parse(file, raw)
        except ModuleError as error:
            found.append(str(error))
            continue
        for key in module.text_keys():
            message = messages.get(key)
            for language in LANGUAGES:
                if message is None or not message.texts.get(language):
                    found.append(f"{file}: {key}: no {language} text")
    return found
