"""Driving the public page like a browser: ask for a code, read it from her phone, type it."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import OutboundMessage
from text4baby_ru.enrollment.models import Person

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def ask(
    client: TestClient,
    phone: str,
    action: str = "join",
    *,
    date: str = "2027-03-15",
    kind: str = "due",
    consent: bool = True,
    lang: str = "ru",
    headers: dict[str, str] | None = None,
) -> Response:
    """Submit the first form."""
    data = {"phone": phone, "action": action, "kind": kind, "date": date}
    if consent:
        data["consent"] = "yes"
    path = "/en/join" if lang == "en" else "/join"
    return client.post(path, data=data, headers=headers or {})


def token_of(response: Response) -> str:
    """The confirmation form's token."""
    found = TOKEN.search(response.text)
    assert found, response.text
    return found.group(1)


def type_code(client: TestClient, token: str, code: str, *, lang: str = "ru") -> Response:
    """Submit the code form."""
    path = "/en/join/confirm" if lang == "en" else "/join/confirm"
    return client.post(path, data={"token": token, "code": code})


def messages_to(session: Session, phone: str, key: str | None = None) -> list[OutboundMessage]:
    """What the outbox holds for this number (of one library key, if given), oldest first."""
    session.expire_all()
    query = (
        select(OutboundMessage)
        .join(Person, Person.id == OutboundMessage.person_id)
        .where(Person.phone == phone)
        .order_by(OutboundMessage.id)
    )
    if key is not None:
        query = query.where(OutboundMessage.content_key == key)
    return list(session.scalars(query))


def code_sent_to(session: Session, phone: str) -> str:
    """The code in the newest code SMS to this number."""
    codes = messages_to(session, phone, "reply.web_code")
    assert codes, "no code was sent"
    found = re.search(r"\b(\d{6})\b", codes[-1].body or "")
    assert found, codes[-1].body
    return found.group(1)


def join_by_web(client: TestClient, session: Session, phone: str, **form: object) -> Response:
    """The whole flow: ask, read the code, type it."""
    lang = str(form.get("lang", "ru"))
    token = token_of(ask(client, phone, **form))  # type: ignore[arg-type]
    return type_code(client, token, code_sent_to(session, phone), lang=lang)
