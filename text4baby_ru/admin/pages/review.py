"""The review queue: each draft with what changes for the woman (a word-level diff of the live
and the new text) and for the budget (segments and the cost of 1,000), who wrote it, and the
buttons to publish or reject it with a comment."""

from __future__ import annotations

import difflib

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from text4baby_ru.admin.pages.content import names
from text4baby_ru.admin.pages.web import PageDep
from text4baby_ru.content import review
from text4baby_ru.content.models import ContentKey, ContentRevision, RevisionStatus
from text4baby_ru.content.reply_keys import REPLY_SAMPLES
from text4baby_ru.content.templates import TemplateProblem, render
from text4baby_ru.deps import CONTENT_ROLES, SessionDep, SettingsDep
from text4baby_ru.kit.segments import count

router = APIRouter(prefix="/admin", include_in_schema=False)


def segments(key: ContentKey, language: str, text: str) -> int | None:
    """How many SMS the text takes at its worst sample stage (None if it does not render)."""
    worst = 0
    for stage in review.sample_stages(key):
        try:
            rendered = render(text, {**stage.context(), **REPLY_SAMPLES[language]})
        except TemplateProblem:
            return None
        worst = max(worst, count(rendered).segments)
    return worst


@router.get("/review", response_class=HTMLResponse)
def review_queue(page: PageDep, session: SessionDep, settings: SettingsDep) -> Response:
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
    price = settings.segment_price * 1000
    items = []
    for d in drafts:
        key = session.get_one(ContentKey, d.key)
        before = live.get((d.key, d.language), "")
        old = segments(key, d.language, before) if before else 0
        new = segments(key, d.language, d.text)
        items.append(
            {
                "draft": d,
                "live": before,
                "diff": word_diff(before, d.text),
                "own": d.author_id == user.id,
                "old_segments": old,
                "new_segments": new,
                "old_cost": (old or 0) * price,
                "new_cost": (new or 0) * price,
            }
        )
    return page.render(
        "review.html",
        items=items,
        authors=names(session, {d.author_id for d in drafts}),
        may_publish=user.role.value in ("admin", "reviewer"),
    )


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The change from before to after, word by word: ("same"|"gone"|"new", words)."""
    old, new = before.split(), after.split()
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
