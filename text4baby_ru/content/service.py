"""Importing the library into the database as live revisions, and exporting it back to files."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.content.library import LANGUAGES, META_FILE, Library, Message
from text4baby_ru.content.models import ContentKey, ContentKind, ContentRevision, RevisionStatus


@dataclass
class ImportResult:
    """What an import changed."""

    version: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_published: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the operator."""
        line = (
            f"library {self.version}: {self.created} texts added, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        if self.kept_published:
            line += (
                f"; {len(self.kept_published)} kept because they were published through the "
                "admin API (use --force to overwrite)"
            )
        return line


def live_revisions(session: Session) -> dict[tuple[str, str], ContentRevision]:
    """Every live revision by (key, language)."""
    rows = session.scalars(
        select(ContentRevision).where(ContentRevision.status == RevisionStatus.LIVE)
    )
    return {(r.key, r.language): r for r in rows}


def _upsert_key(
    session: Session, message: Message, existing: ContentKey | None, now: datetime
) -> None:
    values: dict[str, Any] = {
        "kind": message.kind,
        "track": message.track,
        "week": message.week,
        "slot": message.slot,
        "topic": message.topic,
        "source": message.source,
        "window_event": message.window.event if message.window else None,
        "window_from": message.window.first if message.window else None,
        "window_to": message.window.last if message.window else None,
        "variables": list(message.variables),
    }
    if existing is None:
        session.add(ContentKey(key=message.key, updated_at=now, **values))
        return
    if any(getattr(existing, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(existing, k, v)
        existing.updated_at = now


def import_library(
    session: Session, library: Library, *, now: datetime, force: bool = False
) -> ImportResult:
    """Make the library's texts live; texts published through the API stay unless force."""
    result = ImportResult(version=library.version)
    keys = {k.key: k for k in session.scalars(select(ContentKey))}
    live = live_revisions(session)
    for message in library.messages:
        _upsert_key(session, message, keys.get(message.key), now)
    session.flush()
    for message in library.messages:
        for language in LANGUAGES:
            text = message.texts.get(language)
            if not text:
                continue
            current = live.get((message.key, language))
            if current is not None and current.text == text:
                result.unchanged += 1
                continue
            if current is not None and current.origin == "api" and not force:
                result.kept_published.append(f"{message.key} [{language}]")
                continue
            if current is not None:
                current.status = RevisionStatus.ARCHIVED
                session.flush()
            session.add(
                ContentRevision(
                    key=message.key,
                    language=language,
                    text=text,
                    status=RevisionStatus.LIVE,
                    origin="library",
                    library_version=library.version,
                    created_at=now,
                    published_at=now,
                )
            )
            if current is None:
                result.created += 1
            else:
                result.updated += 1
    session.flush()
    return result


class _Literal(str):
    """A string YAML writes as a folded block, like the hand-written library."""


def _literal_representer(dumper: yaml.SafeDumper, value: _Literal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=">")


yaml.SafeDumper.add_representer(_Literal, _literal_representer)


def _entry(key: ContentKey, texts: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": key.key}
    if key.kind is ContentKind.TIP:
        entry |= {"week": key.week, "slot": key.slot, "topic": key.topic, "source": key.source}
        if key.window_event:
            entry["window"] = {
                "event": key.window_event,
                "from": key.window_from,
                "to": key.window_to,
            }
    else:
        entry["variables"] = list(key.variables)
        if key.source:  # a module's texts cite their source like tips
            entry["source"] = key.source
    for language in LANGUAGES:
        if language in texts:
            entry[language] = _Literal(texts[language])
    return entry


def export_library(session: Session, directory: Path, *, meta_text: str) -> list[Path]:
    """Write the live content to directory in the library's format; the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for (name, language), revision in live_revisions(session).items():
        texts[name][language] = revision.text
    keys = session.scalars(
        select(ContentKey).order_by(
            ContentKey.track, ContentKey.week, ContentKey.slot, ContentKey.key
        )
    )
    files: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in keys:
        files[row.track or "replies"].append(_entry(row, texts.get(row.key, {})))
    written = []
    for name, entries in files.items():
        body = {"replies": entries} if name == "replies" else {"track": name, "messages": entries}
        path = directory / f"{name}.yaml"
        path.write_text(
            yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
        written.append(path)
    meta_path = directory / META_FILE
    meta_path.write_text(meta_text, encoding="utf-8")
    written.append(meta_path)
    return written
