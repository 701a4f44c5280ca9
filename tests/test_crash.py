"""A sender killed with SIGKILL mid-batch: after a restart nothing is sent twice and nothing is
lost (rows it left `sending` are settled against the provider's message list)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from devtools.twilio_mock import TwilioMock
from tests.factories import queue_replies
from tests.live import twilio_env
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import MessageStatus, OutboundMessage

TOKEN, ACCOUNT = "crash-token", "AC" + "6" * 32
N = 2000


@pytest.mark.slow
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
        T4B_SENDING_LEASE_SECONDS="2",
        T4B_SETTLE_SECONDS="1",
    )
    cli = [sys.executable, "-m", "text4baby_ru"]
    worker = subprocess.Popen([*cli, "worker"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(mock.messages) < 500:
        assert time.monotonic() < deadline and worker.poll() is None
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    with engine.connect() as conn:
        left = conn.execute(
            select(func.count()).where(OutboundMessage.status == MessageStatus.SENDING)
        ).scalar_one()
    assert left > 0, left  # the kill really came mid-batch
    time.sleep(2.5)  # past the lease: those rows belong to a dead worker
    for _ in range(3):
        result = subprocess.run(
            [*cli, "dispatch"], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        time.sleep(1.2)  # past the settle time, so the next pass asks the provider
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
