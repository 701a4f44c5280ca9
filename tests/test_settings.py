import os
import subprocess
import sys

import pytest

from text4baby_ru.settings import SettingsError, load_settings

KANNEL = {
    "T4B_SMS_GATEWAY": "kannel",
    "T4B_KANNEL_SENDSMS_URL": "http://127.0.0.1:13013/cgi-bin/sendsms",
    "T4B_KANNEL_USER": "text4baby",
    "T4B_KANNEL_PASSWORD": "pw",
    "T4B_KANNEL_SENDER": "Text4baby",
    "T4B_INBOUND_SECRET": "a-url-safe-secret-of-32-chars-xy",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in list(os.environ):
        if name.startswith(("T4B_", "TWILIO_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]


def test_defaults_are_the_embedded_system() -> None:
    s = load_settings()
    assert s.database_url == "sqlite:///./text4baby.db"
    assert s.sms_gateway == "console"
    assert s.countries == ("RU",)
    assert s.send_weekdays == (0, 2, 4)
    assert s.proxies == ()  # X-Forwarded-For believed from nobody


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"T4B_DATABASE_URL": "nonsense"}, "T4B_DATABASE_URL"),
        ({"T4B_DATABASE_URL": "mysql://x/y"}, "T4B_DATABASE_URL"),
        ({"T4B_SMS_GATEWAY": "twilio"}, "TWILIO_ACCOUNT_SID"),
        (
            {"T4B_SMS_GATEWAY": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
            "TWILIO_FROM_NUMBER",
        ),
        ({"T4B_SMS_GATEWAY": "kannel"}, "T4B_KANNEL_SENDSMS_URL"),
        ({"T4B_SMS_GATEWAY": "pigeon"}, "T4B_SMS_GATEWAY"),
        ({**KANNEL, "T4B_INBOUND_SECRET": "short"}, "T4B_INBOUND_SECRET"),
        ({**KANNEL, "T4B_INBOUND_SECRET": "has spaces & more than 16"}, "T4B_INBOUND_SECRET"),
        ({**KANNEL, "T4B_KANNEL_SENDSMS_URL": "127.0.0.1:13013"}, "T4B_KANNEL_SENDSMS_URL"),
        ({**KANNEL, "T4B_KANNEL_SENDER": ""}, "T4B_KANNEL_SENDER"),
        ({"T4B_PUBLIC_URL": "localhost"}, "T4B_PUBLIC_URL"),
        ({"T4B_ALLOWED_COUNTRIES": "Russia"}, "T4B_ALLOWED_COUNTRIES"),
        ({"T4B_SEND_DAYS": "mon,mon,fri"}, "T4B_SEND_DAYS"),
        ({"T4B_TRUSTED_PROXIES": "nginx.local"}, "T4B_TRUSTED_PROXIES"),
        ({"T4B_TRUSTED_PROXIES": "*"}, "T4B_TRUSTED_PROXIES"),
        ({"T4B_JOIN_CODES_PER_HOUR": "0"}, "T4B_JOIN_CODES_PER_HOUR"),
        ({"T4B_JOIN_CODES_PER_DAY": "lots"}, "T4B_JOIN_CODES_PER_DAY"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(names)
    assert "\n" not in message


def test_dotenv_in_the_working_folder_is_read(tmp_path: object) -> None:
    with open(".env", "w") as f:
        f.write("T4B_ALLOWED_COUNTRIES=ru,by\n")
    assert load_settings().countries == ("RU", "BY")


@pytest.mark.parametrize(
    "env",
    [{"T4B_DATABASE_URL": "nonsense"}, {"T4B_SMS_GATEWAY": "twilio"}],
)
def test_the_command_line_stops_with_one_line_and_no_traceback(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "text4baby_ru", "db", "upgrade"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert (len(lines) == 1 and next(iter(env)) in lines[0]) or "TWILIO_ACCOUNT_SID" in lines[0]


def test_the_kannel_gateway_starts_without_a_warning_on_a_local_public_url(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from text4baby_ru.clock import SystemClock
    from text4baby_ru.gateways.factory import build_gateway
    from text4baby_ru.gateways.kannel import KannelGateway

    for k, v in KANNEL.items():
        monkeypatch.setenv(k, v)
    gateway = build_gateway(load_settings(), SystemClock())  # Kannel calls back on 127.0.0.1
    assert isinstance(gateway, KannelGateway) and gateway.name == "kannel"
    assert [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")] == []
