"""One-off system texts to an enrollment (a clinic welcome, the 41-week question, the closing
message): once per enrollment and key, never inside her quiet hours."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from text4baby_ru.content.live import render_live
from text4baby_ru.db import insert_or_ignore
from text4baby_ru.delivery.models import (
    ONCE_PER_ENROLLMENT,
    MessageKind,
    MessageStatus,
    OutboundMessage,
)
from text4baby_ru.delivery.schedule import next_allowed
from text4baby_ru.enrollment.models import Enrollment, Person
from text4baby_ru.enrollment.service import local_today, stage_of


def queue_notice(
    session: Session,
    *,
    person: Person,
    enrollment: Enrollment,
    key: str,
    now: datetime,
    quiet: tuple[time, time],
) -> int | None:
    """Queue the notice unless this enrollment already has it; the new row's id or None."""
    language = person.language.value
    stage = stage_of(enrollment, local_today(now, person.timezone))
    rendered = render_live(session, key, language, stage)
    return insert_or_ignore(
        session,
        OutboundMessage.__table__,
        {
            "kind": MessageKind.NOTICE.value,
            "person_id": person.id,
            "enrollment_id": enrollment.id,
            "content_key": key,
            "revision_id": rendered.revision_id,
            "language": language,
            "track": stage.track,
            "week": stage.week if stage.track else None,
            "body": rendered.text,
            "segments": rendered.segments,
            "encoding": rendered.encoding,
            "status": MessageStatus.QUEUED.value,
            "due_at": next_allowed(now, timezone=person.timezone, quiet=quiet),
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        },
        conflict=["enrollment_id", "content_key"],
        where=ONCE_PER_ENROLLMENT,
    )
