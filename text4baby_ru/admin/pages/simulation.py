"""The simulator: a pretend phone that runs the real conversation, planner and sender on a
database of its own. Each simulation has its own SQLite file (copied from a migrated template)
with the live library copied in, its own clock that the page moves, and a gateway that puts
what would be sent on the pretend phone's screen. Nothing here opens the real gateway, and the
real database is only read, for the library."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import DEFAULT_ZONE, FixedClock, SystemClock
from text4baby_ru.content.models import ContentKey, ContentRevision, RevisionStatus
from text4baby_ru.db import make_engine, session_factory, unit_of_work
from text4baby_ru.delivery.planner import zones
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.gateways.base import OutgoingSms, SendReceipt
from text4baby_ru.intake.inbound import Arrival
from text4baby_ru.migrations import upgrade
from text4baby_ru.modules.models import Module, ModuleArm, ModuleOption
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings

PHONE = "+79160000000"  # the pretend phone; it exists only in the simulation's own database
IDLE_LIMIT = timedelta(hours=1)
MAX_SIMULATIONS = 20
# One user's simulations: a new one beyond these replaces her least recently used, so no one
# (a viewer posting without the simulator's cookie, say) can take every slot from the others.
MAX_PER_USER = 3
MAX_TEXT = 320


class SimulatorFull(Exception):
    """Every simulation slot is in use."""


@dataclass(frozen=True)
class Line:
    """One bubble on the pretend phone's screen."""

    at: datetime
    incoming: bool  # True: she wrote it; False: the programme sent it
    text: str


class PhoneScreen:
    """The simulation's gateway: whatever the sender hands it appears on the pretend phone, at
    the simulation's time, and is reported delivered."""

    name = "simulator"

    def __init__(self, clock: FixedClock) -> None:
        self._clock = clock
        self.lines: list[Line] = []

    def send(self, sms: OutgoingSms) -> SendReceipt:
        """Show the message on the screen."""
        self.lines.append(Line(self._clock.now(), False, sms.body))
        return SendReceipt(provider_sid=f"sim-{sms.message_id}", status="delivered")


@dataclass
class Simulation:
    """One pretend phone with its own database, clock and screen."""

    owner_id: int
    folder: tempfile.TemporaryDirectory[str]
    runtime: Runtime
    clock: FixedClock
    screen: PhoneScreen
    last_used: datetime
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def zone(self) -> ZoneInfo:
        """Her time zone (Moscow until she names a city)."""
        with self.runtime.sessions() as session:
            found = session.scalar(select(Person.timezone).where(Person.phone == PHONE))
        return ZoneInfo(found or DEFAULT_ZONE)

    def send(self, text: str) -> None:
        """She texts the programme: the real conversation answers, the real sender sends."""
        text = text.strip()[:MAX_TEXT]
        if not text:
            return
        self.counter += 1
        self.screen.lines.append(Line(self.clock.now(), True, text))
        self.runtime.inbound.accept(Arrival("simulator", f"sim-{self.counter}", PHONE, text))
        self.runtime.run_pass("simulator")  # handles her text first, as the handler would

    def advance(self, until: datetime) -> None:
        """Move the clock to until, running a pass at each local send hour on the way (as the
        scheduler would), so every tip arrives at the time she would get it."""
        hour = self.runtime.settings.send_hour
        step = self.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        while step <= until:
            with self.runtime.sessions() as session:
                in_zones = zones(session) or [DEFAULT_ZONE]
            if any(step.astimezone(ZoneInfo(z)).hour == hour for z in in_zones):
                self.clock.set(step)
                self.runtime.run_pass("simulator")
            step += timedelta(hours=1)
        self.clock.set(until)
        self.runtime.run_pass("simulator")

    def next_monday(self) -> datetime:
        """The next Monday at the send hour, her time."""
        zone = self.zone()
        local = self.clock.now().astimezone(zone)
        days = (7 - local.weekday()) % 7 or 7
        day = (local + timedelta(days=days)).date()
        return datetime.combine(day, time(self.runtime.settings.send_hour), zone)

    def enrolled(self) -> bool:
        """Whether the pretend phone has an enrollment yet."""
        with self.runtime.sessions() as session:
            return session.scalar(select(Enrollment.id).limit(1)) is not None


