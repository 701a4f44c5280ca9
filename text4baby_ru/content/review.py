"""Drafts and four-eyes review: an editor's draft goes live only when someone else publishes it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.content.library import LANGUAGES
from text4baby_ru.content.lint import check_text
from text4baby_ru.content.lint import sample_stages as lint_stages
from text4baby_ru.content.models import ContentKey, ContentKind, ContentRevision, RevisionStatus
from text4baby_ru.content.reply_keys import REPLY_VARIABLES
from text4baby_ru.content.templates import TIP_VARIABLES, Stage, problems_in
from text4baby_ru.errors import Conflict, Forbidden, Invalid, NotFound

MAX_TEXT = 1000  # characters of template source; the SMS budget is checked on the rendering


def get_key(session: Session, key: str) -> ContentKey:
    """The library message, or 404."""
    found = session.get(ContentKey, key)
    if found is None:
        raise NotFound(f"no library message {key!r}")
    return found


def allowed_variables(key: ContentKey) -> tuple[str, ...]:
    """The template variables this message may use."""
    return TIP_VARIABLES if key.kind is ContentKind.TIP else REPLY_VARIABLES.get(key.key, ())


def sample_stages(key: ContentKey) -> list[Stage]:
    """The stages a text is checked on (with real dates): its own week for a tip, a spread for a
    reply."""
    return lint_stages(key.track if key.kind is ContentKind.TIP else None, key.week)


def validate_text(key: ContentKey, language: str, text: str) -> list[str]:
    """Warnings for an acceptable text; Invalid (422) naming the first problem otherwise."""
    if language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    if not text.strip():
        raise Invalid("the text is empty")
    if len(text) > MAX_TEXT:
        raise Invalid(f"the text is longer than {MAX_TEXT} characters")
    found = check_text(
        text,
        language=language,
        allowed=allowed_variables(key),
        stages=sample_stages(key),
        tip=key.kind is ContentKind.TIP,
    )
    errors = [detail for severity, _, detail in found if severity == "error"]
    if errors:
        raise Invalid(errors[0])
    return [detail for severity, _, detail in found if severity == "warning"]


def live_text(session: Session, key: str, language: str) -> str | None:
    """The text that is sent now, if any."""
    live = _current(session, key, language, RevisionStatus.LIVE)
    return live.text if live else None


def problems_for_preview(text: str) -> list[str]:
    """Why a preview text cannot be rendered (any variable of tips or replies is allowed)."""
    if len(text) > MAX_TEXT:
        return [f"the text is longer than {MAX_TEXT} characters"]
    return problems_in(text, (*TIP_VARIABLES, "city", "code"))


def _revision(session: Session, key: str, language: str, revision_id: int) -> ContentRevision:
    revision = session.get(ContentRevision, revision_id)
    if revision is None or revision.key != key or revision.language != language:
        raise NotFound(f"no revision {revision_id} of {key} [{language}]")
    return revision


def _current(
    session: Session, key: str, language: str, status: RevisionStatus
) -> ContentRevision | None:
    return session.scalar(
        select(ContentRevision)
        .where(
            ContentRevision.key == key,
            ContentRevision.language == language,
            ContentRevision.status == status,
        )
        .order_by(ContentRevision.id.desc())
    )


def save_draft(
    session: Session, *, key: str, language: str, text: str, author_id: int, now: datetime
) -> tuple[ContentRevision, list[str]]:
    """A new draft (replacing any pending one); it changes nothing that is sent."""
    content_key = get_key(session, key)
    warnings = validate_text(content_key, language, text)
    for pending in session.scalars(
        select(ContentRevision).where(
            ContentRevision.key == key,
            ContentRevision.language == language,
            ContentRevision.status == RevisionStatus.DRAFT,
        )
    ):
        pending.status = RevisionStatus.SUPERSEDED
    draft = ContentRevision(
        key=key,
        language=language,
        text=text.strip(),
        status=RevisionStatus.DRAFT,
        origin="api",
        author_id=author_id,
        created_at=now,
    )
    session.add(draft)
    session.flush()
    return draft, warnings


def _make_live(session: Session, revision: ContentRevision, *, user_id: int, now: datetime) -> None:
    live = _current(session, revision.key, revision.language, RevisionStatus.LIVE)
    if live is not None:
        live.status = RevisionStatus.ARCHIVED
        session.flush()
    revision.status, revision.published_at, revision.published_by_id = (
        RevisionStatus.LIVE,
        now,
        user_id,
    )
    session.flush()


def publish(
    session: Session, *, key: str, language: str, revision_id: int, user_id: int, now: datetime
) -> ContentRevision:
    """Make exactly this draft live; never one's own (four eyes), never a replaced one."""
    revision = _revision(session, key, language, revision_id)
    if revision.status is RevisionStatus.SUPERSEDED:
        raise Conflict("a newer draft replaced this one: review the newest draft")
    if revision.status is not RevisionStatus.DRAFT:
        raise Conflict(f"revision {revision_id} is {revision.status}, not a draft")
    if revision.author_id == user_id:
        raise Forbidden("a second person must publish a draft: you wrote this one")
    _make_live(session, revision, user_id=user_id, now=now)
    return revision


