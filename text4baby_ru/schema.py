"""Every table of the service, imported in one place for Alembic and the tests."""

from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.auth.models import ApiToken, PageSession, User
from text4baby_ru.content.models import ContentKey, ContentRevision
from text4baby_ru.db import Base
from text4baby_ru.delivery.models import Alert, EarlyReport, OutboundMessage, RouteHealth
from text4baby_ru.delivery.ratelimit import RateSlot
from text4baby_ru.enrollment.models import (
    Enrollment,
    InboundMessage,
    Person,
    Reminder,
    ReplyCounter,
    Suppression,
)
from text4baby_ru.intake.models import WebCode
from text4baby_ru.keys import AppSecret
from text4baby_ru.metrics import models as metric_models  # noqa: F401  (the rollup tables)
from text4baby_ru.modules.models import Module, ModuleArm, ModuleAssignment, ModuleOption

metadata = Base.metadata

__all__ = [
    "Alert",
    "ApiToken",
    "AppSecret",
    "AuditEvent",
    "ContentKey",
    "ContentRevision",
    "EarlyReport",
    "Enrollment",
    "InboundMessage",
    "Module",
    "ModuleArm",
    "ModuleAssignment",
    "ModuleOption",
    "OutboundMessage",
    "PageSession",
    "Person",
    "RateSlot",
    "Reminder",
    "ReplyCounter",
    "RouteHealth",
    "Suppression",
    "User",
    "WebCode",
    "metadata",
]
