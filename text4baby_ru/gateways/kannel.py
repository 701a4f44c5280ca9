"""The Kannel gateway: smsbox's sendsms HTTP interface, to an SMPP operator or aggregator."""

from __future__ import annotations

import logging
import math

import requests

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
from text4baby_ru.kit.segments import count
from text4baby_ru.settings import Settings

log = logging.getLogger(__name__)
# Kannel's delivery-report types: 1 delivered, 2 failed, 4 buffered at the SMSC, 8 taken by the
# SMSC, 16 rejected by the SMSC. Ask for all of them.
DLR_MASK = 1 | 2 | 4 | 8 | 16
MAX_VALIDITY_MINUTES = 24 * 60
DLR_PATH = "/sms/kannel/dlr"


def reference(message_id: int) -> str:
    """The provider id we record for a message sent through Kannel (which gives none back)."""
    return f"kannel-{message_id}"


class KannelGateway:
    """Sends through Kannel's sendsms: UTF-8 in, UCS-2 on the air for Cyrillic, delivery reports
    to our `dlr_url` with our own message id in it."""

    name = "kannel"

    def __init__(
        self,
        *,
        sendsms_url: str,
        user: str,
        password: str,
        sender: str,
        dlr_url: str,
        clock: Clock,
        timeout: float = 10.0,
    ) -> None:
        self._url = sendsms_url
        self._credentials = {"username": user, "password": password}
        self._sender = sender
        self._dlr_url = dlr_url
        self._clock = clock
        self._timeout = timeout
        self._http = requests.Session()

    def params(self, sms: OutgoingSms) -> dict[str, str]:
        """The sendsms parameters for one SMS (the password included)."""
        ucs2 = count(sms.body).encoding == "UCS-2"
        separator = "&" if "?" in self._dlr_url else "?"
        params = self._credentials | {
            "from": self._sender,
            "to": sms.to,
            "text": sms.body,
            "charset": "UTF-8",
            "coding": "2" if ucs2 else "0",
        }
        if sms.message_id > 0:  # a row of ours to update (a reply outside the programme has none)
            # Kannel fills %d with the report's type and %A with the SMSC's words; our id says
            # which message it is about.
            params["dlr-mask"] = str(DLR_MASK)
            params["dlr-url"] = f"{self._dlr_url}{separator}id={sms.message_id}&type=%d&answer=%A"
        if sms.expires_at is not None:
            # Let the SMSC drop a message that would otherwise arrive in her quiet hours.
            minutes = math.floor((sms.expires_at - self._clock.now()).total_seconds() / 60)
            params["validity"] = str(max(1, min(MAX_VALIDITY_MINUTES, minutes)))
        return params

    def send(self, sms: OutgoingSms) -> SendReceipt:
        """Hand the SMS to smsbox; classify every failure as transient, permanent or ambiguous."""
        with transport_errors():
            response = self._http.get(self._url, params=self.params(sms), timeout=self._timeout)
        return classify(
            response.status_code,
            response.text,
            sms.message_id,
            retry_after=response.headers.get("Retry-After"),
        )


def classify(
    status: int, answer: str, message_id: int, *, retry_after: str | None = None
) -> SendReceipt:
    """smsbox's answer as a receipt, or the kind of gateway error it is."""
    answer = answer.strip()
    text = f"Kannel {status}: {answer[:200]}"
    if status in (200, 202):
        # "0: Accepted for delivery" or "3: Queued for later delivery" (no SMSC connected yet:
        # bearerbox keeps it). Kannel has no id of its own to give: ours is the reference.
        return SendReceipt(provider_sid=reference(message_id), status="sent")
    if status in (429, 503):
        # 503 "Temporal failure, try again later": bearerbox's queue is full (or it is not
        # there); 429 from an aggregator's rate-limited sendsms: "later", and slower. Neither
        # took the message, and neither is her fault.
        raise ThrottledGatewayError(
            text,
            code=f"http{status}",
            retry_after=retry_after_seconds(retry_after),
            down=status == 503,  # smsbox says 503 when bearerbox is gone, too
        )
    if status in (401, 403) and "authori" in answer.lower():
        # Our own settings are wrong, not her number: keep her tips queued until they are fixed.
        log.error("Kannel refused T4B_KANNEL_USER/T4B_KANNEL_PASSWORD: %s", answer[:200])
        raise TransientGatewayError(text, code="auth")
    if 400 <= status < 500:  # "Not routable. Do not try again.", a bad number, a denied prefix
        raise PermanentGatewayError(text, code=f"http{status}")
    raise AmbiguousGatewayError(text, code=f"http{status}")


def from_settings(settings: Settings, clock: Clock) -> KannelGateway:
    """The Kannel gateway of these settings; its reports come back to T4B_PUBLIC_URL."""
    assert settings.kannel_sendsms_url and settings.kannel_user  # checked by Settings
    assert settings.kannel_password and settings.kannel_sender and settings.inbound_secret
    # The secret is URL-safe (checked by Settings), so Kannel passes it back as it is.
    secret = settings.inbound_secret.get_secret_value()
    return KannelGateway(
        sendsms_url=settings.kannel_sendsms_url,
        user=settings.kannel_user,
        password=settings.kannel_password.get_secret_value(),
        sender=settings.kannel_sender,
        dlr_url=f"{settings.public_url}{DLR_PATH}?secret={secret}",
        clock=clock,
    )
