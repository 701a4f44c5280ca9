"""The inbound pipeline of one process: webhooks `accept` texts (their stores grouped into one
short transaction), a handler thread `drain`s them in batches and sends the replies at once."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.db import unit_of_work
from text4baby_ru.intake.inbound import (
    Arrival,
    Batch,
    Pending,
    Reads,
    claim,
    handle_one,
    read_ahead,
    record_failure,
    store,
)
from text4baby_ru.kit.batching import GroupCommit

log = logging.getLogger(__name__)
BATCH = 50  # texts handled in one transaction (on SQLite it holds the one writer meanwhile)
WAIT = 10.0  # seconds a webhook's follow-up waits for its text to be handled
IDLE = 60.0  # seconds without a text before the handler thread ends
STORES_FIRST = 0.5  # at most this long a batch waits for the webhooks' stores to pass
MIN_CLAIM = 4  # the fewest texts a batch claims after one the budget cut short
BUDGET = 0.1  # seconds a batch goes on handling texts (a webhook's store may wait that long)


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

    def __init__(
        self, pipeline: Pipeline, *, batch: int = BATCH, budget: float | None = BUDGET
    ) -> None:
        self.pipeline = pipeline
        self.batch = batch
        self.budget = budget  # None: a batch handles all it claimed (no single writer to share)
        self._claim = batch  # texts the next batch claims (and loads ahead)
        self._stores: GroupCommit[Arrival, int | None] = GroupCommit(self._store)
        self._draining = threading.Lock()
        self._nudge = threading.Event()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._waiters_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._replies = _Replies(pipeline.send_replies, pipeline.send_outside)
        self.here = True  # False: this process only stores; a `worker` handles the texts

    def leave_to_workers(self) -> None:
        """This process stores texts and never handles them (`serve --no-handler`): under a
        campaign's load the web process keeps its interpreter for the webhooks, and a `worker`
        polls for what they stored."""
        self.here = False

    # -- the webhook's side -------------------------------------------------------------

    def accept(self, arrival: Arrival) -> int | None:
        """Store one text (with the texts of concurrent requests, in one transaction); its id,
        or None for a text stored before. Blocking: call it from a worker thread."""
        return self._stores.submit(arrival)

    async def handled(self, timeout: float = WAIT) -> None:
        """Wake the handler and wait until it has handled what was stored before this call
        (at once when a worker handles the texts instead)."""
        if not self.here:
            return
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
        """Handle every text pending now, batch after batch; each batch's replies go to the
        gateway as soon as it is committed, while the next batch is handled when texts are
        left for it. Returns once the replies have been through a send: how many texts were
        handled (or set aside) and replies sent."""
        done = Drained()
        with self._draining:
            while True:
                # The webhooks' short stores go first: on SQLite a batch holds the one writer.
                self._stores.wait_idle(STORES_FIRST)
                batch = self._handle_batch()
                self._replies.put(batch.reply_ids, batch.outside_replies)
                if not batch.more:  # nothing to do meanwhile: the next claim comes after them
                    self._replies.wait()
                done.texts += len(batch.handled)
                done.replies += len(batch.reply_ids) + len(batch.outside_replies)
                if len(batch.handled) == 0:
                    return done

    def _handle_batch(self) -> Batch:
        """One transaction: claim up to `batch` texts (one per number), load what they read
        at once, handle each in a savepoint so one that fails rolls back alone and is counted
        against itself. It ends after `budget` seconds (the texts not reached stay pending, the
        first of each number still): on SQLite it holds the one writer the webhooks wait for."""
        p = self.pipeline
        batch = Batch()
        hash_key = p.hash_key()
        ends = time.monotonic() + (self.budget or float("inf"))
        with unit_of_work(p.sessions) as session:
            texts = claim(session, limit=self._claim)
            reads = read_ahead(session, texts, hash_key=hash_key)
            for text in texts:
                if batch.handled and time.monotonic() > ends:
                    break
                self._handle_one(session, text, hash_key=hash_key, batch=batch, reads=reads)
                batch.handled.append(text.id)
        # Texts were left (cut short, or as many claimed as asked): the next batch has work.
        batch.more = len(batch.handled) < len(texts) or len(texts) == self._claim
        self._claim = _next_claim(self._claim, len(batch.handled), len(texts), self.batch)
        return batch

    def _handle_one(
        self, session: Session, text: Pending, *, hash_key: bytes, batch: Batch, reads: Reads
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
                    reads=reads,
                )
        except Exception as error:
            del batch.reply_ids[replies:], batch.outside_replies[outside:]
            batch.failed += 1
            record_failure(session, text, error, now=p.clock.now())

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
            by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
            for loop, future in waiting:
                by_loop.setdefault(loop, []).append(future)
            for loop, futures in by_loop.items():  # one wake-up of each loop, not one a text
                loop.call_soon_threadsafe(_resolve, futures)


def _next_claim(claimed: int, handled: int, available: int, most: int) -> int:
    """How many texts the next batch claims: about what this one handled in its time when the
    budget cut it short (it reads ahead only what it will reach), else up to `most` again."""
    if handled < available:
        return max(MIN_CLAIM, handled + handled // 2)
    return min(most, claimed * 2)


class _Replies:
    """Sends the replies of committed batches from a thread of its own, so the handler goes
    on with the next batch while the gateway takes them; those of batches committed meanwhile
    go together. A reply not sent (a crash, a failed send) stays queued for the next pass."""

    def __init__(
        self, send_replies: Callable[[list[int]], None], send_outside: Callable[[str, str], None]
    ) -> None:
        self._send_replies, self._send_outside = send_replies, send_outside
        self._cond = threading.Condition()
        self._ids: list[int] = []
        self._outside: list[tuple[str, str]] = []
        self._put = self._sent = 0  # batches handed over, batches through a send
        self._thread: threading.Thread | None = None

    def put(self, ids: list[int], outside: list[tuple[str, str]]) -> None:
        """Hand over one batch's replies (its transaction committed); returns at once."""
        if not ids and not outside:
            return
        with self._cond:
            self._ids += ids
            self._outside += outside
            self._put += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="replies", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait(self, timeout: float = WAIT) -> bool:
        """Wait until what was handed over so far has been through a send."""
        with self._cond:
            upto = self._put
            return self._cond.wait_for(lambda: self._sent >= upto, timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: self._ids or self._outside, IDLE):
                    self._thread = None  # idle: the next put starts another
                    return
                ids, outside, upto = self._ids, self._outside, self._put
                self._ids, self._outside = [], []
            self._send(ids, outside)
            with self._cond:
                self._sent = upto
                self._cond.notify_all()

    def _send(self, ids: list[int], outside: list[tuple[str, str]]) -> None:
        try:
            if ids:
                self._send_replies(ids)
            for phone, text in outside:
                self._send_outside(phone, text)
        except Exception:  # the replies stay queued: the next pass sends them
            log.exception("replies of inbound texts not sent now")


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)
