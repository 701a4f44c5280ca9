"""The words for the codes the pages show (statuses, tracks, topics, languages, delivery errors)
and the API's reasons in the page's language; the pages' JavaScript gets the same table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from text4baby_ru.clock import DEFAULT_ZONE
from text4baby_ru.kit.formats import ZONES, clock, zone_name
from text4baby_ru.kit.plurals import plural

Pair = tuple[str, str]  # (Russian, English)

CODES: dict[str, dict[str, Pair]] = {
    "subscriber_status": {
        "pending": ("ждёт данных", "waiting for her details"),
        "active": ("получает советы", "receiving tips"),
        "paused": ("приостановлена", "paused"),
        "opted_out": ("отписалась", "opted out"),
        "completed": ("программа пройдена", "completed"),
        "ended": ("завершена", "ended"),
    },
    "message_status": {
        "queued": ("в очереди", "queued"),
        "sending": ("отправляется", "sending"),
        "sent": ("отправлено", "sent"),
        "delivered": ("доставлено", "delivered"),
        "undelivered": ("не доставлено", "undelivered"),
        "failed": ("ошибка отправки", "failed"),
        "cancelled": ("отменено", "cancelled"),
        "expired": ("устарело, не отправлено", "expired, not sent"),
        "unknown": ("статус неизвестен", "status unknown"),
        "received": ("получено от неё", "received from her"),
    },
    "message_kind": {
        "tip": ("совет", "tip"),
        "notice": ("уведомление", "notice"),
        "reply": ("ответ", "reply"),
        "alert": ("рассылка", "alert"),
        "inbound": ("её сообщение", "her text"),
    },
    "revision_status": {
        "draft": ("черновик", "draft"),
        "live": ("отправляется сейчас", "live"),
        "archived": ("был в рассылке", "archived"),
        "superseded": ("заменён новым черновиком", "superseded"),
        "rejected": ("отклонён", "rejected"),
    },
    "alert_status": {
        "draft": ("черновик", "draft"),
        "scheduled": ("запланирована", "scheduled"),
        "cancelled": ("отменена", "cancelled"),
    },
    "track": {
        "pregnancy": ("беременность", "pregnancy"),
        "baby": ("малыш", "baby"),
    },
    "language": {"ru": ("русский", "Russian"), "en": ("английский", "English")},
    "channel": {
        "sms": ("по SMS", "by SMS"),
        "import": ("в клинике (список)", "at a clinic (list)"),
        "web": ("на сайте", "on the web page"),
    },
    "end_reason": {
        "loss": ("сообщила о потере", "reported a loss"),
        "first_birthday": ("малышу исполнился год", "the baby turned one"),
        "erased": ("данные удалены", "data erased"),
    },
    "error": {
        "21610": ("номер отписан у оператора (СТОП)", "the number unsubscribed at the carrier"),
        "30003": ("телефон недоступен", "the phone is unreachable"),
        "30004": ("сообщение заблокировано", "the message was blocked"),
        "30005": ("номер не существует", "the number does not exist"),
        "30006": ("стационарный номер или оператор не принимает SMS", "a landline"),
        "30007": ("оператор отфильтровал сообщение", "the carrier filtered it"),
        "30008": ("неизвестная ошибка оператора", "an unknown carrier error"),
        "render": ("текст не удалось собрать", "the text could not be rendered"),
        "empty": ("пустой текст", "an empty text"),
        "lease": ("отправка прервалась, исход неизвестен", "sending was cut off"),
    },
    "topic": {
        "activity": ("движение", "activity"),
        "baby-growth": ("рост малыша", "baby's growth"),
        "birth-spacing": ("интервал между родами", "birth spacing"),
        "body-changes": ("изменения в теле", "body changes"),
        "breastfeeding": ("грудное вскармливание", "breastfeeding"),
        "clinic-visits": ("визиты к врачу", "clinic visits"),
        "danger-signs": ("тревожные признаки", "danger signs"),
        "development": ("развитие", "development"),
        "documents": ("документы", "documents"),
        "feeding": ("питание малыша", "feeding"),
        "first-aid": ("первая помощь", "first aid"),
        "harmful-substances": ("вредные вещества", "harmful substances"),
        "illness": ("болезни", "illness"),
        "labour": ("роды", "labour"),
        "leave-and-money": ("декрет и выплаты", "leave and money"),
        "medicines": ("лекарства и травы", "medicines"),
        "mental-health": ("душевное здоровье", "mental health"),
        "mother-recovery": ("восстановление мамы", "mother's recovery"),
        "movements": ("шевеления", "movements"),
        "newborn-care": ("уход за новорождённым", "newborn care"),
        "not-a-doctor": ("не замена врачу", "not a doctor"),
        "nutrition": ("питание", "nutrition"),
        "oral-health": ("зубы мамы", "oral health"),
        "partner": ("папа и близкие", "partner"),
        "play-and-talk": ("игры и общение", "play and talk"),
        "preparing-for-birth": ("подготовка к родам", "preparing for birth"),
        "safe-sleep": ("безопасный сон", "safe sleep"),
        "safety": ("безопасность", "safety"),
        "screening": ("скрининги", "screening"),
        "sleep": ("сон", "sleep"),
        "supplements": ("витамины и добавки", "supplements"),
        "teeth": ("зубы", "teeth"),
        "tests": ("анализы", "tests"),
        "travel": ("поездки", "travel"),
        "vaccines": ("прививки", "vaccines"),
        "wellbeing": ("самочувствие", "wellbeing"),
    },
    # The API's field names, for its validation answers.
    "field": {
        "send_at": ("время отправки", "send time"),
        "week_from": ("неделя с", "week from"),
        "week_to": ("неделя по", "week to"),
        "timezone": ("часовой пояс", "time zone"),
        "text_ru": ("текст по-русски", "Russian text"),
        "text_en": ("текст по-английски", "English text"),
        "text": ("текст", "text"),
        "comment": ("комментарий", "comment"),
        "due_date": ("дата родов", "due date"),
        "birth_date": ("дата рождения", "birth date"),
        "week": ("неделя", "week"),
    },
    "role": {
        "admin": ("администратор", "administrator"),
        "editor": ("редактор", "editor"),
        "reviewer": ("проверяющий", "reviewer"),
        "viewer": ("наблюдатель", "viewer"),
    },
}

# The API's reasons (regular expressions both Python and JavaScript read) in both languages;
# $1 stands for the first group. Anything not listed is shown by a general sentence and status.
REASONS: tuple[tuple[str, str, str], ...] = (
    (
        r"^no subscriber with this number$",
        "Абонентки с таким номером нет.",
        "No subscriber has this number.",
    ),
    (
        r"^a second person must publish a draft",
        "Опубликовать черновик должен другой человек: этот написали вы.",
        "Another person must publish this draft: you wrote it.",
    ),
    (
        r"^a second person must",
        "Это должен сделать другой человек: текст написали вы.",
        "Another person must do this: you wrote the text.",
    ),
    (
        r"^a newer draft replaced this one",
        "Этот черновик заменён более новым: проверьте новый.",
        "A newer draft replaced this one: review the newest draft.",
    ),
    (
        r"^only a text that was live before",
        "Вернуть можно только текст, который уже рассылался.",
        "Only a text that was live before can be brought back.",
    ),
    (r"is rejected|not a draft", "Этот текст уже не черновик.", "This text is no longer a draft."),
    (r"^the (ru |en )?text is empty$", "Текст пустой.", "The text is empty."),
    (
        r"^the text is longer than (\d+)",
        "Текст длиннее $1 знаков.",
        "The text is longer than $1 characters.",
    ),
    (
        r"(\d+) chars = (\d+) SMS \(aim (\d+)\)",
        "Длинновато: $2 SMS, лучше не больше $3.",
        "A little long: $2 SMS, aim for $3.",
    ),
    (
        r"(\d+) chars = (\d+) SMS \(max (\d+)\)",
        "Слишком длинно: $2 SMS, можно не больше $3.",
        "Too long: $2 SMS, at most $3.",
    ),
    (
        r"Cyrillic letters in the English",
        "В английском тексте русские буквы.",
        "Cyrillic letters in the English text.",
    ),
    (
        r"no Cyrillic in the Russian",
        "В русском тексте нет русских букв.",
        "No Cyrillic in the Russian text.",
    ),
    (
        r"Latin letters inside Russian words",
        "Латинские буквы внутри русских слов.",
        "Latin letters inside Russian words.",
    ),
    (
        r"^forces UCS-2 in English",
        "Символ в английском тексте делает SMS дороже (UCS-2).",
        "A character makes the English SMS dearer (UCS-2).",
    ),
    (
        r"911 is not an emergency number",
        "911 не работает в России: пишите 103 или 112.",
        "911 is not an emergency number in Russia: 103 or 112.",
    ),
    (
        r"template syntax error|cannot render|unknown variable|not allowed",
        "В шаблоне ошибка: разрешены только переменные из списка.",
        "The template has an error: only the listed variables are allowed.",
    ),
    (
        r"^give exactly one of due_date and birth_date$",
        "Укажите одну дату: родов или рождения.",
        "Give one date: due or birth.",
    ),
    (
        r"^birth_date is in the future$",
        "Дата рождения в будущем.",
        "The birth date is in the future.",
    ),
    (
        r"^due_date is more than 37 weeks ahead$",
        "Дата родов больше чем через 37 недель.",
        "The due date is more than 37 weeks ahead.",
    ),
    (
        r"^the date is outside the programme",
        "Дата вне программы (от беременности до года малыша).",
        "The date is outside the programme.",
    ),
    (
        r"week_from.*after.*week_to|week range|backwards",
        "Неделя «с» позже недели «по».",
        "The first week is after the last.",
    ),
    (r"time ?zone|timezone", "Неизвестный часовой пояс.", "Unknown time zone."),
    (r"^Field required$", "обязательно", "required"),
    (r"valid datetime|valid date", "дата и время не распознаны", "not a valid date and time"),
    (r"valid integer", "нужно целое число", "a whole number is needed"),
    (r"less than or equal to (\d+)", "не больше $1", "at most $1"),
    (r"greater than or equal to (\d+)", "не меньше $1", "at least $1"),
    (r"at most (\d+) characters", "не длиннее $1 знаков", "at most $1 characters"),
)

GENERAL = ("Сервер отклонил запрос", "The server refused the request")


def as_of(value: datetime, language: str) -> str:
    """When a stored figure was counted, on the same Moscow day: по состоянию на 04:30 (Москва)."""
    words = "по состоянию на" if language == "ru" else "as of"
    return f"{words} {clock(value)} ({zone_name(DEFAULT_ZONE, language)})"


def label(kind: str, code: str | None, language: str) -> str:
    """The word for a code (a dash for none; the code itself if it is new)."""
    if code is None:
        return "—"
    pair = CODES.get(kind, {}).get(code)
    return pair[0 if language == "ru" else 1] if pair else code


def for_js(language: str) -> dict[str, Any]:
    """The tables the pages' JavaScript reads, in one language."""
    index = 0 if language == "ru" else 1
    return {
        "lang": language,
        "codes": {kind: {c: p[index] for c, p in words.items()} for kind, words in CODES.items()},
        "reasons": [[pattern, pair[index]] for pattern, *pair in REASONS],
        "general": GENERAL[index],
        "nouns": {name: list(forms[index]) for name, forms in NOUNS.items()},
        "zones": [[zone, (ru, en)[index]] for zone, ru, en in ZONES],
    }


# Nouns that meet numbers on the pages: (Russian one, few, many), (English one, many).
NOUNS: dict[str, tuple[tuple[str, str, str], tuple[str, str]]] = {
    "recipient": (("получатель", "получателя", "получателей"), ("recipient", "recipients")),
    "sms": (("SMS", "SMS", "SMS"), ("SMS", "SMS")),
    "segment": (("сегмент", "сегмента", "сегментов"), ("segment", "segments")),
    "character": (("символ", "символа", "символов"), ("character", "characters")),
    "message": (("сообщение", "сообщения", "сообщений"), ("message", "messages")),
    "week": (("неделя", "недели", "недель"), ("week", "weeks")),
}


def noun(name: str, n: int, language: str) -> str:
    """The noun's form for n."""
    ru, en = NOUNS[name]
    return plural(n, *(ru if language == "ru" else en))
