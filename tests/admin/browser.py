"""A served process with real data and headless Chromium (Debian's), for the page tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live import free_port, wait_until_up

CHROMIUM = "/usr/bin/chromium"
# No internet here: without these Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLI = [sys.executable, "-m", "text4baby_ru"]


def need_browser() -> Any:
    """Playwright's sync API, or a skip (a failure under CI) when it or Chromium is missing."""
    problem = None
    if not shutil.which(CHROMIUM):
        problem = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        from playwright import sync_api
    except ImportError:
        problem = problem or "the playwright package is missing (pip install -e '.[dev]')"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return sync_api


@dataclass
class Server:
    """A `serve` process on its own SQLite database, and how to run the CLI against it."""

    url: str
    env: dict[str, str]
    log: Path

    def cli(self, *args: str) -> str:
        """Run a CLI command on the server's database; its standard output."""
        done = subprocess.run(
            [*CLI, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def token(self, role: str, name: str) -> str:
        """A new user's token."""
        return self.cli("users", "create", "--role", role, "--name", name).strip().splitlines()[-1]


INBOUND_SECRET = "browser-inbound-secret"


@contextmanager
def served(folder: Path, **settings: str) -> Iterator[Server]:
    """A migrated database with the shipped library, served on a free port (console gateway,
    no scheduler: the tests run `dispatch` when they want a pass); settings add or override
    environment variables."""
    port = free_port()
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
        | {
            "T4B_DATABASE_URL": f"sqlite:///{folder / 'pages.db'}",
            "T4B_SMS_GATEWAY": "console",
            "T4B_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "T4B_SECRET_KEY": "browser-test-key-not-a-secret",
            "T4B_SEND_RATE": "10000",
            "T4B_INBOUND_SECRET": INBOUND_SECRET,  # her texts arrive over the Kannel route
        }
        | settings
    )
    server = Server(f"http://127.0.0.1:{port}", env, folder / "server.log")
    server.cli("db", "upgrade")
    server.cli("content", "import")
    with server.log.open("w") as log:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port), "--no-scheduler"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(server.url, process)
            yield server
        finally:
            process.terminate()
            process.wait(30)


@contextmanager
def chromium(sync_api: Any) -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def screenshots_dir(tmp: Path) -> Path:
    """Where screenshots go: T4B_SCREENSHOTS (docs/screenshots for the README), else tmp."""
    folder = Path(os.environ.get("T4B_SCREENSHOTS") or tmp)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
