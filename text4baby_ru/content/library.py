"""Reading the message library from its YAML files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from text4baby_ru.content.models import ContentKind

LANGUAGES = ("ru", "en")
# The weeks each track has tips for: a pregnancy runs to 41+6, the baby track to the birthday.
TRACK_WEEKS = {"pregnancy": (4, 41), "baby": (0, 52)}
SLOTS = (1, 2, 3)
META_FILE = "library.yaml"


class LibraryError(Exception):
    """The library's files cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Window:
    """The weeks (of the message's track) in which the event it prepares for happens."""

    event: str
    first: int
    last: int


@dataclass
class Message:
    """One library message: a weekly tip or a conversation reply, in every language."""

    key: str
    kind: ContentKind
    texts: dict[str, str]
    file: str
    track: str | None = None
    week: int | None = None
    slot: int | None = None
    topic: str | None = None
    source: str | None = None
    window: Window | None = None
    variables: tuple[str, ...] = ()


@dataclass
class Library:
    """The whole library: its metadata, the sources it cites, and its messages."""

    version: str
    reviewed_by: str
    reviewed_on: date | None
    sources: dict[str, str]
    messages: list[Message] = field(default_factory=list)
    review_notes: list[str] = field(default_factory=list)
    duplicate_keys: list[str] = field(default_factory=list)
    # Interactive modules' structure as written (file, raw mapping); their texts are messages.
    modules: list[tuple[str, Any]] = field(default_factory=list)

    def tips(self) -> list[Message]:
        """The weekly tips."""
        return [m for m in self.messages if m.kind is ContentKind.TIP]

    def replies(self) -> list[Message]:
        """The conversation replies."""
        return [m for m in self.messages if m.kind is ContentKind.REPLY]

    def by_key(self) -> dict[str, Message]:
        """Messages by key."""
        return {m.key: m for m in self.messages}


def tip_key(track: str, week: int, slot: int) -> str:
    """The stable key of a weekly tip: `pregnancy.w14.2`."""
    return f"{track}.w{week:02d}.{slot}"


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise LibraryError(f"{path}: cannot read: {error}") from None


def _message(raw: Any, *, track: str | None, file: str) -> Message:
    if not isinstance(raw, dict) or "key" not in raw:
        raise LibraryError(f"{file}: every entry needs a key (got {raw!r:.60})")
    texts = {lang: str(raw[lang]).strip() for lang in LANGUAGES if raw.get(lang) is not None}
    window = raw.get("window")
    try:
        return Message(
            key=str(raw["key"]),
            kind=ContentKind.TIP if track else ContentKind.REPLY,
            texts=texts,
            file=file,
            track=track,
            week=int(raw["week"]) if track else None,
            slot=int(raw["slot"]) if track else None,
            topic=raw.get("topic"),
            source=raw.get("source"),
            window=Window(str(window["event"]), int(window["from"]), int(window["to"]))
            if window
            else None,
            variables=tuple(raw.get("variables") or ()),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise LibraryError(f"{file}: {raw.get('key')}: missing or bad field {error}") from None


def load(root: Path) -> Library:
    """Read library.yaml and every other YAML file under root."""
    root = Path(root)
    meta_path = root / META_FILE
    if not meta_path.is_file():
        raise LibraryError(f"{root}: not a message library ({META_FILE} is missing)")
    meta = _read(meta_path) or {}
    reviewed = meta.get("reviewed_on")
    library = Library(
        version=str(meta.get("version", "")),
        reviewed_by=str(meta.get("reviewed_by", "")),
        reviewed_on=reviewed if isinstance(reviewed, date) else None,
        sources={str(k): str(v) for k, v in (meta.get("sources") or {}).items()},
        review_notes=[str(n) for n in meta.get("review_notes") or []],
    )
    seen: set[str] = set()
    for path in sorted(root.rglob("*.yaml")):
        if path == meta_path:
            continue
        data = _read(path) or {}
        file = str(path.relative_to(root))
        track = data.get("track")
        if "module" in data:
            library.modules.append((file, data["module"]))
        entries = data.get("messages") if track else data.get("replies")
        if not isinstance(entries, list):
            raise LibraryError(f"{file}: expected `track` + `messages`, or `replies`")
        for raw in entries:
            message = _message(raw, track=str(track) if track else None, file=file)
            if message.key in seen:
                library.duplicate_keys.append(message.key)
            seen.add(message.key)
            library.messages.append(message)
    return library
