"""What every admin page shares: the signed-in user, the interface language, the CSRF token,
the role check and the Jinja2 rendering."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from text4baby_ru.admin.pages import labels
from text4baby_ru.admin.pages.i18n import LANG_COOKIE, pick_language, translator
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.sessions import SESSION_COOKIE, csrf_token, session_user
from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.deps import (
    ANY_ROLE,
    CONTENT_ROLES,
    RuntimeDep,
    SessionDep,
    SigningKeyDep,
    end_and_read,
)
from text4baby_ru.kit import formats

ADMIN_DIR = Path(__file__).resolve().parents[1]
STATIC_DIR = ADMIN_DIR / "static"
_env = Environment(
    loader=FileSystemLoader(ADMIN_DIR / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# What people typed (names, comments) is in their language, not the page's: mark it so.
_env.filters["langof"] = lambda text: "ru" if re.search("[А-Яа-яЁё]", str(text or "")) else "en"

# (path, word, roles): the menu shows each role only what it may open.
NAV: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("/admin/dashboard", "dashboard", ANY_ROLE),
    ("/admin/content", "library", CONTENT_ROLES),
    ("/admin/review", "review", CONTENT_ROLES),
    ("/admin/subscribers", "subscribers", (Role.ADMIN,)),
    ("/admin/alerts", "alerts", (Role.ADMIN,)),
    ("/admin/modules", "modules", ANY_ROLE),
    ("/admin/simulator", "simulator", ANY_ROLE),
)


class NeedSignIn(Exception):
    """No valid session: the page sends the browser to the sign-in form."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageForbidden(Exception):
    """Signed in, but the role may not open this page."""

    def __init__(self, page: Page) -> None:
        super().__init__("forbidden")
        self.page = page


@dataclass(frozen=True)
class SignedIn:
    """Who is signed in, copied out of the ORM so error pages can use it after a rollback."""

    id: int
    name: str
    role: Role


@dataclass
class Page:
    """The request as a page sees it."""

    request: Request
    user: SignedIn | None
    language: str
    csrf: str
    words: dict[str, str] = field(default_factory=dict)

    def need(self, *roles: Role) -> SignedIn:
        """The signed-in user if their role is among roles; else sign-in or 403."""
        if self.user is None:
            raise NeedSignIn(str(self.request.url.path))
        if self.user.role not in roles:
            raise PageForbidden(self)
        return self.user

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        """The template filled in with this page's user, words and values."""
        nav = [
            (path, self.words[word])
            for path, word, roles in NAV
            if self.user is not None and self.user.role in roles
        ]
        html = _env.get_template(template).render(
            t=self.words,
            lang=self.language,
            user=self.user,
            csrf=self.csrf,
            nav=nav,
            path=self.request.url.path,
            i18n=labels.for_js(self.language),
            label=lambda kind, code: labels.label(kind, code, self.language),
            day=lambda value: formats.day(value, self.language),
            moment=lambda value, zone=DEFAULT_ZONE: formats.moment(value, self.language, zone),
            money=lambda value: formats.money(value, self.language),
            number=lambda value, decimals=0: formats.number(value, self.language, decimals),
            noun=lambda name, n: labels.noun(name, n, self.language),
            **values,
        )
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Cache-Control"] = "no-store"
        if self.request.query_params.get("lang") == self.language:
            response.set_cookie(LANG_COOKIE, self.language, samesite="strict", httponly=True)
        return response


def get_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, key: SigningKeyDep
) -> Page:
    """The signed-in user (or None), the interface language and the CSRF token."""
    cookie = request.cookies.get(SESSION_COOKIE)
    user = session_user(session, cookie, now=runtime.clock.now())
    language = pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    return Page(
        request=request,
        user=SignedIn(user.id, user.name, user.role) if user else None,
        language=language,
        csrf=csrf_token(cookie, key=key) if cookie and user else "",
        words=translator(language),
    )


PageDep = Annotated[Page, Depends(get_page)]


def get_page_read_session(
    _: PageDep, session: SessionDep, runtime: RuntimeDep
) -> Iterator[Session]:
    """A read-only session for a page's long read (reports, CSV), opened once the page knows
    who is signed in."""
    yield from end_and_read(session, runtime)


PageReadDep = Annotated[Session, Depends(get_page_read_session)]
