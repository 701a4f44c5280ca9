"""The dashboard as a programme manager opens it on a loaded database: the page (its headline
figures) and the data calls its charts then make, through the app in this process."""

from __future__ import annotations

import statistics
import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete

from bench.common import PASS_AT
from text4baby_ru.admin.pages.dashboard import API, _charts, _range
from text4baby_ru.auth.models import Role
from text4baby_ru.auth.service import create_user
from text4baby_ru.clock import FixedClock
from text4baby_ru.db import unit_of_work
from text4baby_ru.main import build_runtime, create_app
from text4baby_ru.metrics.days import REPORT_ZONE
from text4baby_ru.metrics.models import MetricSnapshot
from text4baby_ru.settings import Settings


def _data_calls(page_answers: set[str]) -> list[str]:
    """The API addresses the page's charts fetch (those it does not carry in the page)."""
    today = PASS_AT.astimezone(REPORT_ZONE).date()
    low, high, _ = _range(None, None, today)
    urls = [c["url"] for c in _charts(low, high, (high - low).days > 92)]
    return sorted({u for u in urls if u not in page_answers})


def run(url: str, repeats: int = 5) -> dict[str, Any]:
    """Seconds for the page with no stored dose and behind yet (the first read of the day
    counts them), then medians of `repeats` for the page and for all its data calls."""
    settings = Settings(  # type: ignore[call-arg]
        T4B_DATABASE_URL=url, T4B_SECRET_KEY="bench-key", T4B_PUBLIC_URL="https://bench.example"
    )
    runtime = build_runtime(settings, clock=FixedClock(PASS_AT))
    with unit_of_work(runtime.sessions) as session:
        _, token = create_user(session, name="Бенч Иванова", role=Role.VIEWER, now=PASS_AT)
        session.execute(delete(MetricSnapshot))
    with TestClient(create_app(runtime), base_url="https://testserver") as client:
        signed = client.post("/admin/sign-in", data={"token": token}, follow_redirects=False)
        assert signed.status_code == 303, signed.text

        def page() -> float:
            t0 = time.perf_counter()
            assert client.get("/admin/dashboard").status_code == 200
            return time.perf_counter() - t0

        calls = _data_calls({f"{API}/dose?", f"{API}/distribution?metric=active_by_week"})

        def data() -> float:
            t0 = time.perf_counter()
            for address in calls:
                assert client.get(address).status_code == 200, address
            return time.perf_counter() - t0

        first = page()
        pages = [page() for _ in range(repeats)]
        fetches = [data() for _ in range(repeats)]
    runtime.engine.dispose()
    return {
        "first_page_seconds": round(first, 3),
        "page_seconds": round(statistics.median(pages), 3),
        "data_calls": len(calls),
        "data_seconds": round(statistics.median(fetches), 3),
    }
