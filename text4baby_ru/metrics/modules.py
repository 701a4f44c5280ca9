"""A module's results: what was sent and answered, and each arm's outcome against the first."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import Reminder
from text4baby_ru.metrics.module_stats import SMALL, cell, odds_ratio, wilson
from text4baby_ru.modules.models import Module, ModuleArm, ModuleAssignment

SENT = (MessageStatus.SENT, MessageStatus.DELIVERED)

DEFINITIONS = {
    "assigned": "Women drawn into an arm: her arm is drawn once, at random, when her question "
    "is queued.",
    "questions_sent": "Questions the gateway took (sent or delivered).",
    "answer_rate": "Women who answered the question with one of its options, divided by the "
    "questions sent.",
    "answers": "Each option's share of the women who answered.",
    "followups_sent": "Follow-up texts the gateway took: the text for her answer, the reason "
    "question and its answer, the reminder offer and the reply to the outcome question.",
    "reminders_offered": "Women whose answer and arm brought the offer of a reminder.",
    "reminders_asked": "Women who answered the offer with a date: a reminder stored for them.",
    "reminders_sent": "Reminder texts of those reminders handed to the provider (sent, "
    "delivered or undelivered): the evening before, and on the day when she gave a time.",
    "outcome_rate": "In each arm: women who answered the outcome question with the module's "
    "named success, divided by the women of that arm who answered the outcome question; with "
    "the 95% Wilson score interval.",
    "odds_ratio": "Odds of the success in the arm divided by the odds in the first (reference) "
    "arm, with the 95% Woolf (log) interval; 0.5 is added to each cell when one is zero.",
    "small_cells": f"Any count under {SMALL} people is shown as <{SMALL}, and a rate or odds "
    f"ratio built on such a cell is withheld.",
}


def _sent(session: Session, *conditions: Any) -> int:
    return int(
        session.scalar(select(func.count()).where(OutboundMessage.status.in_(SENT), *conditions))
        or 0
    )


def _counts_by(session: Session, module_id: str, column: Any) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count())
        .where(ModuleAssignment.module_id == module_id, column.is_not(None))
        .group_by(column)
    )
    return {str(v): int(n) for v, n in rows}


def _arms(session: Session, module: Module) -> list[dict[str, Any]]:
    success = case((ModuleAssignment.outcome == module.outcome_success, 1), else_=0)
    rows = {
        arm: (int(n), int(answered or 0), int(outcomes or 0), int(yes or 0))
        for arm, n, answered, outcomes, yes in session.execute(
            select(
                ModuleAssignment.arm,
                func.count(),
                func.count(ModuleAssignment.answer),
                func.count(ModuleAssignment.outcome),
                func.sum(success),
            )
            .where(ModuleAssignment.module_id == module.id)
            .group_by(ModuleAssignment.arm)
        )
    }
    names = session.scalars(
        select(ModuleArm.name).where(ModuleArm.module_id == module.id).order_by(ModuleArm.position)
    ).all()
    out: list[dict[str, Any]] = []
    reference: tuple[int, int] | None = None
    for name in names:
        n, answered, outcomes, yes = rows.get(name, (0, 0, 0, 0))
        no = outcomes - yes
        shown = min(yes, no) >= SMALL
        rate = wilson(yes, outcomes) if shown else None
        item: dict[str, Any] = {
            "arm": name,
            "assigned": cell(n),
            "answered": cell(answered),
            "outcome_answered": cell(outcomes),
            "outcome_yes": cell(yes),
            "outcome_rate": rate.__dict__ if rate else None,
            "odds_ratio": None,
        }
        if reference is None:
            reference = (yes, no)
            item["reference"] = True
        elif shown and min(reference) >= SMALL:
            ratio = odds_ratio(yes, no, *reference)
            item["odds_ratio"] = ratio.__dict__ if ratio else None
        out.append(item)
    return out


def results(session: Session, module: Module) -> dict[str, Any]:
    """Everything the results page shows, small cells suppressed."""
    base = f"module.{module.id}"
    assigned = int(
        session.scalar(select(func.count()).where(ModuleAssignment.module_id == module.id)) or 0
    )
    sent = _sent(session, OutboundMessage.content_key == f"{base}.question")
    answers = _counts_by(session, module.id, ModuleAssignment.answer)
    answered = sum(answers.values())
    rate = wilson(answered, sent) if min(answered, sent - answered) >= SMALL else None
    followups = _sent(
        session,
        OutboundMessage.kind == MessageKind.REPLY,
        OutboundMessage.content_key.like(f"{base}.%"),
    )
    offered = int(
        session.scalar(
            select(func.count()).where(
                ModuleAssignment.module_id == module.id, ModuleAssignment.reminder_offered
            )
        )
        or 0
    )
    asked = select(Reminder.id).where(Reminder.source == f"module:{module.id}")
    reminders_asked = int(
        session.scalar(
            select(func.count(func.distinct(Reminder.person_id))).where(
                Reminder.source == f"module:{module.id}"
            )
        )
        or 0
    )
    reminders_sent = _sent(
        session,
        OutboundMessage.kind == MessageKind.REMINDER,
        OutboundMessage.reminder_id.in_(asked),
    )
    return {
        "id": module.id,
        "title": module.title,
        "status": module.status.value,
        "outcome_success": module.outcome_success,
        "assigned": cell(assigned),
        "questions_sent": cell(sent),
        "answered": cell(answered),
        "answer_rate": rate.__dict__ if rate else None,
        "answers": {
            value: {"count": cell(n), "share": n / answered if n >= SMALL else None}
            for value, n in sorted(answers.items())
        },
        "reasons": {
            v: cell(n)
            for v, n in sorted(_counts_by(session, module.id, ModuleAssignment.reason).items())
        },
        "followups_sent": cell(followups),
        "reminders_offered": cell(offered),
        "reminders_asked": cell(reminders_asked),
        "reminders_sent": cell(reminders_sent),
        "arms": _arms(session, module),
        "definitions": DEFINITIONS,
    }


def as_csv(result: dict[str, Any]) -> str:
    """The results as CSV: one row per measure (and arm), with its interval where it has one."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["measure", "arm", "value", "low", "high"])
    for key in (
        "assigned",
        "questions_sent",
        "answered",
        "followups_sent",
        "reminders_offered",
        "reminders_asked",
        "reminders_sent",
    ):
        writer.writerow([key, "", result[key], "", ""])
    rate = result["answer_rate"]
    writer.writerow(["answer_rate", "", *(_interval(rate))])
    for value, share in result["answers"].items():
        writer.writerow([f"answer:{value}", "", share["count"], "", ""])
    for arm in result["arms"]:
        for key in ("assigned", "answered", "outcome_answered", "outcome_yes"):
            writer.writerow([key, arm["arm"], arm[key], "", ""])
        writer.writerow(["outcome_rate", arm["arm"], *_interval(arm["outcome_rate"])])
        writer.writerow(["odds_ratio", arm["arm"], *_interval(arm["odds_ratio"])])
    return out.getvalue()


def _interval(rate: dict[str, float] | None) -> list[str]:
    if rate is None:
        return ["withheld", "", ""]
    return [f"{rate['value']:.6f}", f"{rate['low']:.6f}", f"{rate['high']:.6f}"]
