"""The page's words in Russian and English."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "СМС-советы Text4baby",
        "intro": (
            "Короткие СМС с советами о здоровье для будущих мам и мам малышей до года: "
            "три сообщения в неделю, до первого дня рождения ребёнка. Если вы не можете "
            "ответить нам по СМС, подпишитесь или откажитесь от рассылки здесь."
        ),
        "phone": "Номер мобильного телефона",
        "phone_hint": "Например: +7 916 123-45-67 или 8 916 123 45 67",
        "action": "Что вы хотите сделать?",
        "join": "Подписаться",
        "stop": "Отписаться и больше не получать сообщения",
        "date_legend": "Для подписки укажите одну дату",
        "due": "Предполагаемая дата родов (ПДР)",
        "born": "Малыш уже родился: дата рождения",
        "date": "Дата",
        "date_hint": "Например: 15.03.2027",
        "consent": (
            "Я даю согласие на обработку моих персональных данных (номера телефона, срока "
            "беременности или даты рождения ребёнка) в соответствии с Федеральным законом "
            "№ 152-ФЗ «О персональных данных», чтобы получать СМС-рассылку. Согласие можно "
            "отозвать в любой момент: ответьте СТОП или отпишитесь на этой странице."
        ),
        "get_code": "Получить код",
        "code_sent": (
            "Если на этот номер можно отправлять наши сообщения, на него придёт СМС с кодом "
            "из 6 цифр. Введите код ниже. Он действует 10 минут."
        ),
        "code": "Код из СМС",
        "confirm": "Подтвердить",
        "wrong": "Код не подошёл. Попробуйте ещё раз (осталось попыток: {left}).",
        "spent": (
            "Этот код больше не действует: истёк срок, он уже использован или было слишком "
            "много попыток. Запросите новый код."
        ),
        "again": "Начать заново",
        "limited": "Слишком много запросов для этого номера или устройства. Попробуйте позже.",
        "done_join": "Готово! Скоро придёт СМС с подтверждением.",
        "done_stop": "Готово: рассылка на этот номер остановлена.",
        "forbidden": "Форма отправлена с другого сайта. Откройте эту страницу заново.",
        "bad_phone": (
            "Не удалось распознать номер. Введите его полностью, например +7 916 123-45-67."
        ),
        "no_action": "Выберите, что вы хотите сделать: подписаться или отписаться.",
        "no_date": "Для подписки укажите дату.",
        "bad_date": "Не удалось прочитать дату. Введите её так: 15.03.2027.",
        "bad_due": (
            "Предполагаемая дата родов должна быть в будущем, не позже чем через 37 недель. "
            "Если малыш уже родился, выберите «Малыш уже родился»."
        ),
        "bad_born": (
            "Дата рождения должна быть не позже сегодняшнего дня и не раньше чем год назад."
        ),
        "no_consent": "Чтобы подписаться, нужно согласие на обработку персональных данных.",
        "bad_code": "Введите код из 6 цифр.",
        "other_language": "English",
        "other_path": "/en/join",
    },
    "en": {
        "title": "Text4baby SMS tips",
        "intro": (
            "Short health tips by SMS for pregnant women and mothers of babies under one: "
            "three messages a week until the baby's first birthday. If you cannot text us, "
            "join or stop the messages here."
        ),
        "phone": "Mobile phone number",
        "phone_hint": "For example: +7 916 123-45-67",
        "action": "What would you like to do?",
        "join": "Join",
        "stop": "Stop the messages",
        "date_legend": "To join, give one date",
        "due": "Due date",
        "born": "My baby is born: date of birth",
        "date": "Date",
        "date_hint": "For example: 15.03.2027",
        "consent": (
            "I agree to the processing of my personal data (phone number, due date or my baby's "
            "date of birth) to send me text messages, under Russian Federal Law No. 152-FZ on "
            "personal data. I can withdraw at any time by texting STOP or on this page."
        ),
        "get_code": "Send me a code",
        "code_sent": (
            "If this number can receive our messages, a text with a 6-digit code is on its way. "
            "Enter the code below. It is valid for 10 minutes."
        ),
        "code": "Code from the text",
        "confirm": "Confirm",
        "wrong": "That code is not right. Please try again ({left} tries left).",
        "spent": (
            "This code no longer works: it has expired, been used, or had too many tries. "
            "Please ask for a new code."
        ),
        "again": "Start again",
        "limited": "Too many requests for this number or device. Please try again later.",
        "done_join": "Done! A text confirming it will arrive shortly.",
        "done_stop": "Done: the messages to this number have stopped.",
        "forbidden": "The form came from another site. Please open this page again.",
        "bad_phone": (
            "We could not read the number. Please enter it in full, e.g. +7 916 123-45-67."
        ),
        "no_action": "Please choose whether to join or to stop.",
        "no_date": "To join, please give a date.",
        "bad_date": "We could not read the date. Please write it like 15.03.2027.",
        "bad_due": (
            "The due date must be in the future and no more than 37 weeks ahead. If your baby "
            "is born, choose 'My baby is born'."
        ),
        "bad_born": "The date of birth must be no later than today and within the last year.",
        "no_consent": "To join, please agree to the processing of your personal data.",
        "bad_code": "Please enter the 6-digit code.",
        "other_language": "Русский",
        "other_path": "/join",
    },
}
