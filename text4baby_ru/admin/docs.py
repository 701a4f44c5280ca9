"""The OpenAPI page (/docs, Swagger UI) served from this server alone: its script and style
files come from the pinned `fastapi-offline` package, not from a CDN, so it works on a machine
with no internet and nothing unpinned runs on the admin origin. (No /redoc: ReDoc's bundle
still fetches its logo from its CDN.)"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

FILES = Path(fastapi_offline.__file__).resolve().parent / "static"
STATIC = "/docs/static"


def install(app: FastAPI) -> None:
    """Serve /docs with its files from FILES (the app is made with docs_url=None)."""
    title = f"{app.title} · API"
    favicon = f"{STATIC}/favicon.png"
    redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    app.mount(STATIC, StaticFiles(directory=FILES), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=title,
            oauth2_redirect_url=redirect,
            swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC}/swagger-ui.css",
            swagger_favicon_url=favicon,
            # No badge from the public validator: on a real host it would call it for every view.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
