"""The SMS conversation as a pure function: (her text, her state, today) -> (replies, changes).

It knows nothing of Twilio, Kannel or the database, so every inbound route feeds the same code.
The table of behaviour by status and command is in the README, and each cell has a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from text4baby_ru.enrollment import cities
from text4baby_ru.enrollment.appointments import (
    CANCEL_WORDS,
    MAX_PENDING,
    Visit,
    VisitError,
    describe,
    read_visit,
)
from text4baby_ru.enrollment.commands import Command, Parsed
from text4baby_ru.enrollment.dates import Dated, DateError, Stage, classify
from text4baby_ru.enrollment.models import SubscriberStatus, Track
from text4baby_ru.enrollment.stage import in_programme
from text4baby_ru.enrollment.text import other_layouts, words

S = SubscriberStatus


@dataclass(frozen=True)
class State:
    """Her current (not closed) enrollment as the conversation sees it; None fields when absent."""

    status: SubscriberStatus
    language: str
    track: Track | None = None
    due_date: date | None = None
    birth_date: date | None = None
    reminders: int = 0  # appointment reminders she has waiting


@dataclass(frozen=True)
class Reply:
    """A reply from the library, by key, with values beyond her stage (a city name)."""

    key: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What to answer and what changes. `state` is the new state (None: no enrollment)."""

    replies: tuple[Reply, ...]
    state: State | None
    new_enrollment: bool = False
    consent: bool = False
    place: cities.Place | None = None
    end_reason: str | None = None
    counts_as_auto: bool = False  # an automatic answer to free text: rate-limited harder
    visit: Visit | None = None  # an appointment to remind her of
    cancel_reminders: bool = False


def _reply(*keys: str, **values: str) -> tuple[Reply, ...]:
    return tuple(Reply(k, dict(values)) for k in keys)


def _apply_date(state: State, dated: Dated, *, confirm: str | None) -> Outcome:
    """Put a read date into effect: a track with its anchor, a question, or an error reply."""
    if dated.error is DateError.OUT_OF_RANGE:
        return Outcome(_reply("reply.date_out_of_range"), state)
    if dated.error is DateError.NO_SUCH_DATE:
        return Outcome(_reply("reply.date_does_not_exist"), state)
    if dated.error is not None or dated.stage is None:
        return Outcome(_reply("reply.date_not_understood"), state)
    if dated.stage is Stage.ASK_IF_BORN:
        return Outcome(_reply("reply.ask_if_born"), state)
    was_pending = state.status is S.PENDING
    unchanged = state.track is Track.PREGNANCY and state.due_date == dated.day
    if dated.stage is Stage.PREGNANCY and unchanged and not was_pending:
        return Outcome(_reply("reply.date_unchanged"), state)
    if dated.stage is Stage.PREGNANCY:
        new = replace(
            state,
            status=S.ACTIVE if was_pending else state.status,
            track=Track.PREGNANCY,
            due_date=dated.day,
            birth_date=None,
        )
        key = "reply.confirm_pregnancy" if was_pending else (confirm or "reply.date_changed")
    else:
        new = replace(
            state,
            status=S.ACTIVE if was_pending else state.status,
            track=Track.BABY,
            birth_date=dated.day,
            due_date=state.due_date,
        )
        key = "reply.confirm_baby" if was_pending else "reply.birth_recorded"
    keys = (key, "reply.ask_city") if was_pending else (key,)
    return Outcome(_reply(*keys), new, consent=was_pending)


def _free_text(parsed: Parsed, text: str, state: State, today: date) -> Outcome:
    """A text with no command word: a date, a city, or something we cannot answer."""
    if parsed.loss_hint:
        return Outcome(_reply("reply.loss_suspected"), state)
    if state.status is S.PENDING:
        return _apply_date(state, classify(text, today=today, birth_word=False), confirm=None)
    dated = classify(text, today=today, birth_word=False)
    if dated.stage is not None:
        return _apply_date(state, dated, confirm=None)
    place = cities.find(text)
    if place is not None:
        return Outcome(
            _reply("reply.city_set", city=place.name(state.language)), state, place=place
        )
    return Outcome(_reply("reply.unknown"), state, counts_as_auto=True)


VISIT_ERRORS = {
    VisitError.NOT_UNDERSTOOD: "reply.reminder_not_understood",
    VisitError.PAST: "reply.reminder_date_past",
    VisitError.TOO_FAR: "reply.reminder_date_too_far",
}


def ask_reminder(text: str, state: State, today: date) -> Outcome:
    """An appointment reminder she asks for (or cancels), in her language."""
    first = next(iter(words(text)), "")
    if first and ({first, *other_layouts(first)} & CANCEL_WORDS):
        key = "reply.reminder_cancelled" if state.reminders else "reply.reminder_none"
        return Outcome(_reply(key), state, cancel_reminders=bool(state.reminders))
    visit = read_visit(text, today=today)
    if isinstance(visit, VisitError):
        return Outcome(_reply(VISIT_ERRORS[visit]), state)
    if state.reminders >= MAX_PENDING:
        return Outcome(_reply("reply.reminder_too_many"), state)
    new = replace(state, reminders=state.reminders + 1)
    return Outcome(
        _reply("reply.reminder_set", visit=describe(visit, state.language)), new, visit=visit
    )


