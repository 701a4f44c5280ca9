"""Every admin page as each role reads it, in Russian and in English, in Debian's Chromium:
no word of the other language outside what is marked so, axe-core clean; the plural rule and
number formats of the pages' JavaScript agree with Python's; and the people's tasks: a draft
rejected with a comment then published, a support call answered from one page, an alert dry run
with Moscow picked from the list."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.admin.browser import Server
from tests.admin.test_pages_browser import MOSCOW, _outside_quiet_hours, enroll_at_clinic
from tests.admin.walk import axe_violations, foreign_words
from text4baby_ru.kit.formats import count_of, money, number
from text4baby_ru.kit.plurals import russian_form
from text4baby_ru.kit.segments import count

pytestmark = [pytest.mark.slow, pytest.mark.browser]
DRAFTED = "pregnancy.w26.1"
REJECTED = "pregnancy.w27.1"
WIDE, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
PAGES = {
    None: ["/admin/sign-in", "/join", "/en/join"],
    "viewer": ["/admin/dashboard", "/admin/simulator", "/admin/content", "/admin/modules"],
    "editor": ["/admin/content", f"/admin/content/{DRAFTED}", "/admin/review"],
    "reviewer": ["/admin/review", f"/admin/content/{REJECTED}", "/admin/content?q=вода"],
    "admin": [
        "/admin/subscribers",
        "/admin/alerts",
        "/admin/dashboard",
        "/admin/simulator",
        "/admin/modules",
    ],
}
NAMES = {
    "ru": {"viewer": "Ольга", "editor": "Анна", "reviewer": "Елена", "admin": "Ирина"},
    "en": {"viewer": "Olga", "editor": "Anna", "reviewer": "Elena", "admin": "Irina"},
}


def api(server: Server, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(
        method, server.url + path, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


@pytest.fixture(scope="module")
def world(server: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Users of every role in both languages, women with messages, a draft, a rejected draft and
    a scheduled alert, so every page has something to show."""
    tokens = {
        lang: {role: server.token(role, name) for role, name in names.items()}
        for lang, names in NAMES.items()
    }
    enroll_at_clinic(server, tmp_path_factory.mktemp("clinic"), [41, 42])
    server.cli("dispatch", "--at", _outside_quiet_hours().isoformat())
    editor, reviewer, admin = (tokens["ru"][r] for r in ("editor", "reviewer", "admin"))
    for key, words in ((DRAFTED, "Пейте воду."), (REJECTED, "Гуляйте каждый день.")):
        live = api(server, editor, "GET", f"/api/v1/messages/{key}").json()["live"]["ru"]["text"]
        saved = api(
            server,
            editor,
            "PATCH",
            f"/api/v1/messages/{key}",
            json={"language": "ru", "text": f"{live} {words}"},
        )
        assert saved.status_code == 200, saved.text
    draft = saved.json()["revision_id"]
    rejected = api(
        server,
        reviewer,
        "POST",
        f"/api/v1/messages/{REJECTED}/reject",
        json={"language": "ru", "revision_id": draft, "comment": "Добавьте, сколько минут."},
    )
    assert rejected.status_code == 200, rejected.text
    alert = {
        "text_ru": "Внимание: в регионе грипп. Спросите врача о прививке. 103/112.",
        "text_en": "Flu is spreading in the region. Ask your doctor about the jab. 103/112.",
        "send_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
    }
    created = api(server, admin, "POST", "/api/v1/alerts", json=alert).json()
    assert api(server, admin, "POST", f"/api/v1/alerts/{created['id']}/send").status_code == 200
    return tokens


def open_as(
    browser: Any, server: Server, token: str | None, language: str, viewport: dict[str, int]
) -> Any:
    """A fresh context in that language, signed in through the form when a token is given."""
    context = browser.new_context(base_url=server.url, viewport=viewport, timezone_id="UTC")
    page = context.new_page()
    page.goto(f"/admin/sign-in?lang={language}")
    if token:
        page.fill("#token", token)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/dashboard")
    return page


def settle(page: Any, path: str) -> None:
    """Let the page finish what a person would wait for (a look-up, a preview, the charts)."""
    if path == "/admin/subscribers":
        page.fill("#phone", "8 916 000-00-41")
        page.click("#lookup button")
        page.locator("#history tr").first.wait_for()
    elif path.startswith("/admin/content/"):
        page.wait_for_function(
            "[...document.querySelectorAll('[data-preview-meta]')].every(m => m.textContent)"
        )
    elif path == "/admin/simulator":  # a conversation on the phone: the bubbles' contrast
        page.fill("#sim-text", "МАМА 15.03.2027")
        page.click("#sim-form button")
        page.locator(".bubble.out").first.wait_for()
        page.wait_for_function("!document.body.dataset.busy")
    elif path == "/admin/dashboard":
        page.wait_for_timeout(800)


