"""The parts a running service is made of, put together once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from text4baby_ru.clock import Clock
from text4baby_ru.gateways.base import Gateway
from text4baby_ru.settings import Settings


@dataclass
class Runtime:
    """Settings, database, clock and gateway of one process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    gateway: Gateway
