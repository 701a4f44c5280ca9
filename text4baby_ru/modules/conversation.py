"""Her text while a module's question is open: read as an answer before the free-text rules.

A command still wins (the caller only asks when her text is no command); an answer that is no
option gets one "please answer 1, 2 or 3", and the next such text closes the question quietly."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from text4baby_ru.enrollment.commands import Command, parse
from text4baby_ru.enrollment.conversation import Reply
from text4baby_ru.enrollment.models import SubscriberStatus
from text4baby_ru.enrollment.reminders import request_reminder
from text4baby_ru.enrollment.service import Handled, Known, find, local_today, stage_of
from text4baby_ru.modules import store
from text4baby_ru.modules.answers import choices, match
from text4baby_ru.modules.definition import ArmDef, ModuleDef
from text4baby_ru.modules.models import ModuleAssignment, Step

PLEASE_ANSWER = "reply.module_please_answer"


def arm_for(seed: str, enrollment_id: int, arms: tuple[ArmDef, ...]) -> str:
    """Her arm: drawn at random once and stably, by a hash keyed with the module's secret seed."""
    digest = hashlib.sha256(f"{seed}:{enrollment_id}".encode()).digest()
    return arms[int.from_bytes(digest[:8], "big") % len(arms)].name


def open_assignment(session: Session, enrollment_id: int, now: datetime) -> ModuleAssignment | None:
    """The module question open for her enrollment now (the latest, if several are)."""
    return session.scalar(
        select(ModuleAssignment)
        .where(
            ModuleAssignment.enrollment_id == enrollment_id,
            ModuleAssignment.step.is_not(None),
            ModuleAssignment.open_until > now,
        )
        .order_by(ModuleAssignment.open_until.desc())
        .limit(1)
    )


def close_questions(session: Session, enrollment_id: int) -> None:
    """Close her open questions (she stopped or her enrollment ended): a later START does not
    make an old question answerable again."""
    session.execute(
        update(ModuleAssignment)
        .where(ModuleAssignment.enrollment_id == enrollment_id, ModuleAssignment.step.is_not(None))
        .values(step=None, open_until=None, nudged=False)
    )


def _close(assignment: ModuleAssignment) -> None:
    assignment.step, assignment.open_until, assignment.nudged = None, None, False


def read_answer(
    assignment: ModuleAssignment, module: ModuleDef, text: str, *, language: str, now: datetime
) -> list[Reply] | None:
    """Record her answer and the follow-ups it gets; None when the question closes unanswered
    (her text then goes to the usual rules)."""
    step = assignment.step
    if step is None:
        return None
    options = module.options[step]
    option = match(text, options)
    if option is None:
        if assignment.nudged:
            _close(assignment)
            return None
        assignment.nudged = True
        return [Reply(PLEASE_ANSWER, {"choices": choices(options, language)})]
    arm = next((a for a in module.arms if a.name == assignment.arm), module.arms[0])
    base = f"module.{module.id}"
    _close(assignment)
    replies: list[Reply] = []
    if step is Step.QUESTION:
        assignment.answer, assignment.answered_at = option.value, now
        replies.append(Reply(f"{base}.answer.{option.value}"))
        if option.ask_reason and module.options.get(Step.REASON):
            replies.append(Reply(f"{base}.reason"))
            assignment.step = Step.REASON
            assignment.open_until = now + timedelta(hours=module.open_hours)
        elif option.offer_reminder and arm.offer_reminder:
            replies.append(Reply(f"{base}.reminder_offer"))
            assignment.reminder_offered = True
            assignment.step = Step.REMINDER  # her date is read as the answer to the offer
            assignment.open_until = now + timedelta(hours=module.open_hours)
    elif step is Step.REASON:
        assignment.reason, assignment.reason_at = option.value, now
        tailored = arm.tailored
        replies.append(
            Reply(f"{base}.reason.{option.value}" if tailored else f"{base}.reason.general")
        )
    else:
        assignment.outcome, assignment.outcome_at = option.value, now
        replies.append(Reply(f"{base}.outcome.{option.value}"))
    assignment.followups += len(replies)
    return replies


@dataclass(frozen=True)
class Answered:
    """What reading her text as an answer did: the replies to queue and a short outcome."""

    handled: Handled
    outcome: str  # module_answer, module_nudge or module_reminder


def answer_text(
    session: Session, *, phone: str, body: str, now: datetime, known: Known | None = None
) -> Answered | None:
    """Her text as the answer to her open module question; None when it is a command, when no
    question is open, or when it closes the question unanswered. `known`: her rows as a batch
    loaded them."""
    parsed = parse(body)
    if parsed.command is not Command.TEXT or parsed.loss_hint:  # a loss is never "1, 2 or 3"
        return None
    person, enrollment = find(session, phone, known)
    if person is None:
        return None
    if enrollment is None or enrollment.status is not SubscriberStatus.ACTIVE:
        return None
    assignment = open_assignment(session, enrollment.id, now)
    if assignment is None:
        return None
    module = store.load(session, assignment.module_id)
    if module is None:
        return None
    language = person.language.value
    today = local_today(now, person.timezone)
    if assignment.step is Step.REMINDER:  # "Напомнить? Пришлите дату": her date, read once
        _close(assignment)
        reply = request_reminder(
            session,
            person=person,
            enrollment=enrollment,
            text=body,
            today=today,
            now=now,
            source=f"module:{module.id}",
        )
        assignment.followups += 1
        session.flush()
        stage = stage_of(enrollment, today)
        handled = Handled(person.id, enrollment.id, [reply], language, stage)
        return Answered(handled, "module_reminder")
    if assignment.step not in module.options:
        return None
    replies = read_answer(assignment, module, body, language=language, now=now)
    session.flush()
    if replies is None:
        return None
    stage = stage_of(enrollment, today)
    handled = Handled(person.id, enrollment.id, replies, language, stage)
    nudge = replies[0].key == PLEASE_ANSWER
    return Answered(handled, "module_nudge" if nudge else "module_answer")
