"""The dashboard, every page at phone width, and /docs, in headless Debian Chromium against a
served process with data: charts that tell the truth, legible at 390 px, drawn in under a
second; no page wider than a phone for any role; /docs with no request leaving the server."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

from tests.admin.browser import Server, served
from tests.admin.test_dashboard import _data
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.enrollment.models import (
    Channel,
    Enrollment,
    Language,
    Person,
    SubscriberStatus,
    Track,
)

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CROWD = 1_500  # women, with up to 15,000 tips
END = datetime(2026, 11, 30, tzinfo=UTC)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
KEY = "pregnancy.w25.1"
# Playwright, one headless Chromium and the screenshots folder come from tests/admin/conftest.py.
DRAWN = "[...document.querySelectorAll('.chart')].every(c => c.dataset.drawn)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sync_api: Any) -> Iterator[Server]:
    with served(tmp_path_factory.mktemp("dashboard")) as running:
        engine = create_engine(running.env["T4B_DATABASE_URL"])
        with Session(engine) as session:
            _data(session)
            _crowd(session, CROWD)
        engine.dispose()
        yield running


def _send_days(joined: datetime) -> list[datetime]:
    """07:00 UTC (10:00 in Moscow) of each Monday, Wednesday and Friday after she joined, to
    yesterday: the days the sender would have sent her a tip."""
    days = (joined.date() + timedelta(days=n) for n in range(1, 40))
    return [
        datetime.combine(d, datetime.min.time(), UTC) + timedelta(hours=7)
        for d in days
        if d.weekday() in (0, 2, 4) and d < END.date()
    ]


def _crowd(session: Session, women: int) -> None:
    """Women enrolled through November 2026 at every week of pregnancy, up to ten tips each with
    mixed outcomes (on the sender's days): enough rows that a slow query or a slow chart shows in the timing."""
    start = datetime(2026, 11, 1, 7, tzinfo=UTC)
    statuses = [MessageStatus.DELIVERED] * 7 + [MessageStatus.FAILED, MessageStatus.SENT,
                                                 MessageStatus.UNDELIVERED]  # fmt: skip
    people = [
        {"phone": f"+7916000{5000 + i:04d}", "phone_hash": f"crowd-{i}", "created_at": start,
         "language": Language.EN if i % 7 == 0 else Language.RU, "timezone": "Europe/Moscow"}
        for i in range(women)
    ]  # fmt: skip
    session.execute(insert(Person), people)
    ids = session.scalars(select(Person.id).where(Person.phone_hash.like("crowd-%"))).all()
    enrollments = []
    for n, person_id in enumerate(ids):
        joined = start + timedelta(days=n % 29, minutes=n)
        enrollments.append(
            {"person_id": person_id, "status": SubscriberStatus.ACTIVE, "track": Track.PREGNANCY,
             "due_date": date(2027, 8, 1) - timedelta(days=n % 250), "channel": list(Channel)[n % 3],
             "consent_at": joined, "created_at": joined, "updated_at": joined,
             "activated_at": joined}
        )  # fmt: skip
    session.execute(insert(Enrollment), enrollments)
    rows = session.execute(
        select(Enrollment.id, Enrollment.person_id, Enrollment.created_at).where(
            Enrollment.person_id.in_(ids)
        )
    ).all()
    messages = [
        {"kind": MessageKind.TIP, "person_id": person_id, "enrollment_id": enrollment_id,
         "content_key": f"pregnancy.crowd{k}", "language": "ru", "track": "pregnancy",
         "week": 20, "slot": 1, "segments": 2, "status": statuses[(enrollment_id + k) % 10],
         "due_at": at, "created_at": at, "updated_at": at, "body": "Текст совета"}
        for enrollment_id, person_id, joined in rows
        for k, at in enumerate(_send_days(joined.replace(tzinfo=UTC))[:10])
    ]  # fmt: skip
    session.execute(insert(OutboundMessage), messages)
    session.commit()


def signed_in(
    browser: Any, server: Server, role: str, size: dict[str, int], lang: str = "ru"
) -> Any:
    context = browser.new_context(base_url=server.url, viewport=size, timezone_id="Europe/Moscow")
    page = context.new_page()
    page.goto(f"/admin/sign-in?lang={lang}")
    page.fill("#token", server.token(role, "Анна Иванова"))
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/dashboard")
    page.wait_for_function(DRAWN)
    return page


def texts(locator: Any) -> list[str]:
    """The text of SVG elements (which have no innerText)."""
    return list(locator.evaluate_all("ts => ts.map(t => t.textContent)"))


def number(text: str) -> float:
    return float(re.sub(r"\s", "", text).replace(",", "."))


def test_the_charts_tell_the_truth_and_draw_in_under_a_second(
    browser: Any, server: Server, shots: Path
) -> None:
    page = signed_in(browser, server, "viewer", DESKTOP)
    # The best of three loads: the machine is shared, and the best run is the code's own cost.
    times = []
    for _ in range(3):
        started = time.perf_counter()
        page.goto("/admin/dashboard?start=01.11.2026&end=30.11.2026")
        page.wait_for_function(DRAWN)
        times.append(time.perf_counter() - started)
        server_side = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            " return Math.round(n.responseStart - n.requestStart); })()"
        )
        print(f"drawn in {times[-1]:.3f} s, the page's HTML took {server_side} ms")
    assert min(times) < 1.0, f"the dashboard took {min(times):.2f} s to draw ({CROWD} women more)"
    charts = page.locator(".chart").all()
    assert len(charts) == 11
    for chart in charts:
        name = chart.get_attribute("data-name")
        title = chart.locator("h3").inner_text()
        if chart.locator(".nodata").count():
            continue
        svg = chart.locator(".plot svg")
        assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label") == title
        assert chart.locator("details.table-view table tbody tr").count() > 0, name
        axis = "text.xlabel" if chart.get_attribute("data-kind") == "status" else "text.tick"
        ticks = [number(t) for t in texts(svg.locator(axis))]
        assert ticks[0] == 0 and all(t == int(t) for t in ticks), (name, ticks)
        steps = {b - a for a, b in pairwise(ticks)}
        assert len(steps) == 1, (name, ticks)  # evenly spaced
        highest = max(float(v) for v in svg.locator("[data-value]").evaluate_all(
            "ms => ms.map(m => m.dataset.value)"))  # fmt: skip
        assert ticks[-1] >= highest, (name, ticks, highest)
        kind = chart.get_attribute("data-kind")
        assert (svg.locator("polyline").count() > 0) == (kind == "lines"), name
    # distributions are bars, one per week
    weeks = page.locator(".chart[data-name=active_pregnancy] rect")
    api = page.request.get("/api/v1/metrics/distribution?metric=active_by_week").json()
    pregnancy = next(s["points"] for s in api["series"] if s["name"] == "pregnancy")
    drawn = weeks.evaluate_all(
        "rs => rs.map(r => [Number(r.dataset.label), Number(r.dataset.value)])"
    )
    assert drawn == [[p["week"], p["value"]] for p in pregnancy]
    # a colour and a dash pattern per status, named in Russian in the legend
    lines = page.locator(".chart[data-name=messages_over_time] polyline")
    styles = lines.evaluate_all(
        "ls => ls.map(l => [l.getAttribute('stroke'), l.getAttribute('stroke-dasharray')])"
    )
    assert len(styles) >= 2 and len({s[0] for s in styles}) == len({s[1] for s in styles}) == len(
        styles
    )
    legend = page.locator(".chart[data-name=messages_over_time] .legend li").all_inner_texts()
    assert "доставлено" in legend and not any(re.search("[a-z]", t) for t in legend)
    fills = page.locator(".chart[data-name=messages_by_status] rect").evaluate_all(
        "rs => rs.map(r => r.getAttribute('fill'))"
    )
    assert len(set(fills)) == len(fills) == 9
    # enrollments by language and by channel are two charts
    assert page.locator(".chart[data-name=enrollments_by_language] .legend li").all_inner_texts() == [
        "русский", "английский"]  # fmt: skip
    page.screenshot(path=str(shots / "dashboard-ru-1366.png"), full_page=True)
    page.goto("/admin/dashboard?start=01.11.2026&end=30.11.2026&lang=en")
    page.wait_for_function(DRAWN)
    page.screenshot(path=str(shots / "dashboard-en-1366.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_dashboard_is_legible_on_a_390_px_phone(
    browser: Any, server: Server, shots: Path, lang: str
) -> None:
    page = signed_in(browser, server, "viewer", PHONE, lang)
    page.goto(f"/admin/dashboard?start=01.11.2026&end=30.11.2026&lang={lang}")
    page.wait_for_function(DRAWN)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    lefts = page.locator(".figure").evaluate_all(
        "fs => fs.map(f => f.getBoundingClientRect().left)"
    )
    assert len(lefts) == 10 and len(set(lefts)) == 1  # the cards in one column
    problems = page.evaluate(
        """() => [...document.querySelectorAll('.chart svg text')].flatMap(t => {
             const box = t.getBoundingClientRect(), svg = t.ownerSVGElement.getBoundingClientRect();
             const size = parseFloat(getComputedStyle(t).fontSize);
             const out = [];
             if (size < 12) out.push('small ' + size + ' ' + t.textContent);
             if (box.left < svg.left - 0.5 || box.right > svg.right + 0.5 ||
                 box.top < svg.top - 0.5 || box.bottom > svg.bottom + 0.5)
               out.push('clipped ' + t.textContent);
             return out;
           })"""
    )
    assert not problems, problems
    page.screenshot(path=str(shots / f"dashboard-{lang}-390.png"))  # what a phone shows first
    page.locator(".chart[data-name=messages_over_time]").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"dashboard-{lang}-390-charts.png"))
    page.context.close()


