"""The admin pages in a real browser (headless Debian Chromium) against a served process: sign
in, edit a Russian text and watch the counter go from 2 to 3 SMS, publish it as a second person,
see the day's deliveries on the dashboard, enroll a pretend phone in the simulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from time import sleep
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.admin.browser import (
    INBOUND_SECRET,
    Server,
)
from text4baby_ru.kit.formats import money
from text4baby_ru.kit.segments import count
from text4baby_ru.metrics.summary import summary

pytestmark = [pytest.mark.slow, pytest.mark.browser]
KEY = "pregnancy.w25.1"
MOSCOW = ZoneInfo("Europe/Moscow")
# 122 UCS-2 units: two SMS (at most 134 = 2 x 67); the 13th character typed makes three.
TWO_PARTS = (
    "На 25-й неделе пейте больше воды и отдыхайте днём. Если болит живот или идёт кровь, "
    "сразу звоните 103 или 112. Вы не одна."
)
MORE = " Берегите себя!"
SAMPLES = [
    "",
    "Hello",
    "a" * 160,
    "a" * 161,
    "a" * 306,
    "a" * 307,
    "{curly} [square] ~tilde~ ^caret^ |bar| \\ €",
    "{" * 80,
    "{" * 81,
    "Привет",
    "я" * 70,
    "я" * 71,
    "я" * 134,
    "я" * 135,
    "Малыш 👶 растёт",
    "👶" * 35,
    "👶" * 36,
    "ёЁ çÇ \n\r",
    "Zürich à Ñandú É",
    TWO_PARTS,
    TWO_PARTS + MORE,
]


def signed_in(browser: Any, server: Server, token: str, language: str = "ru") -> Any:
    """A fresh browser context signed in through the form; its page."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, timezone_id="UTC"
    )
    page = context.new_page()
    page.goto(f"/admin/sign-in?lang={language}")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/dashboard")
    return page


def test_sign_in_with_a_token_shows_each_role_its_pages(
    browser: Any, server: Server, shots: Path
) -> None:
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto("/admin/content")
    assert page.url.endswith("/admin/sign-in?next=/admin/content")
    page.fill("#token", "t4b_not-a-token")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Токен не подходит или отозван."
    page.screenshot(path=str(shots / "sign-in.png"))
    context.close()

    viewer = signed_in(browser, server, server.token("viewer", "Наблюдатель"))
    assert viewer.locator("header nav a").all_inner_texts() == ["Сводка", "Опросы", "Симулятор"]
    viewer.goto("/admin/content")
    assert "недоступна для вашей роли" in viewer.locator("main").inner_text()
    cookies = viewer.context.cookies()
    session = next(c for c in cookies if c["name"] == "t4b_session")
    assert session["httpOnly"] and session["sameSite"] == "Strict"
    viewer.click("header button")  # sign out
    viewer.wait_for_url("**/admin/sign-in")
    viewer.goto("/admin/dashboard")
    assert "/admin/sign-in" in viewer.url
    viewer.context.close()


def test_the_counter_in_the_browser_agrees_with_python_on_every_sample(
    browser: Any, server: Server
) -> None:
    page = signed_in(browser, server, server.token("editor", "Счётчик"))
    page.goto(f"/admin/content/{KEY}")
    counted = page.evaluate("samples => samples.map(t => SmsSegments.count(t))", SAMPLES)
    for text, js in zip(SAMPLES, counted, strict=True):
        python = count(text)
        assert (js["encoding"], js["units"], js["segments"]) == (
            python.encoding,
            python.units,
            python.segments,
        ), text
    page.context.close()


