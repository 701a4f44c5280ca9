"""The app factory: the composition root of the HTTP service."""

from __future__ import annotations

import logging
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError

from text4baby_ru import __version__
from text4baby_ru.admin.alerts_router import router as alerts_router
from text4baby_ru.admin.audit_router import router as audit_router
from text4baby_ru.admin.docs import install as install_docs
from text4baby_ru.admin.exports_router import router as exports_router
from text4baby_ru.admin.inbound_router import router as inbound_router
from text4baby_ru.admin.messages_router import router as messages_router
from text4baby_ru.admin.metrics_router import router as metrics_router
from text4baby_ru.admin.modules_router import router as modules_router
from text4baby_ru.admin.pages import install as install_pages
from text4baby_ru.admin.subscribers_router import router as subscribers_router
from text4baby_ru.admin.support_router import router as support_router
from text4baby_ru.admin.users_router import router as users_router
from text4baby_ru.clock import Clock, SystemClock
from text4baby_ru.db import READ_ONLY, make_engine, session_factory
from text4baby_ru.delivery.failover import Failover
from text4baby_ru.deps import RuntimeDep
from text4baby_ru.errors import AppError
from text4baby_ru.gateways.factory import build_gateway, warn_if_abroad
from text4baby_ru.http_headers import SecurityHeaders
from text4baby_ru.public.router import router as public_router
from text4baby_ru.runtime import Runtime
from text4baby_ru.settings import Settings
from text4baby_ru.webhooks.kannel import router as kannel_router
from text4baby_ru.webhooks.twilio import router as twilio_router

log = logging.getLogger(__name__)

DESCRIPTION = """
Text4baby Russia: weekly SMS health tips in Russian and English, from pregnancy to the first
birthday. The admin API takes `Authorization: Bearer <token>` (tokens come from
`text4baby-ru users create`). Errors are JSON: `{"detail": "...", "code": "..."}`.
"""


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """Engine, sessions, clock and gateway for these settings."""
    engine = make_engine(settings.database_url)
    clock = clock or SystemClock()
    warn_if_abroad(settings.sms_gateway, "primary")
    failover = None
    if settings.sms_gateway_secondary is not None:
        warn_if_abroad(settings.sms_gateway_secondary, "secondary")
        if settings.sms_gateway_secondary == "console":
            log.warning("the secondary SMS route is the console: what moves there is only printed")
        failover = Failover(
            secondary=build_gateway(settings, clock, settings.sms_gateway_secondary),
            after=timedelta(seconds=settings.failover_after_seconds),
            retry=timedelta(seconds=settings.failover_retry_seconds),
        )
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        clock=clock,
        gateway=build_gateway(settings, clock),
        failover=failover,
    )


def create_app(runtime: Runtime) -> FastAPI:
    """The HTTP service over a runtime."""
    app = FastAPI(
        title="Text4baby Russia",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.add_middleware(SecurityHeaders, https=runtime.settings.public_url.startswith("https://"))

    @app.exception_handler(AppError)
    async def _app_error(_: Request, error: AppError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.detail, "code": error.code}, status_code=error.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]}
            for e in error.errors()
        ]
        return JSONResponse({"detail": problems, "code": "invalid_request"}, status_code=422)

    @app.exception_handler(DataError)
    async def _unstorable(_: Request, error: DataError) -> JSONResponse:
        # The database refused a value the request carried (PostgreSQL: a NUL in a text, say).
        log.warning("request refused by the database: %s", type(error.orig).__name__)
        return JSONResponse(
            {
                "detail": "a value in the request cannot be stored (e.g. a NUL character)",
                "code": "invalid_value",
            },
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error: %s", type(error).__name__)
        return JSONResponse(
            {"detail": "internal error; it has been logged", "code": "internal"}, status_code=500
        )

    @app.get("/healthz", tags=["operations"], summary="200 when the database answers")
    def healthz(rt: RuntimeDep) -> JSONResponse:
        try:
            with rt.sessions() as session:
                session.connection(execution_options=READ_ONLY).execute(text("SELECT 1"))
        except Exception:
            log.warning("health check: database does not answer")
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    app.include_router(users_router)
    app.include_router(subscribers_router)
    app.include_router(support_router)
    app.include_router(messages_router)
    app.include_router(alerts_router)
    app.include_router(audit_router)
    app.include_router(metrics_router)
    app.include_router(modules_router)
    app.include_router(exports_router)
    app.include_router(inbound_router)
    app.include_router(twilio_router)
    app.include_router(kannel_router)
    install_docs(app)
    install_pages(app)
    app.include_router(public_router)
    return app
