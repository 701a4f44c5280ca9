"""`python -m bench`: run the benchmarks, print a table, write bench/results.json.

python -m bench                 # planner 10k/100k/1M, sender 20k, webhook 60 s, metrics, both databases
python -m bench --quick         # tiny sizes, under a minute (what the tests run)
python -m bench --only planner --sizes 100000 --databases sqlite
python -m bench --only metrics --databases postgresql   # 1M subscribers, 10M outbound rows
python -m bench --only webhook --databases postgresql --backlog-texts 10000 --backlog-workers 1,4
python -m bench --only webhook --databases postgresql --backlog-workers "" --cpu-quota 0.35
                                # scale-out with each serve held to 0.35 of a core (cgroups, root)
python -m bench --only metrics --metrics-load-only      # load and keep them (outside the lock),
python -m bench --only metrics --metrics-keep           # then time the kept ones

A run of some benchmarks keeps the other benchmarks' rows of results.json (each row names its
commit and time).
python -m bench --profile       # also save where the planner's time goes (cProfile)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import metrics, planner, sender, webhook
from bench.common import ROOT, machine, pg_version
from bench.cpuquota import CpuQuota, Unavailable


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    )
    return result.stdout.strip() or "unknown"


def _table(rows: list[dict[str, Any]]) -> str:
    lines = []
    for r in rows:
        if r["benchmark"] == "planner":
            lines.append(
                f"planner  {r['database']:<10} {r['subscribers']:>9,} subscribers  {r['seconds']:>8.2f} s  "
                f"{r['rows_per_second']:>8,} rows/s  peak {r['peak_rss_mb']} MB  floor {r['floor_seconds']:.2f} s  "
                f"x{r['ratio_to_floor']}"
            )
        elif r["benchmark"] == "sender":
            lines.append(
                f"sender   {r['database']:<10} {r['messages']:>9,} messages     {r['messages_per_second']:>6} msg/s  "
                f"floor {r['floor_messages_per_second']} msg/s  x{r['ratio_to_floor']}  | at a provider limit of "
                f"{r['provider_limit_segments_per_second']} seg/s: held {r['held_segments_per_second']} seg/s, "
                f"{r['answers_429']} x 429, last message {r['lag_of_last_seconds']} s late"
            )
        elif r["benchmark"] == "webhook":
            lines.append(
                f"webhook  {r['database']:<10} handled in {r.get('handler', 'serve')}, {r['clients']} clients {r['seconds']} s   {r['inbound_requests_per_second']} req/s  "
                f"p50 {r['inbound_p50_ms']} ms  p95 {r['inbound_p95_ms']} ms  p99 {r['inbound_p99_ms']} ms  "
                f"errors {r['inbound_errors']}  | /healthz {r['healthz_requests_per_second']} req/s  x{r['ratio_to_floor']}  "
                f"| backlog {r['backlog_at_stop']} drained in {r['drain_seconds']} s; reply p50 {r['reply_p50_ms']} ms "
                f"p99 {r['reply_p99_ms']} ms"
            )
        elif r["benchmark"] == "webhook_scale":
            lines.append(
                f"webhook  {r['database']:<10} {r['clients']} connections ({r['load_generator']}) 1 process "
                f"{r['one_process_rps']} req/s, 2 processes {r['two_processes_rps']} req/s: x{r['speedup']}  "
                f"(p99 {r['one_p99_ms']} -> {r['two_p99_ms']} ms, errors {r['errors']})  | accepting alone "
                f"{r['alone_one_rps']} -> {r['alone_two_rps']} req/s: x{r['alone_speedup']}  | /healthz "
                f"{r['healthz_one_rps']} -> {r['healthz_two_rps']} req/s: x{r['healthz_speedup']}  "
                f"| load average {r['load_average'][0]}"
                + (
                    f"  | each serve held to {r['cpu_quota']} core; serve cores one -> two: "
                    + ", ".join(f"{k} {a} -> {b}" for k, (a, b) in r["serve_cores"].items())
                    + f"; postgres (two, as deployed) {r['postgres_cores']['inbound'][1]}"
                    if r.get("cpu_quota")
                    else ""
                )
            )
        elif r["benchmark"] == "inbound_backlog":
            lines.append(
                f"inbound  {r['database']:<10} {r['workers']} workers drained {r['texts']:,} texts in {r['seconds']} s "
                f"({r['texts_per_second']}/s); handled {r['handled']:,}, replies {r['replies']:,}, "
                f"in order {r['women_in_order']:,} (out of order: {r['handled_out_of_order']} texts, "
                f"{r['replies_out_of_order']} replies): {'exact' if r['exact'] else 'NOT EXACT'}  "
                f"| cores: workers {r['cores']['workers']}, postgres {r['cores']['postgres']}, "
                f"others {r['cores']['others']}"
            )
        elif r["benchmark"] == "metrics_load":
            lines.append(
                f"metrics  {r['database']:<10} {r['subscribers']:>9,} subscribers loaded and kept "
                f"({'reused' if r['reused'] else str(r['fill_seconds']) + ' s'})"
            )
        elif r["benchmark"] == "metrics":
            lines.append(
                f"metrics  {r['database']:<10} {r['subscribers']:>9,} subscribers, {r['outbound_messages']:,} messages: "
                f"slowest query {r['slowest_seconds']:.3f} s (median of {r['repeats']})"
            )
    return "\n".join(lines)


def main() -> None:
    """Parse the options, run, report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (for tests and CI)")
    parser.add_argument(
        "--only", default="planner,sender,webhook,metrics", help="comma-separated benchmarks"
    )
    parser.add_argument(
        "--metrics-sizes",
        default=None,
        help="subscribers for the metrics benchmark as sqlite,postgresql (default 100000,1000000)",
    )
    parser.add_argument(
        "--metrics-pg-sizes",
        default=None,
        help="PostgreSQL sizes for the metrics benchmark, in one run (default 100000,1000000: "
        "each query's growth between them is the point)",
    )
    parser.add_argument(
        "--metrics-keep",
        action="store_true",
        help=f"keep the metrics databases in {metrics.KEPT} (PostgreSQL: t4b_bench_metrics_<size>) "
        "and reuse them in later runs instead of loading again",
    )
    parser.add_argument(
        "--metrics-load-only",
        action="store_true",
        help="load and keep the metrics databases, time nothing (load outside the benchmark lock)",
    )
    parser.add_argument(
        "--metrics-queries",
        default="",
        help="time only the metrics queries whose names start with these (comma-separated), "
        "without verify and the dashboard",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each metrics query")
    parser.add_argument(
        "--without-rollups",
        action="store_true",
        help="the planner and the sender without the metrics triggers (their cost, this code)",
    )
    parser.add_argument("--sizes", default=None, help="planner sizes, comma-separated")
    parser.add_argument(
        "--scale-connections",
        default="8,64",
        help="keep-alive connections of the PostgreSQL scale-out runs, comma-separated",
    )
    parser.add_argument(
        "--scale-seconds", type=float, default=None, help="each scale-out window (default 20 s)"
    )
    parser.add_argument(
        "--cpu-quota",
        type=float,
        default=None,
        help="hold each `serve` of the scale-out runs to this many cores, in its own cgroup "
        "(v1 cpu controller or v2 cpu.max; needs root), with one process and with two",
    )
    parser.add_argument(
        "--backlog-texts", type=int, default=None, help="stored texts to drain (default 100000)"
    )
    parser.add_argument(
        "--backlog-workers",
        default="1,4",
        help="worker processes draining the backlog, one run per count, comma-separated",
    )
    parser.add_argument(
        "--databases", default=None, help="sqlite,postgresql (default: both if PostgreSQL answers)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--profile", action="store_true", help="save a cProfile of a planner pass")
    args = parser.parse_args()
    if args.cpu_quota is not None:
        _check_quota(args.cpu_quota)

    databases = (
        args.databases.split(",")
        if args.databases
        else ["sqlite"] + (["postgresql"] if pg_version() else [])
    )
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([2_000] if args.quick else [10_000, 100_000, 1_000_000])
    )
    only = set(args.only.split(","))
    sqlite_size, pg_size = (int(s) for s in (args.metrics_sizes or "100000,1000000").split(","))
    metric_sizes = {
        "sqlite": [sqlite_size],
        "postgresql": [int(s) for s in args.metrics_pg_sizes.split(",")]
        if args.metrics_pg_sizes
        else sorted({100_000, pg_size}),
    }
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="t4b-bench-") as tmp:
        folder = Path(tmp)
        for kind in databases:
            if "planner" in only:
                for size in sizes:
                    rows.append(planner.run(kind, size, folder, rollups=not args.without_rollups))
                    print(_table(rows[-1:]), flush=True)
            if "sender" in only:
                n = 500 if args.quick else 20_000
                rows.append(sender.run(kind, n, folder, rollups=not args.without_rollups))
                print(_table(rows[-1:]), flush=True)
            if "webhook" in only and kind == "sqlite":
                # the quick start's one process, then the campaign set-up (serve + a worker)
                for handler in ("serve", "worker"):
                    rows.append(webhook.run(kind, 3 if args.quick else 60, folder, 8, handler))
                    print(_table(rows[-1:]), flush=True)
            if "webhook" in only and kind == "postgresql":
                seconds = args.scale_seconds or (3 if args.quick else 20)
                for connections in [int(c) for c in args.scale_connections.split(",") if c]:
                    rows.append(
                        webhook.scale_out(kind, seconds, folder, connections, args.cpu_quota)
                    )
                    print(_table(rows[-1:]), flush=True)
                texts = args.backlog_texts or (600 if args.quick else 100_000)
                for workers in [int(w) for w in args.backlog_workers.split(",") if w]:
                    rows.append(webhook.backlog(kind, texts, folder, workers))
                    print(_table(rows[-1:]), flush=True)
            if "metrics" in only:
                for size in [2_000] if args.quick else metric_sizes[kind]:
                    rows.append(
                        metrics.run(
                            kind,
                            size,
                            folder,
                            repeats=1 if args.quick else args.repeats,
                            keep=args.metrics_keep,
                            load_only=args.metrics_load_only,
                            only=tuple(q for q in args.metrics_queries.split(",") if q),
                        )
                    )
                    print(_table(rows[-1:]), flush=True)
        if args.profile:
            _profile(folder, sizes[-1])
    when, commit = datetime.now(UTC).isoformat(timespec="seconds"), _commit()
    for r in rows:
        r.update(commit=commit, when=when)
    result = {
        "when": when,
        "commit": commit,
        "quick": args.quick,
        "machine": machine(),
        "results": rows if args.quick else _merged(Path(args.output), rows),
    }
    Path(args.output).write_text(
        json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {args.output}")


def _check_quota(cores: float) -> None:
    """Stop with one line, before anything runs, when the quota cannot be set here."""
    try:
        CpuQuota(cores, f"t4b-bench-{os.getpid()}-check").close()
    except Unavailable as error:
        raise SystemExit(f"bench: --cpu-quota {cores}: {error}") from None


def _merged(output: Path, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This run's rows, and the earlier rows of the benchmarks and databases it did not run."""
    if not output.exists():
        return rows
    earlier = json.loads(output.read_text(encoding="utf-8"))
    if earlier.get("quick"):
        return rows
    ran = {(r["benchmark"], r["database"]) for r in rows}
    kept = [
        {"commit": earlier.get("commit"), "when": earlier.get("when")} | r
        for r in earlier.get("results", [])
        if (r["benchmark"], r["database"]) not in ran
    ]
    return kept + rows


def _profile(folder: Path, size: int) -> None:
    """Save a cProfile of one planner pass on SQLite to bench/planner.prof."""
    import cProfile
    from datetime import time as t

    from bench.common import PASS_AT, drop_database, fill, fresh_database
    from text4baby_ru.db import make_engine, session_factory
    from text4baby_ru.delivery.planner import Rules
    from text4baby_ru.delivery.service import plan_once

    url = fresh_database("sqlite", folder)
    fill(url, size)
    sessions = session_factory(make_engine(url))
    out = ROOT / "bench" / "planner.prof"
    cProfile.runctx(
        "plan_once(sessions, now=PASS_AT, rules=Rules((0, 2, 4), 10, (t(21), t(9))))",
        globals(),
        {"plan_once": plan_once, "sessions": sessions, "PASS_AT": PASS_AT, "Rules": Rules, "t": t},
        str(out),
    )
    drop_database(url)
    print(f"profile: {out} (python -m pstats {out})")


if __name__ == "__main__":
    sys.exit(main())