def walk(
    browser: Any, server: Server, world: dict[str, dict[str, str]], language: str, wanted: Any
) -> dict[str, list[str]]:
    """Every page of every role in language: the problems found, by role and page."""
    problems: dict[str, list[str]] = {}
    for role, paths in PAGES.items():
        page = open_as(browser, server, world[language][role] if role else None, language, WIDE)
        for path in paths:
            if not wanted(path):
                continue
            page.goto(path)
            settle(page, path)
            found = [f"word: {w}" for w in foreign_words(page)] + axe_violations(page)
            if found:
                problems[f"{role} {language} {path}"] = found
        page.context.close()
    return problems


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_reads_in_one_language_and_axe_finds_nothing(
    browser: Any, server: Server, world: dict[str, dict[str, str]], language: str
) -> None:
    problems = walk(browser, server, world, language, lambda path: path != "/admin/dashboard")
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_dashboard_reads_in_one_language_and_axe_finds_nothing(
    browser: Any, server: Server, world: dict[str, dict[str, str]], language: str
) -> None:
    problems = walk(browser, server, world, language, lambda path: path == "/admin/dashboard")
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_pages_plural_rule_and_numbers_agree_with_python(
    browser: Any, server: Server, world: dict[str, dict[str, str]]
) -> None:
    page = open_as(browser, server, world["ru"]["viewer"], "ru", WIDE)
    forms = page.evaluate("[...Array(1001).keys()].map(n => T4BFormat.russianForm(n))")
    assert forms == [russian_form(n) for n in range(1001)]
    samples = [0, 1, 2, 5, 11, 21, 22, 112, 1000, 7500, 1234567]
    shown = page.evaluate(
        "ns => ns.map(n => [T4BFormat.number(n), T4BFormat.money(n / 4), T4BFormat.count(n, 'recipient')])",
        samples,
    )
    recipients = ("получатель", "получателя", "получателей"), ("recipient", "recipients")
    assert shown == [
        [number(n, "ru"), money(n / 4, "ru"), count_of(n, "ru", *recipients)] for n in samples
    ]
    page.context.close()


