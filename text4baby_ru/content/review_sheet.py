"""The clinician's review sheet: every tip and reply as she gets it, with its source, its event
window and an empty column for the clinician's verdict (CSV or Markdown)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from text4baby_ru.content.library import LANGUAGES, Library, Message
from text4baby_ru.content.lint import stages_for
from text4baby_ru.content.reply_keys import REPLY_SAMPLES
from text4baby_ru.content.templates import TemplateProblem, render
from text4baby_ru.kit.segments import count

COLUMNS = (
    "key",
    "track",
    "week",
    "topic",
    "text_ru",
    "text_en",
    "segments_ru",
    "segments_en",
    "source",
    "event_window",
    "clinician_verdict",
)
HEADINGS = {
    "key": "Ключ",
    "track": "Трек",
    "week": "Неделя",
    "topic": "Тема",
    "text_ru": "Текст (рус.)",
    "text_en": "Text (English)",
    "segments_ru": "СМС (рус.)",
    "segments_en": "SMS (en)",
    "source": "Источник",
    "event_window": "Окно события",
    "clinician_verdict": "Заключение врача / clinician's verdict",
}


@dataclass(frozen=True)
class Row:
    """One line of the sheet: the message's fields as the clinician reads them."""

    values: dict[str, str]


def _segments(message: Message, language: str) -> str:
    """The most SMS parts this text takes, rendered with real sample values ("?" if it cannot)."""
    text = message.texts.get(language, "")
    worst = 0
    for stage in stages_for(message):
        try:
            rendered = render(text, stage.context() | REPLY_SAMPLES[language])
        except TemplateProblem:
            return "?"
        worst = max(worst, count(rendered).segments)
    return str(worst)


def rows(library: Library) -> list[Row]:
    """Every tip (by track and week) then every reply, with an empty verdict."""
    order = sorted(library.tips(), key=lambda m: (m.track != "pregnancy", m.week, m.slot))
    out = []
    for message in [*order, *library.replies()]:
        window = message.window
        source = message.source or ""
        cited = library.sources.get(source)
        values = {
            "key": message.key,
            "track": message.track or "reply",
            "week": "" if message.week is None else str(message.week),
            "topic": message.topic or "",
            "source": f"{source}: {cited}" if cited else source,
            "event_window": f"{window.event}: {window.first}–{window.last}" if window else "",
            "clinician_verdict": "",
        }
        for language in LANGUAGES:
            values[f"text_{language}"] = message.texts.get(language, "")
            values[f"segments_{language}"] = _segments(message, language)
        out.append(Row(values))
    return out


def to_csv(library: Library) -> str:
    """The sheet as CSV (UTF-8, a header row of column names)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows(library):
        writer.writerow(row.values)
    return buffer.getvalue()


def _cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(library: Library) -> str:
    """The sheet as a Markdown page: the facts awaiting confirmation, then one table."""
    lines = [
        f"# Лист клинической проверки библиотеки {library.version}",
        "",
        f"Проверено: {library.reviewed_by} ({library.reviewed_on or '—'}).",
        "",
        "## Факты, ожидающие подтверждения / facts awaiting confirmation",
        "",
        *[f"- {note}" for note in library.review_notes],
        "",
        "## Сообщения / messages",
        "",
        "| " + " | ".join(HEADINGS[c] for c in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows(library):
        lines.append("| " + " | ".join(_cell(row.values[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"
