"""The Kannel gateway's requests and how it reads smsbox's answers, against a local HTTP server
that answers as smsbox does (the whole route runs against a real Kannel in
tests/delivery/test_kannel_delivery.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.factories import make_enrollment
from tests.live import free_port
from text4baby_ru.clock import FixedClock
from text4baby_ru.delivery.models import MessageKind, MessageStatus, OutboundMessage
from text4baby_ru.delivery.sender import SendPolicy, send_due
from text4baby_ru.enrollment.models import Enrollment, SubscriberStatus
from text4baby_ru.gateways.base import (
    AmbiguousGatewayError,
    GatewayError,
    OutgoingSms,
    PermanentGatewayError,
    ThrottledGatewayError,
    TransientGatewayError,
)
from text4baby_ru.gateways.kannel import KannelGateway

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


class Smsbox(ThreadingHTTPServer):
    """Answers every sendsms request with (status, text), after a delay; keeps the queries."""

    answer: tuple[int, str] = (202, "0: Accepted for delivery")
    answers: list[tuple[int, str]]  # answered first, one per request, before `answer`
    headers: dict[str, str]
    delay = 0.0
    queries: list[dict[str, list[str]]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client that timed out has gone: nothing to report


class Handler(BaseHTTPRequestHandler):
    server: Smsbox

    def do_GET(self) -> None:
        self.server.queries.append(parse_qs(urlsplit(self.path).query))
        time.sleep(self.server.delay)
        answers = self.server.answers
        status, text = answers.pop(0) if answers else self.server.answer
        body = text.encode()
        self.send_response(status)
        for name, value in self.server.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def smsbox() -> Iterator[Smsbox]:
    server = Smsbox(("127.0.0.1", free_port()), Handler)
    server.queries, server.answers, server.headers = [], [], {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def gateway(port: int) -> KannelGateway:
    return KannelGateway(
        sendsms_url=f"http://127.0.0.1:{port}/cgi-bin/sendsms",
        user="text4baby",
        password="pw",
        sender="Text4baby",
        dlr_url="https://sms.example.org/sms/kannel/dlr?secret=s3cret-s3cret-s3cret",
        clock=FixedClock(NOW),
        timeout=0.5,
    )


def test_a_russian_text_goes_as_ucs2_with_a_delivery_report_url_carrying_our_id(
    smsbox: Smsbox,
) -> None:
    sms = OutgoingSms(
        41, "+79160000401", "Неделя 25: пора записаться к врачу.", NOW + timedelta(hours=11)
    )
    receipt = gateway(smsbox.server_port).send(sms)
    assert (receipt.provider_sid, receipt.status) == ("kannel-41", "sent")
    [query] = smsbox.queries
    assert query["text"] == [sms.body] and query["charset"] == ["UTF-8"]
    assert query["coding"] == ["2"] and query["from"] == ["Text4baby"]
    assert query["to"] == ["+79160000401"] and query["dlr-mask"] == ["31"]
    assert query["dlr-url"] == [
        "https://sms.example.org/sms/kannel/dlr?secret=s3cret-s3cret-s3cret&id=41&type=%d&answer=%A"
    ]
    assert query["validity"] == ["660"]  # minutes until her quiet hours


def test_an_english_text_goes_as_gsm7_and_a_reply_outside_the_programme_asks_no_report(
    smsbox: Smsbox,
) -> None:
    gateway(smsbox.server_port).send(OutgoingSms(0, "+77010000000", "Sorry, Russia only."))
    [query] = smsbox.queries
    assert query["coding"] == ["0"] and "dlr-url" not in query and "validity" not in query


@pytest.mark.parametrize(
    ("status", "text", "kind", "code"),
    [
        (202, "3: Queued for later delivery", None, None),
        (503, "Temporal failure, try again later.", ThrottledGatewayError, "http503"),
        (429, "Too Many Requests", ThrottledGatewayError, "http429"),
        (403, "Authorization failed for sendsms", TransientGatewayError, "auth"),
        (403, "Not routable. Do not try again.", PermanentGatewayError, "http403"),
        (400, "Missing receiver number, rejected", PermanentGatewayError, "http400"),
        (500, "Sending failed.", AmbiguousGatewayError, "http500"),
    ],
)
def test_smsbox_answers_map_onto_sent_transient_permanent_or_ambiguous(
    smsbox: Smsbox, status: int, text: str, kind: type[GatewayError] | None, code: str | None
) -> None:
    smsbox.answer = (status, text)
    sms = OutgoingSms(7, "+79160000402", "Текст")
    if kind is None:
        assert gateway(smsbox.server_port).send(sms).status == "sent"
        return
    with pytest.raises(kind) as raised:
        gateway(smsbox.server_port).send(sms)
    assert raised.value.code == code


def test_a_timeout_is_ambiguous_and_a_refused_connection_is_transient(smsbox: Smsbox) -> None:
    smsbox.delay = 1.5
    with pytest.raises(AmbiguousGatewayError):  # smsbox may have taken it: never resent blindly
        gateway(smsbox.server_port).send(OutgoingSms(8, "+79160000403", "Текст"))
    with pytest.raises(TransientGatewayError):  # nothing listens: it never reached Kannel
        gateway(free_port()).send(OutgoingSms(9, "+79160000403", "Текст"))


def test_a_rate_limited_sendsms_says_when_to_come_back(smsbox: Smsbox) -> None:
    smsbox.answer, smsbox.headers = (429, "Too Many Requests"), {"Retry-After": "7"}
    with pytest.raises(ThrottledGatewayError) as raised:
        gateway(smsbox.server_port).send(OutgoingSms(7, "+79160000402", "Текст"))
    assert raised.value.retry_after == 7


def test_429s_from_sendsms_are_retried_and_never_pause_her(
    smsbox: Smsbox, session: Session, sessions: sessionmaker[Session], clock: FixedClock
) -> None:
    enrollment = make_enrollment(session)
    message = OutboundMessage(
        kind=MessageKind.TIP,
        person_id=enrollment.person_id,
        enrollment_id=enrollment.id,
        content_key="pregnancy.w20.1",
        language="ru",
        body="Текст",
        status=MessageStatus.QUEUED,
        due_at=clock.now(),
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    session.add(message)
    session.commit()
    smsbox.answers = [(429, "Too Many Requests")] * 4  # more than T4B_MAX_FAILURES in a row
    report = send_due(
        sessions=sessions,
        gateway=gateway(smsbox.server_port),
        clock=clock,
        worker="t",
        policy=SendPolicy(max_failures=3, rate=1000),
    )
    session.expire_all()
    row, her = (
        session.get_one(OutboundMessage, message.id),
        session.get_one(Enrollment, enrollment.id),
    )
    assert (report.throttled, report.sent, len(smsbox.queries)) == (4, 1, 5)
    assert row.status is MessageStatus.SENT and row.attempts == 1
    assert her.status is SubscriberStatus.ACTIVE and her.failures_in_a_row == 0
