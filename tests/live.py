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
