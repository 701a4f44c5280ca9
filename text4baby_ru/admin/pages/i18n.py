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
        "Токен выдаёт администратор командой",
        "An administrator issues tokens with the command",
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
    "cost_1000": ("стоимость 1\u00a0000 отправок", "cost of 1,000 sends"),
    "template_note": (
        "Счётчик считает текст как набран; предпросмотр подставляет значения для примерной недели.",
        "The counter counts the text as typed; the preview fills in a sample week.",
    ),
    "history": ("История", "History"),
    "all_topics": ("все темы", "all topics"),
    "search": ("Поиск", "Search"),
    "search_hint": ("слово из текста или ключ", "a word of the text or a key"),
    "found": ("Найдено", "Found"),
    "all_weeks": ("по всем неделям", "across all weeks"),
    "old_text": ("Сейчас отправляется", "Sent now"),
    "new_text": ("Новый текст", "New text"),
    "new_text_for": ("Новый текст", "New text"),
    "segments_word": ("SMS на одно сообщение", "SMS per message"),
    "reject": ("Отклонить", "Reject"),
    "reject_comment": (
        "Комментарий для автора (обязателен при отклонении)",
        "A comment for the author (needed to reject)",
    ),
    "rejected": ("Отклонено", "Rejected"),
    "rejected_by": ("Отклонил(а)", "Rejected by"),
    "rejected_text": ("Отклонённый текст", "The rejected text"),
    "published_by": ("Опубликовал(а)", "Published by"),
    "origin_library": ("файлы библиотеки", "the library files"),
    "origin_api": ("", ""),
    "actions": ("Действия", "Actions"),
    "revert": ("Вернуть этот текст", "Bring this text back"),
    "reverted": ("Текст снова отправляется", "The text is live again"),
    "confirm_revert": (
        "Снова рассылать этот текст вместо нынешнего?",
        "Send this text again instead of the current one?",
    ),
    "reminders": ("Напоминания о визитах к врачу", "Appointment reminders"),
    "visit_day": ("Дата визита", "Appointment date"),
    "visit_time": ("Время", "Time"),
    "reminder_state": ("Состояние", "State"),
    "reminder_active": ("ждёт", "waiting"),
    "reminder_past": ("прошло", "past"),
    "reminder_cancelled": ("отменено", "cancelled"),
    "no_reminders": ("Напоминаний нет.", "No reminders."),
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
    "not_a_phone": ("Это не номер телефона.", "This is not a phone number."),
    "phone_hint": (
        "Можно как угодно: 8 916 000-00-00, +7 916 000 00 00, 9160000000.",
        "Any spelling: 8 916 000-00-00, +7 916 000 00 00, 9160000000.",
    ),
    "her_card": ("Где она сейчас", "Where she stands"),
    "conversation": ("Переписка (её сообщения и наши)", "Conversation (hers and ours)"),
    "when": ("Когда", "When"),
    "who_wrote": ("Кто", "Who"),
    "delivery": ("Доставка", "Delivery"),
    "date_mask": ("дд.мм.гггг", "dd.mm.yyyy"),
    "set_due": ("Изменить дату родов", "Change the due date"),
    "set_birth": ("Указать дату рождения", "Set the birth date"),
    "reactivate": ("Возобновить рассылку", "Restart her messages"),
    # Completed weeks, as the library counts them ("срок 25 нед." at 25+3), not the ordinal.
    "week_n": ("{n} нед.", "{n} weeks"),
    "no_next": ("не запланирован", "none planned"),
    "from_her": ("она", "she"),
    "erased_text": ("(текст удалён)", "(text erased)"),
    "bad_date": (
        "Дата не распознана: напишите как 15.03.2027.",
        "The date is not understood: write it as 15.03.2027.",
    ),
    "done": ("Готово, данные обновлены.", "Done; her record is updated."),
    "fact_phone": ("Номер", "Number"),
    "fact_next_tip": ("Следующий совет (её время)", "Next tip (her time)"),
    "erase": ("Удалить данные (152-ФЗ)", "Erase her data (152-FZ)"),
    "confirm_optout": (
        "Отписать её? Сообщения прекратятся, как после СТОП.",
        "Opt her out? Her messages stop, as after a STOP.",
    ),
    "confirm_erase": (
        "Удалить её данные безвозвратно? Номер, город и тексты сообщений сотрутся, рассылка "
        "прекратится, вернуть это нельзя; в статистике останутся только обезличенные счётчики.",
        "Erase her data for good? Her number, city and texts are wiped and her messages stop; "
        "this cannot be undone. Only anonymous counts remain in the statistics.",
    ),
    "erased": ("Данные удалены.", "Her data is erased."),
    "text_sent": ("Текст", "Text"),
    "fact_status": ("Статус", "Status"),
    "fact_language": ("Язык", "Language"),
    "fact_track": ("Программа и неделя", "Track and week"),
    "fact_due_date": ("Дата родов (ПДР)", "Due date"),
    "fact_birth_date": ("Дата рождения малыша", "Baby's birth date"),
    "fact_timezone": ("Часовой пояс (город)", "Time zone (city)"),
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
    "all_zones": ("все часовые пояса", "all time zones"),
    "moscow_time": ("по московскому времени", "Moscow time"),
    "datetime_mask": ("дд.мм.гггг чч:мм", "dd.mm.yyyy hh:mm"),
    "send_at_hint": (
        "Для пробного подсчёта время можно не указывать: посчитаем на сейчас.",
        "A dry run needs no time: it counts as of now.",
    ),
    "weeks_backwards": (
        "Неделя «с» ({from}) позже недели «по» ({to}): поменяйте их местами.",
        "The first week ({from}) is after the last ({to}): swap them.",
    ),
    "bad_send_at": (
        "Время отправки не распознано: напишите как 01.12.2026 10:00.",
        "The send time is not understood: write it as 01.12.2026 10:00.",
    ),
    "need_send_at": (
        "Укажите время отправки, чтобы запланировать рассылку.",
        "Give a send time to schedule the alert.",
    ),
    "need_texts": ("Напишите оба текста.", "Write both texts."),
    "dry_now": ("если отправить сейчас", "if sent now"),
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