def _restart(state: State, today: date) -> Outcome:
    """START after STOP: back to active with her dates if they still lead somewhere, else ask."""
    if in_programme(today, due_date=state.due_date, birth_date=state.birth_date):
        new = replace(state, status=S.ACTIVE)
        key = "reply.restart_baby" if state.track is Track.BABY else "reply.restart"
        return Outcome(_reply(key), new, consent=True)
    return Outcome(_reply("reply.restart_ask_date"), replace(state, status=S.PENDING, track=None))


def join_with_date(state: State | None, dated: Dated, *, language: str) -> Outcome:
    """A join with a date that a form has already read (the web page), confirmed by a code.

    What a join word with that date does by SMS; a woman who stopped or was paused starts again
    (the code is her explicit consent) with the date she has just given."""
    if dated.stage not in (Stage.PREGNANCY, Stage.BABY):  # the form let a bad date through
        return Outcome(_reply("reply.date_out_of_range"), state)
    if state is None:
        outcome = _apply_date(State(S.PENDING, language), dated, confirm=None)
        return replace(outcome, new_enrollment=True)
    if state.status in (S.PENDING, S.OPTED_OUT, S.PAUSED):
        return _apply_date(replace(state, status=S.PENDING), dated, confirm=None)
    key = "reply.already_baby" if state.track is Track.BABY else "reply.already_pregnancy"
    return Outcome(_reply(key), state)


def _first_text(parsed: Parsed, today: date) -> Outcome:
    """A join or birth word from a number with no enrollment: she joins, with the date if any
    ("РОДИЛА 01.10.2026" enrolls her on the baby track as "МАМА" and a due date would)."""
    fresh = State(S.PENDING, parsed.language or "ru")
    if not parsed.rest:
        return Outcome(_reply("reply.welcome"), fresh, new_enrollment=True)
    birth = parsed.command is Command.BIRTH
    dated = classify(parsed.rest, today=today, birth_word=birth)
    outcome = _apply_date(fresh, dated, confirm=None)
    if dated.error is DateError.NOT_UNDERSTOOD:  # "МАМА привет": just the welcome
        outcome = replace(outcome, replies=_reply("reply.welcome"))
    return replace(outcome, new_enrollment=True)


def respond(parsed: Parsed, text: str, state: State | None, *, today: date) -> Outcome:
    """Her next replies and state, from what she wrote and where she stands."""
    command = parsed.command
    if state is None:  # never enrolled, or her last enrollment is over
        if command in (Command.JOIN, Command.RESTART, Command.BIRTH):
            return _first_text(parsed, today)
        if command is Command.STOP:
            return Outcome((), None)
        if command is Command.HELP:
            return Outcome(_reply("reply.help"), None)
        return Outcome(_reply("reply.not_enrolled"), None, counts_as_auto=True)

    status = state.status
    if command is Command.STOP:
        if status in (S.PENDING, S.ACTIVE, S.PAUSED):
            return Outcome(_reply("reply.stop"), replace(state, status=S.OPTED_OUT))
        return Outcome((), state)
    if command is Command.HELP:
        return Outcome(_reply("reply.help"), state)
    if status is S.OPTED_OUT:
        if command in (Command.JOIN, Command.RESTART):
            return _restart(state, today)
        return Outcome((), state)  # she said stop: only a start or help word gets an answer
    if command is Command.LANGUAGE and parsed.language:
        return Outcome(_reply("reply.language_set"), replace(state, language=parsed.language))
    if command is Command.LOSS:
        return Outcome(_reply("reply.loss"), replace(state, status=S.ENDED), end_reason="loss")
    if command in (Command.JOIN, Command.RESTART):
        if status is S.PENDING:
            if parsed.rest:
                return _apply_date(
                    state, classify(parsed.rest, today=today, birth_word=False), confirm=None
                )
            return Outcome(_reply("reply.welcome"), state)
        if status is S.PAUSED:
            return _restart(state, today)
        key = "reply.already_baby" if state.track is Track.BABY else "reply.already_pregnancy"
        return Outcome(_reply(key), state)
    if command is Command.BIRTH:
        dated = classify(parsed.rest or today.strftime("%d.%m.%Y"), today=today, birth_word=True)
        if status is S.PENDING:
            return _apply_date(state, dated, confirm=None)
        return _apply_date(state, dated, confirm="reply.birth_recorded")
    if command is Command.REMINDER:
        if status is S.PENDING:  # no reminders before she has joined with her date
            return Outcome(_reply("reply.welcome"), state)
        return ask_reminder(parsed.rest, state, today)
    if command is Command.DATE:
        return _apply_date(
            state, classify(parsed.rest, today=today, birth_word=False), confirm=None
        )
    return _free_text(parsed, text, state, today)
