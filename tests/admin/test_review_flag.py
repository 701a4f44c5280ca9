"""The two-person rule and an admin who makes her own reviewer: allowed (admins are trusted with
users) but visible, on the revision history and in the audit log."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_content_api import NEW_RU, bearer
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock

OWN_KEY = "pregnancy.w26.1"
OTHER_KEY = "pregnancy.w27.1"


def _draft(client: TestClient, key: str, author: dict[str, str]) -> int:
    saved = client.patch(
        f"/api/v1/messages/{key}", json={"language": "ru", "text": NEW_RU}, headers=author
    )
    assert saved.status_code == 200, saved.text
    return int(saved.json()["revision_id"])


def _publish(client: TestClient, key: str, revision_id: int, who: dict[str, str]) -> None:
    published = client.post(
        f"/api/v1/messages/{key}/publish",
        json={"language": "ru", "revision_id": revision_id},
        headers=who,
    )
    assert published.status_code == 200, published.text


def _flag(client: TestClient, key: str, revision_id: int, admin: dict[str, str]) -> bool:
    history = client.get(f"/api/v1/messages/{key}/revisions", headers=admin).json()
    (row,) = [r for r in history if r["revision_id"] == revision_id]
    return bool(row["reviewer_created_by_author"])


def test_a_reviewer_made_by_the_drafts_author_is_flagged(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    admin = bearer(session, clock, Role.ADMIN, "Ольга")
    made = client.post(
        "/api/v1/users", json={"name": "Её рецензент", "role": "reviewer"}, headers=admin
    )
    assert made.status_code == 201
    puppet = {"Authorization": f"Bearer {made.json()['token']}"}
    own = _draft(client, OWN_KEY, admin)
    _publish(client, OWN_KEY, own, puppet)  # allowed: admins are trusted with users
    assert _flag(client, OWN_KEY, own, admin) is True

    # an independent reviewer publishing another of her drafts is not flagged
    independent = bearer(session, clock, Role.REVIEWER, "Рецензент")
    other = _draft(client, OTHER_KEY, admin)
    _publish(client, OTHER_KEY, other, independent)
    assert _flag(client, OTHER_KEY, other, admin) is False

    events = client.get("/api/v1/audit?action=content.publish", headers=admin).json()
    by_revision = {e["after"]["revision_id"]: e["after"] for e in events}
    assert by_revision[own]["reviewer_created_by_author"] is True
    assert "reviewer_created_by_author" not in by_revision[other]
