"""A sender killed with SIGKILL mid-batch: after a restart nothing is sent twice and nothing is
lost (rows it left `sending` are settled against the provider's message list)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from devtools.twilio_mock import TwilioMock
from tests.factories import queue_replies
from tests.live import twilio_env
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage

TOKEN, ACCOUNT = "crash-token", "AC" + "6" * 32
N = 2000
LEASE, SETTLE = timedelta(seconds=2), timedelta(seconds=1)


@pytest.mark.slow
@pytest.mark.crash  # on PostgreSQL too (scripts/test.sh)
def test_sigkill_mid_send_neither_doubles_nor_loses(fresh_database_url: str) -> None:
    queue_replies(fresh_database_url, N)
    engine = make_engine(fresh_database_url)
    mock = TwilioMock(token=TOKEN).start()
    mock.faults.callbacks = False
    env = twilio_env(
        fresh_database_url,
        mock.url,
        TOKEN,
        ACCOUNT,
        T4B_SENDING_LEASE_SECONDS=str(LEASE.seconds),
        T4B_SETTLE_SECONDS=str(SETTLE.seconds),
    )
    cli = [sys.executable, "-m", "text4baby_ru"]
    worker = subprocess.Popen([*cli, "worker"], env=env, stderr=subprocess.DEVNULL)
    assert mock.wait_for_messages(500, timeout=60) and worker.poll() is None
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count()).where(OutboundMessage.status == MessageStatus.SENDING)
        ).scalar_one()
    assert left > 0, left  # the kill really came mid-batch
    # Passes at instants, not after sleeps: the first past the lease (the rows left `sending`
    # belong to a dead worker), each next one past the settle time (it asks the provider).
    first = datetime.now(UTC) + LEASE + timedelta(seconds=1)
    for n in range(3):
        at = first + n * (SETTLE + timedelta(seconds=1))
        result = subprocess.run(
            [*cli, "dispatch", "--at", at.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    mock.stop()
    sends = Counter(body for _, body in mock.sent_bodies())
    with engine.connect() as conn:
        seen = dict(
            conn.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
    assert len(sends) == N, (
        f"{N - len(sends)} lost; statuses {seen}; last dispatch: {result.stdout} {result.stderr[-500:]}"
    )
    assert max(sends.values()) == 1, [b for b, n in sends.items() if n > 1][:5]
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
    engine.dispose()
    assert statuses == {MessageStatus.SENT: N}
