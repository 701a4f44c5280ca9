"""Choosing the gateway the settings ask for."""

from __future__ import annotations

from text4baby_ru.gateways.base import Gateway
from text4baby_ru.gateways.console import ConsoleGateway
from text4baby_ru.settings import Settings, SettingsError


def build_gateway(settings: Settings) -> Gateway:
    """The configured gateway (console is the embedded default)."""
    if settings.sms_gateway == "console":
        return ConsoleGateway()
    raise SettingsError(
        f"T4B_SMS_GATEWAY: the {settings.sms_gateway} gateway is not in this release yet; "
        "use console"
    )