def test_a_draft_is_rejected_with_a_comment_then_published_after_the_fix(
    browser: Any, server: Server, world: dict[str, dict[str, str]], shots: Path
) -> None:
    key = "pregnancy.w30.1"
    editor = open_as(browser, server, world["ru"]["editor"], "ru", WIDE)
    editor.goto(f"/admin/content/{key}")
    box = editor.locator("#text-ru")
    old = box.input_value()
    new = old + " Спите на боку."
    box.fill(new)
    preview = editor.locator("section[data-language=ru] [data-preview]")
    preview.filter(has_text="Спите на боку.").wait_for()
    meta = editor.locator("section[data-language=ru] [data-preview-meta]")
    segments = count(new).segments  # the preview of week 30 is the text itself (no variables)
    assert (
        f"{number(1000, 'ru')} SMS × {count_of(segments, 'ru', ('сегмент', 'сегмента', 'сегментов'), ('', ''))} × 2,50\u00a0руб. = {money(segments * 2500, 'ru')}"
        in meta.inner_text()
    )
    editor.click("section[data-language=ru] [data-save]")
    saved = editor.locator("section[data-language=ru] [data-result].ok")
    assert "Черновик сохранён" in saved.inner_text()
    assert not re.search("[A-Za-z]{2,}", saved.inner_text().replace("SMS", "")), saved.inner_text()
    editor.screenshot(path=str(shots / "editor.png"))

    reviewer = open_as(browser, server, world["ru"]["reviewer"], "ru", WIDE)
    reviewer.goto("/admin/review")
    card = reviewer.locator(f"section.draft[data-key='{key}'][data-language=ru]")
    assert card.locator("[data-author]").inner_text() == NAMES["ru"]["editor"]
    assert "Спите на боку." in card.locator(".diff-words ins").last.inner_text()
    cost = card.locator("[data-cost]").inner_text()
    assert f"→ {segments}" in cost and money(segments * 2500, "ru") in cost
    card.locator("[data-reject]").click()
    assert "обязательно" in card.locator("[data-result].error").inner_text()
    card.locator("[data-comment]").fill("Уточните: на левом боку.")
    card.locator("[data-reject]").click()
    card.locator("[data-result].ok").wait_for()
    reviewer.screenshot(path=str(shots / "review.png"), full_page=True)

    editor.goto(f"/admin/content/{key}")
    note = editor.locator("section[data-language=ru] [data-rejection]")
    assert "Уточните: на левом боку." in note.inner_text()
    assert NAMES["ru"]["reviewer"] in note.inner_text()
    editor.goto("/admin/content?q=" + key)
    assert editor.locator(f"tr[data-key='{key}'] [data-mark=rejected]").count() == 1
    editor.goto(f"/admin/content/{key}")
    editor.locator("#text-ru").fill(old + " Спите на левом боку.")
    editor.click("section[data-language=ru] [data-save]")
    editor.locator("section[data-language=ru] [data-result].ok").wait_for()

    reviewer.goto("/admin/review")
    card = reviewer.locator(f"section.draft[data-key='{key}'][data-language=ru]")
    card.locator("[data-publish]").click()
    card.locator("[data-result].ok").wait_for()
    reviewer.goto(f"/admin/content/{key}")
    history = reviewer.locator("table.history tbody tr")
    first = history.first.inner_text()
    assert (
        "отправляется сейчас" in first
        and NAMES["ru"]["editor"] in first
        and NAMES["ru"]["reviewer"] in first
    )
    # the text before the edit can be brought back from the page
    reviewer.on("dialog", lambda dialog: dialog.accept())
    reviewer.locator("[data-revert]").first.click()
    reviewer.locator("table.history [data-result].ok").wait_for()
    live = api(server, world["ru"]["reviewer"], "GET", f"/api/v1/messages/{key}").json()["live"][
        "ru"
    ]
    assert live["text"] == old
    editor.context.close()
    reviewer.context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_a_support_officer_answers_a_call_from_one_page(
    browser: Any,
    server: Server,
    world: dict[str, dict[str, str]],
    shots: Path,
    viewport: dict[str, int],
) -> None:
    page = open_as(browser, server, world["ru"]["admin"], "ru", viewport)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/admin/subscribers")
    page.fill("#phone", "hello")
    page.click("#lookup button")
    assert page.locator("#found-result.error").inner_text() == "Это не номер телефона."
    page.fill("#phone", "+7 (916) 000-00-99")
    page.click("#lookup button")
    page.locator("#found-result.error", has_text="Абонентки с таким номером нет.").wait_for()
    page.fill("#phone", "8 916 000-00-42")
    page.click("#lookup button")
    page.locator("#history tr").first.wait_for()
    facts = {
        row.get_attribute("data-fact"): row.locator("td").inner_text()
        for row in page.locator("#facts tr").all()
    }
    assert facts["status"] == "получает советы" and facts["track"].startswith("беременность, ")
    assert facts["track"].endswith(" нед.") and "(Москва)" in facts["next_tip"]
    assert facts["phone"] == "+79160000042"
    statuses = page.locator("#history [data-status]").all_inner_texts()
    assert statuses and all(s in ("доставлено", "отправлено", "в очереди") for s in statuses), (
        statuses
    )
    due = (datetime.now(MOSCOW).date() + timedelta(weeks=19)).strftime("%d.%m.%Y")
    page.fill("#due-date", due)
    page.click("#set-due")
    page.locator("#facts tr[data-fact=due_date] td", has_text=due).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.fill("#due-date", "01.01.2031")
    page.click("#set-due")
    assert (
        page.locator("#action-result.error").inner_text()
        == "Дата родов больше чем через 37 недель."
    )
    page.screenshot(path=str(shots / f"subscriber-{viewport['width']}.png"), full_page=True)
    if viewport is PHONE:
        page.click("#opt-out")
        page.locator("#facts tr[data-fact=status] td", has_text="отписалась").wait_for()
        page.click("#reactivate")
        page.locator("#facts tr[data-fact=status] td", has_text="получает советы").wait_for()
    page.context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_an_alert_dry_run_with_moscow_from_the_list_needs_no_send_time(
    browser: Any,
    server: Server,
    world: dict[str, dict[str, str]],
    shots: Path,
    viewport: dict[str, int],
) -> None:
    token = world["ru"]["admin"]
    page = open_as(browser, server, token, "ru", viewport)
    page.goto("/admin/alerts")
    text_ru = "Внимание: в регионе грипп. Спросите врача о прививке. 103/112."
    text_en = "Flu is spreading in the region. Ask your doctor about the jab. 103/112."
    page.fill("#alert-ru", text_ru)
    page.fill("#alert-en", text_en)
    zones = page.locator("select[name=timezone] option").all_inner_texts()
    assert len(zones) == 12 and zones[0] == "все часовые пояса" and "Москва" in zones
    page.select_option("select[name=timezone]", label="Москва")
    page.fill("input[name=week_from]", "30")
    page.fill("input[name=week_to]", "10")
    page.click("#dry-run")
    assert "позже недели «по»" in page.locator("#alert-result.error").inner_text()
    page.fill("input[name=week_from]", "")
    page.fill("input[name=week_to]", "")
    page.click("#dry-run")
    shown = page.locator("#alert-result.ok")
    shown.wait_for()
    expected = api(
        server,
        token,
        "POST",
        "/api/v1/alerts/dry-run",
        json={
            "text_ru": text_ru,
            "text_en": text_en,
            "timezone": "Europe/Moscow",
            "send_at": datetime.now(UTC).isoformat(),
        },
    ).json()
    recipients = ("получатель", "получателя", "получателей"), ("recipient", "recipients")
    assert shown.inner_text().startswith(
        f"{count_of(expected['recipients'], 'ru', *recipients)} · {number(expected['segments'], 'ru')} SMS · {money(expected['cost'], 'ru')}"
    )
    assert "(Москва)" in page.locator("tr[data-alert]").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(shots / f"alerts-{viewport['width']}.png"), full_page=True)
    page.context.close()
