"""`serve --no-handler` beside a `worker`: the web process only stores and acknowledges; the
worker handles each text and her replies reach the gateway within a second or two."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from devtools.twilio_mock import TwilioMock
from tests.live import free_port, twilio_env, wait_until_up
from text4baby_ru.db import make_engine
from text4baby_ru.enrollment.models import InboundMessage

TOKEN, ACCOUNT = "no-handler-token", "AC" + "6" * 32
PUBLIC = "https://sms.example.org"
PHONES = [f"+791600001{n:02d}" for n in range(10)]


def _post(http: httpx.Client, url: str, phone: str, body: str, sid: str) -> int:
    params = {"From": phone, "To": "+79160009999", "Body": body, "MessageSid": sid}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms/twilio/inbound", params)
    answer = http.post(
        url + "/sms/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    return answer.status_code


def _waiting(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                select(func.count()).where(InboundMessage.processed_at.is_(None))
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_worker_handles_what_a_serve_without_handler_stored(fresh_database_url: str) -> None:
    mock = TwilioMock(token=TOKEN).start()
    mock.faults.callbacks = False
    env = twilio_env(fresh_database_url, mock.url, TOKEN, ACCOUNT)
    cli = [sys.executable, "-m", "text4baby_ru"]
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--no-scheduler", "--no-handler", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    worker = None
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, server)
        with httpx.Client(timeout=10) as http:
            answered = Counter(
                _post(http, url, phone, "МАМА 15.03.2027", f"SM{phone[1:]:0>32}")
                for phone in PHONES
            )
        assert answered == Counter({200: len(PHONES)})
        time.sleep(1.0)  # a serve that handled texts would have replied by now
        assert _waiting(fresh_database_url) == len(PHONES)
        assert mock.sent_bodies() == []

        worker = subprocess.Popen(
            [*cli, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while _waiting(fresh_database_url) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _waiting(fresh_database_url) == 0
        # Once the worker is up, a new text is answered within a couple of seconds.
        with httpx.Client(timeout=10) as http:
            sent = time.monotonic()
            assert _post(http, url, "+79160000199", "МАМА 15.03.2027", "SM" + "9" * 32) == 200
        while time.monotonic() - sent < 10:
            if [to for to, _ in mock.sent_bodies()].count("+79160000199") == 2:
                break
            time.sleep(0.05)
        latency = time.monotonic() - sent
        assert latency < 2.0, f"her replies took {latency:.1f} s"
        replies = Counter(to for to, _ in mock.sent_bodies())
        assert replies == Counter({p: 2 for p in [*PHONES, "+79160000199"]})  # confirm + city
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        server.terminate()
        server.wait(30)
        mock.stop()
