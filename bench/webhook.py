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
from pathlib import Path
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from bench.common import ROOT, drop_database, fresh_database
from bench.sender import ACCOUNT, TOKEN, _mock, _port

BODIES = ["МАМА", "15.03.2027", "МАМА 20 недель", "BABY 01.04.2027", "СТОП", "Москва", "ПОМОЩЬ"]


def _load(url: str, public: str, seconds: float, threads: int, signed: bool, out: Any) -> None:
    """Hammer the server for `seconds` with `threads` keep-alive clients; report latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    validator = RequestValidator(TOKEN)

    def client(worker: int) -> None:
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


def _measure(url: str, public: str, seconds: float, threads: int, signed: bool) -> dict[str, Any]:
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue()
    process = spawn.Process(target=_load, args=(url, public, seconds, threads, signed, queue))
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


def run(kind: str, seconds: float, folder: Path, threads: int = 8) -> dict[str, Any]:
    """The signed webhook and /healthz on the same server, each for `seconds`."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    mock, api = _mock()
    port = _port()
    public = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
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
    server = subprocess.Popen(
        [sys.executable, "-m", "text4baby_ru", "serve", "--port", str(port), "--no-scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(public + "/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        floor = _measure(public, public, seconds, threads, signed=False)
        inbound = _measure(public, public, seconds, threads, signed=True)
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
    }
