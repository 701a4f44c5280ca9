"""The embedded default gateway: prints each message readably and keeps it in the outbox."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from text4baby_ru.gateways.base import OutgoingSms, SendReceipt
from text4baby_ru.kit.phones import mask
from text4baby_ru.kit.segments import count

log = logging.getLogger(__name__)


class ConsoleGateway:
    """Writes messages to a stream instead of a phone network; every message is 'delivered'."""

    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, sms: OutgoingSms) -> SendReceipt:
        """Print the message with its masked recipient and segment count."""
        parts = count(sms.body)
        stream = self._stream or sys.stdout
        stream.write(
            f"--- SMS #{sms.message_id} to {mask(sms.to)} "
            f"({parts.segments} x {parts.encoding}) ---\n{sms.body}\n"
        )
        stream.flush()
        return SendReceipt(provider_sid=f"console-{sms.message_id}", status="delivered")
