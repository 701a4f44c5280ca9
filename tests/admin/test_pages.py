"""The admin pages without a browser: sign-in, roles, CSRF, what each role sees, the simulator."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import fixture_phone, make_enrollment, make_person
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user, revoke_user
from text4baby_ru.clock import FixedClock

KEY = "pregnancy.w25.1"


def sign_in(client: TestClient, session: Session, clock: FixedClock, role: Role) -> str:
    """Sign a new user of role in; the page's CSRF token."""
    _, token = create_user(session, name=f"{role} Иванова", role=role, now=clock.now())
    session.commit()
    response = client.post("/admin/sign-in", data={"token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/admin/dashboard").text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf-token" content="([0-9a-f]*)"', html)
    assert found
    return found.group(1)


def test_pages_ask_for_sign_in_and_a_wrong_token_is_refused(client: TestClient) -> None:
    response = client.get("/admin/content", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/sign-in?next=/admin/content"
    refused = client.post("/admin/sign-in", data={"token": "t4b_nonsense"})
    assert refused.status_code == 401
    assert "Токен не подходит или отозван." in refused.text
    assert "t4b_session" not in refused.headers.get("set-cookie", "")


def test_sign_in_sets_a_strict_http_only_session_that_sign_out_ends(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="Анна", role=Role.EDITOR, now=clock.now())
    session.commit()
    response = client.post(
        "/admin/sign-in", data={"token": token, "next": "/admin/review"}, follow_redirects=False
    )
    assert response.headers["location"] == "/admin/review"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert token not in cookie
    page = client.get("/admin/review")
    assert page.status_code == 200 and "Анна</span> (редактор)" in page.text
    # sign-out needs the page's form token
    assert client.post("/admin/sign-out", data={"csrf": "x"}).status_code == 403
    out = client.post("/admin/sign-out", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/admin/review", follow_redirects=False).status_code == 303


def test_a_revoked_user_is_signed_out_on_the_next_page(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    user, token = create_user(session, name="Ольга", role=Role.ADMIN, now=clock.now())
    session.commit()
    client.post("/admin/sign-in", data={"token": token})
    assert client.get("/admin/dashboard").status_code == 200
    revoke_user(session, user_id=user.id, now=clock.now())
    session.commit()
    assert client.get("/admin/dashboard", follow_redirects=False).status_code == 303


def test_a_form_posted_from_another_site_is_refused(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _, token = create_user(session, name="Анна", role=Role.EDITOR, now=clock.now())
    session.commit()
    response = client.post(
        "/admin/sign-in", data={"token": token}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "t4b_session" not in response.headers.get("set-cookie", "")


def test_a_viewer_sees_the_dashboard_only(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    sign_in(client, session, clock, Role.VIEWER)
    dashboard = client.get("/admin/dashboard")
    assert dashboard.status_code == 200
    assert 'href="/admin/content"' not in dashboard.text
    for path in (
        "/admin/content",
        f"/admin/content/{KEY}",
        "/admin/review",
        "/admin/subscribers",
        "/admin/alerts",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "недоступна для вашей роли" in response.text
    assert client.get(f"/api/v1/messages/{KEY}").status_code == 403


def test_the_session_cookie_works_on_the_api_but_writes_need_the_csrf_header(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    csrf = sign_in(client, session, clock, Role.EDITOR)
    body = {"language": "en", "text": "Drink water and rest in the day. Call 103 or 112."}
    assert client.get(f"/api/v1/messages/{KEY}").status_code == 200
    refused = client.patch(f"/api/v1/messages/{KEY}", json=body)
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["detail"]
    saved = client.patch(f"/api/v1/messages/{KEY}", json=body, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200, saved.text


def test_the_editor_shows_both_languages_and_the_review_queue_the_draft(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    csrf = sign_in(client, session, clock, Role.EDITOR)
    editor = client.get(f"/admin/content/{KEY}")
    assert editor.status_code == 200
    assert 'name="text-ru"' in editor.text and 'name="text-en"' in editor.text
    library = client.get("/admin/content?track=pregnancy&week=25")
    assert f'href="/admin/content/{KEY}"' in library.text
    text = "Пейте воду и отдыхайте днём. Звоните 103 или 112 при кровотечении."
    client.patch(
        f"/api/v1/messages/{KEY}",
        json={"language": "ru", "text": text},
        headers={"X-CSRF-Token": csrf},
    )
    queue = client.get("/admin/review")
    assert KEY in queue.text and "отдыхайте" in queue.text
    assert "опубликовать его должен другой человек" in queue.text  # her own draft
    assert "data-publish" not in queue.text


def test_english_interface_by_query_and_cookie(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    sign_in(client, session, clock, Role.ADMIN)
    assert "Сводка" in client.get("/admin/dashboard").text
    assert "Dashboard" in client.get("/admin/dashboard?lang=en").text
    assert "Dashboard" in client.get("/admin/dashboard").text  # remembered


def test_the_dashboard_counts_the_days_messages_and_names_no_number(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    phone = fixture_phone()
    make_enrollment(session, make_person(session, phone=phone), created_at=clock.now())
    session.commit()
    sign_in(client, session, clock, Role.VIEWER)
    day = clock.now().date().isoformat()
    page = client.get(f"/admin/dashboard?start={day}&end={day}")
    assert page.status_code == 200
    assert phone not in page.text and phone[-4:] not in page.text
    csv = client.get(f"/admin/dashboard.csv?start={day}&end={day}")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "subscribers,active,<5" in csv.text  # one woman: never an exact count under 5
    assert client.get("/admin/dashboard?start=nonsense").status_code == 200


def test_the_simulator_enrolls_a_pretend_phone_on_its_own_database(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    csrf = sign_in(client, session, clock, Role.VIEWER)
    headers = {"X-CSRF-Token": csrf}
    assert client.post("/admin/simulator/text", json={"text": "МАМА"}).status_code == 403
    state = client.post(
        "/admin/simulator/text", json={"text": "МАМА 15.06.2027"}, headers=headers
    ).json()
    assert [line["incoming"] for line in state["lines"]][:2] == [True, False]
    assert "15.06.2027" in state["lines"][0]["text"]
    later = client.post("/admin/simulator/clock", json={"step": "week"}, headers=headers).json()
    tips = later["lines"][len(state["lines"]) :]
    assert len(tips) == 3, tips  # Monday, Wednesday and Friday
    assert all(not line["incoming"] and "10:00" in line["at"] for line in tips)
    # the real database knows nothing of her
    assert client.get("/admin/dashboard.csv").text.count("\nsubscribers,active,0\r") == 1
