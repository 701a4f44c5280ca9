"""The Twilio gateway: the official client, any Twilio-compatible API base, status callbacks."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from text4baby_ru.clock import Clock
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    OutgoingSms,
    PermanentGatewayError,
    SendReceipt,
    ThrottledGatewayError,
    TransientGatewayError,
    retry_after_seconds,
)
from text4baby_ru.gateways.transport import transport_errors

log = logging.getLogger(__name__)
# Twilio's error codes for numbers we must not retry: invalid, not a mobile, unsubscribed,
# and a few more that no retry can fix.
PERMANENT_CODES = {21211, 21212, 21408, 21610, 21612, 21614, 21617, 21635, 30004, 30006, 30007}
RATE_LIMITED = {20429, 14107}
MAX_VALIDITY = 36_000  # seconds; Twilio's limit


class _RetryAfterClient(TwilioHttpClient):  # type: ignore[misc]
    """The client's HTTP layer, keeping each thread's last Retry-After header (the client's
    exceptions do not carry the response's headers)."""

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.seen = threading.local()

    def request(self, *args: object, **kwargs: object) -> object:
        self.seen.retry_after = None
        response = super().request(*args, **kwargs)
        self.seen.retry_after = (response.headers or {}).get("Retry-After")
        return response


class TwilioGateway:
    """Sends through Twilio's Messages API (or a Twilio-compatible one) with the twilio client."""

    name = "twilio"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        api_base: str,
        status_callback: str,
        from_number: str | None = None,
        messaging_service_sid: str | None = None,
        clock: Clock,
        timeout: float = 10.0,
    ) -> None:
        self._clock = clock
        self._http = _RetryAfterClient(timeout)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        self._client.api.base_url = api_base
        self._status_callback = status_callback
        self._sender = (
            {"messaging_service_sid": messaging_service_sid}
            if messaging_service_sid
            else {"from_": from_number}
        )

    def _validity(self, sms: OutgoingSms) -> dict[str, int]:
        """Let the provider drop a message that would otherwise arrive in her quiet hours."""
        if sms.expires_at is None:
            return {}
        seconds = int((sms.expires_at - self._clock.now()).total_seconds())
        return {"validity_period": max(1, min(MAX_VALIDITY, seconds))}

    def send(self, sms: OutgoingSms) -> SendReceipt:
        """Create the message; classify every failure as transient, permanent or ambiguous."""
        try:
            with transport_errors():
                message = self._client.messages.create(
                    to=sms.to,
                    body=sms.body,
                    status_callback=self._status_callback,
                    **self._sender,
                    **self._validity(sms),
                )
        except TwilioRestException as error:
            raise classify(error, getattr(self._http.seen, "retry_after", None)) from None
        # A Twilio-compatible API may answer without an id: record none (NULL), never "None",
        # which a second such answer would collide with in the unique (gateway, id) index.
        return SendReceipt(
            provider_sid=str(message.sid) if message.sid else None,
            status=str(message.status or "queued"),
        )

    def find_sent(self, sms: OutgoingSms, since: datetime) -> str | None:
        """The provider's id of this text to this number sent since then, if it took it."""
        try:
            listed = self._client.messages.list(
                to=sms.to, date_sent_after=since - timedelta(minutes=5), limit=200
            )
        except (TwilioRestException, requests.exceptions.RequestException) as error:
            raise TransientGatewayError(f"cannot list messages: {error}") from None
        for message in listed:
            if message.body == sms.body and message.sid:
                return str(message.sid)
        return None


def classify(error: TwilioRestException, retry_after: str | None = None) -> Exception:
    """A Twilio API error as the kind of gateway error it is."""
    code = error.code if isinstance(error.code, int) else None
    text = f"Twilio {error.status} {code}: {error.msg}"
    if error.status == 429 or code in RATE_LIMITED:
        return ThrottledGatewayError(
            text, code=str(code or 429), retry_after=retry_after_seconds(retry_after)
        )
    if code in PERMANENT_CODES:
        return PermanentGatewayError(text, code=str(code))
    if error.status >= 500:
        return AmbiguousGatewayError(text, code=str(code or error.status))
    return PermanentGatewayError(text, code=str(code or error.status))
