"""The content pages: the library by track and week, the bilingual editor, the review queue.
They read through the same functions as the JSON API; saving and publishing go through the API."""

from __future__ import annotations

import difflib

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from text4baby_ru.admin import messages_router as api
from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import User
from text4baby_ru.content.library import LANGUAGES
from text4baby_ru.content.models import ContentKind, ContentRevision, RevisionStatus
from text4baby_ru.deps import CONTENT_ROLES, SessionDep
from text4baby_ru.errors import NotFound

router = APIRouter(prefix="/admin", include_in_schema=False)
TRACKS = ("pregnancy", "baby", "replies")
WEEKS = {"pregnancy": range(0, 42), "baby": range(0, 53)}


@router.get("/content", response_class=HTMLResponse)
def library(
    page: PageDep,
    session: SessionDep,
    track: str = "pregnancy",
    week: int = Query(20, ge=0, le=60),
) -> Response:
    user = session.get_one(User, page.need(*CONTENT_ROLES).id)
    track = track if track in TRACKS else "pregnancy"
    if track == "replies":
        items = [
            m for m in api.list_messages(session, user, track=None) if m.kind is ContentKind.REPLY
        ]
    else:
        items = api.list_messages(session, user, track=track, week=week)
    return page.render(
        "library.html",
        items=items,
        track=track,
        week=week,
        tracks=TRACKS,
        weeks=WEEKS.get(track, ()),
        languages=LANGUAGES,
    )


@router.get("/content/{key}", response_class=HTMLResponse)
def editor(page: PageDep, session: SessionDep, key: str) -> Response:
    user = session.get_one(User, page.need(*CONTENT_ROLES).id)
    try:
        message = api.get_message(key, session, user)
    except NotFound:
        return page.render("message.html", 404, text=page.words["not_found"])
    history = api.revisions(key, session, user)
    return page.render(
        "editor.html",
        message=message,
        languages=LANGUAGES,
        history=list(reversed(history)),
        authors=_names(session, {r.author_id for r in history}),
        sample_week=message.week if message.week is not None else 20,
        sample_track=message.track or "pregnancy",
    )


@router.get("/review", response_class=HTMLResponse)
def review_queue(page: PageDep, session: SessionDep) -> Response:
    user = page.need(*CONTENT_ROLES)
    drafts = list(
        session.scalars(
            select(ContentRevision)
            .where(ContentRevision.status == RevisionStatus.DRAFT)
            .order_by(ContentRevision.created_at, ContentRevision.id)
        )
    )
    live = {
        (r.key, r.language): r.text
        for r in session.scalars(
            select(ContentRevision).where(
                ContentRevision.status == RevisionStatus.LIVE,
                ContentRevision.key.in_({d.key for d in drafts}),
            )
        )
    }
    items = [
        {
            "draft": d,
            "live": live.get((d.key, d.language), ""),
            "diff": word_diff(live.get((d.key, d.language), ""), d.text),
            "own": d.author_id == user.id,
        }
        for d in drafts
    ]
    return page.render(
        "review.html",
        items=items,
        authors=_names(session, {d.author_id for d in drafts}),
        may_publish=user.role.value in ("admin", "reviewer"),
    )


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from before to after, word by word: ("same"|"gone"|"new", words)."""
    old, new = before.split(" "), after.split(" ")
    parts: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("gone", " ".join(old[a1:a2])))
        if b2 > b1:
            parts.append(("new", " ".join(new[b1:b2])))
    return parts


def _names(session: SessionDep, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(wanted)))}
