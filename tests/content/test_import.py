from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from text4baby_ru.clock import FixedClock
from text4baby_ru.content import library
from text4baby_ru.content.models import ContentKey, ContentRevision, RevisionStatus
from text4baby_ru.content.service import export_library, import_library, live_revisions
from text4baby_ru.resources import data_dir

SHIPPED = data_dir("message_library")


@pytest.fixture(scope="module")
def shipped() -> library.Library:
    return library.load(SHIPPED)


@pytest.fixture(autouse=True)
def _empty_library(session: Session) -> None:
    """These tests start from a database without content (the suite imports it once)."""
    session.execute(delete(ContentRevision))
    session.execute(delete(ContentKey))
    session.flush()


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ContentRevision)) or 0


def test_import_makes_every_text_live_once_and_is_idempotent(
    session: Session, clock: FixedClock, shipped: library.Library
) -> None:
    first = import_library(session, shipped, now=clock.now())
    texts = sum(len(m.texts) for m in shipped.messages)
    assert first.created == texts and first.updated == 0
    again = import_library(session, shipped, now=clock.now())
    assert (again.created, again.updated, again.unchanged) == (0, 0, texts)
    assert _count(session) == texts


def test_a_changed_file_archives_the_old_text(
    session: Session, clock: FixedClock, shipped: library.Library
) -> None:
    import_library(session, shipped, now=clock.now())
    message = shipped.by_key()["pregnancy.w20.1"]
    old = message.texts["ru"]
    message.texts["ru"] = old + " Берегите себя."
    try:
        result = import_library(session, shipped, now=clock.now())
    finally:
        message.texts["ru"] = old
    assert result.updated == 1
    statuses = session.scalars(
        select(ContentRevision.status)
        .where(ContentRevision.key == "pregnancy.w20.1", ContentRevision.language == "ru")
        .order_by(ContentRevision.id)
    ).all()
    assert statuses == [RevisionStatus.ARCHIVED, RevisionStatus.LIVE]


def test_import_keeps_a_text_published_through_the_api_unless_forced(
    session: Session, clock: FixedClock, shipped: library.Library
) -> None:
    import_library(session, shipped, now=clock.now())
    live = live_revisions(session)[("baby.w10.2", "en")]
    live.status = RevisionStatus.ARCHIVED
    session.flush()
    session.add(
        ContentRevision(
            key="baby.w10.2",
            language="en",
            text="Edited by a health worker.",
            status=RevisionStatus.LIVE,
            origin="api",
            created_at=clock.now(),
            published_at=clock.now(),
        )
    )
    session.flush()
    kept = import_library(session, shipped, now=clock.now())
    assert kept.kept_published == ["baby.w10.2 [en]"]
    assert live_revisions(session)[("baby.w10.2", "en")].text == "Edited by a health worker."
    forced = import_library(session, shipped, now=clock.now(), force=True)
    assert forced.updated == 1
    assert live_revisions(session)[("baby.w10.2", "en")].text == live.text


def test_export_writes_files_that_load_back_to_the_same_library(
    session: Session, clock: FixedClock, shipped: library.Library, tmp_path: Path
) -> None:
    import_library(session, shipped, now=clock.now())
    meta = (SHIPPED / library.META_FILE).read_text("utf-8")
    export_library(session, tmp_path, meta_text=meta)
    back = library.load(tmp_path)
    original = {m.key: (m.texts, m.week, m.slot, m.source, m.window) for m in shipped.messages}
    assert {m.key: (m.texts, m.week, m.slot, m.source, m.window) for m in back.messages} == original
