"""The whole schedule of tips a subscriber would get: the sender's own selection and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from text4baby_ru.content.library import Library, tip_key
from text4baby_ru.content.templates import Stage, render
from text4baby_ru.delivery.schedule import send_days
from text4baby_ru.enrollment.stage import position_on, programme_end


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
    """Every tip from enrolled_at to the first birthday, with the text she would read."""
    end = programme_end(due_date=due_date, birth_date=birth_date)
    if end is None:
        return []
    messages = library.by_key()
    items = []
    for send in send_days(
        enrolled_at, end, weekdays=send_weekdays, hour=send_hour, timezone=timezone
    ):
        where = position_on(send.day, due_date=due_date, birth_date=birth_date)
        if where is None:
            continue
        key = tip_key(where.track, where.week, send.slot)
        message = messages.get(key)
        if message is None or language not in message.texts:
            continue
        stage = Stage(where.track, where.week, due_date=due_date, birth_date=birth_date)
        items.append(
            JourneyItem(
                send.day,
                where.track,
                where.week,
                send.slot,
                key,
                render(message.texts[language], stage.context()),
            )
        )
    return items
