"""Every cell of the README's table: status (none, pending, active, paused, opted_out) by command.
`ended` and `completed` enrollments are over, so the conversation sees them as none."""

from datetime import date

import pytest

from text4baby_ru.enrollment.commands import parse
from text4baby_ru.enrollment.conversation import State, respond
from text4baby_ru.enrollment.models import SubscriberStatus as S
from text4baby_ru.enrollment.models import Track

TODAY = date(2026, 11, 27)
DUE = date(2027, 3, 15)
STATES = {
    "none": None,
    "pending": State(S.PENDING, "ru"),
    "active": State(S.ACTIVE, "ru", Track.PREGNANCY, DUE),
    "paused": State(S.PAUSED, "ru", Track.PREGNANCY, DUE),
    "opted_out": State(S.OPTED_OUT, "ru", Track.PREGNANCY, DUE),
}
N = None
# command text -> {status: (reply keys, new status)}
TABLE = {
    "МАМА": {
        "none": (["welcome"], S.PENDING),
        "pending": (["welcome"], S.PENDING),
        "active": (["already_pregnancy"], S.ACTIVE),
        "paused": (["restart"], S.ACTIVE),
        "opted_out": (["restart"], S.ACTIVE),
    },
    "МАМА 15.03.2027": {
        "none": (["confirm_pregnancy", "ask_city"], S.ACTIVE),
        "pending": (["confirm_pregnancy", "ask_city"], S.ACTIVE),
        "active": (["already_pregnancy"], S.ACTIVE),
        "paused": (["restart"], S.ACTIVE),
        "opted_out": (["restart"], S.ACTIVE),
    },
    "СТОП": {
        "none": ([], N),
        "pending": (["stop"], S.OPTED_OUT),
        "active": (["stop"], S.OPTED_OUT),
        "paused": (["stop"], S.OPTED_OUT),
        "opted_out": ([], S.OPTED_OUT),
    },
    "UNSTOP": {
        "none": (["welcome"], S.PENDING),
        "pending": (["welcome"], S.PENDING),
        "active": (["already_pregnancy"], S.ACTIVE),
        "paused": (["restart"], S.ACTIVE),
        "opted_out": (["restart"], S.ACTIVE),
    },
    "ПОМОЩЬ": {
        "none": (["help"], N),
        "pending": (["help"], S.PENDING),
        "active": (["help"], S.ACTIVE),
        "paused": (["help"], S.PAUSED),
        "opted_out": (["help"], S.OPTED_OUT),
    },
    "РОДИЛА 20.11.2026": {
        "none": (["confirm_baby", "ask_city"], S.ACTIVE),
        "pending": (["confirm_baby", "ask_city"], S.ACTIVE),
        "active": (["birth_recorded"], S.ACTIVE),
        "paused": (["birth_recorded"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "ПОТЕРЯ": {
        "none": (["not_enrolled"], N),
        "pending": (["loss"], S.ENDED),
        "active": (["loss"], S.ENDED),
        "paused": (["loss"], S.ENDED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "ENGLISH": {
        "none": (["not_enrolled"], N),
        "pending": (["language_set"], S.PENDING),
        "active": (["language_set"], S.ACTIVE),
        "paused": (["language_set"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "ДАТА 01.04.2027": {
        "none": (["not_enrolled"], N),
        "pending": (["confirm_pregnancy", "ask_city"], S.ACTIVE),
        "active": (["date_changed"], S.ACTIVE),
        "paused": (["date_changed"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "15.03.2027": {
        "none": (["not_enrolled"], N),
        "pending": (["confirm_pregnancy", "ask_city"], S.ACTIVE),
        "active": (["date_unchanged"], S.ACTIVE),
        "paused": (["date_unchanged"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "Новосибирск": {
        "none": (["not_enrolled"], N),
        "pending": (["date_not_understood"], S.PENDING),
        "active": (["city_set"], S.ACTIVE),
        "paused": (["city_set"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "как дела?": {
        "none": (["not_enrolled"], N),
        "pending": (["date_not_understood"], S.PENDING),
        "active": (["unknown"], S.ACTIVE),
        "paused": (["unknown"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "ВИЗИТ 12.12 14:30": {
        "none": (["not_enrolled"], N),
        "pending": (["welcome"], S.PENDING),
        "active": (["reminder_set"], S.ACTIVE),
        "paused": (["reminder_set"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "ВИЗИТ ОТМЕНА": {
        "none": (["not_enrolled"], N),
        "pending": (["welcome"], S.PENDING),
        "active": (["reminder_none"], S.ACTIVE),
        "paused": (["reminder_none"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
    "у меня выкидыш": {
        "none": (["not_enrolled"], N),
        "pending": (["loss_suspected"], S.PENDING),
        "active": (["loss_suspected"], S.ACTIVE),
        "paused": (["loss_suspected"], S.PAUSED),
        "opted_out": ([], S.OPTED_OUT),
    },
}
CELLS = [
    (text, status, *expected) for text, row in TABLE.items() for status, expected in row.items()
]


@pytest.mark.parametrize(("text", "status", "replies", "new_status"), CELLS)
def test_every_status_by_command_cell(
    text: str, status: str, replies: list[str], new_status: S | None
) -> None:
    outcome = respond(parse(text), text, STATES[status], today=TODAY)
    assert [r.key.removeprefix("reply.") for r in outcome.replies] == replies
    assert (outcome.state.status if outcome.state else None) == new_status


def test_a_date_after_the_join_word_enrolls_in_one_step_and_records_consent() -> None:
    outcome = respond(parse("МАМА 15.03.2027"), "МАМА 15.03.2027", None, today=TODAY)
    assert outcome.new_enrollment and outcome.consent
    assert outcome.state == State(S.ACTIVE, "ru", Track.PREGNANCY, DUE)


def test_the_join_words_language_becomes_hers() -> None:
    outcome = respond(parse("baby 20 weeks"), "baby 20 weeks", None, today=TODAY)
    assert outcome.state is not None and outcome.state.language == "en"
    assert outcome.state.track is Track.PREGNANCY


def test_a_restart_with_dates_past_the_first_birthday_asks_again() -> None:
    old = State(S.OPTED_OUT, "ru", Track.BABY, None, date(2025, 6, 1))
    outcome = respond(parse("СТАРТ"), "СТАРТ", old, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.restart_ask_date"]
    assert outcome.state is not None and outcome.state.status is S.PENDING


def test_birth_without_a_date_means_today() -> None:
    outcome = respond(parse("РОДИЛА"), "РОДИЛА", STATES["active"], today=TODAY)
    assert outcome.state is not None and outcome.state.birth_date == TODAY
    assert outcome.state.track is Track.BABY


def test_a_date_two_days_ago_asks_whether_the_baby_is_born() -> None:
    outcome = respond(parse("25.11.2026"), "25.11.2026", STATES["pending"], today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.ask_if_born"]
    assert outcome.state is not None and outcome.state.status is S.PENDING


def test_an_impossible_date_keeps_her_pending_with_an_example() -> None:
    outcome = respond(parse("31.02.2027"), "31.02.2027", STATES["pending"], today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.date_does_not_exist"]
    assert outcome.state is not None and outcome.state.status is S.PENDING


def test_a_birth_word_and_date_as_a_first_text_enrolls_her_on_the_baby_track() -> None:
    text = "РОДИЛА 01.10.2026"
    outcome = respond(parse(text), text, None, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.confirm_baby", "reply.ask_city"]
    assert outcome.new_enrollment and outcome.consent
    assert outcome.state == State(S.ACTIVE, "ru", Track.BABY, None, date(2026, 10, 1))


def test_a_birth_word_alone_as_a_first_text_gets_the_welcome_not_a_refusal() -> None:
    outcome = respond(parse("РОДИЛА"), "РОДИЛА", None, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.welcome"]
    assert outcome.new_enrollment and outcome.state is not None
    assert outcome.state.status is S.PENDING


def test_a_join_with_a_date_that_does_not_exist_says_so_and_keeps_her_pending() -> None:
    text = "мама 15.13.2027"
    outcome = respond(parse(text), text, None, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.date_does_not_exist"]
    assert outcome.new_enrollment
    assert outcome.state == State(S.PENDING, "ru")


def test_a_date_far_ahead_is_still_out_of_range_not_a_missing_date() -> None:
    outcome = respond(parse("мама 15.03.2029"), "мама 15.03.2029", None, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.date_out_of_range"]


def test_the_same_due_date_again_says_it_is_already_that_date() -> None:
    outcome = respond(parse("ДАТА 15.03.2027"), "ДАТА 15.03.2027", STATES["active"], today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.date_unchanged"]
    assert outcome.state == STATES["active"]
    changed = respond(parse("ДАТА 16.03.2027"), "ДАТА 16.03.2027", STATES["active"], today=TODAY)
    assert [r.key for r in changed.replies] == ["reply.date_changed"]


def test_the_city_reply_names_the_city_in_her_language() -> None:
    english = State(S.ACTIVE, "en", Track.PREGNANCY, DUE)
    outcome = respond(parse("Новосибирск"), "Новосибирск", english, today=TODAY)
    assert outcome.replies[0].values == {"city": "Novosibirsk"}
    assert outcome.place is not None and outcome.place.zone == "Asia/Novosibirsk"


@pytest.mark.parametrize(
    "text",
    ["ВИЗИТ 12.12 14:30", "ПРИЁМ 12.12 14:30", "прием 12.12 14:30", "dbpbn 12.12 14:30"],
)
def test_a_reminder_is_asked_for_with_either_word_in_any_case_or_layout(text: str) -> None:
    outcome = respond(parse(text), text, STATES["active"], today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.reminder_set"]
    assert outcome.replies[0].values == {"visit": "12 декабря в 14:30"}
    assert outcome.visit is not None and outcome.visit.day == date(2026, 12, 12)
    assert outcome.state is not None and outcome.state.reminders == 1


def test_an_english_reminder_is_confirmed_in_english() -> None:
    english = State(S.ACTIVE, "en", Track.PREGNANCY, DUE)
    outcome = respond(parse("APPT Dec 12"), "APPT Dec 12", english, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.reminder_set"]
    assert outcome.replies[0].values == {"visit": "12 December"}


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("ВИЗИТ", "reply.reminder_not_understood"),
        ("ВИЗИТ когда-нибудь", "reply.reminder_not_understood"),
        ("ВИЗИТ 20.11.2026", "reply.reminder_date_past"),
        ("ВИЗИТ 01.12.2027", "reply.reminder_date_too_far"),
    ],
)
def test_a_reminder_with_a_bad_date_gets_a_clear_answer_and_stores_nothing(
    text: str, reply: str
) -> None:
    outcome = respond(parse(text), text, STATES["active"], today=TODAY)
    assert [r.key for r in outcome.replies] == [reply]
    assert outcome.visit is None


def test_the_fourth_pending_reminder_is_refused() -> None:
    three = State(S.ACTIVE, "ru", Track.PREGNANCY, DUE, reminders=3)
    outcome = respond(parse("ВИЗИТ 12.12"), "ВИЗИТ 12.12", three, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.reminder_too_many"]
    assert outcome.visit is None


@pytest.mark.parametrize("text", ["ВИЗИТ ОТМЕНА", "визит отменить", "APPT CANCEL", "dbpbn jnvtyf"])
def test_cancel_words_cancel_her_reminders(text: str) -> None:
    two = State(S.ACTIVE, "ru", Track.PREGNANCY, DUE, reminders=2)
    outcome = respond(parse(text), text, two, today=TODAY)
    assert [r.key for r in outcome.replies] == ["reply.reminder_cancelled"]
    assert outcome.cancel_reminders
