"""How the Twilio gateway reads a provider that throttles: the real twilio client against the
Twilio-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from devtools.twilio_mock import TwilioMock
from tests.delivery.pg_worker import twilio_gateway
from text4baby_ru.clock import FixedClock
from text4baby_ru.gateways.base import OutgoingSms, ThrottledGatewayError

TOKEN, ACCOUNT = "mock-token-not-a-secret", "AC" + "5" * 32


@pytest.fixture
def mock() -> Iterator[TwilioMock]:
    server = TwilioMock(token=TOKEN).start()
    server.faults.callbacks = False
    yield server
    server.stop()


@pytest.mark.parametrize("retry_after", [None, 12.0])
def test_a_429_is_throttling_with_the_providers_retry_after(
    mock: TwilioMock, retry_after: float | None
) -> None:
    mock.faults.throttle_every, mock.faults.retry_after = 1, retry_after
    gateway = twilio_gateway(
        mock.url, TOKEN, ACCOUNT, FixedClock(datetime(2026, 11, 30, tzinfo=UTC))
    )
    with pytest.raises(ThrottledGatewayError) as raised:
        gateway.send(OutgoingSms(1, "+79160000501", "Текст"))
    assert raised.value.code == "20429" and raised.value.retry_after == retry_after
    mock.faults.throttle_every = 0
    assert gateway.send(OutgoingSms(2, "+79160000501", "Текст")).provider_sid.startswith("SM")
