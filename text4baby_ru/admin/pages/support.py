"""Subscriber support (admin only): look her up by number, see where she stands and both sides
of her conversation, change her dates, restart, opt out or erase her. The page is a shell; every
read and change goes through the audited subscriber API."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import Role

router = APIRouter(prefix="/admin", include_in_schema=False)
FACTS = (
    "phone",
    "status",
    "track",
    "next_tip",
    "due_date",
    "birth_date",
    "language",
    "timezone",
    "city",
    "channel",
    "enrolled_at",
)
# Why she gets no tips (codes of delivery.standing.status_reason not in the end reasons).
REASONS: dict[str, tuple[str, str]] = {
    "opted_out": ("прислала СТОП или её отписали", "sent STOP or was opted out"),
    "carrier_stop": ("оператор сообщил, что номер отписан", "the carrier reports a STOP"),
    "failures": ("{n} неудачных доставок подряд", "{n} failed deliveries in a row"),
    "paused": ("приостановлена", "paused"),
    "needs_details": (
        "ещё не прислала дату родов или рождения",
        "has not sent her due date or birth date yet",
    ),
    "completed": ("программа пройдена", "the programme is over"),
    "ended": ("программа завершена", "the programme ended"),
}
TEXTS = (
    "week_n",
    "no_next",
    "from_her",
    "erased_text",
    "bad_date",
    "done",
    "confirm_optout",
    "confirm_erase",
    "erased",
)


@router.get("/subscribers", response_class=HTMLResponse)
def support(page: PageDep) -> Response:
    page.need(Role.ADMIN)
    index = 0 if page.language == "ru" else 1
    words: dict[str, object] = {key: page.words[key] for key in TEXTS}
    words["week"] = words.pop("week_n")
    words["labels"] = {name: page.words[f"fact_{name}"] for name in FACTS}
    words["reasons"] = {code: texts[index] for code, texts in REASONS.items()}
    return page.render("support.html", words=words)
