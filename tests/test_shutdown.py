"""SIGTERM: a worker finishes the message in hand and gives the rest of its claim back."""

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

TOKEN, ACCOUNT = "shutdown-token", "AC" + "4" * 32


@pytest.mark.slow
def test_sigterm_releases_claimed_rows_and_a_restart_sends_each_once(
    fresh_database_url: str,
) -> None:
    queue_replies(fresh_database_url, 60)
    engine = make_engine(fresh_database_url)
    mock = TwilioMock(token=TOKEN).start()
    mock.faults.latency, mock.faults.callbacks = 0.1, False  # ten messages a second
    env = twilio_env(fresh_database_url, mock.url, TOKEN, ACCOUNT)
    worker = subprocess.Popen(
        [sys.executable, "-m", "text4baby_ru", "worker"], env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while len(mock.messages) < 10:
        assert time.monotonic() < deadline and worker.poll() is None, "worker sent nothing"
        time.sleep(0.05)
    worker.send_signal(signal.SIGTERM)
    _, stderr = worker.communicate(timeout=20)
    assert worker.returncode == 0 and "worker stopped" in stderr
    with engine.connect() as conn:
        statuses = Counter(
            dict(
                conn.execute(
                    select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
                ).all()
            )
        )
    assert statuses[MessageStatus.SENDING] == 0  # nothing left half-claimed
    assert statuses[MessageStatus.QUEUED] > 0 and statuses[MessageStatus.SENT] == len(mock.messages)
    again = subprocess.run(
        [sys.executable, "-m", "text4baby_ru", "dispatch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    bodies = Counter(body for _, body in mock.sent_bodies())
    assert len(bodies) == 60 and max(bodies.values()) == 1  # all sent, none twice
    mock.stop()
    engine.dispose()
