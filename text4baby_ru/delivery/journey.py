"""The whole schedule of tips a subscriber would get: the sender's own selection and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from text4baby_ru.content.library import Library, Message, tip_key
from text4baby_ru.content.models import ContentKind
from text4baby_ru.content.templates import Stage, render
from text4baby_ru.delivery import newborn
from text4baby_ru.delivery.schedule import send_days
from text4baby_ru.enrollment.stage import Position, position_on, programme_end


@dataclass(frozen=True)
class JourneyItem:
    """One tip on one date."""

    date: date
    track: str
    week: int
    slot: int
    key: str
    text: str

    def as_json(self) -> dict[str, object]:
        """The JSON shape of `journey --json`."""
        return {
            "date": self.date.isoformat(),
            "track": self.track,
            "week": self.week,
            "slot": self.slot,
            "key": self.key,
            "text": self.text,
        }


def journey_for(
    library: Library,
    *,
    due_date: date | None,
    birth_date: date | None,
    language: str,
    enrolled_at: datetime,
    send_weekdays: tuple[int, int, int],
    send_hour: int,
    timezone: str,
) -> list[JourneyItem]:
    """Every tip from enrolled_at to the first birthday, with the text she would read: the
    planner's choice on each send day (the newborn essentials first when she missed them)."""
    end = programme_end(due_date=due_date, birth_date=birth_date)
    if end is None:
        return []
    messages = {m.key: m for m in library.tips() if language in m.texts}
    essentials = sorted(
        (m for m in messages.values() if m.track == "baby" and m.week in newborn.ESSENTIAL_WEEKS),
        key=lambda m: (m.week or 0, m.slot or 0),
    )
    items: list[JourneyItem] = []
    for send in send_days(
        enrolled_at, end, weekdays=send_weekdays, hour=send_hour, timezone=timezone
    ):
        where = position_on(send.day, due_date=due_date, birth_date=birth_date)
        if where is None:
            continue
        given = {item.key for item in items}
        owed = newborn.catch_up(where, [m.key for m in essentials], given)
        chosen = [messages[key] for key in owed]
        if not owed and (regular := messages.get(tip_key(where.track, where.week, send.slot))):
            chosen = [regular]
        for message in chosen:
            items.append(_item(send.day, message, where, language, due_date, birth_date))
    return items


def _item(
    day: date,
    message: Message,
    where: Position,
    language: str,
    due_date: date | None,
    birth_date: date | None,
) -> JourneyItem:
    """One tip as she reads it: rendered for the tip's own track and week, as the sender does."""
    assert message.kind is ContentKind.TIP and message.track is not None
    week = where.week if message.week is None else message.week
    stage = Stage(message.track, week, due_date=due_date, birth_date=birth_date)
    text = render(message.texts[language], stage.context())
    return JourneyItem(day, message.track, week, message.slot or 0, message.key, text)
