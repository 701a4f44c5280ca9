import logging

import pytest

from text4baby_ru.kit.phones import BadPhoneNumber, mask, mask_all, normalize, region_of
from text4baby_ru.logs import MaskPhones


@pytest.mark.parametrize(
    "raw", ["+7 916 000-00-01", "89160000001", "8 (916) 000 00 01", "0079160000001"]
)
def test_russian_numbers_in_every_common_spelling_normalise_to_e164(raw: str) -> None:
    assert normalize(raw) == "+79160000001"


def test_kazakh_numbers_share_plus_seven_but_are_told_apart() -> None:
    assert region_of(normalize("+7 701 000 0000")) == "KZ"
    assert region_of(normalize("+7 916 000 0000")) == "RU"


@pytest.mark.parametrize(
    "garbage",
    ["hello", "", "   ", "+7", "8 916", "+7 916 000 00", "+7 916 000 00 00 00 00", "+999 1234567"],
)
def test_garbage_is_not_a_number_and_the_error_never_repeats_it(garbage: str) -> None:
    with pytest.raises(BadPhoneNumber) as info:
        normalize(garbage)
    message = str(info.value)
    assert message.startswith("not a") and "phone number" in message
    digits = "".join(c for c in garbage if c.isdigit())
    assert len(digits) < 5 or digits not in message.replace(" ", "")  # no number in the log
    assert "hello" not in message


def test_mask_keeps_only_the_last_four_digits() -> None:
    assert mask("+79160000123") == "***0123"


@pytest.mark.parametrize(
    "line",
    [
        "reply to +79160000123 queued",
        'GET /api/v1/subscribers/%2B79160000123 HTTP/1.1" 200',
        "number 8 916 000-01-23 opted out",
    ],
)
def test_free_text_loses_every_whole_number(line: str) -> None:
    masked = mask_all(line)
    assert "***0123" in masked
    assert "9160000" not in masked.replace(" ", "").replace("-", "")


def test_dates_times_and_ids_are_left_alone() -> None:
    line = "pass at 2026-11-30 10:00:00 sent 1234 messages, sid SM0123456789abcdef"
    assert mask_all(line) == line


def test_log_filter_masks_arguments_of_any_logger(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("t4b.test")
    logger.addFilter(MaskPhones())
    with caplog.at_level(logging.INFO, logger="t4b.test"):
        logger.info("inbound from %s", "+79160000123")
    assert caplog.messages == ["inbound from ***0123"]
