"""A real Kannel for tests (devtools/kannel_local.py): skipped without Debian's kannel and
kannel-extras, a failure under CI."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devtools.kannel_local import PASSWORD, SECRET, SENDER, USER, Kannel, missing

__all__ = ["PASSWORD", "SECRET", "SENDER", "USER", "Kannel", "running_kannel", "wait_for"]


def require_kannel() -> None:
    """Skip without Kannel (apt-get install kannel kannel-extras); under CI, fail instead."""
    if missing():
        reason = f"Kannel is not installed ({', '.join(missing())}): apt-get install kannel kannel-extras"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def wait_for(kannel: Kannel, phone: str, n: int, timeout: float = 20) -> list[str]:
    """The first n texts that reached her phone, each from our sender name."""
    deadline = time.monotonic() + timeout
    while len(texts := kannel.handset.texts_to(phone)) < n:
        assert time.monotonic() < deadline, f"only {texts} reached {phone}\n{kannel.logs()}"
        time.sleep(0.1)
    senders = {sender for sender, number, _ in kannel.handset.texts if number == phone}
    assert senders == {SENDER}, f"her phone shows {senders}, not our sender name"
    return texts


@contextmanager
def running_kannel(
    folder: Path, programme_url: str, smpp_port: int | None = None
) -> Iterator[Kannel]:
    """A started Kannel on a folder of its own; stopped (its files kept) afterwards."""
    require_kannel()
    folder.mkdir(parents=True, exist_ok=True)
    kannel = Kannel(folder, programme_url, smpp_port)
    try:
        yield kannel.start()
    finally:
        kannel.stop()
