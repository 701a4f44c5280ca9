"""A secondary route for when the primary gateway keeps failing, shared by every worker.

Only messages the primary never took (a transient error) may go out through the secondary: a
message whose send was ambiguous stays `unknown` with the primary's name on it and is settled
with the primary alone, so nothing is sent twice. The state lives in the database (one
`route_health` row per primary), so all workers switch together.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.db import insert_or_ignore
from text4baby_ru.delivery.models import RouteHealth
from text4baby_ru.gateways.base import Gateway

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failover:
    """The secondary route, how long the primary must keep failing before traffic moves to it,
    and how long traffic stays there before the primary is tried again."""

    secondary: Gateway
    after: timedelta = timedelta(minutes=5)
    retry: timedelta = timedelta(minutes=2)


@dataclass(frozen=True)
class Route:
    """The gateway for the next batch; a probe of a primary that was failing is one message."""

    gateway: Gateway
    probe: bool = False


def pick(
    sessions: sessionmaker[Session], primary: Gateway, failover: Failover, now: datetime
) -> Route:
    """The primary, unless traffic has moved to the secondary and it is not yet time to retry."""
    with sessions() as session:
        health = session.get(RouteHealth, primary.name)
    if health is None or not health.on_secondary:
        return Route(primary)
    if health.retry_at is not None and health.retry_at <= now:
        return Route(primary, probe=True)
    return Route(failover.secondary)


def _locked(session: Session, primary: str, now: datetime) -> RouteHealth:
    insert_or_ignore(
        session,
        RouteHealth.__table__,
        {"primary_gateway": primary, "on_secondary": False, "updated_at": now},
        conflict=["primary_gateway"],
        returning=False,
    )
    query = select(RouteHealth).where(RouteHealth.primary_gateway == primary)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    health = session.scalar(query)
    assert health is not None  # inserted just above if it was missing
    return health


def observe(
    sessions: sessionmaker[Session],
    primary: Gateway,
    failover: Failover,
    *,
    answered: bool,
    now: datetime,
) -> None:
    """Record how the primary did in a batch: answered (it took or refused a message) or not
    (every call failed before the provider took the message, or ambiguously). One warning line
    is logged by whichever worker makes a switch."""
    with sessions() as session, session.begin():
        health = _locked(session, primary.name, now)
        health.updated_at = now
        if answered:
            if health.on_secondary:
                log.warning(
                    "SMS route: the primary gateway %s answers again; traffic moves back to it "
                    "from %s",
                    primary.name,
                    failover.secondary.name,
                )
            health.on_secondary, health.failing_since, health.retry_at = False, None, None
            return
        health.failing_since = health.failing_since or now
        if health.on_secondary:
            health.retry_at = now + failover.retry  # the probe failed: stay on the secondary
        elif now - health.failing_since >= failover.after:
            health.on_secondary, health.retry_at = True, now + failover.retry
            log.warning(
                "SMS route: the primary gateway %s has failed since %s; traffic moves to the "
                "secondary %s (messages whose send was ambiguous stay unknown and are settled "
                "with %s only)",
                primary.name,
                health.failing_since.isoformat(timespec="seconds"),
                failover.secondary.name,
                primary.name,
            )


class Steering:
    """Which route each batch of a pass takes, and what the primary's answers tell the shared
    health state; without a failover, always the primary."""

    def __init__(
        self, sessions: sessionmaker[Session], primary: Gateway, failover: Failover | None
    ) -> None:
        self.sessions, self.primary, self.failover = sessions, primary, failover

    def route(self, now: datetime) -> Route:
        """The route for the next batch."""
        if self.failover is None:
            return Route(self.primary)
        return pick(self.sessions, self.primary, self.failover, now)

    def on_primary(self, route: Route) -> bool:
        """Whether a batch on this route should give up early when the route seems down."""
        return self.failover is not None and route.gateway is self.primary

    def after(
        self, route: Route, *, called: int, answered: bool, gave_up: bool, now: datetime
    ) -> tuple[bool, bool]:
        """Record how a batch on the primary went: (end the pass, retry the batch's rows at
        once). A primary still failing but not yet long enough to switch ends the pass; a
        failed probe hands its message to the secondary at once."""
        if self.failover is None or not self.on_primary(route) or not called:
            return False, False
        observe(self.sessions, self.primary, self.failover, answered=answered, now=now)
        if (
            gave_up
            and pick(self.sessions, self.primary, self.failover, now).gateway is self.primary
        ):
            return True, False
        return False, route.probe and gave_up
