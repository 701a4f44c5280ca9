"""The benchmarks run (at tiny sizes: benchmarks are not tests) and report every figure with the
floor it is measured against."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_quick_benchmark_runs_and_reports_each_figure_against_its_floor(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--databases", "sqlite", "--output", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] and report["commit"]
    kinds = {r["benchmark"]: r for r in report["results"]}
    assert set(kinds) == {"planner", "sender", "webhook", "metrics"}
    planner = kinds["planner"]
    assert (
        planner["outbox_rows"] > 0
        and planner["floor_seconds"] > 0
        and planner["ratio_to_floor"] > 0
    )
    sender = kinds["sender"]
    assert sender["sent"] == sender["messages"] and sender["floor_messages_per_second"] > 0
    assert sender["answers_429"] == 0 and sender["left_queued"] == 0
    # The throttled route: every tip out, the held rate reported beside the provider's limit.
    limit = sender["throttled_route_limit_segments_per_second"]
    assert sender["throttled_route_sent"] == int(limit * 6)
    assert 0 < sender["throttled_route_held_segments_per_second"] <= 1.1 * limit
    assert (
        kinds["webhook"]["inbound_errors"] == 0
        and kinds["webhook"]["healthz_requests_per_second"] > 0
    )
    metrics = kinds["metrics"]
    assert metrics["outbound_messages"] == 10 * metrics["subscribers"] > 0
    assert {"dose received", "who is behind (100)", "prometheus scrape"} <= set(
        metrics["median_seconds"]
    )
    assert all(seconds > 0 for seconds in metrics["median_seconds"].values())
    assert metrics["verify_differences"] == 0  # the rollups kept by the load match a recount


@pytest.mark.slow
def test_the_postgresql_scale_out_reports_its_floor_and_the_backlog_is_handled_once_in_order(
    tmp_path: Path,
) -> None:
    pg = os.environ.get("T4B_TEST_DATABASE_URL", "")
    if not pg.startswith("postgresql"):
        pytest.skip("the scale-out benchmark runs on PostgreSQL (T4B_TEST_DATABASE_URL)")
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--quick",
            "--only",
            "webhook",
            "--databases",
            "postgresql",
            "--scale-connections",
            "8",
            "--backlog-workers",
            "2",
            "--output",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"T4B_BENCH_PG": pg},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {r["benchmark"]: r for r in json.loads(out.read_text())["results"]}
    scale = rows["webhook_scale"]
    assert scale["errors"] == 0
    assert scale["one_process_rps"] > 0 and scale["two_processes_rps"] > 0
    assert scale["healthz_one_rps"] > 0 and scale["healthz_two_rps"] > 0
    assert scale["alone_one_rps"] > 0 and scale["alone_two_rps"] > 0
    for phase in scale["phases"].values():
        for window in (phase["inbound"], phase["accept_alone"]):
            # Each answered request stored one text (a few more as the window closed).
            assert window["stored"] >= window["requests"] and not window["repeated"]
            assert {"serve1", "postgres", "load", "others"} <= set(window["cores"])
        assert phase["accept_alone"]["handled_by_then"] == 0  # the handling was held back
    backlog = rows["inbound_backlog"]
    assert backlog["handled"] == backlog["texts"] == 600
    assert backlog["handled_out_of_order"] == 0 and backlog["replies_out_of_order"] == 0
    assert backlog["exact"]
