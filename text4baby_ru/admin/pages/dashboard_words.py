"""The dashboard's words: card and chart titles, the names of statuses, tracks, languages and
channels, and each figure's definition. The English definitions are the metrics API's own
texts; the Russian ones say the same for a Russian reader."""

from __future__ import annotations

from text4baby_ru.metrics.definitions import DAY, DEFINITIONS

RU_DEFINITIONS: dict[str, str] = {
    "active_by_week": (
        "Абонентки, активные сегодня, по программе и неделе, в которой они сегодня "
        "(беременность: полные недели от даты родов минус 280 дней; малыш: полные недели от "
        "рождения или от даты родов, если 42-я неделя беременности прошла без сообщения о "
        "рождении)."
    ),
    "enrollments": (
        "Подписки, ставшие активными (она назвала дату или её записала клиника), по дню "
        "создания подписки по московскому времени, по её языку (русский, английский) и по "
        "способу подписки (SMS: она прислала слово подписки; клиника: список клиники; сайт)."
    ),
    "delivery_rate": (
        "Доставленные сообщения как доля (от 0 до 100 %) сообщений с окончательным статусом "
        "(доставлено, не доставлено или ошибка), по дню создания сообщения по московскому "
        "времени."
    ),
    "median_to_deliver": (
        "Медиана времени от приёма сообщения оператором (отправлено) до его отчёта о доставке "
        "на телефон, по доставленным сообщениям, созданным за период (если их больше 50 000, "
        "то по выборке)."
    ),
    "segments": (
        "Сегменты SMS сообщений, принятых оператором (отправлено, доставлено или не "
        "доставлено), по дню создания сообщения по московскому времени, и их стоимость в "
        "рублях по цене сегмента из настроек сервиса."
    ),
    "optouts": (
        "Подписки, которые сейчас отменены (СТОП, или оператор сообщил, что номер отписан), по "
        "дню их последнего изменения по московскому времени, то есть дню отписки."
    ),
    "losses": (
        "Подписки, завершённые, потому что она сообщила о потере (слово ПОТЕРЯ), по дню "
        "завершения по московскому времени."
    ),
    "completions": (
        "Подписки, пройденные до конца (заключительное сообщение после первого дня рождения "
        "малыша), по дню завершения по московскому времени."
    ),
    "dose": (
        "Для каждой когорты (понедельник недели, в которую она стала активной): абонентки = "
        "подписки, ставшие активными в ту неделю; ожидалось = дни отправки (три в неделю) со "
        "дня после активации по вчерашний, в пределах её программы (с 4-й недели беременности "
        "до первого дня рождения) и до дня ухода; доставлено = её советы со статусом "
        "«доставлено»; доза = доставлено / ожидалось. Здесь показана последняя полная "
        "неделя-когорта."
    ),
    "behind": (
        "Активные или приостановленные подписки, у которых ожидаемых советов (как в дозе) "
        "больше, чем переданных оператору (отправлено, доставлено или не доставлено). Список с "
        "причинами видит администратор."
    ),
    "messages": (
        "Исходящие сообщения (советы, уведомления, ответы и рассылки) по их текущему статусу, "
        "по дню создания (постановки в очередь) по московскому времени; «доставлено» значит, "
        "что оператор сообщил о доставке на телефон."
    ),
    "subscribers": ("Подписки, созданные за период, по их текущему статусу."),
    "optouts_by_week": (
        "Подписки, которые сейчас отменены, по программе и неделе, в которой она была в день "
        "отписки: где женщины уходят."
    ),
}
RU_DAY = (
    "Дни считаются по московскому календарю; неделя начинается в понедельник, недельная точка "
    "подписана датой понедельника и считает только дни периода."
)
EN_EXTRA = {
    "subscribers": (
        "Enrollments created in the range, by their current status (the API summary's "
        "`subscribers`)."
    ),
}

