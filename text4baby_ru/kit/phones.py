"""Phone numbers: E.164 normalisation and masking for logs."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_SEP = r"[\s\-().]?"
# International (+ or URL-encoded %2B, then 10-15 digits) or a Russian national number
# (11 digits starting 7 or 8, or 10 starting 9), each digit optionally followed by a separator.
# Only what a number may be written with; 10-15 digits of these are a number even if invalid.
_PHONE_SPELLING = re.compile(r"[\d\s+().\-/]+")
_PHONE_LIKE = re.compile(
    rf"(?<![\w%])(?:(?:\+|%2B){_SEP}(?:\d{_SEP}){{9,14}}\d"
    rf"|[78]{_SEP}(?:\d{_SEP}){{9}}\d"
    rf"|9(?:\d{_SEP}){{8}}\d)(?!\w)",
    re.IGNORECASE,
)


class BadPhoneNumber(ValueError):
    """The text is not a valid phone number."""


def normalize(raw: str, default_region: str = "RU") -> str:
    """The number in E.164 (`+79160000000`), or BadPhoneNumber."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise BadPhoneNumber(f"not a phone number: {mask(raw)}") from None
    if not phonenumbers.is_valid_number(number):
        raise BadPhoneNumber(f"not a valid phone number: {mask(raw)}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(e164: str) -> str | None:
    """The ISO region of a normalised number (`RU`, `KZ`, ...), or None."""
    return phonenumbers.region_code_for_number(phonenumbers.parse(e164))


def mask(phone: str) -> str:
    """Only the last four digits: `***0000`."""
    digits = re.sub(r"\D", "", phone)
    return "***" + digits[-4:] if digits else "***"


def mask_all(text: str) -> str:
    """Replace every phone-like run of digits in free text by its masked form."""
    return _PHONE_LIKE.sub(lambda m: mask(m.group(0)), text)


def looks_like_phone(text: str) -> bool:
    """True when text, however spelled (full-width digits, dots, 00 or 8 prefix), is or may be
    a phone number: whatever normalize accepts, and any 10-15 digits in a number's spelling."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if sum(c.isdigit() for c in plain) < 7:  # no number is shorter; spares the parser
        return False
    if _PHONE_SPELLING.fullmatch(plain) and 10 <= len(re.sub(r"\D", "", plain)) <= 15:
        return True
    try:
        normalize(plain)
    except BadPhoneNumber:
        return False
    return True


def mask_spelled(text: str) -> str:
    """The masked form of a number however it was spelled (`***0001`)."""
    return mask(unicodedata.normalize("NFKC", text))
