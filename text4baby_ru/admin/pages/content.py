"""The content pages: the library (search, topic, draft and rejected marks) and the bilingual
editor with its history. They read through the same functions as the JSON API; saving,
publishing, rejecting and bringing back go through the API."""

from __future__ import annotations

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from text4baby_ru.admin import messages_router as api
from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.auth.models import Role, User
from text4baby_ru.content import review
from text4baby_ru.content.library import LANGUAGES
from text4baby_ru.content.models import ContentKey, ContentKind, ContentRevision, RevisionStatus
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
    q: str = Query("", max_length=100),
    topic: str = Query("", max_length=64),
) -> Response:
    user = session.get_one(User, page.need(*CONTENT_ROLES).id)
    track = track if track in TRACKS else "pregnancy"
    q, topic = q.strip(), topic.strip()
    searching = bool(q or topic)
    if track == "replies":
        items = [
            m
            for m in api.list_messages(session, user, track=None, topic=topic or None)
            if m.kind is ContentKind.REPLY
        ]
    else:
        items = api.list_messages(
            session, user, track=track, week=None if searching else week, topic=topic or None
        )
    if q:
        needle = q.casefold()
        items = [
            m
            for m in items
            if needle in m.key.casefold()
            or any(needle in text.text.casefold() for text in m.live.values())
        ]
    return page.render(
        "library.html",
        items=items,
        track=track,
        week=week,
        q=q,
        topic=topic,
        topics=sorted({t for t in session.scalars(select(ContentKey.topic)) if t}),
        tracks=TRACKS,
        weeks=WEEKS.get(track, ()),
        languages=LANGUAGES,
        marks=_marks(session, [m.key for m in items]),
        searching=searching,
    )


def _marks(session: SessionDep, keys: list[str]) -> dict[str, set[str]]:
    """Per key: "draft" when a draft waits, "rejected" when the newest text was turned down."""
    marks: dict[str, set[str]] = {}
    newest: dict[tuple[str, str], ContentRevision] = {}
    for revision in session.scalars(
        select(ContentRevision)
        .where(
            ContentRevision.key.in_(keys),
            ContentRevision.status.in_((RevisionStatus.DRAFT, RevisionStatus.REJECTED)),
        )
        .order_by(ContentRevision.id)
    ):
        newest[(revision.key, revision.language)] = revision
    for (key, _), revision in newest.items():
        if revision.status is RevisionStatus.REJECTED and review.last_rejection(
            session, key, revision.language
        ):
            marks.setdefault(key, set()).add("rejected")
        elif revision.status is RevisionStatus.DRAFT:
            marks.setdefault(key, set()).add("draft")
    return marks


@router.get("/content/{key}", response_class=HTMLResponse)
def editor(page: PageDep, session: SessionDep, key: str) -> Response:
    user = session.get_one(User, page.need(*CONTENT_ROLES).id)
    try:
        message = api.get_message(key, session, user)
    except NotFound:
        return page.render("message.html", 404, text=page.words["not_found"])
    history = api.revisions(key, session, user)
    people = {r.author_id for r in history} | {r.published_by_id for r in history}
    people |= {r.reviewed_by_id for r in history}
    rejections = {
        language: rejected
        for language in LANGUAGES
        if (rejected := review.last_rejection(session, key, language)) is not None
    }
    return page.render(
        "editor.html",
        message=message,
        languages=LANGUAGES,
        history=list(reversed(history)),
        names=names(session, people),
        rejections=rejections,
        may_revert=user.role in (Role.ADMIN, Role.REVIEWER),
        me=user.id,
        sample_week=message.week if message.week is not None else 20,
        sample_track=message.track or "pregnancy",
    )


def names(session: SessionDep, ids: set[int | None]) -> dict[int, str]:
    """The users' names by id."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {u.id: u.name for u in session.scalars(select(User).where(User.id.in_(wanted)))}
