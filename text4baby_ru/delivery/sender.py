"""Sending what is due: claim rows, commit them as `sending`, call the gateway at the route's
shared rate, record. Claiming and recording live in `claims`, the route choice in `failover`,
the rate in `ratelimit` and `pacing`."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.delivery.claims import Recording, claim, record, release, retry_now
from text4baby_ru.delivery.failover import Failover, Steering
from text4baby_ru.delivery.outcomes import DOWN, Outcome, SendReport, call
from text4baby_ru.delivery.pacing import Pacer, Window
from text4baby_ru.delivery.prepare import prepare, withdraw_if_unwanted
from text4baby_ru.gateways.base import Gateway

__all__ = ["SendPolicy", "SendReport", "claim", "release", "send_due"]
log = logging.getLogger(__name__)
RECORD_EVERY = 50  # outcomes written per transaction: fewer commits, a short window of doubt
THROTTLED_BATCHES = 20  # batches in a row the provider throttled entirely: end the pass


@dataclass(frozen=True)
class SendPolicy:
    """How the sender behaves: pause after failures, a shared rate (slowed together when the
    provider throttles), and the real-time pacer that waits for it."""

    max_failures: int = 3
    rate: float | None = None  # segments per second for all workers together; None: no limit
    pacer: Pacer = field(default_factory=Pacer)


@dataclass
class _Batch:
    """How a batch went: calls made, whether the provider answered any, whether it was cut
    short (the route is down, the provider throttled, a stop came), how many it took."""

    called: int = 0
    answered: bool = False
    gave_up: bool = False
    throttled: bool = False
    stopped: bool = False
    taken: int = 0


def _send_batch(
    sessions: sessionmaker[Session],
    gateway: Gateway,
    ids: list[int],
    *,
    clock: Clock,
    policy: SendPolicy,
    report: SendReport,
    stop: threading.Event | None,
    give_up: bool,
) -> _Batch:
    """Send one claimed batch. With give_up, a failure before the provider has answered any
    call hands the rest back at once (the route is down: another route may take them). A
    throttled answer that slows the route (or names a Retry-After) hands the rest back too:
    they go again, in their turn, at the slower rate."""
    result = _Batch()
    pacer = policy.pacer
    with sessions() as session, session.begin():
        ready = prepare(session, ids, clock.now())
        report.skipped += len(ids) - len(ready)
    window: Window | None = None
    outcomes: list[Outcome] = []
    for position, item in enumerate(ready):
        sms, segments = item.sms, item.segments
        result.stopped = stop is not None and stop.is_set()
        if result.stopped or result.gave_up or result.throttled:
            release(sessions, [r.sms.message_id for r in ready[position:]], now=clock.now())
            pacer.close(sessions, gateway.name, window)
            break
        # A STOP handled since the batch was prepared still keeps back what is not yet handed.
        if item.stoppable and withdraw_if_unwanted(sessions, sms.message_id, clock.now()):
            report.skipped += 1
            continue
        if policy.rate is not None:
            if window is None or window.used:
                rest = [r.segments for r in ready[position:]]
                window = pacer.open(
                    sessions, gateway=gateway.name, segments=rest, ceiling=policy.rate
                )
            pacer.wait(window, segments)
        outcome = call(gateway, sms, segments=segments, sent_at=pacer.wall.now())
        report.count(outcome)
        result.called += 1
        outcomes.append(outcome)
        result.answered = result.answered or outcome.answered
        result.gave_up = give_up and not result.answered
        result.taken += outcome.status not in DOWN
        if len(outcomes) >= RECORD_EVERY or outcome.throttled:
            # A throttled answer is recorded at once so every sender hears it; the batch stops
            # only when the route must hold back (an occasional 429 costs just that retry).
            hold = _record(sessions, gateway, outcomes, clock, policy)
            result.throttled = outcome.throttled and hold
            outcomes = []
    _record(sessions, gateway, outcomes, clock, policy)
    return result


def _record(
    sessions: sessionmaker[Session],
    gateway: Gateway,
    outcomes: list[Outcome],
    clock: Clock,
    policy: SendPolicy,
) -> bool:
    how = Recording(clock.now(), policy.pacer.wall.now(), policy.max_failures, policy.rate)
    return record(sessions, gateway.name, outcomes, how)


def send_due(
    *,
    sessions: sessionmaker[Session],
    gateway: Gateway,
    clock: Clock,
    worker: str,
    batch: int = 200,
    only: list[int] | None = None,
    policy: SendPolicy = SendPolicy(),
    stop: threading.Event | None = None,
    failover: Failover | None = None,
) -> SendReport:
    """Send every message that is due now (or just those of `only`), batch by batch. Every row
    is committed as `sending` before its gateway call; outcomes are written every few messages
    (a crash in between leaves rows `sending`, settled later like any ambiguous send). When
    stop is set, the rows claimed but not yet sent go back to the queue for another worker.
    With a failover, each batch goes through the route the shared health state names, and the
    primary's answers update that state. A throttled message goes back in its turn; a pass
    ends when the provider throttles batch after batch (the next pass goes on)."""
    report = SendReport()
    steering = Steering(sessions, gateway, failover)
    throttled_in_a_row = 0
    while not (stop and stop.is_set()):
        route = steering.route(clock.now())
        limit = 1 if route.probe else policy.pacer.batch(batch, policy.rate)
        with sessions() as session, session.begin():
            ids = claim(
                session,
                worker=worker,
                gateway=route.gateway.name,
                now=clock.now(),
                limit=limit,
                only=only,
            )
        if not ids:
            return report
        done = _send_batch(
            sessions,
            route.gateway,
            ids,
            clock=clock,
            policy=policy,
            report=report,
            stop=stop,
            give_up=steering.on_primary(route),
        )
        end, again = steering.after(
            route, called=done.called, answered=done.answered, gave_up=done.gave_up, now=clock.now()
        )
        if again:
            retry_now(sessions, ids)  # the secondary takes the probe's message at once
        throttled_in_a_row = throttled_in_a_row + 1 if done.throttled and not done.taken else 0
        if throttled_in_a_row >= THROTTLED_BATCHES:
            log.warning(
                "SMS route %s keeps throttling: the rest waits for the next pass",
                route.gateway.name,
            )
            return report
        if end or done.stopped:
            return report
        if only is not None and len(ids) < limit and not route.probe and not done.gave_up:
            return report  # every listed row was in this batch: no need to ask again
    return report
