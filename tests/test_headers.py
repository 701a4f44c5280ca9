"""Security headers on each kind of answer: pages, the join page, the admin API with personal
data, errors, redirects, static files; Secure cookies and HSTS only on an https deployment."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_pages import sign_in
from tests.factories import make_enrollment
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.enrollment.models import Person
from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime

FRAMING = {"x-frame-options": "DENY", "content-security-policy": "frame-ancestors 'none'"}


def assert_page_headers(response: object, *, https: bool = True) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    where = f"{response.request.method} {response.request.url.path}"  # type: ignore[attr-defined]
    for name, value in FRAMING.items():
        assert headers.get(name) == value, (where, name)
    assert headers.get("cache-control") == "no-store", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert ("strict-transport-security" in headers) is https, where


def test_every_kind_of_page_and_api_answer_carries_the_security_headers(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    signed_out = [
        client.get("/admin/sign-in"),
        client.get("/admin/content", follow_redirects=False),  # the redirect to sign in
        client.post("/admin/sign-in", data={"token": "t4b_wrong"}),  # 401 page
        client.get("/join"),
        client.get("/en/join"),
        client.post("/join", data={"phone": "nonsense"}),  # 422 page
        client.get("/api/v1/me"),  # 401 JSON
    ]
    for response in signed_out:
        assert_page_headers(response)
    phone = session.get_one(Person, make_enrollment(session).person_id).phone or ""
    _, token = create_user(session, name="Ольга", role=Role.ADMIN, now=clock.now())
    session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    sign_in(client, session, clock, Role.ADMIN)
    signed_in = [
        client.get("/admin/dashboard"),
        client.get("/admin/subscribers"),
        client.get("/admin/simulator"),
        client.get("/admin/dashboard.csv"),
        client.get("/admin/content/nonsense"),  # 404 page
        client.get(f"/api/v1/subscribers/{quote(phone)}", headers=bearer),
        client.get(f"/api/v1/subscribers/{quote(phone)}/messages", headers=bearer),
        client.get("/api/v1/metrics/summary", headers=bearer),
    ]
    for response in signed_in:
        assert response.status_code < 500
        assert_page_headers(response)


def test_static_files_stay_cacheable_but_are_not_sniffed(client: TestClient) -> None:
    script = client.get("/admin/static/pages.js")
    assert script.status_code == 200
    assert script.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in script.headers.get("cache-control", "")
    assert "strict-transport-security" in script.headers
    health = client.get("/healthz")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert health.headers["x-frame-options"] == "DENY"


def test_the_session_cookie_is_secure_when_the_public_url_is_https(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="Анна", role=Role.EDITOR, now=clock.now())
    session.commit()
    # the app itself is reached over http, as behind a TLS proxy that sets no header
    plain = TestClient(client.app, base_url="http://testserver")
    response = plain.post("/admin/sign-in", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "t4b_session=" in cookie and "Secure" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")


@pytest.fixture
def http_client(runtime: Runtime) -> Iterator[TestClient]:
    settings = runtime.settings.model_copy(update={"public_url": "http://localhost:8000"})
    local = Runtime(
        settings=settings,
        engine=runtime.engine,
        sessions=runtime.sessions,
        clock=runtime.clock,
        gateway=runtime.gateway,
    )
    with TestClient(create_app(local), base_url="http://localhost:8000") as c:
        yield c


def test_a_plain_http_deployment_gets_no_hsts_and_no_secure_cookie(
    http_client: TestClient, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="Анна", role=Role.EDITOR, now=clock.now())
    session.commit()
    response = http_client.post("/admin/sign-in", data={"token": token}, follow_redirects=False)
    assert "Secure" not in response.headers["set-cookie"]
    assert_page_headers(http_client.get("/admin/dashboard"), https=False)