def test_an_editor_watches_2_become_3_sms_and_a_reviewer_publishes(
    browser: Any, server: Server, shots: Path
) -> None:
    assert count(TWO_PARTS).segments == 2 and count(TWO_PARTS + MORE).segments == 3
    editor = signed_in(browser, server, server.token("editor", "Мария Петрова"))
    editor.goto(f"/admin/content/{KEY}")
    box = editor.locator("textarea[name=text-ru]")
    segments = editor.locator("#counter-ru [data-segments]")
    box.fill(TWO_PARTS)
    assert segments.inner_text() == "2"
    assert editor.locator("#counter-ru [data-encoding]").inner_text() == "UCS-2"
    box.press("End")
    seen = []
    for character in MORE:  # typed key by key; the counter follows every keystroke
        box.press_sequentially(character)
        seen.append(segments.inner_text())
        assert seen[-1] == str(count(box.input_value()).segments)
    assert seen[0] == "2" and seen[-1] == "3"
    # the preview renders it for the sample week, with its cost
    editor.wait_for_function(
        "document.querySelector('section[data-language=ru] [data-preview]').textContent"
        ".includes('Берегите себя')"
    )
    editor.click("section[data-language=ru] [data-save]")
    result = editor.locator("section[data-language=ru] [data-result]")
    result.filter(has_text="№").wait_for()
    assert "error" not in (result.get_attribute("class") or "")
    editor.screenshot(path=str(shots / "editor.png"), full_page=False)
    editor.goto("/admin/review")
    assert "опубликовать его должен другой человек" in editor.locator("main").inner_text()
    editor.context.close()

    token = server.token("reviewer", "Елена Смирнова")
    reviewer = signed_in(browser, server, token)
    reviewer.goto("/admin/review")
    card = reviewer.locator(f"section.draft[data-key='{KEY}'][data-language=ru]")
    assert "Берегите себя!" in card.locator(".diff-words ins").all_inner_texts()[-1]
    reviewer.screenshot(path=str(shots / "review.png"))
    card.locator("[data-publish]").click()
    card.locator("[data-result].ok").wait_for()
    live = httpx.get(
        f"{server.url}/api/v1/messages/{KEY}", headers={"Authorization": f"Bearer {token}"}
    ).json()["live"]["ru"]
    assert live["text"] == TWO_PARTS + MORE
    reviewer.context.close()


def _outside_quiet_hours() -> datetime:
    """Now, or the next 09:30 in Moscow when now is inside the quiet hours (21:00-09:00)."""
    now = datetime.now(UTC)
    local = now.astimezone(MOSCOW)
    if time(9) <= local.time() < time(21):
        return now
    day = local.date() + timedelta(days=1 if local.hour >= 21 else 0)
    return datetime.combine(day, time(9, 30), MOSCOW)


def enroll_at_clinic(server: Server, folder: Path, numbers: list[int]) -> None:
    """Women due in 20 weeks, enrolled by the clinic CSV import (+7 916 000-00-NN)."""
    clinic = folder / "clinic.csv"
    due = datetime.now(MOSCOW).date() + timedelta(weeks=20)
    rows = [f"+7916000{n:04d},ru,{due},,Europe/Moscow,2026-11-01T10:00:00+03:00" for n in numbers]
    clinic.write_text("phone,language,due_date,birth_date,timezone,consent_at\n" + "\n".join(rows))
    server.cli("subscribers", "import", str(clinic))


def test_staff_see_the_days_deliveries_on_the_dashboard(
    browser: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    enroll_at_clinic(server, tmp_path, [11, 12, 13])
    server.cli("dispatch", "--at", _outside_quiet_hours().isoformat())
    today = datetime.now(MOSCOW).date()
    engine = create_engine(server.env["T4B_DATABASE_URL"])
    with Session(engine) as session:
        expected = summary(session, start=today, end=today)
    engine.dispose()
    assert expected["messages"]["delivered"] >= 3

    page = signed_in(browser, server, server.token("viewer", "Программа"))
    page.goto(f"/admin/dashboard?start={today}&end={today}")
    bars = page.locator("[data-name=messages_by_status] rect")
    bars.first.wait_for(state="attached")
    drawn = {r.get_attribute("data-label"): int(r.get_attribute("data-value")) for r in bars.all()}
    assert drawn == expected["messages"]
    active = page.locator("[data-name=subscribers_by_status] rect[data-label=active]")
    assert int(active.get_attribute("data-value")) == expected["subscribers"]["active"]
    page.wait_for_function("[...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)")
    assert "+7916" not in page.content() and "0011" not in page.content()
    with page.expect_download() as download:
        page.click("section[aria-labelledby=headline] a[download]")
    csv = Path(download.value.path()).read_text()
    assert f"messages,delivered,{expected['messages']['delivered']}" in csv
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)
    page.context.close()


