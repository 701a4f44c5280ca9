"""The pages' interface words in Russian (the default) and English."""

from __future__ import annotations

LANGUAGES = ("ru", "en")
LANG_COOKIE = "t4b_lang"

WORDS: dict[str, tuple[str, str]] = {
    "title": ("Text4baby Россия", "Text4baby Russia"),
    "sign_in": ("Вход", "Sign in"),
    "sign_out": ("Выйти", "Sign out"),
    "token": ("Токен доступа", "Access token"),
    "token_help": (
        "Токен выдаёт администратор командой text4baby-ru users create.",
        "An administrator issues tokens with text4baby-ru users create.",
    ),
    "bad_token": ("Токен не подходит или отозван.", "The token is unknown or revoked."),
    "bad_form": (
        "Форма устарела: обновите страницу и попробуйте снова.",
        "The form has expired: reload the page and try again.",
    ),
    "signed_in_as": ("Вы вошли как", "Signed in as"),
    "dashboard": ("Сводка", "Dashboard"),
    "library": ("Библиотека", "Library"),
    "review": ("На проверку", "Review"),
    "simulator": ("Симулятор", "Simulator"),
    "subscribers": ("Абоненты", "Subscribers"),
    "alerts": ("Рассылки", "Alerts"),
    "modules": ("Опросы", "Modules"),
    "module_status": ("Состояние", "Status"),
    "status_draft": ("не запущен", "not started"),
    "status_running": ("идёт", "running"),
    "status_paused": ("на паузе", "paused"),
    "status_stopped": ("остановлен", "stopped"),
    "audience": ("Кому", "Audience"),
    "weeks": ("недели", "weeks"),
    "months": ("месяцы", "months"),
    "results": ("Результаты", "Results"),
    "start": ("Запустить", "Start"),
    "pause": ("Пауза", "Pause"),
    "stop": ("Остановить", "Stop"),
    "confirm_stop": (
        "Остановить опрос навсегда? Открытые вопросы закроются.",
        "Stop the module for good? Open questions close.",
    ),
    "assigned": ("Включены в опрос", "Assigned"),
    "questions_sent": ("Вопросов отправлено", "Questions sent"),
    "answered": ("Ответили", "Answered"),
    "answer_rate": ("Доля ответивших", "Answer rate"),
    "answers": ("Ответы", "Answers"),
    "answer": ("Ответ", "Answer"),
    "share": ("Доля", "Share"),
    "reasons": ("Причины", "Reasons"),
    "followups_sent": ("Ответных сообщений отправлено", "Follow-ups sent"),
    "reminders_offered": ("Предложено напоминание", "Reminders offered"),
    "arm": ("Группа", "Arm"),
    "reference_arm": ("группа сравнения", "reference"),
    "outcome_answered": ("Ответили на итоговый вопрос", "Answered the outcome question"),
    "outcome_yes": ("Исход достигнут", "Outcome reached"),
    "outcome_rate": ("Доля с исходом (95% ДИ)", "Outcome rate (95% CI)"),
    "odds_ratio": ("Отношение шансов (95% ДИ)", "Odds ratio (95% CI)"),
    "withheld": ("скрыто: меньше 5 человек", "withheld: under 5 people"),
    "definitions": ("Как считается", "Definitions"),
    "download_csv": ("Скачать CSV", "Download CSV"),
    "def_assigned": (
        "Женщины, которым отправлен вопрос опроса; группа выбирается случайно один раз.",
        "Women sent the module's question; the arm is drawn at random once.",
    ),
    "def_answer_rate": (
        "Ответившие одним из вариантов, делённые на отправленные вопросы.",
        "Women who answered with an option, divided by the questions sent.",
    ),
    "def_outcome_rate": (
        "В каждой группе: ответившие на итоговый вопрос вариантом успеха, делённые на всех "
        "ответивших на итоговый вопрос; 95% доверительный интервал Уилсона.",
        "In each arm: women who gave the success answer to the outcome question, divided by "
        "all who answered it; 95% Wilson interval.",
    ),
    "def_odds_ratio": (
        "Шансы исхода в группе, делённые на шансы в группе сравнения; интервал Вулфа.",
        "Odds of the outcome in the arm divided by the odds in the reference arm; Woolf interval.",
    ),
    "def_small": (
        "Числа меньше 5 показаны как <5; доли по таким числам скрыты.",
        "Counts under 5 show as <5; rates built on them are withheld.",
    ),
    "forbidden": ("Эта страница недоступна для вашей роли.", "Your role cannot open this page."),
    "not_found": ("Такой страницы нет.", "There is no such page."),
    "track": ("Программа", "Track"),
    "pregnancy": ("Беременность", "Pregnancy"),
    "baby": ("Малыш", "Baby"),
    "replies": ("Ответы", "Replies"),
    "week": ("Неделя", "Week"),
    "show": ("Показать", "Show"),
    "key": ("Ключ", "Key"),
    "topic": ("Тема", "Topic"),
    "text_ru": ("Текст по-русски", "Russian text"),
    "text_en": ("Текст по-английски", "English text"),
    "live": ("Отправляется сейчас", "Live now"),
    "draft": ("Черновик", "Draft"),
    "draft_pending": ("ждёт проверки", "awaiting review"),
    "save_draft": ("Сохранить черновик", "Save as draft"),
    "saved": (
        "Черновик сохранён, его опубликует другой человек.",
        "Draft saved; another person publishes it.",
    ),
    "characters": ("символов", "characters"),
    "segments": ("SMS", "segments"),
    "encoding": ("кодировка", "encoding"),
    "preview": ("Предпросмотр", "Preview"),
    "sample_week": ("для недели", "for week"),
    "cost_1000": ("стоимость 1000 шт.", "cost of 1,000"),
    "template_note": (
        "Счётчик считает текст как набран; предпросмотр подставляет значения для примерной недели.",
        "The counter counts the text as typed; the preview fills in a sample week.",
    ),
    "history": ("История", "History"),
    "no_drafts": ("Черновиков на проверку нет.", "No drafts await review."),
    "author": ("Автор", "Author"),
    "created": ("Создан", "Created"),
    "changes": ("Изменения", "Changes"),
    "publish": ("Опубликовать", "Publish"),
    "published": ("Опубликовано", "Published"),
    "own_draft": (
        "Ваш черновик: опубликовать его должен другой человек.",
        "Your own draft: another person must publish it.",
    ),
    "language": ("Язык", "Language"),
    "from": ("С", "From"),
    "to": ("По", "To"),
    "apply": ("Применить", "Apply"),
    "csv": ("Скачать CSV", "Download CSV"),
    "no_data": ("Данных пока нет", "No data yet"),
    "messages_by_status": ("Сообщения по статусам", "Messages by status"),
    "subscribers_by_status": ("Абоненты по статусам", "Subscribers by status"),
    "subscribers_by_track": ("Активные по программам", "Active by track"),
    "enrollments_over_time": ("Новые абоненты по дням", "Enrollments over time"),
    "delivery_over_time": ("Доставка по дням", "Delivery over time"),
    "optouts_over_time": ("Отписки по неделям", "Opt-outs by week"),
    "active_by_week": (
        "Абоненты по неделе беременности и возрасту малыша",
        "Subscribers by week of pregnancy and baby age",
    ),
    "optouts_by_week": ("Отписки по неделе программы", "Opt-outs by programme week"),
    "phone": ("Номер телефона", "Phone number"),
    "find": ("Найти", "Find"),
    "audited": (
        "Каждый просмотр записывается в журнал аудита.",
        "Every look-up is written to the audit log.",
    ),
    "opt_out": ("Отписать", "Opt out"),
    "erase": ("Удалить данные (152-ФЗ)", "Erase her data (152-FZ)"),
    "confirm_optout": (
        "Отписать её? Сообщения прекратятся, как после СТОП.",
        "Opt her out? Her messages stop, as after a STOP.",
    ),
    "confirm_erase": (
        "Удалить её номер, город и тексты безвозвратно?",
        "Erase her number, city and texts for good?",
    ),
    "erased": ("Данные удалены.", "Her data is erased."),
    "text_sent": ("Текст", "Text"),
    "fact_status": ("Статус", "Status"),
    "fact_language": ("Язык", "Language"),
    "fact_track": ("Программа", "Track"),
    "fact_due_date": ("Дата родов (ПДР)", "Due date"),
    "fact_birth_date": ("Дата рождения малыша", "Baby's birth date"),
    "fact_timezone": ("Часовой пояс", "Time zone"),
    "fact_city": ("Город", "City"),
    "fact_channel": ("Как подписана", "Joined by"),
    "fact_enrolled_at": ("Подписана", "Enrolled at"),
    "fact_end_reason": ("Причина окончания", "End reason"),
    "everyone": ("все", "everyone"),
    "zone": ("Часовой пояс", "Time zone"),
    "send_at": ("Отправить в", "Send at"),
    "dry_run": ("Пробный подсчёт", "Dry run"),
    "schedule": ("Сохранить и запланировать", "Save and schedule"),
    "recipients": ("Получатели", "Recipients"),
    "cancel": ("Отменить", "Cancel"),
    "confirm_send": (
        "Запланировать рассылку для всех получателей?",
        "Schedule the alert for every recipient?",
    ),
    "alert_scheduled": ("Рассылка запланирована", "Alert scheduled"),
    "sim_intro": (
        "Телефон понарошку: пишите как абонентка и смотрите ответы. У симулятора своя база: "
        "настоящие абоненты и шлюз не затрагиваются.",
        "A pretend phone: type as a subscriber and see the replies. The simulator has its own "
        "database: real subscribers and the gateway are never touched.",
    ),
    "sim_type": ("Сообщение", "Message"),
    "sim_send": ("Отправить", "Send"),
    "sim_clock": ("Время на телефоне", "Time on the phone"),
    "sim_day": ("+1 день", "+1 day"),
    "sim_week": ("+1 неделя", "+1 week"),
    "sim_monday": ("К понедельнику 10:00", "To next Monday 10:00"),
    "sim_reset": ("Начать заново", "Start over"),
    "sim_hint": (
        "Например: МАМА 15.06.2027, затем город: Москва.",
        "For example: BABY 15.06.2027, then a city: Moscow.",
    ),
    "sim_busy": (
        "Симулятор занят: слишком много сеансов. Попробуйте через несколько минут.",
        "The simulator is busy: too many sessions. Try again in a few minutes.",
    ),
}


def pick_language(query: str | None, cookie: str | None) -> str:
    """?lang= first, then the cookie, else Russian."""
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return str(candidate)
    return "ru"


def translator(language: str) -> dict[str, str]:
    """Every interface word in language."""
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in WORDS.items()}
