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


def count(text: str) -> SegmentCount:
    """Encoding, units and number of SMS parts for text (160/153 GSM-7, 70/67 UCS-2)."""
    if is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        single, multi = 160, 153
        encoding: Encoding = "GSM-7"
    else:
        # UCS-2 on the wire is UTF-16: a character outside the BMP (emoji) takes two units.
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi = 70, 67
        encoding = "UCS-2"
    if units == 0:
        return SegmentCount(encoding, 0, 0)
    segments = 1 if units <= single else -(-units // multi)
    return SegmentCount(encoding, units, segments)
