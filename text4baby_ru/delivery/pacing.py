"""Waiting for a reserved slot in real time: the shared slot is wall-clock time (several
processes share it), and each process waits on its own monotonic clock. A pass that plans with
a given instant (`dispatch --at`, the simulator, tests) is paced the same way, so a frozen
planning clock never makes a large pass wait again and again for the same distance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock, SystemClock
from text4baby_ru.delivery.ratelimit import give_back, reserve

CHUNK_SECONDS = 0.25  # sending reserved at a time: a batch cut short wastes little of it
CATCH_UP = timedelta(seconds=1)  # how far behind its own run a sender may catch up


@dataclass
class Window:
    """A reserved run of segments: when it starts on this process's monotonic clock, its rate,
    its size and end in wall-clock time, and how many of its segments have gone."""

    start: float
    rate: float
    size: int
    end: datetime
    spent: int = 0

    @property
    def used(self) -> bool:
        """Every reserved segment has gone."""
        return self.spent >= self.size


class Pacer:
    """Reserves shared slots and waits for them against real time."""

    def __init__(
        self,
        *,
        wall: Clock | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.wall = wall or SystemClock()
        self._monotonic = monotonic
        self._sleep = sleep
        self.rate: float | None = None  # the route's rate at the last reservation
        self._end: datetime | None = None  # where this pacer's last reservation ended

    def open(
        self, sessions: sessionmaker[Session], *, gateway: str, segments: list[int], ceiling: float
    ) -> Window:
        """Reserve time on the route for the first of these segments, about a quarter of a
        second's worth (at least one message); the window to send them in."""
        budget = max(1.0, (self.rate or ceiling) * CHUNK_SECONDS)
        size = 0
        for n in segments:
            if size and size + n > budget:
                break
            size += n
        with sessions() as session, session.begin():
            now, mono = self.wall.now(), self._monotonic()
            # Our own run, if it ended less than a second ago: follow it without a gap.
            after = self._end if self._end and now - self._end < CATCH_UP else None
            got = reserve(
                session, gateway=gateway, segments=size, rate=ceiling, now=now, after=after
            )
        self.rate = got.rate
        self._end = got.start + timedelta(seconds=max(1, size) / got.rate)
        return Window(mono + (got.start - now).total_seconds(), got.rate, size, self._end)

    def close(self, sessions: sessionmaker[Session], gateway: str, window: Window | None) -> None:
        """A batch cut short: give back what the window did not use."""
        if window is None or window.used:
            return
        unused = (window.size - window.spent) / window.rate
        with sessions() as session, session.begin():
            give_back(session, gateway=gateway, end=window.end, seconds=unused, now=self.wall.now())

    def wait(self, window: Window, segments: int) -> None:
        """Sleep until the next `segments` of the window may go."""
        due = window.start + window.spent / window.rate
        delay = due - self._monotonic()
        if delay > 0:
            self._sleep(delay)
        window.spent += segments

    def batch(self, limit: int, ceiling: float | None) -> int:
        """How many messages to claim at once: about a second's worth at the route's rate, so
        a slowed route's reservations stay short and a throttled batch gives little back."""
        if ceiling is None:
            return limit
        return max(1, min(limit, int(self.rate or ceiling)))
