"""What became of one gateway call, as a value the sender records and logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime

from text4baby_ru.delivery.models import MessageStatus
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    Gateway,
    OutgoingSms,
    PermanentGatewayError,
    ThrottledGatewayError,
    TransientGatewayError,
)

log = logging.getLogger(__name__)

_PROVIDER_STATUS = {
    "delivered": MessageStatus.DELIVERED,
    "sent": MessageStatus.SENT,
    "queued": MessageStatus.SENT,
    "accepted": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
}
DONE = (MessageStatus.SENT, MessageStatus.DELIVERED)
DOWN = (MessageStatus.QUEUED, MessageStatus.UNKNOWN)  # the provider did not take it


@dataclass(frozen=True)
class Outcome:
    """One send attempt: the message's new status, the provider's id or error code; throttled
    when the provider refused for speed (with its Retry-After, if it gave one)."""

    message_id: int
    status: MessageStatus
    segments: int = 1
    sent_at: datetime | None = None  # wall-clock instant the call left (for the route's rate)
    error_code: str | None = None
    provider_sid: str | None = None
    throttled: bool = False
    retry_after: float | None = None
    down: bool = False  # a throttled answer that may also mean the route is not there

    @property
    def answered(self) -> bool:
        """The provider is there: it took or refused the message, or throttled it (a 429)."""
        return self.status not in DOWN or (self.throttled and not self.down)


@dataclass
class SendReport:
    """What one sending pass did."""

    sent: int = 0
    retried: int = 0
    throttled: int = 0
    failed: int = 0
    unknown: int = 0
    skipped: int = 0
    ids: list[int] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Add one outcome to the tallies."""
        if outcome.throttled:
            self.throttled += 1
        elif outcome.status is MessageStatus.QUEUED:
            self.retried += 1
        elif outcome.status is MessageStatus.FAILED:
            self.failed += 1
        elif outcome.status is MessageStatus.UNKNOWN:
            self.unknown += 1
        else:
            self.sent += 1
            self.ids.append(outcome.message_id)


def call(gateway: Gateway, sms: OutgoingSms, *, segments: int, sent_at: datetime) -> Outcome:
    """Hand one SMS to the gateway; what became of it."""
    base = Outcome(sms.message_id, MessageStatus.QUEUED, segments, sent_at)
    try:
        receipt = gateway.send(sms)
    except ThrottledGatewayError as error:
        return replace(
            base,
            error_code=error.code,
            throttled=True,
            retry_after=error.retry_after,
            down=error.down,
        )
    except TransientGatewayError as error:
        return replace(base, error_code=error.code)
    except PermanentGatewayError as error:
        return replace(base, status=MessageStatus.FAILED, error_code=error.code)
    except AmbiguousGatewayError as error:
        return replace(base, status=MessageStatus.UNKNOWN, error_code=error.code)
    status = _PROVIDER_STATUS.get(receipt.status, MessageStatus.SENT)
    return replace(base, status=status, provider_sid=receipt.provider_sid)


def log_outcome(gateway: str, outcome: Outcome) -> None:
    """One line per send attempt, with the ids an operator follows a message by."""
    error = f" (error {outcome.error_code})" if outcome.error_code else ""
    worrying = outcome.status in (MessageStatus.FAILED, MessageStatus.UNKNOWN)
    log.log(
        logging.WARNING if worrying else logging.INFO,
        "message %s via %s: %s%s%s",
        outcome.message_id,
        gateway,
        outcome.status.value,
        error,
        " (throttled: retried in its turn)" if outcome.throttled else "",
        extra={"message_id": outcome.message_id, "provider_sid": outcome.provider_sid},
    )
