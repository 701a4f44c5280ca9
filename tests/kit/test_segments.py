import pytest

from text4baby_ru.kit.segments import count, non_gsm7


def test_plain_english_fits_one_sms_up_to_160_characters() -> None:
    assert count("a" * 160).segments == 1
    assert count("a" * 161).segments == 2  # 153 per part once split


def test_gsm7_extension_characters_count_twice() -> None:
    parts = count("[" * 80)
    assert (parts.encoding, parts.units, parts.segments) == ("GSM-7", 160, 1)
    assert count("[" * 81).segments == 2


def test_cyrillic_travels_as_ucs2_70_then_67_per_part() -> None:
    assert count("я" * 70).segments == 1
    assert count("я" * 71).segments == 2
    assert count("я" * 134).segments == 2
    assert count("я" * 135).segments == 3
    assert count("я" * 201).segments == 3


def test_emoji_is_a_surrogate_pair_and_counts_two_units() -> None:
    parts = count("👶" * 35)
    assert (parts.encoding, parts.units, parts.segments) == ("UCS-2", 70, 1)
    assert count("👶" * 36).segments == 2


def test_one_curly_quote_turns_an_english_text_into_ucs2() -> None:
    text = "Call 103 or 112 – now"
    assert count(text).encoding == "UCS-2"
    assert non_gsm7(text + "°«") == ["–", "°", "«"]


# Twilio's own calculator on texts where a character would straddle a part boundary: the
# network never splits a character, so it moves whole to the next part.
BOUNDARY_CASES = [
    ("я" * 66 + "😀" + "я" * 66, "UCS-2", 134, 3),
    ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
    ("a" * 152 + "[" + "a" * 152, "GSM-7", 306, 3),
    ("a" * 151 + "]" + "a" * 153, "GSM-7", 306, 2),
    ("я" * 65 + "😀" + "я" * 67, "UCS-2", 134, 2),
    ("😀" * 67, "UCS-2", 134, 3),
]


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), BOUNDARY_CASES)
def test_a_character_on_a_part_boundary_is_never_split(
    text: str, encoding: str, units: int, segments: int
) -> None:
    parts = count(text)
    assert (parts.encoding, parts.units, parts.segments) == (encoding, units, segments)


def test_a_single_part_text_is_not_split_even_when_full() -> None:
    assert count("a" * 158 + "€").segments == 1
    assert count("я" * 68 + "😀").segments == 1
