"""Choosing the gateway the settings ask for."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from text4baby_ru.clock import Clock
from text4baby_ru.gateways import kannel
from text4baby_ru.gateways.base import Gateway
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.gateways.twilio import TwilioGateway
from text4baby_ru.settings import GatewayName, Settings, SettingsError

log = logging.getLogger(__name__)
STATUS_PATH = "/sms/twilio/status"


def unreachable_from_outside(url: str) -> bool:
    """True for a public URL that a provider on the internet cannot call back."""
    host = urlsplit(url).hostname or ""
    return (
        host in ("localhost", "0.0.0.0")
        or host.startswith(("127.", "10.", "192.168."))
        or (
            host.startswith("172.")
            and host.split(".")[1].isdigit()
            and 16 <= int(host.split(".")[1]) <= 31
        )
    )


ABROAD = {"twilio"}  # routes whose provider is outside Russia


def warn_if_abroad(name: str, role: str) -> None:
    """One start-up line when a route sends her number and texts out of Russia."""
    if name in ABROAD:
        log.warning(
            "the %s SMS route is %s, a provider outside Russia: each woman's number and the texts "
            "about her pregnancy leave the country (152-FZ: cross-border transfer needs her "
            "consent and a notice to Roskomnadzor), and she sees that provider's sender, not "
            "our registered sender name",
            role,
            name,
        )


def build_gateway(settings: Settings, clock: Clock, name: GatewayName | None = None) -> Gateway:
    """The gateway called name, by default the configured primary (console is the embedded
    default); the secondary route is built by the same call with its name."""
    name = name or settings.sms_gateway
    if name == "console":
        return ConsoleGateway()
    if name == "twilio":
        assert settings.twilio_account_sid and settings.twilio_auth_token  # checked by Settings
        if unreachable_from_outside(settings.public_url):
            log.warning(
                "T4B_PUBLIC_URL=%s cannot be reached by Twilio: inbound messages and delivery "
                "reports will not arrive. Set it to the service's public https address.",
                settings.public_url,
            )
        return TwilioGateway(
            account_sid=settings.twilio_account_sid,
            auth_token=settings.twilio_auth_token.get_secret_value(),
            api_base=settings.twilio_api_base,
            status_callback=settings.public_url + STATUS_PATH,
            from_number=settings.twilio_from_number,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            clock=clock,
        )
    if name == "kannel":
        return kannel.from_settings(settings, clock)
    raise SettingsError(f"T4B_SMS_GATEWAY: unknown gateway {name!r}")
