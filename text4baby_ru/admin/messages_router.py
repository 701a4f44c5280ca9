"""Admin API: the message library, drafts, four-eyes publishing, revisions, previews."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from text4baby_ru.audit.service import record_by
from text4baby_ru.auth.models import Role, User
from text4baby_ru.auth.service import creators
from text4baby_ru.content import review
from text4baby_ru.content.library import LANGUAGES
from text4baby_ru.content.models import ContentKey, ContentKind, ContentRevision, RevisionStatus
from text4baby_ru.content.reply_keys import REPLY_SAMPLES
from text4baby_ru.content.templates import Stage, TemplateProblem, render
from text4baby_ru.deps import CONTENT_ROLES, BodyId, ClockDep, SessionDep, SettingsDep, require
from text4baby_ru.errors import Invalid
from text4baby_ru.kit.segments import count

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/messages", tags=["content"])
ContentUser = Annotated[User, Depends(require(*CONTENT_ROLES))]
Reviewer = Annotated[User, Depends(require(Role.ADMIN, Role.REVIEWER))]


class LanguageText(BaseModel):
    """A text in one language with how it travels."""

    text: str
    revision_id: int
    segments: int | None = None
    encoding: str | None = None


class MessageItem(BaseModel):
    """A library message with its live text per language."""

    key: str
    kind: ContentKind
    track: str | None
    week: int | None
    slot: int | None
    topic: str | None
    source: str | None
    live: dict[str, LanguageText]


class MessageDetail(MessageItem):
    """One message: live and pending texts, event window, allowed variables."""

    drafts: dict[str, LanguageText]
    window: dict[str, object] | None
    variables: list[str]


class DraftIn(BaseModel):
    """A new text for one language."""

    language: str = Field(examples=["ru"])
    text: str = Field(examples=["На {{ week }}-й неделе ... Звоните 103 или 112."])


class DraftOut(BaseModel):
    """The saved draft: nothing is sent until a second person publishes it."""

    revision_id: int
    status: str
    warnings: list[str]


class PublishIn(BaseModel):
    """Which draft (or, for revert, which earlier revision) to make live."""

    language: str = Field(examples=["ru"])
    revision_id: BodyId


class RejectIn(BaseModel):
    """Which draft to turn down, and why (the author reads it on the editor page)."""

    language: str = Field(examples=["ru"])
    revision_id: BodyId
    comment: str = Field(min_length=1, max_length=1000, examples=["Уточните срок: с 24 недель."])


class RevisionOut(BaseModel):
    """A revision in the history."""

    revision_id: int
    language: str
    status: str
    origin: str
    text: str
    author_id: int | None
    created_at: datetime
    published_at: datetime | None
    published_by_id: int | None
    # True when the user who published it was made by its author: two people on paper, one in
    # fact (admins are trusted with users; this makes such a publication visible).
    reviewer_created_by_author: bool
    reviewed_by_id: int | None = None
    reviewed_at: datetime | None = None
    review_comment: str | None = None
    diff: str


class PreviewIn(BaseModel):
    """A text to try on a sample stage."""

    text: str
    language: str = Field(examples=["ru"])
    track: str = Field("pregnancy", examples=["pregnancy"])
    week: int = Field(20, ge=0, le=52)


class PreviewOut(BaseModel):
    """The rendered text, how it travels, and what 1,000 of them cost."""

    text: str
    characters: int
    segments: int
    encoding: str
    cost_per_1000: float
    price_per_segment: float = 0.0
    currency: str = "RUB"


def _rendered(revision: ContentRevision, key: ContentKey) -> LanguageText:
    stage = review.sample_stages(key)[0]
    try:
        text = render(revision.text, {**stage.context(), **REPLY_SAMPLES[revision.language]})
        parts = count(text)
        return LanguageText(
            text=revision.text,
            revision_id=revision.id,
            segments=parts.segments,
            encoding=parts.encoding,
        )
    except TemplateProblem:
        return LanguageText(text=revision.text, revision_id=revision.id)


def _texts(
    session: SessionDep, keys: list[str], status: RevisionStatus
) -> dict[str, dict[str, ContentRevision]]:
    found: dict[str, dict[str, ContentRevision]] = {}
    for revision in session.scalars(
        select(ContentRevision).where(
            ContentRevision.key.in_(keys), ContentRevision.status == status
        )
    ):
        found.setdefault(revision.key, {})[revision.language] = revision
    return found


@router.get("", summary="The library with live texts (editor, reviewer, admin)")
def list_messages(
    session: SessionDep,
    _: ContentUser,
    track: str | None = None,
    week: Annotated[int | None, Query(ge=0, le=60)] = None,
    language: str | None = None,
    topic: str | None = None,
    q: Annotated[str | None, Query(max_length=100, description="words in the live text")] = None,
) -> list[MessageItem]:
    query = select(ContentKey).order_by(
        ContentKey.kind.desc(), ContentKey.track, ContentKey.week, ContentKey.slot, ContentKey.key
    )
    if track:
        query = query.where(ContentKey.track == track)
    if week is not None:
        query = query.where(ContentKey.week == week)
    if topic:
        query = query.where(ContentKey.topic == topic)
    if q:
        matching = select(ContentRevision.key).where(
            ContentRevision.status == RevisionStatus.LIVE,
            or_(*[ContentRevision.text.ilike(f"%{word}%") for word in q.split()]),
        )
        query = query.where(ContentKey.key.in_(matching))
    keys = list(session.scalars(query))
    live = _texts(session, [k.key for k in keys], RevisionStatus.LIVE)
    return [
        MessageItem(
            key=k.key,
            kind=k.kind,
            track=k.track,
            week=k.week,
            slot=k.slot,
            topic=k.topic,
            source=k.source,
            live={
                lang: LanguageText(text=r.text, revision_id=r.id)
                for lang, r in live.get(k.key, {}).items()
                if language in (None, lang)
            },
        )
        for k in keys
    ]


@router.get(
    "/{key}", summary="One message: live and pending texts, segments (editor, reviewer, admin)"
)
def get_message(key: str, session: SessionDep, _: ContentUser) -> MessageDetail:
    k = review.get_key(session, key)
    live = _texts(session, [key], RevisionStatus.LIVE).get(key, {})
    drafts = _texts(session, [key], RevisionStatus.DRAFT).get(key, {})
    return MessageDetail(
        key=k.key,
        kind=k.kind,
        track=k.track,
        week=k.week,
        slot=k.slot,
        topic=k.topic,
        source=k.source,
        live={lang: _rendered(r, k) for lang, r in live.items()},
        drafts={lang: _rendered(r, k) for lang, r in drafts.items()},
        window={"event": k.window_event, "from": k.window_from, "to": k.window_to}
        if k.window_event
        else None,
        variables=list(review.allowed_variables(k)),
    )


@router.patch("/{key}", summary="Save a draft (editor, reviewer, admin); nothing is sent yet")
def save_draft(
    key: str, body: DraftIn, session: SessionDep, clock: ClockDep, user: ContentUser
) -> DraftOut:
    draft, warnings = review.save_draft(
        session, key=key, language=body.language, text=body.text, author_id=user.id, now=clock.now()
    )
    record_by(
        session,
        user,
        at=clock.now(),
        action="content.draft",
        entity="content",
        entity_id=f"{key}:{body.language}",
        after={"revision_id": draft.id, "text": draft.text},
    )
    return DraftOut(revision_id=draft.id, status=draft.status.value, warnings=warnings)


def _go_live(
    operation: Callable[..., ContentRevision],
    action: str,
    key: str,
    body: PublishIn,
    session: SessionDep,
    clock: ClockDep,
    user: User,
) -> DraftOut:
    """Publish or revert, and write down the text before and after (flagged when the reviewer
    is a user the draft's author made)."""
    before = review.live_text(session, key, body.language)
    revision = operation(
        session,
        key=key,
        language=body.language,
        revision_id=body.revision_id,
        user_id=user.id,
        now=clock.now(),
    )
    after: dict[str, object] = {"revision_id": revision.id, "text": revision.text}
    if _made_by_author(revision, creators(session, {user.id})):
        after["reviewer_created_by_author"] = True
        log.warning(
            "%s of %s [%s] by user %d, whom the author (user %s) created",
            action,
            key,
            body.language,
            user.id,
            revision.author_id,
        )
    record_by(
        session,
        user,
        at=clock.now(),
        action=action,
        entity="content",
        entity_id=f"{key}:{body.language}",
        before={"text": before},
        after=after,
    )
    return DraftOut(revision_id=revision.id, status=revision.status.value, warnings=[])


def _made_by_author(revision: ContentRevision, made_by: dict[int, int | None]) -> bool:
    """True when revision's publisher is a user its author created."""
    publisher = revision.published_by_id
    return (
        publisher is not None
        and revision.author_id is not None
        and made_by.get(publisher) == revision.author_id
    )


@router.post("/{key}/publish", summary="Make a draft live (reviewer, admin; never one's own draft)")
def publish(
    key: str, body: PublishIn, session: SessionDep, clock: ClockDep, user: Reviewer
) -> DraftOut:
    return _go_live(review.publish, "content.publish", key, body, session, clock, user)


@router.post("/{key}/reject", summary="Turn a draft down with a comment (reviewer, admin)")
def reject(
    key: str, body: RejectIn, session: SessionDep, clock: ClockDep, user: Reviewer
) -> DraftOut:
    revision = review.reject(
        session,
        key=key,
        language=body.language,
        revision_id=body.revision_id,
        user_id=user.id,
        comment=body.comment,
        now=clock.now(),
    )
    record_by(
        session,
        user,
        at=clock.now(),
        action="content.reject",
        entity="content",
        entity_id=f"{key}:{body.language}",
        after={"revision_id": revision.id, "comment": revision.review_comment},
    )
    return DraftOut(revision_id=revision.id, status=revision.status.value, warnings=[])


@router.post("/{key}/revert", summary="Bring back an earlier live text (reviewer, admin)")
def revert(
    key: str, body: PublishIn, session: SessionDep, clock: ClockDep, user: Reviewer
) -> DraftOut:
    return _go_live(review.revert, "content.revert", key, body, session, clock, user)


@router.get("/{key}/revisions", summary="Every revision with author, time, status and diff")
def revisions(key: str, session: SessionDep, _: ContentUser) -> list[RevisionOut]:
    views = review.history(session, key)
    made_by = creators(
        session, {v.revision.published_by_id for v in views if v.revision.published_by_id}
    )
    return [
        RevisionOut(
            revision_id=v.revision.id,
            language=v.revision.language,
            status=v.revision.status.value,
            origin=v.revision.origin,
            text=v.revision.text,
            author_id=v.revision.author_id,
            created_at=v.revision.created_at,
            published_at=v.revision.published_at,
            published_by_id=v.revision.published_by_id,
            reviewer_created_by_author=_made_by_author(v.revision, made_by),
            reviewed_by_id=v.revision.reviewed_by_id,
            reviewed_at=v.revision.reviewed_at,
            review_comment=v.revision.review_comment,
            diff=v.diff,
        )
        for v in views
    ]


@router.post("/preview", summary="Render a text for a sample week, with segments and cost")
def preview(body: PreviewIn, settings: SettingsDep, _: ContentUser) -> PreviewOut:
    if body.language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    if body.track not in ("pregnancy", "baby"):
        raise Invalid("track must be pregnancy or baby")
    problems = review.problems_for_preview(body.text)
    if problems:
        raise Invalid(problems[0])
    try:
        text = render(
            body.text, {**Stage(body.track, body.week).context(), **REPLY_SAMPLES[body.language]}
        )
    except TemplateProblem as problem:
        raise Invalid(str(problem)) from None
    parts = count(text)
    return PreviewOut(
        text=text,
        characters=parts.units,
        segments=parts.segments,
        encoding=parts.encoding,
        cost_per_1000=round(parts.segments * settings.segment_price * 1000, 2),
        price_per_segment=settings.segment_price,
    )
