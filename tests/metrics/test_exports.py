"""The evaluators' pseudonymous export, the Prometheus gauges, and no phone number anywhere in
any metrics output."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.admin.test_content_api import bearer
from tests.metrics.builders import moscow_day
from tests.metrics.scenario import build
from text4baby_ru.audit.models import AuditEvent
from text4baby_ru.auth.models import Role
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import OutboundMessage


def test_the_pseudonymous_export_has_every_row_and_no_number_or_text(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    admin = bearer(session, clock, Role.ADMIN)
    response = client.get("/api/v1/exports/pseudonymous", headers=admin)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    kinds = Counter(r["record"] for r in rows)
    messages = session.scalar(select(func.count()).select_from(OutboundMessage))
    assert kinds == {"enrollment": len(women), "message": messages}
    first = next(r for r in rows if r["enrollment"] == str(women[0].enrollment.id))
    assert first["due_week"] == "2027-W17" and first["track"] == "pregnancy"
    assert first["enrolled_on"] == "2026-11-02" and first["channel"] == "sms"
    pseudonyms = {r["subscriber"] for r in rows if r["record"] == "enrollment"}
    assert len(pseudonyms) == len(women)
    assert {r["subscriber"] for r in rows if r["record"] == "message"} <= pseudonyms
    assert "Текст совета" not in response.text
    assert not any(w.phone[1:] in response.text for w in women)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.entity for e in events] == ["pseudonymous_export"]


def test_prometheus_gauges_parse_and_match_the_database(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    response = client.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    enrollments = {
        (s.labels["status"], s.labels["track"]): s.value
        for s in families["t4b_enrollments"].samples
    }
    by_status = Counter((str(w.enrollment.status), str(w.enrollment.track)) for w in women)
    assert {k: v for k, v in enrollments.items() if v} == dict(by_status)
    outbox = {s.labels["status"]: s.value for s in families["t4b_outbox_messages"].samples}
    stored = Counter(str(s) for s in session.scalars(select(OutboundMessage.status)))
    in_flight = {"queued", "sending", "sent", "unknown"}
    assert outbox == {s: stored[s] for s in in_flight} and outbox["queued"] == 1
    # The queued tip of the "queued" woman was due at 07:00 UTC on 27 November.
    age = families["t4b_outbox_oldest_queued_age_seconds"].samples[0].value
    assert age == 3 * 24 * 3600
    last = families["t4b_last_tip_planned_timestamp_seconds"].samples[0].value
    # The tip written last (the planner writes them in time order; this test's rows are not).
    newest = select(OutboundMessage.created_at).order_by(OutboundMessage.id.desc()).limit(1)
    assert last == session.scalar(newest).timestamp()


def test_no_metrics_output_shows_a_phone_number(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    women = build(session, moscow_day(clock.now()))
    session.commit()
    admin = bearer(session, clock, Role.ADMIN)
    paths = [
        "/api/v1/metrics/summary",
        "/api/v1/metrics/dose",
        "/api/v1/metrics/behind",
        "/api/v1/metrics/distribution?metric=active_by_week",
        "/api/v1/metrics/distribution?metric=optouts_by_week",
        *(
            f"/api/v1/metrics/timeseries?metric={m}&from=2026-10-01&to=2026-12-31"
            for m in ("enrollments", "optouts", "messages", "delivery_rate", "segments")
        ),
    ]
    outputs = [
        client.get("/metrics").text,
        client.get("/api/v1/exports/pseudonymous", headers=admin).text,
    ]
    for path in paths:
        for fmt in ("json", "csv"):
            sep = "&" if "?" in path else "?"
            response = client.get(f"{path}{sep}format={fmt}", headers=admin)
            assert response.status_code == 200, path
            outputs.append(response.text)
    everything = "\n".join(outputs)
    for w in women:
        national = w.phone[2:]  # 916 000 xx xx
        assert national not in everything
    assert not re.search(r"\+7\d{10}", everything)


def test_prometheus_shows_each_routes_rate_its_throttled_answers_and_expired_tips(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    from text4baby_ru.delivery.models import MessageStatus
    from text4baby_ru.delivery.ratelimit import Answer, RateSlot, hear, reserve

    build(session, moscow_day(clock.now()))
    tip = session.scalars(select(OutboundMessage)).first()
    assert tip is not None
    tip.status, tip.error_code = MessageStatus.EXPIRED, "deadline"
    now = clock.now()
    reserve(session, gateway="twilio", segments=1, rate=10, now=now)
    refused = Answer(throttled=True, segments=1, sent_at=now)
    hear(session, gateway="twilio", ceiling=10, answers=[refused] * 12, now=now)
    slowed = session.get_one(RateSlot, "twilio").rate
    session.commit()
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    [rate] = families["t4b_route_rate_segments_per_second"].samples
    assert rate.labels == {"gateway": "twilio"} and rate.value == slowed and slowed < 10
    throttled = [s for s in families["t4b_route_throttled"].samples if s.name.endswith("_total")]
    assert [(s.labels["gateway"], s.value) for s in throttled] == [("twilio", 12)]
    expired = families["t4b_messages_expired_past_deadline"].samples
    assert [s.value for s in expired if s.name.endswith("_total")] == [1]


def test_every_csv_suppresses_small_counts_of_people_through_one_function() -> None:
    from text4baby_ru.metrics.tables import cell

    # One pregnancy loss, three women on the baby track: never written as such.
    assert cell("outcomes", 1) == "<5" and cell("by_track", 3) == "<5"
    assert cell("subscribers", 0) == 0 and cell("subscribers", 5) == 5
    assert cell("messages", 1) == 1  # messages are not people
