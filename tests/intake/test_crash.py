"""A serving process killed with SIGKILL after it acknowledged texts and before it handled them
all: after a restart each text is handled once and each woman gets each reply once."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from devtools.twilio_mock import TwilioMock
from tests.live import free_port, twilio_env, wait_until_up
from text4baby_ru.db import make_engine
from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import InboundMessage

TOKEN, ACCOUNT = "inbound-crash-token", "AC" + "7" * 32
PUBLIC = "https://sms.example.org"
N = 120
LEASE, SETTLE = timedelta(seconds=2), timedelta(seconds=1)


@pytest.mark.slow
@pytest.mark.crash  # on PostgreSQL too (scripts/test.sh)
def test_sigkill_between_store_and_reply_loses_and_doubles_nothing(
    fresh_database_url: str,
) -> None:
    mock = TwilioMock(token=TOKEN).start()
    mock.faults.callbacks = False
    mock.faults.latency = 0.05  # replies take time: texts pile up behind the handler
    env = twilio_env(
        fresh_database_url,
        mock.url,
        TOKEN,
        ACCOUNT,
        T4B_SENDING_LEASE_SECONDS=str(LEASE.seconds),
        T4B_SETTLE_SECONDS=str(SETTLE.seconds),
    )
    port = free_port()
    cli = [sys.executable, "-m", "text4baby_ru"]
    server = subprocess.Popen(
        [*cli, "serve", "--no-scheduler", "--port", str(port)],
        env=env,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url, server)
    validator = RequestValidator(TOKEN)
    phones = [f"+791600{n:05d}" for n in range(N)]
    answered = Counter[int]()

    def client(part: list[str]) -> None:
        with httpx.Client(timeout=10) as http:
            for phone in part:
                params = {
                    "From": phone,
                    "To": "+79160009999",
                    "Body": "МАМА 15.03.2027",
                    "MessageSid": "SM" + phone[1:].rjust(32, "0"),
                }
                signature = validator.compute_signature(PUBLIC + "/sms/twilio/inbound", params)
                answer = http.post(
                    url + "/sms/twilio/inbound",
                    data=params,
                    headers={"X-Twilio-Signature": signature},
                )
                answered[answer.status_code] += 1

    threads = [threading.Thread(target=client, args=(phones[i::6],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    server.send_signal(signal.SIGKILL)
    server.wait(10)
    assert answered == Counter({200: N})  # every text acknowledged before the kill
    engine = make_engine(fresh_database_url)
    with engine.connect() as conn:
        waiting = conn.execute(
            select(func.count()).where(InboundMessage.processed_at.is_(None))
        ).scalar_one()
    assert waiting > 0, "the kill came after everything was handled: nothing was proven"
    # Passes at instants, not after sleeps: the first past the lease (rows left `sending`
    # belong to a dead process), each next one past the settle time (it asks the provider).
    first = datetime.now(UTC) + LEASE + timedelta(seconds=1)
    for n in range(3):
        at = first + n * (SETTLE + timedelta(seconds=1))
        done = subprocess.run(
            [*cli, "dispatch", "--at", at.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    mock.stop()
    with engine.connect() as conn:
        waiting = conn.execute(
            select(func.count()).where(InboundMessage.processed_at.is_(None))
        ).scalar_one()
        per_text = Counter(
            conn.execute(
                select(OutboundMessage.inbound_id).where(OutboundMessage.inbound_id.is_not(None))
            ).scalars()
        )
    engine.dispose()
    assert waiting == 0
    assert len(per_text) == N and set(per_text.values()) == {2}  # confirmation + city question
    sent = Counter(mock.sent_bodies())
    assert max(sent.values()) == 1, [k for k, n in sent.items() if n > 1][:3]
    assert Counter(to for to, _ in sent) == Counter({phone: 2 for phone in phones})
