"""Checks of how the library reads: typography, the week a woman is told, room to edit, and tips
that repeat another."""

from __future__ import annotations

import itertools
import re
from typing import Literal

from text4baby_ru.content.library import Message

Severity = Literal["error", "warning"]
Finding = tuple[Severity, str, str]

# "{{ week }}-я неделя" is the week she is in (the ordinal); the planner counts completed weeks,
# and the English says "25 weeks": both languages say the completed weeks.
_ORDINAL_WEEK = re.compile(r"\{\{\s*week\b[^}]*\}\}\s*-\s*(?:я|й|ю|ой|ей|го)\b")
# One alphabet per word: the Latin B in "гепатит B" looks the same and reads wrong aloud.
_HEPATITIS = re.compile(r"гепатит\w*\s+[А-ЯЁA-Z](?:\s+и\s+[А-ЯЁA-Z])?\b", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z]")
# A range of numbers with a hyphen; a phone number (8-800-200-0-200) is not a range.
_HYPHEN_RANGE = re.compile(r"(?<![\d-])\d+(?:,\d+)?-\d+(?:,\d+)?(?!\d|-\d)")
# One word for one thing across the library: the English follows British usage, and the helpline
# keeps the name she will hear when she calls.
_ONE_NAME = {
    "en": {r"\bcribs?\b": "cot", r"Healthy Russia": "the Zdorovaya Rossiya helpline"},
    "ru": {r"горяч\w+ лини\w+ «?Здоров": "линия «Здоровая Россия»"},
}
ENGLISH_ROOM = 150  # a single-part English tip over this leaves an editor no room to add a word
SIMILARITY = 0.5  # word overlap (Jaccard of stems) at or above which two tips repeat each other
_WORD = re.compile(r"[^\W\d_]+")
_STEM = 5  # letters kept of each word: enough to join a word's endings in both languages


def typography(rendered: str, *, language: str, source: str, tip: bool) -> list[Finding]:
    """Problems of how one text is written: week ordinals, mixed alphabets, dashes, room."""
    found: list[Finding] = []
    if _ORDINAL_WEEK.search(source):
        found.append(
            (
                "error",
                "week-wording",
                'an ordinal after the week ("-я неделя"): say the completed weeks, '
                '"срок {{ week }} недель" / "{{ week }} weeks"',
            )
        )
    for pattern, name in _ONE_NAME.get(language, {}).items():
        other = re.search(pattern, rendered, re.IGNORECASE)
        if other:
            found.append(("error", "typography", f"{other.group(0)!r}: the library says {name!r}"))
    if language == "ru":
        mixed = [m for m in _HEPATITIS.findall(rendered) if _LATIN.search(m)]
        if mixed:
            found.append(("error", "typography", f"Latin letter in {mixed}: write Cyrillic В, С"))
        ranges = _HYPHEN_RANGE.findall(rendered)
        if ranges:
            found.append(
                ("error", "typography", f"ranges take an en dash (–), not a hyphen: {ranges}")
            )
    elif tip and ENGLISH_ROOM < len(rendered) <= 160:
        found.append(
            (
                "warning",
                "room",
                f"{len(rendered)} chars in one SMS: keep at most {ENGLISH_ROOM} so an editor has "
                "room to add a word",
            )
        )
    return found


def _stems(text: str) -> frozenset[str]:
    """The content words of a text, cut to a common stem (short words carry little meaning)."""
    return frozenset(w.lower()[:_STEM] for w in _WORD.findall(text) if len(w) >= 4)


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def overlap(a: str, b: str) -> float:
    """The share of stems two texts have in common (Jaccard: shared / all)."""
    return _jaccard(_stems(a), _stems(b))


def repeats(tips: list[Message], threshold: float = SIMILARITY) -> list[tuple[str, str, float]]:
    """Pairs of tips that read alike in either language: (key, other key, overlap)."""
    stems = [(tip.key, [_stems(tip.texts.get(lang, "")) for lang in ("ru", "en")]) for tip in tips]
    found = []
    for (key, words), (other, other_words) in itertools.combinations(stems, 2):
        score = max(_jaccard(a, b) for a, b in zip(words, other_words, strict=True))
        if score >= threshold:
            found.append((key, other, score))
    return found
