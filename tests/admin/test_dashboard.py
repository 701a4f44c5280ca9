"""The dashboard page without a browser: the headline figures agree with the metrics API, each
has its definition in words, the Russian page has no English word, dates are read as a Russian
types them, and every CSV the page offers writes counts of 1 to 4 people as <5, for every role."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.admin.test_pages import sign_in
from tests.factories import make_enrollment, make_person
from tests.metrics import scenario
from text4baby_ru.admin.pages.dashboard_words import RU_DEFINITIONS
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.enrollment.models import Channel, Language, SubscriberStatus
from text4baby_ru.metrics.definitions import DEFINITIONS
from text4baby_ru.metrics.tables import PEOPLE_METRICS

TODAY = date(2026, 11, 30)
PERIOD = "start=01.11.2026&end=30.11.2026"
ROLES = (Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER)


def _data(session: Session) -> None:
    """The metrics scenario (ten women, small counts everywhere), one loss, one completion and
    an English-speaking woman who came through a clinic."""
    scenario.build(session, TODAY)
    ended = datetime(2026, 11, 20, 9, tzinfo=UTC)
    make_enrollment(
        session, status=SubscriberStatus.ENDED, end_reason="loss", ended_at=ended,
        created_at=ended, activated_at=ended,
    )  # fmt: skip
    make_enrollment(
        session, status=SubscriberStatus.COMPLETED, ended_at=ended, created_at=ended,
        activated_at=ended,
    )  # fmt: skip
    english = make_person(session, language=Language.EN)
    make_enrollment(session, english, channel=Channel.IMPORT, created_at=ended, activated_at=ended)
    session.commit()


class _Text(HTMLParser):
    """The words a reader sees in <main> (no script, no attribute)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside, self.skip, self.words = False, False, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside |= tag == "main"
        self.skip = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.skip = False if tag == "script" else self.skip

    def handle_data(self, data: str) -> None:
        if self.inside and not self.skip:
            self.words.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.words)


def cards(html: str) -> dict[str, str]:
    """Each headline card's figure by its key."""
    found = re.findall(
        r'data-figure="([a-z_]+)">\s*<h3>[^<]*</h3>\s*<p class="value">([^<]*)</p>', html
    )
    return {key: unescape(value) for key, value in found}


