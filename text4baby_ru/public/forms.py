"""Reading the page's forms: pure functions that give values or the keys of the problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from text4baby_ru.enrollment.dates import DateError, Stage, classify
from text4baby_ru.enrollment.service import WebJoin
from text4baby_ru.intake.models import WebAction
from text4baby_ru.kit.phones import BadPhoneNumber, normalize

MAX_FIELD = 64  # no honest phone number, date or code is longer


@dataclass
class Request:
    """A valid request of the first form, or the problems to show (text keys)."""

    phone: str = ""
    action: WebAction | None = None
    join: WebJoin | None = None
    problems: list[str] = field(default_factory=list)


def read_request(form: dict[str, str], *, today: date) -> Request:
    """The number, what she asks for and, for a join, her date checked like an SMS date."""
    found = Request()
    try:
        found.phone = normalize(form.get("phone", "")[:MAX_FIELD])
    except BadPhoneNumber:
        found.problems.append("bad_phone")
    action = form.get("action", "")
    if action not in ("join", "stop"):
        found.problems.append("no_action")
        return found
    found.action = WebAction(action)
    if found.action is WebAction.STOP:
        return found
    born = form.get("kind") == "born"
    text = form.get("date", "").strip()[:MAX_FIELD]
    if not text:
        found.problems.append("no_date")
    else:
        dated = classify(text, today=today, birth_word=born)
        wanted = Stage.BABY if born else Stage.PREGNANCY
        if dated.stage is wanted and dated.day is not None:
            found.join = WebJoin(dated.day, born)
        elif dated.error is DateError.NOT_UNDERSTOOD:
            found.problems.append("bad_date")
        else:
            found.problems.append("bad_born" if born else "bad_due")
    if form.get("consent") != "yes":
        found.problems.append("no_consent")
    return found


def read_code(raw: str) -> str | None:
    """Six digits, spaces allowed between them; None otherwise."""
    digits = re.sub(r"[\s-]", "", raw[:MAX_FIELD])
    return digits if re.fullmatch(r"\d{6}", digits) else None
