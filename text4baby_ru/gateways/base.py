"""The SMS gateway protocol every route implements (console, Twilio, Kannel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


class GatewayError(Exception):
    """The gateway could not take the message."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class TransientGatewayError(GatewayError):
    """Worth retrying later: the provider never took the message (refused, 429, outage)."""


class ThrottledGatewayError(TransientGatewayError):
    """The provider refused because we send too fast (HTTP 429, Twilio 20429/14107, Kannel's
    queue full): a matter of the route, not of the message. `retry_after` is the provider's
    Retry-After in seconds, when it sent one."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retry_after: float | None = None,
        down: bool = False,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.down = down  # the answer cannot tell "too fast" from "not there" (failover counts it)


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header's seconds (the HTTP-date form is not used by SMS providers)."""
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds <= 3600 else None


class PermanentGatewayError(GatewayError):
    """Retrying will not help (invalid number, not a mobile, unsubscribed)."""


class AmbiguousGatewayError(GatewayError):
    """The provider may or may not have taken the message (timeout, 5xx, lost connection)."""


@dataclass(frozen=True)
class OutgoingSms:
    """What the sender hands a gateway: one text to one number."""

    message_id: int
    to: str
    body: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class SendReceipt:
    """The provider's id for the message (None when it gave none) and the status it reported."""

    provider_sid: str | None
    status: str


class Gateway(Protocol):
    """Sends one SMS; raises one of the GatewayError kinds when it cannot."""

    name: str

    def send(self, sms: OutgoingSms) -> SendReceipt: ...


@runtime_checkable
class ListingGateway(Gateway, Protocol):
    """A gateway that can tell whether it took a message (Twilio can list; Kannel cannot)."""

    def find_sent(self, sms: OutgoingSms, since: datetime) -> str | None: ...
