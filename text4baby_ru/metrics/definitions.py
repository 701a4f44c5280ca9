"""Every metric defined in words: shown in the API's answers, its OpenAPI page and the README."""

from __future__ import annotations

DAY = (
    "Days are Moscow calendar days; a week starts on Monday and a weekly point is dated by its "
    "Monday and counts only the days of the range."
)

DEFINITIONS: dict[str, str] = {
    "enrollments": (
        "Enrollments that reached active (she gave a date, or a clinic enrolled her), counted on "
        "the Moscow day the enrollment was created, by her language (ru, en) and by the channel "
        "she came in through (sms: she texted a join word; clinic: a clinic's import; web)."
    ),
    "optouts": (
        "Enrollments now opted out (STOP, or the carrier reported the number unsubscribed), "
        "counted on the Moscow day of their last change, which is the day she stopped."
    ),
    "completions": (
        "Enrollments completed (the closing message after the baby's first birthday), counted "
        "on the Moscow day they ended."
    ),
    "losses": (
        "Enrollments ended because she reported a loss (the word LOSS, or its Russian twin), "
        "counted on the Moscow day they ended."
    ),
    "messages": (
        "Outbound messages (tips, notices, replies and alerts) by their current status, counted "
        "on the Moscow day they were created (queued); delivered means the provider reported "
        "delivery to the phone."
    ),
    "delivery_rate": (
        "Delivered messages as a share (0 to 1) of those with a final status (delivered, "
        "undelivered or failed), counted on the Moscow day they were created; null on a day "
        "with no final status."
    ),
    "median_to_deliver": (
        "The median time from the provider accepting a message (sent) to its report of delivery "
        "to the phone, over the delivered messages created in the range (past 50,000 of them, "
        "over a sample)."
    ),
    "segments": (
        "SMS segments of the messages the provider accepted (sent, delivered or undelivered), "
        "counted on the Moscow day they were created, and their cost in roubles at "
        "T4B_SEGMENT_PRICE per segment."
    ),
    "active_by_week": (
        "Enrollments active today, by the track and week they are in today (pregnancy: "
        "completed weeks since the due date minus 280 days; baby: completed weeks since the "
        "birth, or since the due date once pregnancy week 42 has passed without a birth)."
    ),
    "optouts_by_week": (
        "Enrollments now opted out, by the track and week they were in on the Moscow day they "
        "stopped: where women drop off."
    ),
    "dose": (
        "For each cohort (the Monday of the week she was activated): subscribers = enrollments "
        "activated that week; expected = the send days (three a week) from the day after she "
        "was activated to yesterday, within her programme (pregnancy week 4 to the first "
        "birthday) and before the day she left, or the tips that already went to her if more (a "
        "send day may carry two newborn essentials); delivered = her tips with status delivered; "
        "ratio = delivered / expected."
    ),
    "behind": (
        "Active or paused enrollments whose expected tips (as in dose received) exceed the tips "
        "handed to the provider (sent, delivered or undelivered), with the most likely reason: "
        "paused (after failures in a row), failures (her last tips failed), queued (tips waiting "
        "to be sent), unknown (a send whose outcome is being settled), expired (a tip that could "
        "not go before its deadline), not_yet_planned (no tip "
        "planned for her yet) or missed (send days with no tip planned)."
    ),
}

SUPPRESSION = (
    "In CSV exports a cell that counts people (enrollments, subscribers) and is between 1 and 4 "
    "is written as <5; message and segment counts are not people and are written whole."
)