def test_the_timeseries_charts_draw_from_the_metrics_api(browser: Any, server: Server) -> None:
    token = server.token("viewer", "Графики")
    today = datetime.now(MOSCOW).date()
    url = f"{server.url}/api/v1/metrics/timeseries?metric=enrollments&from={today}&to={today}&interval=day"
    answer = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
    if answer.status_code == 404:
        pytest.skip("GET /api/v1/metrics/timeseries answers 404: the metrics API is not merged yet")
    series = answer.json()["series"]
    total = sum(p["value"] for s in series if s["name"] in ("ru", "en") for p in s["points"])
    page = signed_in(browser, server, token)
    page.goto(f"/admin/dashboard?start={today}&end={today}")
    chart = page.locator(".chart[data-name=enrollments_by_language]")
    page.wait_for_function(
        "document.querySelector('.chart[data-name=enrollments_by_language]').dataset.drawn"
    )
    drawn = chart.locator("circle").evaluate_all("cs => cs.map(c => Number(c.dataset.value))")
    assert sum(drawn) == total
    page.context.close()


def send(page: Any, text: str) -> None:
    """She types text on the pretend phone; wait for the simulator's answer."""
    page.fill("#sim-text", text)
    page.click("#sim-form button")
    page.wait_for_function("!document.body.dataset.busy")


def test_anyone_enrolls_a_pretend_phone_and_reads_her_first_week(
    browser: Any, server: Server, shots: Path
) -> None:
    page = signed_in(browser, server, server.token("viewer", "Гость"))
    page.goto("/admin/simulator")
    due = (datetime.now(MOSCOW).date() + timedelta(weeks=20)).strftime("%d.%m.%Y")
    send(page, f"МАМА {due}")
    assert due in page.locator(".bubble.out").first.inner_text()
    send(page, "Москва")
    assert "Москв" in page.locator(".bubble.out").last.inner_text()
    before = page.locator(".bubble.out").count()
    page.click("[data-step=week]")
    page.wait_for_function("!document.body.dataset.busy")
    tips = page.locator(".bubble.out time").all_inner_texts()[before:]
    assert len(tips) == 3 and all("10:00" in t for t in tips), tips
    page.screenshot(path=str(shots / "simulator.png"), full_page=True)
    # the real database has no trace of her
    engine = create_engine(server.env["T4B_DATABASE_URL"])
    with Session(engine) as session:
        assert json.dumps(summary(session)).count('"pending": 0') == 1
    engine.dispose()
    page.context.close()


