"""A full run's logs (server, access log, dispatch) never show a whole phone number or a secret,
and, as JSON, let an operator follow one message from her text to its delivery report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from twilio.request_validator import RequestValidator

from devtools.twilio_mock import TwilioMock
from tests.live import free_port, wait_until_up
from text4baby_ru.settings import _WEEKDAYS, Settings

TOKEN, ACCOUNT = "log-scan-token-secret", "AC" + "5" * 32
WHOLE_NUMBER = re.compile(r"(?:\+|%2B)?7?\s?\(?916\)?[\s-]?000[\s-]?\d\d[\s-]?\d\d")


def prepare_and_serve(
    env: dict[str, str], port: int, log_format: str = "text"
) -> tuple[list[str], subprocess.Popen[str]]:
    """Migrate, import the library and start `serve` as a user would; their logs so far."""
    cli = [sys.executable, "-m", "text4baby_ru"]
    logs = [
        subprocess.run([*cli, *step], env=env, capture_output=True, text=True, check=True).stderr
        for step in (["db", "upgrade"], ["content", "import"])
    ]
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env | {"T4B_LOG_FORMAT": log_format},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return logs, server


@pytest.mark.slow
def test_no_whole_number_or_secret_reaches_the_logs_of_a_full_run(tmp_path: Path) -> None:
    mock = TwilioMock(token=TOKEN).start()
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
        "T4B_DATABASE_URL": f"sqlite:///{tmp_path / 'logs.db'}",
        "T4B_SMS_GATEWAY": "twilio",
        "T4B_PUBLIC_URL": public,
        "TWILIO_ACCOUNT_SID": ACCOUNT,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": "+79160009999",
        "T4B_TWILIO_API_BASE": mock.url,
        "T4B_LOG_LEVEL": "DEBUG",
    }
    cli = [sys.executable, "-m", "text4baby_ru"]
    logs, server = prepare_and_serve(env, port, log_format="json")
    try:
        wait_until_up(public, server)
        for n, body in enumerate(["МАМА 15.03.2027", "Москва", "ПОМОЩЬ", "как дела", "STOP"]):
            params = {"From": "+7 916 000-12-34", "Body": body, "MessageSid": f"SM{n:032d}"}
            signature = RequestValidator(TOKEN).compute_signature(
                public + "/sms/twilio/inbound", params
            )
            httpx.post(
                public + "/sms/twilio/inbound",
                data=params,
                headers={"X-Twilio-Signature": signature},
            )
        httpx.get(public + "/api/v1/subscribers/%2B79160001234")  # 401, but it is in the access log
        time.sleep(1)
        mock.wait_for_callbacks()
        logs.append(
            subprocess.run([*cli, "dispatch"], env=env, capture_output=True, text=True).stderr
        )
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
        mock.stop()
    logs += [out, err]
    text = "\n".join(logs)
    assert "/sms/twilio/inbound" in text and "/api/v1/subscribers/" in text  # the logs did run
    assert "***1234" in text
    assert not WHOLE_NUMBER.search(text), WHOLE_NUMBER.search(text)
    assert "79160001234" not in re.sub(r"\D", "", text.replace("***1234", ""))
    assert TOKEN not in text
    follow_the_welcome_reply(err)


def follow_the_welcome_reply(server_log: str) -> None:
    """The server logged JSON lines; the first reply's id leads from her text to its delivery."""
    entries = [json.loads(line) for line in server_log.splitlines() if line.strip()]
    joined = next(e for e in entries if e["message"].startswith("inbound from ***1234"))
    assert joined["subscriber_id"] and joined["enrollment_id"]
    welcome = joined["message_ids"][0]
    trail = [e["message"] for e in entries if e.get("message_id") == welcome]
    assert trail == [
        f"message {welcome} via twilio: sent",
        f"message {welcome}: sent -> delivered",
    ], trail
    sids = {e["provider_sid"] for e in entries if e.get("message_id") == welcome}
    assert len(sids) == 1 and next(iter(sids)).startswith("SM")


def _next_send_time() -> datetime:
    """Five minutes past the send hour, in Moscow, on the first send day after today (a
    fixed instant would stop being ahead of her enrollment once that day has passed)."""
    fields = Settings.model_fields
    days = {_WEEKDAYS[d] for d in str(fields["send_days"].default).split(",")}
    moscow = ZoneInfo("Europe/Moscow")
    day = datetime.now(moscow).date() + timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    hour = int(fields["send_hour"].default)
    return datetime(day.year, day.month, day.day, hour, 5, tzinfo=moscow)


@pytest.mark.slow
def test_on_the_kannel_route_no_number_secret_password_or_text_reaches_the_logs(
    tmp_path: Path,
) -> None:
    from tests.kannel_box import PASSWORD, SECRET, running_kannel, wait_for

    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with running_kannel(tmp_path / "kannel", public) as kannel:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
        env |= kannel.settings(public) | {
            "T4B_DATABASE_URL": f"sqlite:///{tmp_path / 'logs.db'}",
            "T4B_LOG_LEVEL": "DEBUG",  # urllib3 then logs every sendsms URL
        }
        cli = [sys.executable, "-m", "text4baby_ru"]
        logs, server = prepare_and_serve(env, port)
        try:
            wait_until_up(public, server)
            kannel.text("+79160001235", "МАМА 15.03.2027")
            wait_for(kannel, "+79160001235", 2)
            time.sleep(1)  # the delivery reports
        finally:
            server.terminate()
            out, err = server.communicate(timeout=30)
        logs.append(
            subprocess.run(
                [*cli, "dispatch", "--at", _next_send_time().isoformat()],  # her first tip
                env=env,
                capture_output=True,
                text=True,
            ).stderr
        )
        wait_for(kannel, "+79160001235", 3)
    logs += [out, err]
    text = "\n".join(logs)
    assert "/sms/kannel/inbound" in text and "/cgi-bin/sendsms" in text  # the logs did run
    assert "***1235" in text
    assert not WHOLE_NUMBER.search(text), WHOLE_NUMBER.search(text)
    assert SECRET not in text and PASSWORD not in text
    assert "%D0%9C%D0%90%D0%9C%D0%90" not in text.upper()  # МАМА, as Kannel passes it
