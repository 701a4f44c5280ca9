"""The browser tests' shared pieces: each test module gets its own served app and browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.admin.browser import Server, chromium, need_browser, screenshots_dir, served


@pytest.fixture(scope="module")
def sync_api() -> Any:
    return need_browser()


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sync_api: Any
) -> Iterator[Server]:
    with served(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])) as running:
        yield running


@pytest.fixture(scope="module")
def browser(sync_api: Any) -> Iterator[Any]:
    with chromium(sync_api) as running:
        yield running


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshots_dir(tmp_path_factory.mktemp("screenshots"))
