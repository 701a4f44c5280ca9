"""A local server that speaks the parts of Twilio's REST API the sender uses, for tests,
development and benchmarks: create and list messages, signed status callbacks, and switches
for errors, rate limits, latency and outages. It drives the real `twilio` client over HTTP.

    python -m devtools.twilio_mock --port 8901 --token TOKEN

Then run the service with T4B_SMS_GATEWAY=twilio, T4B_TWILIO_API_BASE=http://127.0.0.1:8901,
TWILIO_ACCOUNT_SID=AC..., TWILIO_AUTH_TOKEN=TOKEN, TWILIO_FROM_NUMBER=+7...
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import random
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

from twilio.request_validator import RequestValidator

from text4baby_ru.kit.segments import count

_MESSAGES = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages(?:/(?P<sid>SM\w+))?\.json$"
)


@dataclass
class Faults:
    """Switches a test flips: error shares, latency, a rate limit, an outage, callback outcomes."""

    error_share: dict[int, float] = field(default_factory=dict)  # status -> share of requests
    latency: float = 0.0  # seconds before answering a create
    slow_every: int = 0  # every n-th create is kept, then answered only after slow_seconds
    slow_seconds: float = 0.0  # longer than the client's timeout: it cannot know it was taken
    rate_limit: float | None = None  # segments per second (as Twilio counts) before 429
    throttle_every: int = 0  # every n-th create is answered 429 (Twilio 20429)
    retry_after: float | None = None  # a Retry-After header (seconds) on every 429
    commit_then_fail: bool = False  # with 5xx: keep the message anyway (an ambiguous outcome)
    callbacks: bool = True
    undelivered: dict[str, str] = field(default_factory=dict)  # number -> callback error code
    rejected: dict[str, int] = field(default_factory=dict)  # number -> 400 error code at create
    omit_sid: bool = False  # answer without "sid", as some Twilio-compatible APIs do


class TwilioMock:
    """The server: start() in a thread, or as a process: `python -m devtools.twilio_mock`."""

    def __init__(
        self,
        *,
        token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.now = now  # the provider's clock (tests hand it theirs)
        self._connections: set[socket.socket] = set()
        self.faults = Faults()
        self.messages: list[dict[str, Any]] = []
        self.creates = 0  # create requests seen, accepted or not
        self.slow = 0  # creates answered too late (kept, but the client timed out)
        self.throttled = 0  # creates answered 429
        self.accepted_at: list[float] = []  # monotonic instant of each accepted create
        self._lock = threading.Lock()
        self._accepted = threading.Condition(self._lock)  # notified at each accepted message
        self._bucket: tuple[float, float] | None = None  # (tokens, at): full at first use
        self._host, self._port = host, port
        self._server: ThreadingHTTPServer | None = None
        self._callbacks: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """The API base for T4B_TWILIO_API_BASE."""
        return f"http://{self._host}:{self._port}"

    def start(self) -> TwilioMock:
        """Listen (again) on the same port, serving in a background thread."""
        handler = type("Handler", (_Handler,), {"mock": self})
        self._server = ThreadingHTTPServer((self._host, self._port), handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening and drop open connections: clients now get 'connection refused'."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections.clear()

    def wait_for_callbacks(self, timeout: float = 10) -> None:
        """Block until every status callback has been posted."""
        for thread in list(self._callbacks):
            thread.join(timeout)

    def wait_for_messages(self, count: int, timeout: float) -> bool:
        """Block until the provider has accepted at least count messages (no polling); False
        if the timeout passed first."""
        with self._accepted:
            return self._accepted.wait_for(lambda: len(self.messages) >= count, timeout)

    def sent_bodies(self) -> list[tuple[str, str]]:
        """(to, body) of every message the provider accepted."""
        with self._lock:
            return [(m["to"], m["body"]) for m in self.messages]

    def _rate_limited(self, segments: int) -> bool:
        limit = self.faults.rate_limit
        if limit is None:
            return False
        with self._lock:
            tokens, at = self._bucket or (limit, time.monotonic())
            now = time.monotonic()
            tokens = min(limit, tokens + (now - at) * limit)
            if tokens < segments:
                self._bucket = (tokens, now)
                return True
            self._bucket = (tokens - segments, now)
            return False

    def create(self, account: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Handle a create request as Twilio would, faults included."""
        with self._lock:
            self.creates += 1
            number = self.creates
        if self.faults.latency:
            time.sleep(self.faults.latency)
        every = self.faults.throttle_every
        if (every and number % every == 0) or self._rate_limited(
            count(form.get("Body", "")).segments or 1
        ):
            with self._lock:
                self.throttled += 1
            return 429, _error(20429, "Too Many Requests", 429)
        failure = _draw(self.faults.error_share)
        if failure and not (failure >= 500 and self.faults.commit_then_fail):
            return failure, _error(20500 if failure >= 500 else 20429, "Injected failure", failure)
        to = form.get("To", "")
        if to in self.faults.rejected:
            return 400, _error(self.faults.rejected[to], "Injected rejection", 400)
        if not to.startswith("+"):
            return 400, _error(21211, f"The 'To' number {to} is not a valid phone number.", 400)
        now = self.now()
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "account_sid": account,
            "to": to,
            "from": form.get("From") or form.get("MessagingServiceSid"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "body": form.get("Body", ""),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "date_created": format_datetime(_utc(now), usegmt=True),
            "date_updated": format_datetime(_utc(now), usegmt=True),
            "date_sent": format_datetime(_utc(now), usegmt=True),
            "_sent_at": now,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{account}/Messages/SM.json",
        }
        with self._lock:
            self.messages.append(message)
            self.accepted_at.append(time.monotonic())
            self._accepted.notify_all()
        if form.get("StatusCallback") and self.faults.callbacks:
            thread = threading.Thread(
                target=self._post_callbacks, args=(message, form["StatusCallback"]), daemon=True
            )
            self._callbacks.append(thread)
            thread.start()
        if failure:
            return failure, _error(20500, "Injected failure after accepting", failure)
        if self.faults.slow_every and number % self.faults.slow_every == 0:
            with self._lock:
                self.slow += 1
            time.sleep(self.faults.slow_seconds)
        answer = _public(message)
        if self.faults.omit_sid:
            del answer["sid"]
        return 201, answer

    def list(self, account: str, query: dict[str, str]) -> dict[str, Any]:
        """Messages filtered by To and DateSent>, newest first, in one page."""
        after = query.get("DateSent>")
        since = _parse_iso(after) if after else 0.0
        with self._lock:
            found = [
                _public(m)
                for m in reversed(self.messages)
                if m["account_sid"] == account
                and (not query.get("To") or m["to"] == query["To"])
                and m["_sent_at"] >= since
            ]
        return {
            "messages": found,
            "end": max(0, len(found) - 1),
            "first_page_uri": "",
            "next_page_uri": None,
            "page": 0,
            "page_size": len(found),
            "previous_page_uri": None,
            "start": 0,
            "uri": "",
        }

    def _post_callbacks(self, message: dict[str, Any], url: str) -> None:
        code = self.faults.undelivered.get(message["to"])
        for status in ("sent", "undelivered" if code else "delivered"):
            params = {
                "MessageSid": message["sid"],
                "MessageStatus": status,
                "AccountSid": message["account_sid"],
                "To": message["to"],
            }
            if status == "undelivered" and code:
                params["ErrorCode"] = code
            signature = RequestValidator(self.token).compute_signature(url, params)
            request = Request(
                url,
                data=urlencode(params).encode(),
                method="POST",
                headers={
                    "X-Twilio-Signature": signature,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            # Twilio gives up on a callback URL that does not answer, too.
            with contextlib.suppress(OSError):
                urlopen(request, timeout=10).close()
            message["status"] = status


def _utc(seconds: float) -> Any:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(seconds, UTC)


def _parse_iso(text: str) -> float:
    from datetime import UTC, datetime

    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _draw(shares: dict[int, float]) -> int | None:
    roll, total = random.random(), 0.0
    for status, share in shares.items():
        total += share
        if roll < total:
            return status
    return None


def _error(code: int, message: str, status: int) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _public(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if not k.startswith("_")}


class _Handler(BaseHTTPRequestHandler):
    mock: TwilioMock
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle: otherwise every keep-alive request waits ~40 ms for
    # a delayed ACK between the header and the body writes.
    wbufsize = -1
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        with self.mock._lock:
            self.mock._connections.add(self.connection)

    def finish(self) -> None:
        with self.mock._lock:
            self.mock._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests and benchmarks print their own summaries

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if status == 429 and self.mock.faults.retry_after is not None:
            self.send_header("Retry-After", f"{self.mock.faults.retry_after:g}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self, account: str) -> bool:
        expected = base64.b64encode(f"{account}:{self.mock.token}".encode()).decode()
        return self.headers.get("Authorization") == f"Basic {expected}"

    def _route(self) -> tuple[str, str | None] | None:
        match = _MESSAGES.match(urlsplit(self.path).path)
        return (match["account"], match["sid"]) if match else None

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        route = self._route()
        if route is None or route[1] is not None:
            return self._reply(404, _error(20404, "Not found", 404))
        if not self._authorised(route[0]):
            return self._reply(401, _error(20003, "Authenticate", 401))
        self._reply(*self.mock.create(route[0], form))

    def do_GET(self) -> None:
        route = self._route()
        if route is None:
            return self._reply(404, _error(20404, "Not found", 404))
        if not self._authorised(route[0]):
            return self._reply(401, _error(20003, "Authenticate", 401))
        query = dict(parse_qsl(urlsplit(self.path).query))
        if route[1] is None:
            return self._reply(200, self.mock.list(route[0], query))
        found = [m for m in self.mock.messages if m["sid"] == route[1]]
        if not found:
            return self._reply(404, _error(20404, "Not found", 404))
        self._reply(200, _public(found[0]))


def main() -> None:
    """Run the mock as a process until interrupted."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--token", required=True, help="the auth token clients must present")
    parser.add_argument(
        "--rate-limit", type=float, default=None, help="segments per second, then 429"
    )
    parser.add_argument(
        "--throttle-every", type=int, default=0, help="answer every n-th create with 429"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds before each create answers"
    )
    parser.add_argument("--no-callbacks", action="store_true")
    args = parser.parse_args()
    mock = TwilioMock(token=args.token, host=args.host, port=args.port)
    mock.faults.rate_limit, mock.faults.latency = args.rate_limit, args.latency
    mock.faults.callbacks = not args.no_callbacks
    mock.faults.throttle_every = args.throttle_every
    mock.start()
    print(f"Twilio-compatible server on {mock.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        mock.stop()


if __name__ == "__main__":
    main()