def test_an_admin_looks_her_up_opts_her_out_and_erases_her(
    browser: Any, server: Server, tmp_path: Path, shots: Path
) -> None:
    enroll_at_clinic(server, tmp_path, [21])
    token = server.token("admin", "Администратор")
    page = signed_in(browser, server, token)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/admin/subscribers")
    page.fill("#phone", "+7 916 000-00-21")
    page.click("#lookup button")
    status = page.locator("#facts tr[data-fact=status] td").last
    status.filter(has_text="получает советы").wait_for()
    page.locator("#history tr").first.wait_for()
    assert "МАМА" not in page.locator("#history").inner_text()  # the welcome, not her texts
    page.screenshot(path=str(shots / "subscriber-lookup.png"))
    page.click("#opt-out")
    status.filter(has_text="отписалась").wait_for()
    page.click("#erase")
    page.locator("#found-result.ok").wait_for()
    gone = httpx.get(
        f"{server.url}/api/v1/subscribers/%2B79160000021",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert gone.status_code == 404
    page.context.close()


def test_an_admin_dry_runs_schedules_and_cancels_an_alert(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    enroll_at_clinic(server, tmp_path, [31, 32])
    token = server.token("admin", "Рассылки")
    page = signed_in(browser, server, token)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/admin/alerts")
    text_ru = "Внимание: в регионе грипп. Привейтесь, если врач советует. 103/112."
    text_en = "Flu is spreading in the region. Ask your doctor about the jab. 103/112."
    page.fill("#alert-ru", text_ru)
    page.fill("#alert-en", text_en)
    assert page.locator("#alert-counter-ru [data-segments]").inner_text() == str(
        count(text_ru).segments
    )
    page.select_option("select[name=track]", "pregnancy")
    send_at = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    page.fill("input[name=send_at]", send_at.astimezone(MOSCOW).strftime("%d.%m.%Y %H:%M"))
    page.click("#dry-run")
    page.locator("#alert-result.ok").wait_for()
    expected = httpx.post(
        f"{server.url}/api/v1/alerts/dry-run",
        json={
            "text_ru": text_ru,
            "text_en": text_en,
            "track": "pregnancy",
            "send_at": send_at.isoformat(),
        },
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert expected["recipients"] >= 2
    shown = page.locator("#alert-result")
    assert shown.get_attribute("data-recipients") == str(expected["recipients"])
    assert money(expected["cost"], "ru") in shown.inner_text()
    page.click("#alert button[type=submit]")
    page.wait_for_load_state("load")
    row = page.locator("tr[data-alert]").first
    row.locator("[data-status]", has_text="запланирована").wait_for()
    row.locator("[data-cancel]").click()
    row.locator("[data-status]", has_text="отменена").wait_for()
    page.context.close()


def test_support_sees_the_appointment_reminders_she_asked_for(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    enroll_at_clinic(server, tmp_path, [23])
    visit = datetime.now(MOSCOW).date() + timedelta(days=10)
    text = f"ВИЗИТ {visit:%d.%m} 14:30"
    params = {"secret": INBOUND_SECRET, "from": "+79160000023", "text": text}
    assert httpx.get(f"{server.url}/sms/kannel/inbound", params=params).status_code == 200
    token = server.token("admin", "Поддержка")
    api = f"{server.url}/api/v1/subscribers/%2B79160000023/reminders"
    for _ in range(100):  # her text is handled in the background, as a phone would wait
        listed = httpx.get(api, headers={"Authorization": f"Bearer {token}"}).json()
        if listed:
            break
        sleep(0.1)
    page = signed_in(browser, server, token)
    page.goto("/admin/subscribers")
    page.fill("#phone", "+7 916 000-00-23")
    page.click("#lookup button")
    row = page.locator("#reminders tr").first
    row.filter(has_text="ждёт").wait_for()
    assert row.inner_text().split("\t")[:3] == [f"{visit:%d.%m.%Y}", "14:30", "ждёт"]
    assert "Напоминания о визитах к врачу" in page.locator("#subscriber").inner_text()
    page.context.close()


def test_an_admin_dry_runs_and_starts_a_module_and_reads_its_results(
    browser: Any, server: Server, shots: Path
) -> None:
    page = signed_in(browser, server, server.token("admin", "Опросы"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/admin/modules")
    row = page.locator("[data-module=mood]")
    assert row.locator("[data-status]").inner_text() == "не запущен"
    row.locator("[data-action=dry-run]").click()
    page.locator("#module-result.ok").wait_for()
    assert "SMS" in page.locator("#module-result").inner_text()
    row.locator("[data-action=start]").click()
    page.wait_for_load_state()
    page.locator("[data-module=mood] [data-action=pause]").wait_for()
    assert page.locator("[data-module=mood] [data-status]").inner_text() == "идёт"
    page.screenshot(path=str(shots / "modules.png"), full_page=True)
    page.goto("/admin/modules/mood?lang=en")
    assert "Odds ratio (95% CI)" in page.locator("#arms").inner_text()
    page.context.close()
