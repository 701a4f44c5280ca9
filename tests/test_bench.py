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


def run_bench(
    *args: str, timeout: int = 300, pg: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m bench ARGS` from the repository, its output captured (PostgreSQL: `pg`)."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ | {"T4B_BENCH_PG": pg} if pg else None,
    )


@pytest.mark.slow
def test_the_quick_benchmark_runs_and_reports_each_figure_against_its_floor(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = run_bench("--quick", "--databases", "sqlite", "--output", str(out))
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
    result = run_bench(
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
        pg=pg,
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


def test_a_cpu_quota_the_machine_cannot_give_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run_bench("--only", "webhook", "--cpu-quota", "0", timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("bench: --cpu-quota 0.0:") and "outside" in last


def test_a_machine_without_a_cpu_controller_is_named_as_the_reason(tmp_path: Path) -> None:
    from bench.cpuquota import CpuQuota, Unavailable

    mounts = tmp_path / "mounts"
    mounts.write_text(
        "proc /proc proc rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n",
        encoding="utf-8",
    )
    with pytest.raises(Unavailable, match="no cgroup cpu controller"):
        CpuQuota(0.3, "t4b-test-none", mounts=mounts)


@pytest.mark.slow
def test_the_scale_out_holds_each_serve_to_its_cpu_quota_and_removes_its_cgroups(
    tmp_path: Path,
) -> None:
    from bench.cpuquota import CpuQuota, Unavailable

    pg = os.environ.get("T4B_TEST_DATABASE_URL", "")
    if not pg.startswith("postgresql"):
        pytest.skip("the scale-out benchmark runs on PostgreSQL (T4B_TEST_DATABASE_URL)")
    try:
        probe = CpuQuota(0.25, f"t4b-test-{os.getpid()}")
    except Unavailable as error:
        pytest.skip(f"cgroups are not writable here: {error}")
    probe.close()
    out = tmp_path / "results.json"
    result = run_bench(
        "--quick",
        "--only",
        "webhook",
        "--databases",
        "postgresql",
        "--scale-connections",
        "64",
        "--backlog-workers",
        "",
        "--cpu-quota",
        "0.25",
        "--output",
        str(out),
        pg=pg,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scale = next(r for r in json.loads(out.read_text())["results"])
    assert scale["cpu_quota"] == 0.25 and scale["errors"] == 0
    for count, phase in scale["phases"].items():
        for name, window in phase.items():
            serves = {k: v for k, v in window["cores"].items() if k.startswith("serve")}
            assert len(serves) == int(count) == len(window["quota"])
            # No serve got more than its budget (a period's slack at the window's edges)...
            assert all(cores <= 0.25 + 0.06 for cores in serves.values()), (name, serves)
        # ...and 64 connections of /healthz keep each one at its limit.
        assert all(q["throttled_share"] > 0.5 for q in phase["healthz"]["quota"].values())
        assert phase["accept_alone"]["handled_by_then"] == 0
    assert "each serve held to 0.25 core" in result.stdout
    assert not list(probe.path.parent.glob("t4b-bench-*"))
