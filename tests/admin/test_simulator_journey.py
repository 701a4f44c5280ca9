"""The simulator runs the real conversation, planner and sender; `journey` predicts the same
tips from the same published texts. For a woman who never answers they must agree, newborn
essentials included."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from text4baby_ru.admin.pages.simulation import Simulator
from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.content.live import published_library
from text4baby_ru.delivery.journey import journey_for
from text4baby_ru.delivery.models import MessageKind, OutboundMessage
from text4baby_ru.settings import Settings

ESSENTIALS = [f"baby.w0{week}.{slot}" for week in (0, 1) for slot in (1, 2, 3)]


def test_the_simulator_and_journey_agree_for_a_woman_who_never_answers(
    session: Session, settings: Settings
) -> None:
    simulator = Simulator()
    sim_id, sim = simulator.start(owner_id=1, settings=settings, library=session)
    try:
        start = sim.clock.now()
        due = (start + timedelta(days=10)).astimezone(ZoneInfo(DEFAULT_ZONE)).date()
        sim.send(f"МАМА {due:%d.%m.%Y}")  # and never another word
        sim.advance(start + timedelta(days=40))  # past 42+0 and the weeks after
        with sim.runtime.sessions() as own:
            rows = own.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.kind == MessageKind.TIP)
                .order_by(OutboundMessage.due_at, OutboundMessage.content_key)
            ).all()
            questions = own.scalars(
                select(OutboundMessage.content_key).where(
                    OutboundMessage.kind == MessageKind.NOTICE
                )
            ).all()
        zone = ZoneInfo(DEFAULT_ZONE)
        simulated = [(r.due_at.astimezone(zone).date(), r.content_key, r.body) for r in rows]
        predicted = [
            (item.date, item.key, item.text)
            for item in journey_for(
                published_library(session),
                due_date=due,
                birth_date=None,
                language="ru",
                enrolled_at=start,
                send_weekdays=settings.send_weekdays,
                send_hour=settings.send_hour,
                timezone=DEFAULT_ZONE,
            )
            if item.date <= simulated[-1][0]
        ]
        assert simulated == sorted(predicted, key=lambda p: (p[0], p[1]))
        keys = [key for _, key, _ in simulated]
        assert all(key in keys for key in ESSENTIALS)  # what she read on the pretend phone
        assert sorted(questions) == ["reply.baby_arrived_due", "reply.baby_arrived_question"]
        screen = [line.text for line in sim.screen.lines if not line.incoming]
        assert all(body in screen for _, _, body in simulated)
    finally:
        simulator.stop(sim_id)
