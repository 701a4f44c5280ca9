"""Plural forms: Russian has three (1 неделя, 2 недели, 5 недель), English two."""

from __future__ import annotations


def russian_form(n: int) -> int:
    """Index of the Russian plural form for n: 0 (one), 1 (few) or 2 (many)."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def plural(n: int, *forms: str) -> str:
    """Pick the form for n: two forms (English) or three (Russian)."""
    if len(forms) == 2:
        return forms[0] if abs(n) == 1 else forms[1]
    if len(forms) == 3:
        return forms[russian_form(n)]
    raise ValueError("plural takes two forms (English) or three (Russian)")
