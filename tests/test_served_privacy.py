"""A real `serve` process, as a prober meets it: its access log masks a phone number in any
spelling a route accepts and redacts tokens in URLs, and its answers do not name the server."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote, unquote

import httpx
import pytest

from tests.admin.browser import Server, served

PHONE = "+79160000001"
SPELLINGS = [
    "8%20916%20000%2000%2001",
    "0079160000001",
    "7..916..000..00..01",
    quote("８９１６０００００01"),  # full-width digits
    quote("７９１６０００００００１"),  # not read as her number, masked all the same
    "%2B7%20(916)%20000-00-01",
    quote(PHONE, safe=""),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with served(tmp_path_factory.mktemp("served")) as running:
        yield running


def test_the_access_log_masks_a_number_however_it_is_spelled(server: Server) -> None:
    clinic = server.log.parent / "clinic.csv"
    clinic.write_text(
        "phone,language,due_date,birth_date,timezone,consent_at\n"
        f"{PHONE},ru,2027-06-15,,Europe/Moscow,2026-11-29T10:00:00+03:00\n"
    )
    server.cli("subscribers", "import", str(clinic))
    admin = {"Authorization": f"Bearer {server.token('admin', 'Ольга')}"}
    for spelling in SPELLINGS:
        for tail in ("", "/messages"):
            answer = httpx.get(f"{server.url}/api/v1/subscribers/{spelling}{tail}", headers=admin)
            found = 404 if spelling == SPELLINGS[4] else 200  # she is found by the others
            assert answer.status_code == found, (spelling, answer.text)
    httpx.get(f"{server.url}/admin/subscribers?phone=8%20916%20000%2000%2001", headers=admin)
    httpx.get(f"{server.url}/join/confirm?token=t4b_secret_value_123&lang=ru")
    log = server.log.read_text("utf-8")
    access = [line for line in log.splitlines() if "/api/v1/subscribers/" in line]
    assert len(access) >= 2 * len(SPELLINGS), log
    for spelling in SPELLINGS:
        assert spelling not in log, spelling
    assert all("/api/v1/subscribers/***0001" in line for line in access), access
    plain = unicodedata.normalize("NFKC", unquote(log))
    assert not re.search(r"9\D{0,4}1\D{0,4}6\D{0,4}0\D{0,4}0\D{0,4}0", plain), log
    assert "t4b_secret_value_123" not in log and "token=***" in log


def test_answers_do_not_name_the_server_and_carry_the_security_headers(server: Server) -> None:
    for path in ("/healthz", "/admin/sign-in", "/join", "/api/v1/me", "/admin/static/pages.js"):
        answer = httpx.get(server.url + path)
        assert "server" not in answer.headers, path
        assert answer.headers["x-content-type-options"] == "nosniff", path
