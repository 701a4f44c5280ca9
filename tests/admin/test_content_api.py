"""Editing the library through the API: drafts, four eyes, conflicts, revisions, previews."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_enrollment, make_person
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.planner import Rules, plan
from text4baby_ru.delivery.sender import send_due
from text4baby_ru.gateways.console import ConsoleGateway

KEY = "pregnancy.w25.1"
NEW_RU = (
    "Новый текст на 25-й неделе: пейте воду и отдыхайте днём. Звоните 103 или 112 при кровотечении."
)


def bearer(
    session: Session, clock: FixedClock, role: Role, name: str | None = None
) -> dict[str, str]:
    _, token = create_user(session, name=name or f"{role} user", role=role, now=clock.now())
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_a_draft_goes_out_only_after_a_different_reviewer_publishes_it(
    client: TestClient, session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    reviewer = bearer(session, clock, Role.REVIEWER)
    old = client.get(f"/api/v1/messages/{KEY}", headers=editor).json()["live"]["ru"]["text"]
    saved = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "ru", "text": NEW_RU}, headers=editor
    )
    assert saved.status_code == 200, saved.text
    draft_id = saved.json()["revision_id"]
    detail = client.get(f"/api/v1/messages/{KEY}", headers=editor).json()
    assert detail["live"]["ru"]["text"] == old and detail["drafts"]["ru"]["revision_id"] == draft_id
    assert detail["drafts"]["ru"]["segments"] == 2 and detail["drafts"]["ru"]["encoding"] == "UCS-2"

    person = make_person(session)
    make_enrollment(
        session, person, due_date=date(2027, 3, 15), activated_at=datetime(2026, 11, 1, tzinfo=UTC)
    )
    session.commit()
    rules = Rules(weekdays=(0, 2, 4), hour=10, quiet=(time(21), time(9)))
    clock.set(datetime(2026, 11, 30, 7, 5, tzinfo=UTC))
    assert (
        client.post(
            f"/api/v1/messages/{KEY}/publish",
            json={"language": "ru", "revision_id": draft_id},
            headers=editor,
        ).status_code
        == 403
    )  # an editor may not publish
    published = client.post(
        f"/api/v1/messages/{KEY}/publish",
        json={"language": "ru", "revision_id": draft_id},
        headers=reviewer,
    )
    assert published.status_code == 200
    with sessions() as s, s.begin():
        plan(s, now=clock.now(), rules=rules)
    report = send_due(sessions=sessions, gateway=ConsoleGateway(), clock=clock, worker="t")
    assert report.sent == 1
    history = client.get(
        f"/api/v1/subscribers/{person.phone}/messages", headers=bearer(session, clock, Role.ADMIN)
    ).json()
    assert history[0]["body"] == NEW_RU and history[0]["revision_id"] == draft_id


def test_nobody_publishes_their_own_draft_not_even_an_admin(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    admin = bearer(session, clock, Role.ADMIN)
    draft = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "ru", "text": NEW_RU}, headers=admin
    ).json()
    response = client.post(
        f"/api/v1/messages/{KEY}/publish",
        json={"language": "ru", "revision_id": draft["revision_id"]},
        headers=admin,
    )
    assert response.status_code == 403 and "second person" in response.json()["detail"]


def test_a_draft_replaced_by_a_newer_one_cannot_go_live(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor, reviewer = bearer(session, clock, Role.EDITOR), bearer(session, clock, Role.REVIEWER)
    first = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "ru", "text": NEW_RU}, headers=editor
    ).json()
    client.patch(
        f"/api/v1/messages/{KEY}",
        json={"language": "ru", "text": NEW_RU + " Берегите себя."},
        headers=editor,
    )
    response = client.post(
        f"/api/v1/messages/{KEY}/publish",
        json={"language": "ru", "revision_id": first["revision_id"]},
        headers=reviewer,
    )
    assert response.status_code == 409


def test_bad_texts_are_refused_with_the_exact_problem_and_not_stored(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    cases = {
        "{{ week.__class__.__mro__ }}": "attribute",
        "{{ 'a' * 10**8 }}": "arithmetic",
        "{% for i in range(9999999) %}x{% endfor %}": "loops",
        "{{ settings }}": "unknown variable",
        "Короткий текст " * 20: "max 3",
    }
    for text, reason in cases.items():
        response = client.patch(
            f"/api/v1/messages/{KEY}", json={"language": "ru", "text": text}, headers=editor
        )
        assert response.status_code == 422 and reason in response.json()["detail"], (
            text,
            response.text,
        )
    english = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "en", "text": "Call 103 – now"}, headers=editor
    )
    assert english.status_code == 422 and "UCS-2" in english.json()["detail"]
    revisions = client.get(f"/api/v1/messages/{KEY}/revisions", headers=editor).json()
    assert all(r["status"] != "draft" for r in revisions)


def test_revisions_show_who_changed_what_and_an_earlier_text_can_come_back(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor, reviewer = bearer(session, clock, Role.EDITOR), bearer(session, clock, Role.REVIEWER)
    draft = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "ru", "text": NEW_RU}, headers=editor
    ).json()
    client.post(
        f"/api/v1/messages/{KEY}/publish",
        json={"language": "ru", "revision_id": draft["revision_id"]},
        headers=reviewer,
    )
    revisions = [
        r
        for r in client.get(f"/api/v1/messages/{KEY}/revisions", headers=editor).json()
        if r["language"] == "ru"
    ]
    assert [r["status"] for r in revisions] == ["archived", "live"]
    assert "+Новый текст" in revisions[-1]["diff"]
    reverted = client.post(
        f"/api/v1/messages/{KEY}/revert",
        json={"language": "ru", "revision_id": revisions[0]["revision_id"]},
        headers=reviewer,
    )
    assert reverted.status_code == 200
    live = client.get(f"/api/v1/messages/{KEY}", headers=editor).json()["live"]["ru"]["text"]
    assert live == revisions[0]["text"]


def test_preview_counts_segments_and_cost(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    text = 'У вас {{ week }}-я неделя, осталось {{ weeks_left }} {{ weeks_left | plural("неделя", "недели", "недель") }}.'
    response = client.post(
        "/api/v1/messages/preview",
        json={"text": text, "language": "ru", "track": "pregnancy", "week": 38},
        headers=editor,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == "У вас 38-я неделя, осталось 2 недели."
    assert (body["segments"], body["encoding"], body["cost_per_1000"]) == (1, "UCS-2", 2500.0)


def test_the_library_list_filters_by_track_week_and_words(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    week = client.get("/api/v1/messages?track=pregnancy&week=12", headers=editor).json()
    assert [m["key"] for m in week] == ["pregnancy.w12.1", "pregnancy.w12.2", "pregnancy.w12.3"]
    assert set(week[0]["live"]) == {"ru", "en"}
    english_only = client.get(
        "/api/v1/messages?track=baby&week=0&language=en", headers=editor
    ).json()
    assert all(set(m["live"]) == {"en"} for m in english_only)
    found = client.get("/api/v1/messages?q=БЦЖ", headers=editor).json()
    assert found and all(
        "БЦЖ" in m["live"]["ru"]["text"] or "BCG" in m["live"]["en"]["text"] for m in found
    )
    assert (
        client.get("/api/v1/messages", headers=bearer(session, clock, Role.VIEWER)).status_code
        == 403
    )


def test_a_reviewer_rejects_a_draft_with_a_comment_and_the_live_text_stays(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    editor = bearer(session, clock, Role.EDITOR)
    reviewer = bearer(session, clock, Role.REVIEWER)
    old = client.get(f"/api/v1/messages/{KEY}", headers=editor).json()["live"]["ru"]["text"]
    draft_id = client.patch(
        f"/api/v1/messages/{KEY}", json={"language": "ru", "text": NEW_RU}, headers=editor
    ).json()["revision_id"]
    reject = {"language": "ru", "revision_id": draft_id, "comment": "Уточните срок."}
    assert (
        client.post(f"/api/v1/messages/{KEY}/reject", json=reject, headers=editor).status_code
        == 403
    )
    no_reason = client.post(
        f"/api/v1/messages/{KEY}/reject", json={**reject, "comment": "  "}, headers=reviewer
    )
    assert no_reason.status_code == 422 and "comment" in no_reason.text
    done = client.post(f"/api/v1/messages/{KEY}/reject", json=reject, headers=reviewer)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "rejected"
    detail = client.get(f"/api/v1/messages/{KEY}", headers=editor).json()
    assert detail["live"]["ru"]["text"] == old and "ru" not in detail["drafts"]
    history = client.get(f"/api/v1/messages/{KEY}/revisions", headers=editor).json()
    rejected = next(r for r in history if r["revision_id"] == draft_id)
    assert rejected["status"] == "rejected" and rejected["review_comment"] == "Уточните срок."
    assert rejected["reviewed_by_id"] is not None
    publish = {"language": "ru", "revision_id": draft_id}
    assert (
        client.post(f"/api/v1/messages/{KEY}/publish", json=publish, headers=reviewer).status_code
        == 409
    )
