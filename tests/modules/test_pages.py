"""The modules' admin pages: the list with its controls for an admin only, and the results in
Russian and English, small cells as <5."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.admin.test_pages import sign_in
from tests.modules.test_flow import asked  # noqa: F401
from tests.twilio_signing import sms
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.enrollment.models import Enrollment, Person


def test_a_viewer_sees_the_modules_and_results_but_no_controls(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    sign_in(client, session, clock, Role.VIEWER)
    page = client.get("/admin/modules")
    assert page.status_code == 200
    assert "Постановка на учёт в женской консультации" in page.text
    assert "data-action" not in page.text and "не запущен" in page.text
    results = client.get("/admin/modules/flu")
    assert results.status_code == 200 and "Отношение шансов" in results.text
    assert client.get("/admin/modules/nope").status_code == 404


def test_an_admin_gets_the_controls_and_the_results_read_in_both_languages(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    asked: Enrollment,  # noqa: F811
) -> None:
    phone = session.scalars(select(Person.phone).where(Person.id == asked.person_id)).one()
    assert phone is not None
    sms(client, phone, "2")
    sign_in(client, session, clock, Role.ADMIN)
    listing = client.get("/admin/modules").text
    assert 'data-action="pause"' in listing and 'data-action="dry-run"' in listing
    ru = client.get("/admin/modules/registration").text
    assert "2 — нет" in ru and "&lt;5" in ru and "not_yet" not in ru
    assert "скрыто: меньше 5 человек" in ru
    en = client.get("/admin/modules/registration?lang=en").text
    assert "2 — no" in en and "Odds ratio" in en
