"""Signing requests the way Twilio does, for webhook tests."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from httpx import Response
from twilio.request_validator import RequestValidator

from tests.conftest import PUBLIC_URL, TWILIO_TOKEN

_sids = itertools.count(1)


def post_signed(
    client: TestClient, path: str, params: dict[str, str], *, token: str = TWILIO_TOKEN
) -> Response:
    """POST form params with a valid X-Twilio-Signature over PUBLIC_URL + path."""
    signature = RequestValidator(token).compute_signature(PUBLIC_URL + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


def sms(client: TestClient, sender: str, body: str, sid: str | None = None) -> Response:
    """Send one inbound SMS through the signed webhook."""
    params = {
        "From": sender,
        "To": "+79160009999",
        "Body": body,
        "MessageSid": sid or f"SM{next(_sids):032d}",
        "AccountSid": "AC" + "0" * 32,
    }
    return post_signed(client, "/sms/twilio/inbound", params)