class Simulator:
    """Every running simulation, at most MAX_SIMULATIONS and MAX_PER_USER a user, each dropped
    after an idle hour."""

    def __init__(
        self,
        *,
        limit: int = MAX_SIMULATIONS,
        per_user: int = MAX_PER_USER,
        idle: timedelta = IDLE_LIMIT,
    ) -> None:
        self._limit, self._per_user, self._idle = limit, per_user, idle
        self._running: dict[str, Simulation] = {}
        self._lock = threading.Lock()
        self._template: tempfile.TemporaryDirectory[str] | None = None

    def get(self, sim_id: str | None, owner_id: int) -> Simulation | None:
        """The caller's simulation, if it still runs."""
        self._expire()
        with self._lock:
            sim = self._running.get(sim_id or "")
        if sim is None or sim.owner_id != owner_id:
            return None
        sim.last_used = SystemClock().now()
        return sim

    def start(
        self, *, owner_id: int, settings: Settings, library: Session
    ) -> tuple[str, Simulation]:
        """A new simulation with today's live library (read through the caller's session of the
        real database); it replaces the owner's least recently used one when she has her
        share; SimulatorFull when every slot is used by others."""
        self._expire()
        with self._lock:
            mine = sorted(
                (s.last_used, k) for k, s in self._running.items() if s.owner_id == owner_id
            )
            over = max(0, len(mine) - self._per_user + 1)
            replaced = [self._running.pop(k) for _, k in mine[:over]]
            full = len(self._running) >= self._limit
            template = None if full else self._template_file()
        for old in replaced:
            _close(old)
        if template is None:
            raise SimulatorFull()
        folder = tempfile.TemporaryDirectory(prefix="t4b-sim-")
        path = Path(folder.name) / "sim.db"
        shutil.copyfile(template, path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        sessions = session_factory(engine)
        _copy_library(library, sessions)
        now = SystemClock().now()
        clock = FixedClock(now.replace(second=0, microsecond=0))
        screen = PhoneScreen(clock)
        sim_settings = settings.model_copy(
            update={
                "database_url": url,
                "send_rate": 10_000.0,
                "secret_key": SecretStr(secrets.token_urlsafe(32)),  # pseudonyms of its own
            }
        )
        runtime = Runtime(
            settings=sim_settings, engine=engine, sessions=sessions, clock=clock, gateway=screen
        )
        sim = Simulation(
            owner_id=owner_id,
            folder=folder,
            runtime=runtime,
            clock=clock,
            screen=screen,
            last_used=now,
        )
        sim_id = secrets.token_urlsafe(18)
        with self._lock:
            self._running[sim_id] = sim
        return sim_id, sim

    def stop(self, sim_id: str) -> None:
        """Drop a simulation and its database."""
        with self._lock:
            sim = self._running.pop(sim_id, None)
        if sim is not None:
            _close(sim)

    def count(self) -> int:
        """How many simulations run."""
        with self._lock:
            return len(self._running)

    def _expire(self) -> None:
        cutoff = SystemClock().now() - self._idle
        with self._lock:
            old = [k for k, s in self._running.items() if s.last_used < cutoff]
            dropped = [self._running.pop(k) for k in old]
        for sim in dropped:
            _close(sim)

    def _template_file(self) -> Path:
        """A migrated empty database, made once per process and copied for each simulation."""
        if self._template is None:
            folder = tempfile.TemporaryDirectory(prefix="t4b-sim-template-")
            upgrade(f"sqlite:///{Path(folder.name) / 'template.db'}")
            self._template = folder
        return Path(self._template.name) / "template.db"


def _close(sim: Simulation) -> None:
    with sim.lock:
        sim.runtime.engine.dispose()
        sim.folder.cleanup()


def _copy_library(source: Session, target: sessionmaker[Session]) -> None:
    """The live texts of the real library, as they are sent today (no authors: no users here)."""
    keys = [dict(row._mapping) for row in source.execute(select(ContentKey.__table__))]
    live = [
        dict(row._mapping) | {"author_id": None, "published_by_id": None}
        for row in source.execute(
            select(ContentRevision.__table__).where(ContentRevision.status == RevisionStatus.LIVE)
        )
    ]
    with unit_of_work(target) as session:
        session.execute(insert(ContentKey), keys)
        session.execute(insert(ContentRevision), live)
    _copy_modules(source, target)


def _copy_modules(source: Session, target: sessionmaker[Session]) -> None:
    """The modules of the real database as they stand: the running ones ask on the pretend
    phone as they would ask her."""
    modules = [dict(row._mapping) for row in source.execute(select(Module.__table__))]
    if not modules:
        return
    arms = [dict(row._mapping) for row in source.execute(select(ModuleArm.__table__))]
    options = [dict(row._mapping) for row in source.execute(select(ModuleOption.__table__))]
    with unit_of_work(target) as session:
        session.execute(insert(Module), modules)
        if arms:
            session.execute(insert(ModuleArm), arms)
        if options:
            session.execute(insert(ModuleOption), options)
