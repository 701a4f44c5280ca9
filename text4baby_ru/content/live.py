"""Reading the live text of a message and rendering it for a subscriber."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.content.library import Library, Message, Window
from text4baby_ru.content.models import ContentKey, ContentRevision, RevisionStatus
from text4baby_ru.content.templates import Stage, TemplateProblem, render
from text4baby_ru.kit.segments import count


class MissingContent(LookupError):
    """The library has no live text for this key and language."""


@dataclass(frozen=True)
class Rendered:
    """A rendered text, the revision it came from and how it travels."""

    revision_id: int
    text: str
    segments: int
    encoding: str


def live_revision(session: Session, key: str, language: str) -> ContentRevision:
    """The live revision of key in language, or MissingContent."""
    revision = session.scalar(
        select(ContentRevision).where(
            ContentRevision.key == key,
            ContentRevision.language == language,
            ContentRevision.status == RevisionStatus.LIVE,
        )
    )
    if revision is None:
        raise MissingContent(f"no live {language} text for {key}")
    return revision


class LiveTexts:
    """The live texts read in one transaction, each key and language read once (a batch of
    replies asks for the same few keys again and again)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._read: dict[tuple[str, str], tuple[int, str] | None] = {}

    def get(self, key: str, language: str) -> tuple[int, str]:
        """The live revision's id and text, or MissingContent."""
        if (key, language) not in self._read:
            try:
                revision = live_revision(self.session, key, language)
                self._read[key, language] = (revision.id, revision.text)
            except MissingContent:
                self._read[key, language] = None
        found = self._read[key, language]
        if found is None:
            raise MissingContent(f"no live {language} text for {key}")
        return found


def render_live(
    session: Session,
    key: str,
    language: str,
    stage: Stage,
    values: dict[str, str] | None = None,
    *,
    texts: LiveTexts | None = None,
) -> Rendered:
    """Render the live text for a stage; an empty or unrenderable text is an error, never sent.
    With `texts`, the live text comes from what this transaction has already read."""
    if texts is not None:
        revision_id, source = texts.get(key, language)
    else:
        revision = live_revision(session, key, language)
        revision_id, source = revision.id, revision.text
    text = render(source, {**stage.context(), **(values or {})})
    if not text.strip():
        raise TemplateProblem(f"{key} [{language}] renders empty")
    parts = count(text)
    return Rendered(revision_id, text, parts.segments, parts.encoding)


def published_library(session: Session) -> Library:
    """The library as women get it: every key with its live texts (what `journey` shows)."""
    texts: dict[str, dict[str, str]] = {}
    for revision in session.scalars(
        select(ContentRevision).where(ContentRevision.status == RevisionStatus.LIVE)
    ):
        texts.setdefault(revision.key, {})[revision.language] = revision.text
    messages = [
        Message(
            key=row.key,
            kind=row.kind,
            texts=texts.get(row.key, {}),
            file="database",
            track=row.track,
            week=row.week,
            slot=row.slot,
            topic=row.topic,
            source=row.source,
            window=(
                Window(row.window_event, row.window_from, row.window_to)
                if row.window_event and row.window_from is not None and row.window_to is not None
                else None
            ),
            variables=tuple(row.variables or ()),
        )
        for row in session.scalars(select(ContentKey).order_by(ContentKey.key))
    ]
    return Library("published", "", None, {}, messages)
