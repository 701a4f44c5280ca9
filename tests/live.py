"""A real uvicorn server in a thread, for tests that need callbacks over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from text4baby_ru.main import create_app
from text4baby_ru.runtime import Runtime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(runtime: Runtime, port: int) -> Iterator[str]:
    """Serve the app on 127.0.0.1:port until the block ends; yields its base URL."""
    config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def wait_until_up(base_url: str, process: object = None, timeout: float = 30) -> None:
    """Poll GET /healthz until the server answers (fail early if its process died)."""
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(base_url + "/healthz", timeout=1)
            return
        except httpx.TransportError:
            if process is not None and process.poll() is not None:  # type: ignore[attr-defined]
                raise AssertionError("the server exited") from None
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)


def twilio_env(
    database_url: str, api_base: str, token: str, account: str, **extra: str
) -> dict[str, str]:
    """The environment of a service process on the Twilio gateway pointed at a local server."""
    import os

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
    return (
        clean
        | {
            "T4B_DATABASE_URL": database_url,
            "T4B_SMS_GATEWAY": "twilio",
            "TWILIO_ACCOUNT_SID": account,
            "TWILIO_AUTH_TOKEN": token,
            "TWILIO_FROM_NUMBER": "+79160009999",
            "T4B_TWILIO_API_BASE": api_base,
            "T4B_SEND_RATE": "10000",
            "T4B_PUBLIC_URL": "https://sms.example.org",
        }
        | extra
    )
