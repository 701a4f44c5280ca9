"""The benchmarks run (at tiny sizes: benchmarks are not tests) and report every figure with the
floor it is measured against."""

from __future__ import annotations

import json
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
