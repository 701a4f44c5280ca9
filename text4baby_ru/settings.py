"""Settings from the environment and an optional `.env` file, validated at start-up."""

from __future__ import annotations

import ipaddress
import re
from datetime import time
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

GatewayName = Literal["console", "twilio", "kannel"]
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Settings(BaseSettings):
    """Every setting of the service, named exactly as the operator writes it."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=False)

    database_url: str = Field("sqlite:///./text4baby.db", alias="T4B_DATABASE_URL")
    sms_gateway: GatewayName = Field("console", alias="T4B_SMS_GATEWAY")
    sms_gateway_secondary: GatewayName | None = Field(None, alias="T4B_SMS_GATEWAY_SECONDARY")
    failover_after_seconds: int = Field(300, ge=0, le=86_400, alias="T4B_FAILOVER_AFTER_SECONDS")
    failover_retry_seconds: int = Field(120, ge=1, le=86_400, alias="T4B_FAILOVER_RETRY_SECONDS")
    public_url: str = Field("http://localhost:8000", alias="T4B_PUBLIC_URL")
    allowed_countries: str = Field("RU", alias="T4B_ALLOWED_COUNTRIES")
    secret_key: SecretStr | None = Field(None, alias="T4B_SECRET_KEY")

    twilio_account_sid: str | None = Field(None, alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(None, alias="TWILIO_AUTH_TOKEN")
    twilio_from_number: str | None = Field(None, alias="TWILIO_FROM_NUMBER")
    twilio_messaging_service_sid: str | None = Field(None, alias="TWILIO_MESSAGING_SERVICE_SID")
    twilio_api_base: str = Field("https://api.twilio.com", alias="T4B_TWILIO_API_BASE")

    kannel_sendsms_url: str | None = Field(None, alias="T4B_KANNEL_SENDSMS_URL")
    kannel_user: str | None = Field(None, alias="T4B_KANNEL_USER")
    kannel_password: SecretStr | None = Field(None, alias="T4B_KANNEL_PASSWORD")
    kannel_sender: str | None = Field(None, alias="T4B_KANNEL_SENDER")
    inbound_secret: SecretStr | None = Field(None, alias="T4B_INBOUND_SECRET")

    send_days: str = Field("mon,wed,fri", alias="T4B_SEND_DAYS")
    send_hour: int = Field(10, ge=0, le=23, alias="T4B_SEND_HOUR")
    quiet_hours: str = Field("21:00-09:00", alias="T4B_QUIET_HOURS")
    catchup: Literal["latest", "skip"] = Field("latest", alias="T4B_CATCHUP")
    catchup_max_hours: int = Field(48, ge=1, le=24 * 7, alias="T4B_CATCHUP_MAX_HOURS")
    tip_deadline_hours: float = Field(4.0, gt=0, le=24, alias="T4B_TIP_DEADLINE_HOURS")
    max_failures: int = Field(3, ge=1, le=100, alias="T4B_MAX_FAILURES")
    send_rate: float = Field(10.0, gt=0, le=10_000, alias="T4B_SEND_RATE")
    pass_interval: int = Field(30, ge=1, le=3600, alias="T4B_PASS_INTERVAL")
    sending_lease_seconds: int = Field(300, ge=1, le=86_400, alias="T4B_SENDING_LEASE_SECONDS")
    settle_seconds: int = Field(30, ge=0, le=86_400, alias="T4B_SETTLE_SECONDS")
    pending_retention_days: int = Field(30, ge=1, le=3650, alias="T4B_PENDING_RETENTION_DAYS")
    segment_price: float = Field(2.5, ge=0, alias="T4B_SEGMENT_PRICE")
    metrics_refresh_minutes: int = Field(10, ge=0, le=1440, alias="T4B_METRICS_REFRESH_MINUTES")
    join_codes_per_hour: int = Field(60, ge=1, le=100_000, alias="T4B_JOIN_CODES_PER_HOUR")
    join_codes_per_day: int = Field(500, ge=1, le=1_000_000, alias="T4B_JOIN_CODES_PER_DAY")
    trusted_proxies: str = Field("", alias="T4B_TRUSTED_PROXIES")
    log_level: str = Field("INFO", alias="T4B_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", alias="T4B_LOG_FORMAT")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL; use sqlite:///path.db or postgresql+psycopg://user@host/db"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"unsupported database {url.get_backend_name()!r}; use sqlite or postgresql"
            )
        if url.get_backend_name() == "postgresql" and url.get_driver_name() not in ("psycopg", ""):
            raise ValueError("use the psycopg 3 driver: postgresql+psycopg://...")
        return value

    @field_validator("sms_gateway_secondary", mode="before")
    @classmethod
    def _no_secondary(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "none") else value

    @field_validator("public_url", "twilio_api_base", "kannel_sendsms_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http(s) URL such as https://sms.example.org")
        return value.rstrip("/")

    @field_validator("inbound_secret")
    @classmethod
    def _inbound_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # It travels in the URLs Kannel calls: URL-safe, and long enough not to be guessed.
        url_safe = re.compile(r"[A-Za-z0-9_~.-]{16,}")
        if value is not None and not url_safe.fullmatch(value.get_secret_value()):
            raise ValueError(
                "at least 16 letters, digits or - _ . ~; make one with "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str) -> str:
        proxies = [p.strip() for p in value.split(",") if p.strip()]
        for proxy in proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"{proxy!r} is not an IP address or network; list the proxies' addresses, "
                    "e.g. 127.0.0.1,10.0.0.0/8"
                ) from None
        return ",".join(proxies)

    @field_validator("allowed_countries")
    @classmethod
    def _countries(cls, value: str) -> str:
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        if not codes or any(not re.fullmatch(r"[A-Z]{2}", c) for c in codes):
            raise ValueError("a comma-separated list of ISO country codes, e.g. RU,BY")
        return ",".join(codes)

    @field_validator("send_days")
    @classmethod
    def _send_days(cls, value: str) -> str:
        days = [d.strip().lower()[:3] for d in value.split(",") if d.strip()]
        if len(days) != 3 or any(d not in _WEEKDAYS for d in days) or len(set(days)) != 3:
            raise ValueError("three distinct weekdays, e.g. mon,wed,fri")
        return ",".join(sorted(days, key=_WEEKDAYS.__getitem__))

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError("HH:MM-HH:MM, e.g. 21:00-09:00")
        return value.strip()

    @model_validator(mode="after")
    def _gateway_needs(self) -> Settings:
        if self.sms_gateway_secondary == self.sms_gateway:
            raise ValueError(
                "T4B_SMS_GATEWAY_SECONDARY: must differ from T4B_SMS_GATEWAY "
                f"(both are {self.sms_gateway})"
            )
        for variable, gateway in (
            ("T4B_SMS_GATEWAY", self.sms_gateway),
            ("T4B_SMS_GATEWAY_SECONDARY", self.sms_gateway_secondary),
        ):
            chosen = f"{variable}={gateway}"
            if gateway == "twilio":
                _require(chosen, "TWILIO_ACCOUNT_SID", self.twilio_account_sid)
                _require(chosen, "TWILIO_AUTH_TOKEN", self.twilio_auth_token)
                if not (self.twilio_from_number or self.twilio_messaging_service_sid):
                    raise ValueError(
                        "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID: one is required "
                        f"when {chosen}"
                    )
            if gateway == "kannel":
                for name, value in (
                    ("T4B_KANNEL_SENDSMS_URL", self.kannel_sendsms_url),
                    ("T4B_KANNEL_USER", self.kannel_user),
                    ("T4B_KANNEL_PASSWORD", self.kannel_password),
                    ("T4B_KANNEL_SENDER", self.kannel_sender),
                    ("T4B_INBOUND_SECRET", self.inbound_secret),
                ):
                    _require(chosen, name, value)
        return self

    @property
    def countries(self) -> tuple[str, ...]:
        """The ISO codes whose numbers may enroll."""
        return tuple(self.allowed_countries.split(","))

    @property
    def proxies(self) -> tuple[str, ...]:
        """The addresses whose X-Forwarded-For is believed (none: the peer is the client)."""
        return tuple(self.trusted_proxies.split(",")) if self.trusted_proxies else ()

    @property
    def send_weekdays(self) -> tuple[int, int, int]:
        """Python weekday numbers (Monday = 0) of the three send days, in order."""
        a, b, c = (_WEEKDAYS[d] for d in self.send_days.split(","))
        return (a, b, c)

    @property
    def quiet_window(self) -> tuple[time, time]:
        """Start and end of the local quiet hours (start may be after end: it wraps midnight)."""
        start, end = self.quiet_hours.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)


def _require(chosen: str, name: str, value: object) -> None:
    if value in (None, ""):
        raise ValueError(f"{name}: required when {chosen}")


def describe(error: ValidationError) -> str:
    """One line naming the first bad variable and what is wrong with it."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    message = str(first["msg"]).removeprefix("Value error, ")
    if not name:
        return message if ":" in message else f"settings: {message}"
    if first["type"] == "literal_error":
        message = f"{message} (got {first['input']!r})"
    return f"{name}: {message}"


def load_settings() -> Settings:
    """Read and validate settings, raising SettingsError with a one-line reason."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return load_settings()