def test_the_headline_figures_are_the_apis_figures_in_russian_writing(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _data(session)
    sign_in(client, session, clock, Role.VIEWER)
    html = client.get(f"/admin/dashboard?{PERIOD}").text
    shown = cards(html)
    assert list(shown) == [
        "new_enrollments", "delivery_rate", "segments_cost", "optouts", "active_now",
        "median_to_deliver", "losses", "completions", "dose", "behind",
    ]  # fmt: skip
    api = client.get("/api/v1/metrics/summary?from=2026-11-01&to=2026-11-30").json()
    joined = client.get(
        "/api/v1/metrics/timeseries?metric=enrollments&from=2026-11-01&to=2026-11-30"
    ).json()
    new = sum(
        p["value"] for s in joined["series"] if s["name"] in ("ru", "en") for p in s["points"]
    )
    assert new > 0 and shown["new_enrollments"].split()[0] == str(new)
    outcomes = api["outcomes"]
    assert outcomes["losses"] == 1 and shown["losses"] == "1 женщина"
    assert outcomes["completions"] == 1 and shown["completions"] == "1 женщина"
    assert shown["optouts"].startswith(f"{outcomes['optouts']} ")
    cost = api["delivery"]["cost"]
    assert cost > 0 and re.fullmatch(
        r"\d{1,3}(\u00a0\d{3})*,\d\d\u00a0руб\.", shown["segments_cost"]
    )
    assert shown["segments_cost"].replace("\u00a0", "").startswith(f"{cost:.2f}".replace(".", ","))
    rate = api["delivery"]["rate"]
    assert shown["delivery_rate"] == f"{rate * 100:.1f}".replace(".", ",") + "\u00a0%"
    behind = client.get("/admin/dashboard").text  # viewers see the count, not the admin's list
    assert 'data-figure="behind"' in behind
    assert "2026-11" not in visible(html)  # dates as 30.11.2026, never ISO on the page
    assert "01.11.2026 – 30.11.2026" in visible(html)


def test_every_figure_and_chart_has_its_definition_in_the_pages_language(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    _data(session)
    sign_in(client, session, clock, Role.VIEWER)
    russian = unescape(client.get(f"/admin/dashboard?{PERIOD}").text)
    english = unescape(client.get(f"/admin/dashboard?{PERIOD}&lang=en").text)
    for key in ("active_by_week", "enrollments", "delivery_rate", "median_to_deliver",
                "segments", "optouts", "losses", "completions", "behind", "optouts_by_week"):  # fmt: skip
        assert DEFINITIONS[key] in english, key
        assert RU_DEFINITIONS[key] in russian, key
    assert russian.count('class="definition"') == 10 + 11  # every card and every chart
    words = re.findall(r"[A-Za-z]{2,}", visible(russian))
    assert set(words) <= {"SMS", "CSV"}, words
    # the one Russian word on the English page is the SMS keyword she types (ПОТЕРЯ)
    assert not re.findall(r"[А-Яа-яЁё]", visible(english).replace("ПОТЕРЯ", ""))


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("start=03.11.2026&end=10.11.2026", "03.11.2026 – 10.11.2026"),
        ("start=2026-11-03&end=2026-11-10", "03.11.2026 – 10.11.2026"),
        ("start=hello", "01.11.2026 – 30.11.2026"),
        ("start=20.11.2026&end=10.11.2026", "01.11.2026 – 30.11.2026"),
        ("start=01.01.2025&end=30.11.2026", "01.11.2026 – 30.11.2026"),
    ],
)
def test_dates_are_read_as_typed_and_a_bad_period_is_explained(
    client: TestClient, session: Session, clock: FixedClock, query: str, shown: str
) -> None:
    sign_in(client, session, clock, Role.VIEWER)
    page = client.get(f"/admin/dashboard?{query}")
    assert page.status_code == 200
    assert shown in visible(page.text)
    if "hello" in query:
        assert "пишите так: 30.11.2026" in page.text
    elif query.startswith(("start=20.11", "start=01.01")):
        assert "позже конца или период длиннее" in page.text


def _people_cells(url: str, text: str) -> list[str]:
    """The cells of a downloaded CSV that count people."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if "/summary" in url:
        people = ("subscribers", "subscribers_by_track", "outcomes")
        return [r[2] for r in body if r[0] in people]
    if "/timeseries" in url:
        metric = re.search(r"metric=([a-z_]+)", url)
        assert metric
        return [v for r in body for v in r[1:]] if metric.group(1) in PEOPLE_METRICS else []
    if "/distribution" in url:
        return [r[header.index("value")] for r in body]
    if "/dose" in url:
        return [r[header.index("subscribers")] for r in body]
    raise AssertionError(f"a CSV the test does not know: {url}")


@pytest.mark.parametrize("role", ROLES)
def test_every_csv_the_dashboard_offers_writes_small_counts_as_under_5(
    client: TestClient, session: Session, clock: FixedClock, role: Role
) -> None:
    _data(session)
    sign_in(client, session, clock, role)
    html = client.get(f"/admin/dashboard?{PERIOD}").text
    links = [unescape(h) for h in re.findall(r'href="([^"]+)"[^>]*\bdownload\b', html)]
    assert len(links) == 12  # the summary and each of the 11 charts
    links.append("/admin/dashboard.csv?start=01.11.2026&end=30.11.2026")  # the old address
    suppressed = 0
    for url in links:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer.headers["content-type"].startswith("text/csv"), url
        cells = _people_cells(str(answer.url), answer.text)
        small = [c for c in cells if c in ("1", "2", "3", "4")]
        assert not small, (url, small)
        suppressed += cells.count("<5")
    assert suppressed >= 20  # the data has small counts, and every CSV hid them
