"""Sending the replies of many webhook requests together: while one batch is with the gateway,
the replies of the requests that arrive meanwhile gather into the next one (a group commit), so
a burst of texts costs a few claim-and-record transactions, not several per text."""

from __future__ import annotations

import threading
from collections.abc import Callable


class GroupSender:
    """send(ids) returns once the ids have been through a send; one batch at a time."""

    def __init__(self, send: Callable[[list[int]], object]) -> None:
        self._send = send
        self._cond = threading.Condition()
        self._pending: list[int] = []
        self._next = 0  # the number of the batch that will take what is pending now
        self._finished = 0  # every batch numbered below this one is done
        self._busy = False
        self.batches = 0  # batches sent, for tests and benchmarks

    def send(self, ids: list[int]) -> None:
        """Add ids to the next batch; lead that batch if nobody is sending, else wait for it."""
        if not ids:
            return
        with self._cond:
            self._pending.extend(ids)
            mine = self._next
            while self._busy and self._finished <= mine:
                self._cond.wait()
            if self._finished > mine:
                return  # another request's thread sent the batch that held these ids
            batch, self._pending = self._pending, []
            self._next += 1
            self._busy = True
        try:
            self._send(batch)
        finally:
            with self._cond:
                self.batches += 1
                self._busy = False
                self._finished = mine + 1
                self._cond.notify_all()
