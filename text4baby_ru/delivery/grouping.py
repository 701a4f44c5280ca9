"""Sending the replies of many webhook requests together: while one batch is with the gateway,
the replies of the requests that arrive meanwhile gather into the next one (a group commit), so
a burst of texts costs a few claim-and-record transactions, not several per text."""

from __future__ import annotations

from collections.abc import Callable

from text4baby_ru.kit.batching import GroupCommit


class GroupSender:
    """send(ids) returns once the ids have been through a send; one batch at a time."""

    def __init__(self, send: Callable[[list[int]], object]) -> None:
        def run(batches: list[list[int]]) -> list[None]:
            send([i for ids in batches for i in ids])
            return [None] * len(batches)

        self._group: GroupCommit[list[int], None] = GroupCommit(run)

    @property
    def batches(self) -> int:
        """Batches sent, for tests and benchmarks."""
        return self._group.batches

    def send(self, ids: list[int]) -> None:
        """Add ids to the next batch; lead that batch if nobody is sending, else wait for it."""
        if ids:
            self._group.submit(ids)
