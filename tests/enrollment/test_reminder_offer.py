"""The function a module's reminder offer calls with her answer ("Напомнить? Пришлите дату")."""

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import make_enrollment, make_person
from text4baby_ru.enrollment.models import Reminder
from text4baby_ru.enrollment.reminders import request_reminder

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
TODAY = date(2026, 11, 30)


def test_her_answer_to_an_offer_stores_a_reminder_marked_with_the_module(
    session: Session,
) -> None:
    person = make_person(session, timezone="Asia/Vladivostok")
    enrollment = make_enrollment(session, person)
    kwargs = {"person": person, "enrollment": enrollment, "today": TODAY, "now": NOW}
    reply = request_reminder(session, text="15.12", source="module:flu", **kwargs)
    assert (reply.key, reply.values) == ("reply.reminder_set", {"visit": "15 декабря"})
    [stored] = session.scalars(select(Reminder).where(Reminder.person_id == person.id)).all()
    assert stored.source == "module:flu" and stored.day == date(2026, 12, 15)
    assert stored.evening_at == datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # 18:00 Vladivostok
    for answer, key in [
        ("завтра", "reply.reminder_not_understood"),
        ("01.11.2026", "reply.reminder_date_past"),
        ("15.12.2027", "reply.reminder_date_too_far"),
    ]:
        assert request_reminder(session, text=answer, source="module:flu", **kwargs).key == key
    request_reminder(session, text="16.12", source="module:flu", **kwargs)
    request_reminder(session, text="17.12", source="module:flu", **kwargs)
    fourth = request_reminder(session, text="18.12", source="module:flu", **kwargs)
    assert fourth.key == "reply.reminder_too_many"
    assert len(session.scalars(select(Reminder)).all()) == 3
