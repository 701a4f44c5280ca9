"""Checking the library: coverage, templates, budget, characters, sources, event windows."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Literal

from text4baby_ru.content.library import LANGUAGES, SLOTS, TRACK_WEEKS, Library, Message, tip_key
from text4baby_ru.content.lint_style import repeats, typography
from text4baby_ru.content.reply_keys import REPLY_SAMPLES, REPLY_VARIABLES
from text4baby_ru.content.templates import (
    TIP_VARIABLES,
    Stage,
    TemplateProblem,
    problems_in,
    render,
)
from text4baby_ru.kit.segments import count, non_gsm7

Severity = Literal["error", "warning"]

# SMS parts per language: (never more than, aim for). Russian travels as UCS-2, English GSM-7.
BUDGET = {"ru": (3, 2), "en": (2, 1)}
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"\w+")
_US_ONLY = re.compile(r"\b(911|WIC|Medicaid|Fahrenheit|pounds?|lbs?|ounces?|oz)\b", re.I)


@dataclass(frozen=True)
class Problem:
    """One finding: its severity, a short kind to group by, where, and what is wrong."""

    severity: Severity
    kind: str
    where: str
    detail: str


# Real dates for rendering, so a text's length is the length she gets (dd.mm.yyyy).
SAMPLE_DUE = date(2027, 3, 15)
SAMPLE_BIRTH = date(2026, 12, 15)


def _stage(track: str, week: int) -> Stage:
    return Stage(track, week, due_date=SAMPLE_DUE, birth_date=SAMPLE_BIRTH)


def sample_stages(track: str | None, week: int | None) -> list[Stage]:
    """The stages a text is rendered for: a tip's own week, or a spread of weeks for a reply."""
    if track and week is not None:
        return [_stage(track, week)]
    return [_stage("pregnancy", w) for w in (0, 1, 2, 4, 11, 21, 25, 40)] + [
        _stage("baby", w) for w in (0, 1, 21, 52)
    ]


def stages_for(message: Message) -> list[Stage]:
    """The stages a library message is rendered for."""
    return sample_stages(message.track, message.week)


def check_text(
    text: str,
    *,
    language: str,
    allowed: tuple[str, ...],
    stages: list[Stage],
    tip: bool = False,
) -> list[tuple[Severity, str, str]]:
    """Problems of one text in one language: template, rendering, budget, characters."""
    found: list[tuple[Severity, str, str]] = []
    for problem in problems_in(text, allowed):
        found.append(("error", "template", problem))
    if found:
        return found
    worst = None
    for stage in stages:
        context = {**stage.context(), **REPLY_SAMPLES[language]}
        try:
            rendered = render(text, context)
        except TemplateProblem as error:
            found.append(("error", "render", f"week {stage.week}: {error}"))
            continue
        if not rendered:
            found.append(("error", "render", f"week {stage.week}: renders empty"))
            continue
        parts = count(rendered)
        if worst is None or parts.units > worst[1].units:
            worst = (rendered, parts)
    if worst is None:
        return found
    rendered, parts = worst
    found += typography(rendered, language=language, source=text, tip=tip)
    limit, aim = BUDGET[language]
    if language == "en" and non_gsm7(rendered):
        found.append(("error", "characters", f"forces UCS-2 in English: {non_gsm7(rendered)!r}"))
    elif parts.segments > aim:
        severity: Severity = "error" if parts.segments > limit else "warning"
        bound = f"max {limit}" if severity == "error" else f"aim {aim}"
        found.append((severity, "budget", f"{parts.units} chars = {parts.segments} SMS ({bound})"))
    if language == "en":
        if _CYRILLIC.search(rendered):
            found.append(("error", "script", "Cyrillic letters in the English text"))
        us_term = _US_ONLY.search(rendered)
        if us_term:
            found.append(("error", "locale", f"US-only term: {us_term.group(0)!r}"))
    else:
        if not _CYRILLIC.search(rendered):
            found.append(("error", "script", "no Cyrillic in the Russian text"))
        mixed = [w for w in _WORD.findall(rendered) if _CYRILLIC.search(w) and _LATIN.search(w)]
        if mixed:
            found.append(("error", "script", f"Latin letters inside Russian words: {mixed}"))
    if "911" in rendered:
        found.append(("error", "locale", "911 is not an emergency number in Russia: 103 or 112"))
    return found


