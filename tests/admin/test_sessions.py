"""Page sessions as an attacker meets them: malformed cookies and CSRF values are simply not a
session (never a 500), sign-out ends the session on the server, each sign-in is a new session."""

from __future__ import annotations

import logging
from datetime import timedelta

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_pages import csrf_of, sign_in
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.auth.sessions import SESSION_COOKIE
from text4baby_ru.clock import FixedClock

MALFORMED = [
    b"t4b_session=\xb2.1796036681.x",
    b"t4b_session=1.1796036681.\xe9\xe9",
    b"t4b_session=\xe9",
    b"t4b_session=" + b"a" * 43 + b"\xe9",
    b"t4b_session=1.99999999999999999999999.abc",
]


def raw(
    client: TestClient, method: str, path: str, headers: dict[bytes, bytes], body: bytes = b""
) -> httpx.Response:
    """A request whose header bytes reach the app exactly as given (the TestClient re-encodes
    them), as from a client on the wire."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
            return await c.request(method, path, headers=list(headers.items()), content=body)

    return anyio.run(send)


@pytest.mark.parametrize("cookie", MALFORMED)
def test_a_malformed_session_cookie_is_no_session_never_a_500(
    client: TestClient, cookie: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        api = raw(client, "GET", "/api/v1/me", {b"cookie": cookie})
        page = raw(client, "GET", "/admin/dashboard", {b"cookie": cookie})
        write = raw(
            client,
            "PATCH",
            "/api/v1/messages/pregnancy.w25.1",
            {b"cookie": cookie, b"x-csrf-token": b"\xe9", b"content-type": b"application/json"},
            b'{"language": "ru", "text": "x"}',
        )
    assert api.status_code == 401, api.text
    assert page.status_code == 303 and page.headers["location"].startswith("/admin/sign-in")
    assert write.status_code == 401, write.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("value", [b"\xe9", "é".encode(), b"\xb2" * 64, b"0" * 64])
def test_a_malformed_csrf_header_or_field_is_403_never_a_500(
    client: TestClient, session: Session, clock: FixedClock, value: bytes
) -> None:
    sign_in(client, session, clock, Role.EDITOR)
    cookie = f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}".encode()
    header = raw(
        client,
        "PATCH",
        "/api/v1/messages/pregnancy.w25.1",
        {b"cookie": cookie, b"x-csrf-token": value, b"content-type": b"application/json"},
        '{"language": "ru", "text": "Пейте воду. Звоните 103 или 112."}'.encode(),
    )
    assert header.status_code == 403, header.text
    form = {b"cookie": cookie, b"content-type": b"application/x-www-form-urlencoded"}
    for body in (b"csrf=" + value, b"csrf=" + value.replace(b"\xe9", b"%C3%A9")):
        field = raw(client, "POST", "/admin/sign-out", form, body)
        assert field.status_code == 403, field.text
    assert client.get("/admin/dashboard").status_code == 200  # still signed in


def test_sign_out_ends_the_session_on_the_server(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    csrf = sign_in(client, session, clock, Role.ADMIN)
    stolen = client.cookies[SESSION_COOKIE]
    out = client.post("/admin/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.clear()
    # the old cookie, replayed (a copy an attacker kept), opens nothing any more
    replay = {"Cookie": f"{SESSION_COOKIE}={stolen}"}
    assert client.get("/api/v1/me", headers=replay).status_code == 401
    page = client.get("/admin/dashboard", headers=replay, follow_redirects=False)
    assert page.status_code == 303


def test_two_sign_ins_in_the_same_second_are_two_sessions(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="Анна", role=Role.EDITOR, now=clock.now())
    session.commit()
    cookies = []
    for _ in range(2):
        client.cookies.clear()
        client.post("/admin/sign-in", data={"token": token}, follow_redirects=False)
        cookies.append(client.cookies[SESSION_COOKIE])
    assert cookies[0] != cookies[1]
    # signing out of one leaves the other open
    client.cookies.clear()
    first = {"Cookie": f"{SESSION_COOKIE}={cookies[0]}"}
    csrf = csrf_of(client.get("/admin/dashboard", headers=first).text)
    client.post("/admin/sign-out", data={"csrf": csrf}, headers=first)
    assert client.get("/api/v1/me", headers=first).status_code == 401
    second = {"Cookie": f"{SESSION_COOKIE}={cookies[1]}"}
    assert client.get("/api/v1/me", headers=second).status_code == 200


def test_a_session_still_ends_after_twelve_hours(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    sign_in(client, session, clock, Role.VIEWER)
    assert client.get("/api/v1/me").status_code == 200
    clock.advance(timedelta(hours=12, seconds=1))
    assert client.get("/api/v1/me").status_code == 401


def test_a_non_ascii_bearer_token_is_401(client: TestClient) -> None:
    for value in (b"Bearer \xe9\xe9", b"Bearer t4b_\xb2", b"\xb2"):
        answer = raw(client, "GET", "/api/v1/me", {b"authorization": value})
        assert answer.status_code == 401, (value, answer.text)
