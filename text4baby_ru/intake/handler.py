"""The inbound pipeline of one process: webhooks `accept` texts (their stores grouped into one
short transaction), a handler thread `drain`s them in batches and sends the replies at once."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.db import unit_of_work
from text4baby_ru.intake.inbound import (
    Arrival,
    Batch,
    Pending,
    claim,
    handle_one,
    record_failure,
    store,
)
from text4baby_ru.kit.batching import GroupCommit

log = logging.getLogger(__name__)
BATCH = 50  # texts handled in one transaction (on SQLite it holds the one writer meanwhile)
WAIT = 10.0  # seconds a webhook's follow-up waits for its text to be handled
IDLE = 60.0  # seconds without a text before the handler thread ends
STORES_FIRST = 0.5  # at most this long a batch waits for the webhooks' stores to pass


@dataclass
class Pipeline:
    """What the handler needs of the process it runs in."""

    sessions: sessionmaker[Session]
    clock: Clock
    hash_key: Callable[[], bytes]
    countries: tuple[str, ...]
    send_replies: Callable[[list[int]], None]
    send_outside: Callable[[str, str], None]


@dataclass
class Drained:
    """What one drain did."""

    texts: int = 0
    replies: int = 0


class InboundHandler:
    """accept() stores a text and returns at once; handled() waits (without a thread) until the
    handler thread has handled it; drain() handles everything pending, one batch at a time."""

    def __init__(self, pipeline: Pipeline, *, batch: int = BATCH) -> None:
        self.pipeline = pipeline
        self.batch = batch
        self._stores: GroupCommit[Arrival, int | None] = GroupCommit(self._store)
        self._draining = threading.Lock()
        self._nudge = threading.Event()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._waiters_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- the webhook's side -------------------------------------------------------------

    def accept(self, arrival: Arrival) -> int | None:
        """Store one text (with the texts of concurrent requests, in one transaction); its id,
        or None for a text stored before. Blocking: call it from a worker thread."""
        return self._stores.submit(arrival)

    async def handled(self, timeout: float = WAIT) -> None:
        """Wake the handler and wait until it has handled what was stored before this call."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._waiters_lock:
            self._waiters.append((loop, future))
            self._nudge.set()
            self._start()
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            # Under a burst every request would say so: the backlog is t4b_inbound_waiting.
            log.debug("inbound handler busy for over %s s; the text stays queued", timeout)

    def _store(self, arrivals: list[Arrival]) -> list[int | None]:
        now = self.pipeline.clock.now()
        with unit_of_work(self.pipeline.sessions) as session:
            return store(session, arrivals, now=now)

    # -- the handler's side -------------------------------------------------------------

    def drain(self) -> Drained:
        """Handle every text pending now, batch after batch, sending each batch's replies as
        soon as it is committed; how many texts were handled (or set aside) and replies sent."""
        done = Drained()
        with self._draining:
            while True:
                # The webhooks' short stores go first: on SQLite a batch holds the one writer.
                self._stores.wait_idle(STORES_FIRST)
                batch = self._handle_batch()
                self._send(batch)
                done.texts += len(batch.handled)
                done.replies += len(batch.reply_ids) + len(batch.outside_replies)
                if len(batch.handled) == 0:
                    return done

    def _handle_batch(self) -> Batch:
        """One transaction: claim up to `batch` texts (one per number), handle each in a
        savepoint so one that fails rolls back alone and is counted against itself."""
        p = self.pipeline
        batch = Batch()
        hash_key = p.hash_key()
        with unit_of_work(p.sessions) as session:
            for text in claim(session, limit=self.batch):
                self._handle_one(session, text, hash_key=hash_key, batch=batch)
                batch.handled.append(text.id)
        return batch

    def _handle_one(
        self, session: Session, text: Pending, *, hash_key: bytes, batch: Batch
    ) -> None:
        p = self.pipeline
        replies, outside = len(batch.reply_ids), len(batch.outside_replies)
        try:
            with session.begin_nested():
                handle_one(
                    session,
                    text,
                    now=p.clock.now(),
                    hash_key=hash_key,
                    countries=p.countries,
                    batch=batch,
                )
        except Exception as error:
            del batch.reply_ids[replies:], batch.outside_replies[outside:]
            batch.failed += 1
            record_failure(session, text, error, now=p.clock.now())

    def _send(self, batch: Batch) -> None:
        p = self.pipeline
        if batch.reply_ids:
            try:
                p.send_replies(batch.reply_ids)
            except Exception:  # the replies stay queued: the next pass sends them
                log.exception("replies of an inbound batch not sent now")
        for phone, text in batch.outside_replies:
            p.send_outside(phone, text)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="inbound", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            if not self._nudge.wait(IDLE):
                with self._waiters_lock:  # idle: end the thread; the next nudge starts another
                    if not self._nudge.is_set():
                        self._thread = None
                        return
                continue
            self._nudge.clear()
            with self._waiters_lock:
                waiting, self._waiters = self._waiters, []
            try:
                self.drain()
            except Exception:  # the texts stay stored; the next nudge or pass retries them
                log.exception("inbound handler: a batch failed")
            for loop, future in waiting:
                loop.call_soon_threadsafe(_resolve, future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