# (key, Russian, English): words of the page and of its charts' legends and tables.
WORDS: tuple[tuple[str, str, str], ...] = (
    ("period", "Период", "Period"),
    ("this_month", "Этот месяц", "This month"),
    ("last_month", "Прошлый месяц", "Last month"),
    ("last_28", "Последние 28 дней", "Last 28 days"),
    ("date_hint", "дд.мм.гггг", "dd.mm.yyyy"),
    (
        "bad_dates",
        "Даты не поняты: пишите так: 30.11.2026. Показан этот месяц.",
        "Dates not understood: write them as 30.11.2026. Showing this month.",
    ),
    (
        "out_of_range",
        "Даты вне лет, которые ведёт программа ({first} – {last}). Показан этот месяц.",
        "Dates outside the years the programme keeps ({first} – {last}). Showing this month.",
    ),
    (
        "bad_order",
        "Начало периода позже конца или период длиннее 400 дней. Показан этот месяц.",
        "The period starts after it ends or is longer than 400 days. Showing this month.",
    ),
    ("headline", "Главное за период", "The period at a glance"),
    ("definition", "Что это?", "What is this?"),
    ("active_now", "Активные сейчас", "Active now"),
    ("new_enrollments", "Новые абонентки", "New enrollments"),
    ("delivery_rate", "Доставлено", "Delivery rate"),
    ("median_to_deliver", "Время до доставки (медиана)", "Time to delivery (median)"),
    ("segments_cost", "Сегменты SMS и стоимость", "SMS segments and cost"),
    ("optouts", "Отписки", "Opt-outs"),
    ("losses", "Потери беременности", "Pregnancy losses"),
    ("completions", "Прошли программу", "Completions"),
    ("dose", "Доза: доставлено из ожидаемого", "Dose received"),
    ("behind", "Отстают", "Behind"),
    ("no_final", "нет сообщений с окончательным статусом", "no message with a final status"),
    ("no_cohort", "полной когорты ещё нет", "no complete cohort yet"),
    ("charts", "Графики", "Charts"),
    ("enrollments_by_language", "Новые абонентки по языку", "Enrollments by language"),
    ("enrollments_by_channel", "Новые абонентки по способу подписки", "Enrollments by channel"),
    ("messages_over_time", "Сообщения по дням и статусам", "Messages by day and status"),
    ("messages_by_status", "Сообщения за период по статусам", "Messages in the period by status"),
    (
        "subscribers_by_status",
        "Подписки за период по статусам",
        "Enrollments in the period by status",
    ),
    ("optouts_over_time", "Отписки по неделям", "Opt-outs by week"),
    (
        "active_pregnancy",
        "Беременные сейчас по неделе беременности",
        "Pregnant now, by week of pregnancy",
    ),
    (
        "active_baby",
        "Мамы малышей сейчас по возрасту малыша (недели)",
        "Mothers now, by the baby's age in weeks",
    ),
    ("optouts_pregnancy", "Отписки по неделе беременности", "Opt-outs by week of pregnancy"),
    ("optouts_baby", "Отписки по возрасту малыша (недели)", "Opt-outs by the baby's age in weeks"),
    (
        "dose_by_cohort",
        "Доза по когортам, % доставленных из ожидаемых",
        "Dose received by cohort, % of expected tips delivered",
    ),
    ("table", "Таблица чисел", "Table of the figures"),
    ("date", "Дата", "Date"),
    ("week", "Неделя", "Week"),
    ("status", "Статус", "Status"),
    ("count", "Число", "Count"),
    ("cohort", "Когорта (понедельник)", "Cohort (Monday)"),
    ("women", "Абонентки", "Women"),
    ("expected", "Ожидалось", "Expected"),
    ("delivered_tips", "Доставлено", "Delivered"),
    ("dose_percent", "Доза, %", "Dose, %"),
    ("no_data", "Данных пока нет", "No data yet"),
    ("csv", "Скачать CSV", "Download CSV"),
    (
        "csv_note",
        "В файлах CSV число людей от 1 до 4 записано как <5.",
        "In the CSV files a count of 1 to 4 people is written as <5.",
    ),
    ("seconds", "с", "s"),
    ("minutes", "мин", "min"),
    ("hours", "ч", "h"),
)

NAMES: dict[str, tuple[str, str]] = {
    # message statuses
    "queued": ("в очереди", "queued"),
    "sending": ("отправляется", "sending"),
    "sent": ("отправлено", "sent"),
    "delivered": ("доставлено", "delivered"),
    "undelivered": ("не доставлено", "undelivered"),
    "failed": ("ошибка", "failed"),
    "cancelled": ("отменено", "cancelled"),
    "expired": ("просрочено", "expired"),
    "unknown": ("неизвестно", "unknown"),
    # enrollment statuses
    "pending": ("ждёт даты", "pending"),
    "active": ("активна", "active"),
    "paused": ("приостановлена", "paused"),
    "opted_out": ("отписалась", "opted out"),
    "completed": ("прошла программу", "completed"),
    "ended": ("завершена", "ended"),
    # tracks, languages, channels
    "pregnancy": ("беременность", "pregnancy"),
    "baby": ("малыш", "baby"),
    "ru": ("русский", "Russian"),
    "en": ("английский", "English"),
    "sms": ("SMS", "SMS"),
    "clinic": ("клиника", "clinic"),
    "web": ("сайт", "web"),
    "optouts": ("отписки", "opt-outs"),
    "dose": ("доза, %", "dose, %"),
}


def words(language: str) -> dict[str, str]:
    """The page's words in language."""
    index = 0 if language == "ru" else 1
    return {key: pair[index] for key, *pair in WORDS}


def names(language: str) -> dict[str, str]:
    """Statuses, tracks, languages and channels by their code, in language."""
    index = 0 if language == "ru" else 1
    return {code: pair[index] for code, pair in NAMES.items()}


def definition(key: str, language: str, *, daily: bool = False) -> str:
    """A figure's definition in words; daily adds how days and weeks are counted."""
    if language == "ru":
        text = RU_DEFINITIONS[key]
        return f"{text} {RU_DAY}" if daily else text
    text = EN_EXTRA.get(key) or DEFINITIONS[key]
    return f"{text} {DAY}" if daily else text
