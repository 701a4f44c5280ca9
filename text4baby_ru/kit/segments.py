"""SMS segments as carriers and Twilio count them: GSM-7 (with its extension table) or UCS-2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each extension character is sent as an escape plus the character: it counts twice.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

Encoding = Literal["GSM-7", "UCS-2"]


@dataclass(frozen=True)
class SegmentCount:
    """How a text travels: its encoding, its length in units of that encoding, its parts."""

    encoding: Encoding
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic or extension table."""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def non_gsm7(text: str) -> list[str]:
    """The characters that force a text into UCS-2, in order of first appearance."""
    seen: list[str] = []
    for c in text:
        if c not in GSM7_BASIC and c not in GSM7_EXTENSION and c not in seen:
            seen.append(c)
    return seen


def _unit_widths(text: str) -> tuple[Encoding, list[int]]:
    """The encoding of text and how many units each of its characters takes in it."""
    if is_gsm7(text):
        return "GSM-7", [2 if c in GSM7_EXTENSION else 1 for c in text]
    # UCS-2 on the wire is UTF-16: a character outside the BMP (emoji) takes two units.
    return "UCS-2", [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> SegmentCount:
    """Encoding, units and number of SMS parts for text (160/153 GSM-7, 70/67 UCS-2).

    Parts are filled the way the network splits them: a character is never cut in two, so an
    emoji (a surrogate pair) or an escaped GSM-7 character that would straddle a boundary moves
    whole to the next part, which can add a part the plain division would not.
    """
    encoding, widths = _unit_widths(text)
    single, multi = (160, 153) if encoding == "GSM-7" else (70, 67)
    units = sum(widths)
    if units == 0:
        return SegmentCount(encoding, 0, 0)
    if units <= single:
        return SegmentCount(encoding, units, 1)
    segments, room = 1, multi
    for width in widths:
        if width > room:
            segments, room = segments + 1, multi
        room -= width
    return SegmentCount(encoding, units, segments)
