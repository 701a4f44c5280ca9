"""APScheduler wiring: one interval job that sends what is due; jobs call into delivery."""

from __future__ import annotations

import fcntl
import logging
import os
import socket
from pathlib import Path
from typing import IO

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import make_url

from text4baby_ru.runtime import Runtime

log = logging.getLogger(__name__)


class SchedulerLockError(Exception):
    """Another scheduler already runs against this database."""


def worker_name(role: str) -> str:
    """A name for this process in the outbox's claimed_by column."""
    return f"{role}:{socket.gethostname()}:{os.getpid()}"


def lock_sqlite(url: str) -> IO[str] | None:
    """An exclusive lock file beside the SQLite database, held for the life of the process."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    handle = Path(database + ".scheduler.lock").open("w")  # noqa: SIM115 (held until exit)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise SchedulerLockError(
            f"another scheduler already runs on {database}; start this one with --no-scheduler"
        ) from None
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """Start the background scheduler: a pass every T4B_PASS_INTERVAL seconds, misfires
    coalesced, never two at once; on SQLite only one per database."""
    lock = (
        lock_sqlite(runtime.settings.database_url)
        if runtime.engine.dialect.name == "sqlite"
        else None
    )
    worker = worker_name("scheduler")
    interval = runtime.settings.pass_interval
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        lambda: runtime.run_pass(worker),
        "interval",
        seconds=interval,
        id="pass",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=interval,
        next_run_time=runtime.clock.now(),
    )
    scheduler.start()
    scheduler.lock_handle = lock  # keep the lock file open as long as the scheduler lives
    log.info("scheduler started: a planning and sending pass every %s s", interval)
    return scheduler
