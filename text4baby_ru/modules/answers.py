"""Reading her text as one of a question's options: pure, forgiving like the commands."""

from __future__ import annotations

from collections.abc import Sequence

from text4baby_ru.enrollment.text import fold, other_layouts, words
from text4baby_ru.modules.definition import OptionDef


def _near(a: str, b: str) -> bool:
    """One letter wrong, missing, extra or two swapped, for words long enough to tell apart."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0] if len(diff) == 2 else -1
        return len(diff) == 2 and diff[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _variants(text: str) -> list[str]:
    folded = fold(text)
    return [folded, *(fold(v) for v in other_layouts(folded))]


def match(text: str, options: Sequence[OptionDef]) -> OptionDef | None:
    """The option her text chooses: its number ("2", "2.", "2)"), or one of its words or
    phrases (case, ё/е, the other keyboard layout and one typo forgiven); None if none or many."""
    tokens = words(text)
    if not tokens:
        return None
    if tokens[0].isdigit():
        chosen = [o for o in options if str(o.number) == tokens[0]]
        more = any(t.isdigit() for t in tokens[1:])  # "1 или 2" chooses nothing
        return chosen[0] if chosen and not more and len(tokens) <= 3 else None
    found: set[str] = set()
    for variant in _variants(text):
        for option in options:
            for phrase in option.words:
                want = fold(phrase)
                if (
                    variant == want
                    or variant.startswith(want + " ")
                    or (" " not in want and _near(variant, want))
                ):
                    found.add(option.value)
    if len(found) != 1:
        return None
    return next(o for o in options if o.value in found)


def choices(options: Sequence[OptionDef], language: str) -> str:
    """The numbers she may answer with, as she reads them: "1, 2 или 3"."""
    numbers = [str(o.number) for o in sorted(options, key=lambda o: o.number)]
    joiner = " или " if language == "ru" else " or "
    return joiner.join([", ".join(numbers[:-1]), numbers[-1]]) if len(numbers) > 1 else numbers[0]
