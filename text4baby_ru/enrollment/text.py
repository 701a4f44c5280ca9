"""Making what people type on a phone comparable: case, ё/е, punctuation, keyboard layout."""

from __future__ import annotations

import re
import unicodedata

_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_CYRILLIC_KEYS = "йцукенгшщзхъфывапролджэячсмитьбюё"
# A word typed with the wrong keyboard layout: "vfvf" is МАМА, "cnjg" is СТОП, "ьфьф" is mama.
_TO_CYRILLIC = str.maketrans(_LATIN_KEYS, _CYRILLIC_KEYS)
_TO_LATIN = str.maketrans(_CYRILLIC_KEYS, _LATIN_KEYS)
_NOT_WORD = re.compile(r"[^\w./-]+")


def fold(text: str) -> str:
    """Lower case, ё as е, compatibility forms unified, punctuation to spaces, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.split()).strip(" .-/")


def words(text: str) -> list[str]:
    """The folded words of text, trailing dots and dashes removed."""
    return [w.strip(".-/") for w in fold(text).split() if w.strip(".-/")]


def other_layouts(word: str) -> list[str]:
    """The same keys read in the other keyboard layout (both directions)."""
    raw = word.lower()
    return [raw.translate(_TO_CYRILLIC).replace("ё", "е"), raw.translate(_TO_LATIN)]