def _coverage(library: Library) -> list[Problem]:
    have = {(m.track, m.week, m.slot) for m in library.tips()}
    problems = []
    for track, (first, last) in TRACK_WEEKS.items():
        for week in range(first, last + 1):
            for slot in SLOTS:
                if (track, week, slot) not in have:
                    problems.append(
                        Problem("error", "coverage", tip_key(track, week, slot), "no message")
                    )
    for key in REPLY_VARIABLES:
        if key not in library.by_key():
            problems.append(Problem("error", "coverage", key, "reply missing"))
    return problems


def _metadata(message: Message, library: Library) -> list[Problem]:
    problems = []
    where = f"{message.file}: {message.key}"
    if message.track is not None:
        first, last = TRACK_WEEKS.get(message.track, (0, -1))
        if message.track not in TRACK_WEEKS:
            problems.append(Problem("error", "metadata", where, f"unknown track {message.track!r}"))
        elif not (first <= (message.week or 0) <= last) or message.slot not in SLOTS:
            problems.append(
                Problem(
                    "error",
                    "metadata",
                    where,
                    f"week {message.week} slot {message.slot} is outside the track",
                )
            )
        elif message.key != tip_key(message.track, message.week or 0, message.slot or 0):
            problems.append(
                Problem(
                    "error",
                    "key",
                    where,
                    f"key should be {tip_key(message.track, message.week or 0, message.slot or 0)}",
                )
            )
        if not message.source:
            problems.append(Problem("error", "source", where, "no source"))
        elif message.source not in library.sources:
            problems.append(
                Problem(
                    "error",
                    "source",
                    where,
                    f"source {message.source!r} is not listed in library.yaml",
                )
            )
        if not message.topic:
            problems.append(Problem("error", "metadata", where, "no topic"))
        window = message.window
        if window is not None:
            if window.first > window.last:
                problems.append(
                    Problem(
                        "error",
                        "window",
                        where,
                        f"window {window.first}-{window.last} is backwards",
                    )
                )
            elif (message.week or 0) > window.last:
                problems.append(
                    Problem(
                        "error",
                        "window",
                        where,
                        f"week {message.week} is after the {window.event} window "
                        f"(weeks {window.first}-{window.last})",
                    )
                )
    elif message.key not in REPLY_VARIABLES and not message.key.startswith("module."):
        problems.append(Problem("warning", "metadata", where, "reply key the service does not use"))
    return problems


def lint(library: Library) -> list[Problem]:
    """Every problem of the library, errors and warnings."""
    problems: list[Problem] = []
    for field, value in (("version", library.version), ("reviewed_by", library.reviewed_by)):
        if not value:
            problems.append(Problem("error", "metadata", "library.yaml", f"{field} is missing"))
    if library.reviewed_on is None:
        problems.append(
            Problem("error", "metadata", "library.yaml", "reviewed_on (a date) is missing")
        )
    for key in library.duplicate_keys:
        problems.append(Problem("error", "key", key, "key used more than once"))
    problems += _coverage(library)
    texts: dict[str, list[str]] = defaultdict(list)
    for message in library.messages:
        problems += _metadata(message, library)
        allowed = TIP_VARIABLES if message.track else REPLY_VARIABLES.get(message.key, ())
        for language in LANGUAGES:
            where = f"{message.file}: {message.key} [{language}]"
            text = message.texts.get(language, "")
            if not text:
                problems.append(Problem("error", "language", where, "text missing"))
                continue
            texts[" ".join(text.split()).lower()].append(where)
            for severity, kind, detail in check_text(
                text,
                language=language,
                allowed=allowed,
                stages=stages_for(message),
                tip=message.track is not None,
            ):
                problems.append(Problem(severity, kind, where, detail))
    for key, other, score in repeats(library.tips()):
        problems.append(
            Problem("warning", "repetition", key, f"reads like {other} ({score:.0%} words shared)")
        )
    for places in texts.values():
        if len(places) > 1:
            problems.append(
                Problem("error", "duplicate", places[0], f"same text as {', '.join(places[1:])}")
            )
    return problems


def report(problems: list[Problem]) -> str:
    """A readable report grouped by kind of problem, errors first."""
    if not problems:
        return "library OK: no problems"
    groups: dict[tuple[str, str], list[Problem]] = defaultdict(list)
    for p in problems:
        groups[(p.severity, p.kind)].append(p)
    lines = []
    for (severity, kind), items in sorted(
        groups.items(), key=lambda g: (g[0][0] != "error", g[0][1])
    ):
        lines.append(f"{severity.upper()}S: {kind} ({len(items)})")
        lines += [f"  {p.where}: {p.detail}" for p in items]
    errors = sum(p.severity == "error" for p in problems)
    lines.append(f"{errors} errors, {len(problems) - errors} warnings")
    return "\n".join(lines)
