"""Waiting for a reserved slot in real time: the shared slot is wall-clock time (several
processes share it), and each process waits on its own monotonic clock. A pass that plans with
a given instant (`dispatch --at`, the simulator, tests) is paced the same way, so a frozen
planning clock never makes a large pass wait again and again for the same distance."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from text4baby_ru.clock import Clock, SystemClock
from text4baby_ru.delivery.ratelimit import reserve


@dataclass
class Window:
    """A reserved run of segments: when it starts on this process's monotonic clock, its rate,
    and how many of its segments have gone."""

    start: float
    rate: float
    spent: int = 0


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

    def open(self, session: Session, *, gateway: str, segments: int, ceiling: float) -> Window:
        """Reserve time for `segments` on the route; the window to send them in."""
        now, mono = self.wall.now(), self._monotonic()
        reserved = reserve(session, gateway=gateway, segments=segments, rate=ceiling, now=now)
        self.rate = reserved.rate
        return Window(mono + (reserved.start - now).total_seconds(), reserved.rate)

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
