"""Inbound webhook under sustained load of signed messages from a separate process, against the
same server answering GET /healthz."""

from __future__ import annotations

import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from bench.common import ROOT, drop_database, fresh_database
from bench.sender import ACCOUNT, TOKEN, _mock, _port

# What women text in the first minutes of a campaign: joins, dates, cities, stops, free text.
BODIES = [
    "МАМА",
    "15.03.2027",
    "МАМА 20 недель",
    "BABY 01.04.2027",
    "Москва",
    "СТОП",
    "ПОМОЩЬ",
    "спасибо, а когда первый совет?",
]


def _load(
    urls: list[str], public: str, seconds: float, threads: int, signed: bool, out: Any
) -> None:
    """Hammer the server for `seconds` with `threads` keep-alive clients; report latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    validator = RequestValidator(TOKEN)

    def client(worker: int) -> None:
        url = urls[worker % len(urls)]  # clients spread over the serving processes
        n = 0
        with httpx.Client(timeout=10) as http:
            while time.monotonic() < deadline:
                n += 1
                if signed:
                    phone = f"+7916{worker:03d}{n % 9000:04d}"
                    params = {
                        "From": phone,
                        "To": "+79160009999",
                        "Body": BODIES[n % len(BODIES)],
                        "MessageSid": f"SM{os.getpid()}{worker:03d}{n:012d}",
                    }
                    signature = validator.compute_signature(public + "/sms/twilio/inbound", params)
                    start = time.perf_counter()
                    response = http.post(
                        url + "/sms/twilio/inbound",
                        data=params,
                        headers={"X-Twilio-Signature": signature},
                    )
                else:
                    start = time.perf_counter()
                    response = http.get(url + "/healthz")
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    errors[0] += response.status_code >= 400

    pool = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put({"requests": len(latencies), "errors": errors[0], "latencies": latencies})


def _measure(
    url: str | list[str], public: str, seconds: float, threads: int, signed: bool
) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue()
    process = spawn.Process(
        target=_load,
        args=([url] if isinstance(url, str) else url, public, seconds, threads, signed, queue),
    )
    process.start()
    result = queue.get(timeout=seconds + 60)
    process.join()
    ms = sorted(x * 1000 for x in result["latencies"])

    def pct(p: float) -> float:
        return round(ms[min(len(ms) - 1, int(len(ms) * p))], 1) if ms else 0.0

    return {
        "requests_per_second": round(result["requests"] / seconds),
        "errors": result["errors"],
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "median_ms": round(statistics.median(ms), 1) if ms else 0.0,
    }


def _env(url: str, public: str, api: str, **extra: str) -> dict[str, str]:
    return (
        {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
        | {
            "T4B_DATABASE_URL": url,
            "T4B_SMS_GATEWAY": "twilio",
            "T4B_PUBLIC_URL": public,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": "+79160009999",
            "T4B_TWILIO_API_BASE": api,
            "T4B_LOG_LEVEL": "WARNING",
            "T4B_SEND_RATE": "10000",
        }
        | extra
    )


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "text4baby_ru", "serve", "--port", str(port), "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)


def _backlog(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _drain_time(url: str, limit: float = 120.0) -> tuple[int, float]:
    """The backlog when the load stopped, and the seconds until it was zero."""
    start = time.perf_counter()
    left = first = _backlog(url)
    while left and time.perf_counter() - start < limit:
        time.sleep(0.1)
        left = _backlog(url)
    return first, round(time.perf_counter() - start, 2) if not left else float("inf")


def _reply_latency(url: str) -> dict[str, float]:
    """From the text's arrival to its first reply handed to the gateway (p50/p99, ms)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.received_at, min(o.sent_at) FROM inbound_messages i "
                "JOIN outbound_messages o ON o.inbound_id = i.id "
                "WHERE o.sent_at IS NOT NULL GROUP BY i.id, i.received_at"
            )
        ).all()
    engine.dispose()

    def aware(value: Any) -> datetime:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    ms = sorted((aware(b) - aware(a)).total_seconds() * 1000 for a, b in rows)
    if not ms:
        return {"replies": 0, "reply_p50_ms": 0.0, "reply_p99_ms": 0.0}
    return {
        "replies": len(ms),
        "reply_p50_ms": round(ms[len(ms) // 2], 1),
        "reply_p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
    }


def run(kind: str, seconds: float, folder: Path, threads: int = 8) -> dict[str, Any]:
    """The signed webhook and /healthz on the same server, each for `seconds`; then how long the
    handler takes to catch up, and the time from a text to its reply."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    mock, api = _mock()
    port = _port()
    public = f"http://127.0.0.1:{port}"
    server = _serve(_env(url, public, api), port)
    try:
        floor = _measure(public, public, seconds, threads, signed=False)
        inbound = _measure(public, public, seconds, threads, signed=True)
        backlog, drained = _drain_time(url)
        latency = _reply_latency(url)
    finally:
        server.terminate()
        server.wait(30)
        mock.terminate()
        drop_database(url)
    return {
        "benchmark": "webhook",
        "database": kind,
        "seconds": seconds,
        "clients": threads,
        **{f"inbound_{k}": v for k, v in inbound.items()},
        **{f"healthz_{k}": v for k, v in floor.items()},
        "ratio_to_floor": round(
            inbound["requests_per_second"] / max(1, floor["requests_per_second"]), 2
        ),
        "backlog_at_stop": backlog,
        "drain_seconds": drained,
        **latency,
    }


def scale_out(kind: str, seconds: float, folder: Path, threads: int = 8) -> dict[str, Any]:
    """Webhook acceptance with one `serve` process, then two on two ports with the clients
    spread over them, on the same database."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    mock, api = _mock()
    ports = [_port(), _port()]
    public = "http://bench.invalid"  # what both processes check signatures against
    rates = []
    try:
        for count in (1, 2):
            servers = [_serve(_env(url, public, api), p) for p in ports[:count]]
            try:
                urls = [f"http://127.0.0.1:{p}" for p in ports[:count]]
                rates.append(_measure(urls, public, seconds, threads, signed=True))
            finally:
                for server in servers:
                    server.terminate()
                    server.wait(30)
            _drain_time(url)
    finally:
        mock.terminate()
        drop_database(url)
    one, two = rates
    return {
        "benchmark": "webhook_scale",
        "database": kind,
        "seconds": seconds,
        "clients": threads,
        "one_process_rps": one["requests_per_second"],
        "two_processes_rps": two["requests_per_second"],
        "errors": one["errors"] + two["errors"],
        "two_p99_ms": two["p99_ms"],
        "speedup": round(two["requests_per_second"] / max(1, one["requests_per_second"]), 2),
    }


def backlog(kind: str, texts: int, folder: Path, workers: int = 4) -> dict[str, Any]:
    """`workers` worker processes drain a backlog of stored texts (three per number: join, date,
    city); each text handled once, and in order per number (every woman ends active in her
    city's zone)."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    numbers = texts // 3
    steps = ["BABY", "15.03.2027", "Владивосток"]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inbound_messages (provider, provider_id, sender, body, received_at, "
                "attempts) VALUES ('bench', :pid, :sender, :body, :at, 0)"
            ),
            [
                {
                    "pid": f"{step}-{n}",
                    "sender": f"+7916{n:07d}",
                    "body": body,
                    "at": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                }
                for step, body in enumerate(steps)
                for n in range(numbers)
            ],
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
        "T4B_DATABASE_URL": url,
        "T4B_SMS_GATEWAY": "console",
        "T4B_LOG_LEVEL": "WARNING",
        "T4B_SEND_RATE": "10000",  # the highest the settings allow
        "T4B_PASS_INTERVAL": "3600",
    }
    start = time.perf_counter()
    pool = [
        subprocess.Popen(
            [sys.executable, "-m", "text4baby_ru", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        while _backlog(url) and time.perf_counter() - start < 3600:
            if all(process.poll() is not None for process in pool):
                raise RuntimeError("every worker exited before the backlog was drained")
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
    finally:
        for process in pool:
            process.terminate()
        for process in pool:
            process.wait(60)
    with engine.connect() as conn:
        handled = conn.execute(
            text("SELECT count(*) FROM inbound_messages WHERE processed_at IS NOT NULL")
        ).scalar_one()
        replies = conn.execute(
            text("SELECT count(*) FROM outbound_messages WHERE inbound_id IS NOT NULL")
        ).scalar_one()
        in_order = conn.execute(
            text(
                "SELECT count(*) FROM enrollments e JOIN people p ON p.id = e.person_id "
                "WHERE e.status = 'active' AND p.timezone = 'Asia/Vladivostok'"
            )
        ).scalar_one()
    engine.dispose()
    drop_database(url)
    return {
        "benchmark": "inbound_backlog",
        "database": kind,
        "workers": workers,
        "texts": numbers * 3,
        "handled": handled,
        "replies": replies,
        "women_in_order": in_order,
        "seconds": round(elapsed, 1),
        "texts_per_second": round(numbers * 3 / elapsed),
        "exact": handled == numbers * 3 and replies == numbers * 4 and in_order == numbers,
    }
