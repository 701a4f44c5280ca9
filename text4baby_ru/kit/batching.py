"""Group commit: the work of many threads arriving at once done together in one batch. While one
batch runs, what arrives meanwhile gathers into the next, so a burst of requests costs a few
transactions, not one or more each."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Batch(Generic[T, R]):
    def __init__(self) -> None:
        self.items: list[T] = []
        self.results: Sequence[R] = ()
        self.error: BaseException | None = None
        self.done = False


class GroupCommit(Generic[T, R]):
    """submit(item) returns item's result once the batch holding it has run; one batch at a
    time; run(items) must return one result per item, in order."""

    def __init__(self, run: Callable[[list[T]], Sequence[R]]) -> None:
        self._run = run
        self._cond = threading.Condition()
        self._open: _Batch[T, R] = _Batch()
        self._busy = False
        self.batches = 0  # batches run, for tests and benchmarks

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no batch runs and none is gathering (other work that shares a resource
        with the batches, such as a single database writer, lets them go first). False if
        still busy after timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._busy and not self._open.items, timeout)

    def submit(self, item: T) -> R:
        """Join the open batch; lead it when nobody is running one, else wait for its result.
        An exception of the batch is raised in every thread whose item it held."""
        with self._cond:
            batch = self._open
            index = len(batch.items)
            batch.items.append(item)
            while self._busy and not batch.done:
                self._cond.wait()
            if not batch.done:  # nobody runs: lead this batch
                self._open, self._busy = _Batch(), True
        if not batch.done:
            try:
                batch.results = self._run(batch.items)
            except BaseException as error:
                batch.error = error
            with self._cond:
                batch.done, self._busy = True, False
                self.batches += 1
                self._cond.notify_all()
        if batch.error is not None:
            raise batch.error
        return batch.results[index]
