"""The replies the conversation and the sender use; the library holds each in both languages."""

from __future__ import annotations

# key -> variables the reply may use (beyond these, a reply is refused like a bad tip)
REPLY_VARIABLES: dict[str, tuple[str, ...]] = {
    "reply.welcome": (),
    "reply.date_not_understood": (),
    "reply.date_out_of_range": (),
    "reply.date_does_not_exist": (),
    "reply.date_unchanged": ("due_date",),
    "reply.ask_if_born": (),
    "reply.confirm_pregnancy": ("week", "due_date"),
    "reply.confirm_baby": ("week", "birth_date"),
    "reply.ask_city": (),
    "reply.city_set": ("city",),
    "reply.city_unknown": (),
    "reply.help": (),
    "reply.stop": (),
    "reply.restart": ("week",),
    "reply.restart_baby": ("week",),
    "reply.restart_ask_date": (),
    "reply.loss": (),
    "reply.loss_suspected": (),
    "reply.language_set": (),
    "reply.date_changed": ("week", "due_date"),
    "reply.birth_recorded": ("week", "birth_date"),
    "reply.already_pregnancy": ("week",),
    "reply.already_baby": ("week",),
    "reply.unknown": (),
    "reply.not_enrolled": (),
    "reply.country_not_allowed": (),
    "reply.baby_arrived_due": (),
    "reply.baby_arrived_question": (),
    "reply.completion": (),
    "reply.clinic_welcome": ("week",),
    "reply.web_code": ("code",),
    "reply.web_confirm_pregnancy": ("week", "due_date"),
    "reply.web_confirm_baby": ("week", "birth_date"),
    "reply.not_a_doctor": (),
    "reply.reminder_set": ("visit",),
    "reply.reminder_cancelled": (),
    "reply.reminder_none": (),
    "reply.reminder_not_understood": (),
    "reply.reminder_date_past": (),
    "reply.reminder_date_too_far": (),
    "reply.reminder_too_many": (),
    "reply.reminder_too_soon": (),
    "reply.reminder_evening": ("visit",),
    "reply.reminder_today": ("visit",),
    "reply.module_please_answer": ("choices",),
}

# Sample values for rendering replies in lint and previews: the longest realistic ones.
REPLY_SAMPLES: dict[str, dict[str, object]] = {
    "ru": {
        "city": "Петропавловск-Камчатский",
        "code": "483920",
        "visit": "30 сентября в 14:30",
        "choices": "1, 2 или 3",
    },
    "en": {
        "city": "Petropavlovsk-Kamchatsky",
        "code": "483920",
        "visit": "30 September at 14:30",
        "choices": "1, 2 or 3",
    },
}