def reject(
    session: Session,
    *,
    key: str,
    language: str,
    revision_id: int,
    user_id: int,
    comment: str,
    now: datetime,
) -> ContentRevision:
    """Turn a draft down with a reason its author reads; the live text stays as it is."""
    revision = _revision(session, key, language, revision_id)
    if revision.status is not RevisionStatus.DRAFT:
        raise Conflict(f"revision {revision_id} is {revision.status}, not a draft")
    if revision.author_id == user_id:
        raise Forbidden("a second person must review a draft: you wrote this one")
    if not comment.strip():
        raise Invalid("a rejection needs a comment for the author")
    revision.status = RevisionStatus.REJECTED
    revision.reviewed_by_id, revision.reviewed_at = user_id, now
    revision.review_comment = comment.strip()
    session.flush()
    return revision


def last_rejection(session: Session, key: str, language: str) -> ContentRevision | None:
    """The newest rejected draft, if no newer draft or publication has followed it."""
    newest = session.scalar(
        select(ContentRevision)
        .where(ContentRevision.key == key, ContentRevision.language == language)
        .order_by(ContentRevision.id.desc())
    )
    return newest if newest is not None and newest.status is RevisionStatus.REJECTED else None


def revert(
    session: Session, *, key: str, language: str, revision_id: int, user_id: int, now: datetime
) -> ContentRevision:
    """Make an earlier published text live again, as a new revision."""
    earlier = _revision(session, key, language, revision_id)
    if earlier.status is not RevisionStatus.ARCHIVED or earlier.published_at is None:
        raise Conflict("only a text that was live before can be brought back")
    if earlier.author_id == user_id:
        raise Forbidden("a second person must bring back a text: you wrote this one")
    copy = ContentRevision(
        key=key,
        language=language,
        text=earlier.text,
        status=RevisionStatus.DRAFT,
        origin="api",
        author_id=earlier.author_id,
        created_at=now,
    )
    session.add(copy)
    session.flush()
    _make_live(session, copy, user_id=user_id, now=now)
    return copy


@dataclass(frozen=True)
class RevisionView:
    """A revision with the diff to the one before it in the same language."""

    revision: ContentRevision
    diff: str


def history(session: Session, key: str) -> list[RevisionView]:
    """Every revision of a message, oldest first per language, each with its diff."""
    get_key(session, key)
    rows = session.scalars(
        select(ContentRevision)
        .where(ContentRevision.key == key)
        .order_by(ContentRevision.language, ContentRevision.id)
    ).all()
    views: list[RevisionView] = []
    previous: dict[str, str] = {}
    for row in rows:
        before = previous.get(row.language, "")
        diff = "\n".join(
            difflib.unified_diff(before.split(". "), row.text.split(". "), lineterm="", n=0)
        )
        views.append(RevisionView(row, diff))
        previous[row.language] = row.text
    return views
