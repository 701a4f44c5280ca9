"""Templates built to blow the parser (deep brackets, hundreds of `not`, nested blocks) and
plural applied to a date: a 422 with the reason on every route that takes a template, at once,
with nothing in the log."""

from __future__ import annotations

import logging
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_alerts import ALERT
from tests.admin.test_content_api import KEY, bearer
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock

CASES = {
    "{{" + "(" * 490 + "week" + ")" * 490 + "}}": "nested more than 3 deep",
    "{{" + "[" * 490 + "week" + "]" * 490 + "}}": "nested more than 3 deep",
    "{{ " + "not " * 240 + "week }}": "more than 40 parts",
    "{% if week %}" * 30 + "x" + "{% endif %}" * 30: "nested more than 3 deep",
    "{{ due_date | plural('a', 'b') }}": "plural needs a number",
    "{{ birth_date | plural('день', 'дня', 'дней') }}": "plural needs a number",
}


def _routes(text: str) -> list[tuple[str, str, dict[str, object]]]:
    return [
        ("PATCH", f"/api/v1/messages/{KEY}", {"language": "ru", "text": text}),
        ("POST", "/api/v1/messages/preview", {"language": "ru", "text": text}),
        ("POST", "/api/v1/alerts/dry-run", ALERT | {"text_ru": text}),
    ]


@pytest.mark.parametrize(("text", "reason"), CASES.items(), ids=range(len(CASES)))
def test_a_template_that_would_blow_the_parser_is_a_quick_422_with_the_reason(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
    text: str,
    reason: str,
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    with caplog.at_level(logging.WARNING):
        for method, path, body in _routes(text):
            # CPU time of this process (server thread included): the machine's load cannot
            # inflate it, a parser spending seconds on the text does
            started = time.process_time()
            response = client.request(method, path, json=body, headers=admin)
            assert time.process_time() - started < 1.0, (path, "too slow")
            assert response.status_code == 422, (path, response.text)
            assert reason in response.json()["detail"], (path, response.text)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