PAGES = {
    "viewer": ["/admin/dashboard", "/admin/modules", "/admin/simulator"],
    "editor": ["/admin/dashboard", "/admin/content", f"/admin/content/{KEY}", "/admin/review",
               "/admin/modules", "/admin/simulator"],
    "reviewer": ["/admin/dashboard", "/admin/content", f"/admin/content/{KEY}", "/admin/review",
                 "/admin/modules", "/admin/simulator"],
    "admin": ["/admin/dashboard", "/admin/content", f"/admin/content/{KEY}", "/admin/review",
              "/admin/subscribers", "/admin/alerts", "/admin/modules", "/admin/simulator"],
}  # fmt: skip


@pytest.fixture(scope="module")
def with_work(server: Server) -> str:
    """A draft awaiting review and a scheduled alert on the pages; a woman's number to look up."""
    long_text = (
        "На 25-й неделе пейте больше воды и отдыхайте днём. Если болит живот или идёт кровь, "
        "сразу звоните 103 или 112. Подробности: https://example.org/очень-длинный-адрес-без-пробелов"
    )
    editor = {"Authorization": f"Bearer {server.token('editor', 'Мария')}"}
    admin = {"Authorization": f"Bearer {server.token('admin', 'Ольга')}"}
    draft = httpx.patch(
        f"{server.url}/api/v1/messages/{KEY}",
        json={"language": "ru", "text": long_text},
        headers=editor,
    )
    assert draft.status_code == 200, draft.text
    alert = httpx.post(
        f"{server.url}/api/v1/alerts",
        json={
            "text_ru": "Внимание: в регионе грипп. Привейтесь, если врач советует. 103/112.",
            "text_en": "Flu is spreading in the region. Ask your doctor about the jab. 103/112.",
            "send_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
        headers=admin,
    )
    assert alert.status_code == 201, alert.text
    engine = create_engine(server.env["T4B_DATABASE_URL"])
    with Session(engine) as session:
        phone = session.scalars(select(OutboundMessage.person_id).limit(1)).first()
        number = session.get(Person, phone).phone  # type: ignore[union-attr]
    engine.dispose()
    assert number
    return str(number)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_no_page_is_wider_than_a_phone_for_any_role(
    browser: Any, server: Server, lang: str, with_work: str, shots: Path
) -> None:
    wide = []
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    page = context.new_page()
    for path in ("/admin/sign-in", "/join", "/en/join"):
        page.goto(f"{path}?lang={lang}")
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide.append(path)
    context.close()
    for role, paths in PAGES.items():
        page = signed_in(browser, server, role, PHONE, lang)
        offered = {
            h for h in page.locator("header nav a").evaluate_all("as => as.map(a => a.pathname)")
        }
        assert offered <= set(paths), (role, offered)
        for path in paths:
            page.goto(path)
            if path == "/admin/subscribers":  # her facts and both sides of her conversation
                page.fill("#phone", with_work)
                page.click("#lookup button")
                page.locator("#history tr").first.wait_for()
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            if role == "admin" and lang == "ru" and path != "/admin/dashboard":
                name = path.strip("/").replace("/", "-").replace(".", "-")
                page.screenshot(path=str(shots / f"phone-{name}.png"), full_page=True)
            if width > PHONE["width"]:
                wide.append(f"{role} {path}: {width} px")
        page.context.close()
    assert not wide, wide


def test_docs_render_with_no_request_leaving_the_server(browser: Any, server: Server) -> None:
    context = browser.new_context(base_url=server.url, viewport=DESKTOP)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/docs")
    page.locator(".opblock").first.wait_for(timeout=15_000)
    assert page.locator(".opblock-summary-path").filter(has_text="/api/v1/metrics/summary").count()
    assert page.locator(".opblock").count() > 20
    outside = [u for u in requested if not u.startswith((server.url, "data:", "blob:"))]
    assert not outside, outside
    assert any(u.endswith("/docs/static/swagger-ui-bundle.js") for u in requested)
    context.close()
