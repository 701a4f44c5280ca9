"""Replies of concurrent webhook requests go out together, each exactly once, and no request
returns before its own replies have been sent."""

from __future__ import annotations

import threading
import time

import pytest

from text4baby_ru.delivery.grouping import GroupSender


def test_concurrent_requests_share_batches_and_each_waits_for_its_own_replies() -> None:
    sent: list[int] = []
    batches: list[list[int]] = []

    def send(ids: list[int]) -> None:
        batches.append(list(ids))
        time.sleep(0.01)  # a gateway call: others arrive meanwhile
        sent.extend(ids)

    group = GroupSender(send)
    early: list[int] = []

    def request(n: int) -> None:
        ids = [2 * n, 2 * n + 1]
        group.send(ids)
        if not set(ids) <= set(sent):
            early.append(n)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(sent) == list(range(80))  # every reply once
    assert early == []  # nobody returned before their replies were out
    assert group.batches == len(batches) < 40  # requests shared batches


def test_a_failing_batch_does_not_stop_the_next_one() -> None:
    calls: list[list[int]] = []

    def send(ids: list[int]) -> None:
        calls.append(ids)
        if ids == [1]:
            raise RuntimeError("gateway down")

    group = GroupSender(send)
    with pytest.raises(RuntimeError):
        group.send([1])
    group.send([2])
    assert calls == [[1], [2]]
