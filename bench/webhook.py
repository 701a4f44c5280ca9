"""Inbound webhook under sustained load of signed messages from a separate process, against the
same server answering GET /healthz."""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from bench.common import ROOT, drop_database, fresh_database
from bench.cpuquota import CpuQuota
from bench.cpuquota import window as throttled_in
from bench.sender import ACCOUNT, TOKEN, _mock, _port

# What women text in the first minutes of a campaign: joins, dates, cities, stops, free text.
BODIES = [
    "МАМА",
    "15.03.2027",
    "МАМА 20 недель",
    "BABY 01.04.2027",
    "Москва",
    "СТОП",
    "ПОМОЩЬ",
    "спасибо, а когда первый совет?",
]


def _env(url: str, public: str, api: str, **extra: str) -> dict[str, str]:
    return (
        {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))}
        | {
            "T4B_DATABASE_URL": url,
            "T4B_SMS_GATEWAY": "twilio",
            "T4B_PUBLIC_URL": public,
            "TWILIO_ACCOUNT_SID": ACCOUNT,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "TWILIO_FROM_NUMBER": "+79160009999",
            "T4B_TWILIO_API_BASE": api,
            "T4B_LOG_LEVEL": "WARNING",
            "T4B_SEND_RATE": "10000",
        }
        | extra
    )


def _serve(
    env: dict[str, str], port: int, *flags: str | None, quota: CpuQuota | None = None
) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [sys.executable, "-m", "text4baby_ru", "serve", "--port", str(port), "--no-scheduler"]
        + [flag for flag in flags if flag],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if quota is not None:
        try:
            quota.add(server.pid)  # before it starts its threads (they would follow anyway)
        except OSError:
            server.kill()
            server.wait()
            raise
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start") from None
            time.sleep(0.2)


def _backlog(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text("SELECT count(*) FROM inbound_messages WHERE processed_at IS NULL")
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _drain_time(url: str, limit: float = 120.0) -> tuple[int, float]:
    """The backlog when the load stopped, and the seconds until it was zero."""
    start = time.perf_counter()
    left = first = _backlog(url)
    while left and time.perf_counter() - start < limit:
        time.sleep(0.1)
        left = _backlog(url)
    return first, round(time.perf_counter() - start, 2) if not left else float("inf")


def _reply_latency(url: str) -> dict[str, float]:
    """From the text's arrival to its first reply handed to the gateway (p50/p99, ms)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.received_at, min(o.sent_at) FROM inbound_messages i "
                "JOIN outbound_messages o ON o.inbound_id = i.id "
                "WHERE o.sent_at IS NOT NULL GROUP BY i.id, i.received_at"
            )
        ).all()
    engine.dispose()

    def aware(value: Any) -> datetime:
        value = datetime.fromisoformat(value) if isinstance(value, str) else value
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    ms = sorted((aware(b) - aware(a)).total_seconds() * 1000 for a, b in rows)
    if not ms:
        return {"replies": 0, "reply_p50_ms": 0.0, "reply_p99_ms": 0.0}
    return {
        "replies": len(ms),
        "reply_p50_ms": round(ms[len(ms) // 2], 1),
        "reply_p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
    }


def run(
    kind: str, seconds: float, folder: Path, threads: int = 8, handler: str = "serve"
) -> dict[str, Any]:
    """The signed webhook and /healthz on the same server, each for `seconds` with `threads`
    keep-alive connections replaying requests signed beforehand (wrk when installed); then how
    long the handling takes to catch up, and the time from a text to its reply. `handler`:
    "serve" handles the texts in the serving process (the quick start), "worker" leaves them to
    one `worker` process beside `serve --no-handler`."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    mock, api = _mock()
    port = _port()
    public = f"http://127.0.0.1:{port}"
    env = _env(url, public, api)
    # Enough distinct texts that none is replayed (a repeat would be a cheap duplicate).
    requests = _signed(public, int(seconds * 1500), "100")
    server = _serve(env, port, "--no-handler" if handler == "worker" else None)
    worker = None
    if handler == "worker":
        worker = subprocess.Popen(
            [sys.executable, "-m", "text4baby_ru", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        groups = {"serve": [server.pid], "twilio_mock": [mock.pid]}
        if worker is not None:
            groups["worker"] = [worker.pid]
        name = make_url(url).database if kind == "postgresql" else None
        floor = _drive([public], None, seconds, threads, folder, groups, name)
        inbound = _drive([public], requests, seconds, threads, folder, groups, name)
        backlog, drained = _drain_time(url)
        latency = _reply_latency(url)
    finally:
        for process in (server, worker):
            if process is not None:
                process.terminate()
                process.wait(30)
        mock.terminate()
        drop_database(url)
    return {
        "benchmark": "webhook",
        "database": kind,
        "handler": handler,
        "seconds": seconds,
        "clients": threads,
        "load_generator": inbound["load_generator"],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **{f"inbound_{k}": v for k, v in inbound.items() if k != "load_generator"},
        **{f"healthz_{k}": v for k, v in floor.items() if k != "load_generator"},
        "repeated": inbound["requests"] > len(requests),
        "ratio_to_floor": round(
            inbound["requests_per_second"] / max(1, floor["requests_per_second"]), 2
        ),
        "backlog_at_stop": backlog,
        "drain_seconds": drained,
        **latency,
    }


# --- The scale-out load: signed before the timed window, driven by wrk when it is installed ----

LOADERS = 2  # load processes in every scale-out phase, whatever the number of servers
INBOUND = "/sms/twilio/inbound"
# wrk (Debian's `wrk`) replays requests signed beforehand: it costs a fraction of a core where
# Python threads computing each signature cost as much as the server they measure.
WRK_SCRIPT = """
local requests, i = {}, 0
function init(args)
  if args[1] == nil then return end
  for line in io.lines(args[1]) do
    local body, signature = line:match("^(%S+) (%S+)$")
    requests[#requests + 1] = wrk.format("POST", args[2], {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Twilio-Signature"] = signature}, body)
  end
end
function request()
  if #requests == 0 then return wrk.request() end
  i = i % #requests + 1
  return requests[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\\n',
    summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _signed(public: str, count: int, tag: str) -> list[tuple[str, str]]:
    """`count` signed inbound texts (form body, X-Twilio-Signature), each with its own
    MessageSid: joins, dates, cities, stops and free text from 9,000 numbers per `tag`."""
    validator = RequestValidator(TOKEN)
    out = []
    for n in range(count):
        params = {
            "From": f"+7916{tag}{n % 9000:04d}",
            "To": "+79160009999",
            "Body": BODIES[n % len(BODIES)],
            "MessageSid": f"SM{tag}{n:012d}",
        }
        out.append((urlencode(params), validator.compute_signature(public + INBOUND, params)))
    return out


def _replay(urls: list[str], requests: list[tuple[str, str]], seconds: float, out: Any) -> None:
    """The fallback without wrk: keep-alive Python threads replaying signed requests (one
    thread per url in `urls`); report latencies."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    share = len(requests) // len(urls)

    def client(index: int) -> None:
        mine = requests[index * share : (index + 1) * share] or [("", "")]
        n = 0
        with httpx.Client(timeout=10) as http:
            while time.monotonic() < deadline:
                body, signature = mine[n % len(mine)]
                n += 1
                start = time.perf_counter()
                if signature:
                    response = http.post(
                        urls[index] + INBOUND,
                        content=body,
                        headers={
                            "X-Twilio-Signature": signature,
                            "Content-Type": "application/x-www-form-urlencoded",
                        },
                    )
                else:
                    response = http.get(urls[index])
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    errors[0] += response.status_code >= 400

    pool = [threading.Thread(target=client, args=(i,)) for i in range(len(urls))]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    ms = sorted(x * 1000 for x in latencies)
    out.put(
        {
            "requests": len(ms),
            "errors": errors[0],
            **{
                f"p{p}_us": ms[min(len(ms) - 1, int(len(ms) * p / 100))] * 1000 if ms else 0
                for p in (50, 95, 99)
            },
        }
    )


class _Cpu:
    """CPU seconds (user + system) of named groups of processes, of the local PostgreSQL's
    processes that serve `database` (and its shared background processes), and of the whole
    machine, between start() and stop(): where the CPU went during a timed window."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, groups: dict[str, list[int]], database: str | None = None) -> None:
        self.groups = groups
        self.database = database
        self.before: dict[str, dict[int, float]] = {}
        self.busy = 0.0

    @staticmethod
    def _of(pid: int) -> float | None:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / _Cpu.TICK

    @staticmethod
    def _machine() -> float:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return (sum(values) - values[3] - values[4]) / _Cpu.TICK  # all but idle and iowait

    def _now(self) -> dict[str, dict[int, float]]:
        groups = self.groups | {"postgres": _postgres_pids(self.database)}
        now = {}
        for name, pids in groups.items():
            seconds = {pid: self._of(pid) for pid in pids}
            now[name] = {pid: v for pid, v in seconds.items() if v is not None}
        return now

    def start(self) -> None:
        self.before = self._now()
        self.busy = self._machine()

    def stop(self, seconds: float) -> dict[str, float]:
        """Cores used by each group over the window (1.0 = one core all the time; a process that
        started meanwhile counts from zero, one that ended is left out), the machine's busy
        cores, and what the groups do not explain (other processes on the machine)."""
        after, busy = self._now(), (self._machine() - self.busy) / seconds
        cores = {}
        for name, pids in after.items():
            before = self.before.get(name, {})
            cores[name] = sum(v - before.get(pid, 0.0) for pid, v in pids.items()) / seconds
        out = {k: round(v, 2) for k, v in cores.items()}
        out["machine_busy"] = round(busy, 2)
        out["others"] = round(busy - sum(cores.values()), 2)
        return out


def _postgres_pids(database: str | None) -> list[int]:
    """The local PostgreSQL server's processes that serve `database` or all databases (writer,
    WAL writer, checkpointer...); none when it runs elsewhere or `database` is None."""
    pids = []
    for entry in os.listdir("/proc") if database else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
                with open(f"/proc/{entry}/cmdline") as f:
                    title = f.read()
            except OSError:
                continue
            # A backend's title: "postgres: 15/main: USER DATABASE HOST(PORT) STATE".
            backend = "(" in title or "[local]" in title
            if not backend or f" {database} " in title:
                pids.append(int(entry))
    return pids


def _drive(
    urls: list[str],
    requests: list[tuple[str, str]] | None,
    seconds: float,
    connections: int,
    folder: Path,
    cpu_of: dict[str, list[int]],
    database: str | None = None,
) -> dict[str, Any]:
    """LOADERS load processes (wrk if installed, else Python) for `seconds`, spreading
    `connections` keep-alive connections over `urls`; signed inbound texts when `requests` is
    given, else GET /healthz. Requests per second, latency, errors, and cores used."""
    wrk = shutil.which("wrk") if os.environ.get("T4B_BENCH_LOAD") != "python" else None
    targets = [urls[i % len(urls)] + ("" if requests else "/healthz") for i in range(LOADERS)]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    share = len(requests) // LOADERS if requests else 0
    processes: list[Any] = []
    queue = None
    if wrk:
        script = folder / "replay.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")
        for i, url in enumerate(targets):
            args = [
                wrk,
                "-t1",
                f"-c{max(1, connections // LOADERS)}",
                f"-d{max(1, round(seconds))}s",
                "-s",
                str(script),
                url,
            ]
            if requests:
                lines = folder / f"signed-{i}.txt"
                lines.write_text(
                    "".join(f"{b} {s}\n" for b, s in requests[i * share : (i + 1) * share]),
                    encoding="utf-8",
                )
                args += ["--", str(lines), INBOUND]
            processes.append(subprocess.Popen(args, stdout=subprocess.PIPE, text=True))
    else:
        spawn = multiprocessing.get_context("spawn")
        queue = spawn.Queue()
        per = max(1, connections // LOADERS)
        for i, url in enumerate(targets):
            mine = requests[i * share : (i + 1) * share] if requests else []
            process = spawn.Process(target=_replay, args=([url] * per, mine, seconds, queue))
            process.start()
            processes.append(process)
    cpu = _Cpu(cpu_of, database)
    time.sleep(0.2 if wrk else 1.0)  # wrk reads its requests; Python processes import
    cpu.start()
    started = time.perf_counter()
    results = []
    if wrk:
        for p in processes:
            output, _ = p.communicate(timeout=seconds + 120)
            line = next((x for x in output.splitlines() if x.startswith("RESULT ")), None)
            if line is None:
                raise RuntimeError(f"wrk reported nothing: {output[-2000:]}")
            results.append(json.loads(line[len("RESULT ") :]))
    else:
        assert queue is not None
        results = [queue.get(timeout=seconds + 120) for _ in processes]
    window = time.perf_counter() - started
    cores = cpu.stop(window)
    for p in processes if not wrk else []:
        p.join()
    # The load processes have ended (and been waited for): their CPU is in our children's.
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    cores["load"] = round(
        (reaped.ru_utime + reaped.ru_stime - children.ru_utime - children.ru_stime) / window, 2
    )
    cores["others"] = round(cores["others"] - cores["load"], 2)
    total = sum(r["requests"] for r in results)
    return {
        "requests": total,
        "requests_per_second": round(total / seconds),
        "errors": sum(r["errors"] for r in results),
        # the slower loader's percentiles: a conservative figure
        **{f"p{p}_ms": round(max(r[f"p{p}_us"] for r in results) / 1000, 1) for p in (50, 95, 99)},
        "cores": cores,
        "load_generator": "wrk" if wrk else "python",
    }


def _count(url: str, where: str = "WHERE provider = 'twilio'") -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(text(f"SELECT count(*) FROM inbound_messages {where}")).scalar_one()
            )
    finally:
        engine.dispose()


def scale_out(
    kind: str, seconds: float, folder: Path, threads: int = 8, cpu_quota: float | None = None
) -> dict[str, Any]:
    """Webhook acceptance with one `serve` process, then with two on two ports and the load
    spread over them: as deployed (each process's handler handling the texts meanwhile), and
    accepting alone (`serve --no-handler`: the texts stay stored for workers, none runs here);
    GET /healthz the same way in the same run (the floor: what this machine lets a second
    process add at all). Each window on a fresh database and fresh processes. The load is
    signed before the timed window and replayed by wrk when installed (else Python processes);
    the CPU each process used is reported. With `cpu_quota` (cores) each `serve` runs in its own
    cgroup held to that much CPU, in every window: the same budget per process whether one or
    two run."""
    folder.mkdir(parents=True, exist_ok=True)
    public = "http://bench.invalid"  # what both processes check signatures against
    ports = [_port(), _port()]
    phases: dict[int, dict[str, Any]] = {1: {}, 2: {}}
    for count in (1, 2):
        for held in (False, True):
            tag = f"{count}{int(held)}0"
            # Enough distinct texts that none is sent twice (a repeat is only a cheap duplicate).
            requests = _signed(public, int(seconds * 4000), tag)
            url = fresh_database(kind, folder)
            mock, api = _mock()
            quotas: list[CpuQuota] = []
            servers: list[subprocess.Popen[bytes]] = []
            try:
                for i, p in enumerate(ports[:count]):
                    if cpu_quota is not None:
                        quotas.append(CpuQuota(cpu_quota, f"t4b-bench-{os.getpid()}-serve{i + 1}"))
                    quota = quotas[i] if quotas else None
                    flag = "--no-handler" if held else None
                    servers.append(_serve(_env(url, public, api), p, flag, quota=quota))
                urls = [f"http://127.0.0.1:{p}" for p in ports[:count]]
                groups = {f"serve{i + 1}": [s.pid] for i, s in enumerate(servers)} | {
                    "twilio_mock": [mock.pid]
                }
                name = make_url(url).database
                drive = (urls, seconds, threads, folder, groups, name)
                if not held:
                    phases[count]["healthz"] = _quota_window(quotas, None, *drive)
                inbound = _quota_window(quotas, requests, *drive)
                inbound["stored"] = _count(url)
                inbound["handled_by_then"] = _count(url, "WHERE processed_at IS NOT NULL")
                inbound["repeated"] = inbound["requests"] > len(requests)
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait(30)
                for group in quotas:
                    group.close()
                mock.terminate()
                mock.wait(30)
                drop_database(url)
            phases[count]["accept_alone" if held else "inbound"] = inbound
    one, two = phases[1]["inbound"], phases[2]["inbound"]
    alone_one, alone_two = phases[1]["accept_alone"], phases[2]["accept_alone"]
    floor_one, floor_two = phases[1]["healthz"], phases[2]["healthz"]

    def ratio(a: dict[str, Any], b: dict[str, Any]) -> float:
        return round(b["requests_per_second"] / max(1, a["requests_per_second"]), 2)

    def serve_cores(window: dict[str, Any]) -> float:
        return round(sum(v for k, v in window["cores"].items() if k.startswith("serve")), 2)

    return {
        "benchmark": "webhook_scale",
        "database": kind,
        "seconds": seconds,
        "clients": threads,
        "cpu_quota": cpu_quota,
        "load_generator": one["load_generator"],
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "one_process_rps": one["requests_per_second"],
        "two_processes_rps": two["requests_per_second"],
        "errors": sum(p[k]["errors"] for p in phases.values() for k in ("inbound", "accept_alone")),
        "one_p99_ms": one["p99_ms"],
        "two_p99_ms": two["p99_ms"],
        "speedup": ratio(one, two),
        "alone_one_rps": alone_one["requests_per_second"],
        "alone_two_rps": alone_two["requests_per_second"],
        "alone_speedup": ratio(alone_one, alone_two),
        "alone_two_p99_ms": alone_two["p99_ms"],
        "healthz_one_rps": floor_one["requests_per_second"],
        "healthz_two_rps": floor_two["requests_per_second"],
        "healthz_speedup": ratio(floor_one, floor_two),
        # The `serve` processes' cores together, one -> two, in each window (with a quota: at
        # most the quota, twice the quota).
        "serve_cores": {
            key: [serve_cores(phases[1][key]), serve_cores(phases[2][key])]
            for key in ("healthz", "inbound", "accept_alone")
        },
        "postgres_cores": {
            key: [phases[1][key]["cores"]["postgres"], phases[2][key]["cores"]["postgres"]]
            for key in ("healthz", "inbound", "accept_alone")
        },
        "phases": {str(k): v for k, v in phases.items()},
    }


def _quota_window(
    quotas: list[CpuQuota],
    requests: list[tuple[str, str]] | None,
    urls: list[str],
    *drive: Any,
) -> dict[str, Any]:
    """_drive, and how often each `serve` used up its quota meanwhile."""
    before = [q.throttling() for q in quotas]
    result = _drive(urls, requests, *drive)
    if quotas:
        result["quota"] = {
            f"serve{i + 1}": throttled_in(b, q.throttling())
            for i, (b, q) in enumerate(zip(before, quotas, strict=True))
        }
    return result


def backlog(kind: str, texts: int, folder: Path, workers: int = 4) -> dict[str, Any]:
    """`workers` worker processes drain a backlog of stored texts (three per number: join, date,
    city); each text handled once, and in order per number (every woman ends active in her
    city's zone)."""
    folder.mkdir(parents=True, exist_ok=True)
    url = fresh_database(kind, folder)
    numbers = texts // 3
    steps = ["BABY", "15.03.2027", "Владивосток"]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO inbound_messages (provider, provider_id, sender, body, received_at, "
                "attempts) VALUES ('bench', :pid, :sender, :body, :at, 0)"
            ),
            [
                {
                    "pid": f"{step}-{n}",
                    "sender": f"+7916{n:07d}",
                    "body": body,
                    "at": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                }
                for step, body in enumerate(steps)
                for n in range(numbers)
            ],
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("T4B_", "TWILIO_"))} | {
        "T4B_DATABASE_URL": url,
        "T4B_SMS_GATEWAY": "console",
        "T4B_LOG_LEVEL": "WARNING",
        "T4B_SEND_RATE": "10000",  # the highest the settings allow
        "T4B_PASS_INTERVAL": "3600",
    }
    start = time.perf_counter()
    pool = [
        subprocess.Popen(
            [sys.executable, "-m", "text4baby_ru", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    cpu = _Cpu({"workers": [process.pid for process in pool]}, make_url(url).database)
    cpu.start()
    try:
        while _backlog(url) and time.perf_counter() - start < 3600:
            if all(process.poll() is not None for process in pool):
                raise RuntimeError("every worker exited before the backlog was drained")
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
        cores = cpu.stop(elapsed)
    finally:
        for process in pool:
            process.terminate()
        for process in pool:
            process.wait(60)
    with engine.connect() as conn:
        handled = conn.execute(
            text("SELECT count(*) FROM inbound_messages WHERE processed_at IS NOT NULL")
        ).scalar_one()
        replies = conn.execute(
            text("SELECT count(*) FROM outbound_messages WHERE inbound_id IS NOT NULL")
        ).scalar_one()
        # Exactly once: every text of a step got as many replies as every other text of that
        # step (a text handled twice would have twice its replies).
        per_text = conn.execute(
            text(
                "SELECT split_part(i.provider_id, '-', 1) AS step, count(o.id) AS n, 1 "
                "FROM inbound_messages i LEFT JOIN outbound_messages o ON o.inbound_id = i.id "
                "GROUP BY i.id, i.provider_id"
            )
            if kind == "postgresql"
            else text(
                "SELECT substr(i.provider_id, 1, instr(i.provider_id, '-') - 1) AS step, "
                "count(o.id) AS n, 1 FROM inbound_messages i "
                "LEFT JOIN outbound_messages o ON o.inbound_id = i.id GROUP BY i.id"
            )
        ).all()
        # In order: her texts were handled in arrival order, and their replies queued so.
        handled_out_of_order = conn.execute(
            text(
                "SELECT count(*) FROM inbound_messages a JOIN inbound_messages b "
                "ON a.person_id = b.person_id AND a.id < b.id AND a.processed_at >= b.processed_at"
            )
        ).scalar_one()
        replies_out_of_order = conn.execute(
            text(
                "SELECT count(*) FROM outbound_messages a JOIN outbound_messages b "
                "ON a.person_id = b.person_id AND a.inbound_id < b.inbound_id AND a.id > b.id"
            )
        ).scalar_one()
        in_order = conn.execute(
            text(
                "SELECT count(*) FROM enrollments e JOIN people p ON p.id = e.person_id "
                "WHERE e.status = 'active' AND p.timezone = 'Asia/Vladivostok'"
            )
        ).scalar_one()
    engine.dispose()
    drop_database(url)
    return {
        "benchmark": "inbound_backlog",
        "database": kind,
        "workers": workers,
        "texts": numbers * 3,
        "handled": handled,
        "replies": replies,
        "women_in_order": in_order,
        "seconds": round(elapsed, 1),
        "texts_per_second": round(numbers * 3 / elapsed),
        "replies_per_text": {f"{step}:{n}": c for step, n, c in _tally(per_text)},
        "handled_out_of_order": handled_out_of_order,
        "replies_out_of_order": replies_out_of_order,
        "cores": cores,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "exact": handled == numbers * 3
        and replies == numbers * 4
        and in_order == numbers
        and len(_tally(per_text)) == len(steps)  # one reply count per step
        and handled_out_of_order == 0
        and replies_out_of_order == 0,
    }


def _tally(rows: Any) -> list[tuple[str, int, int]]:
    """(step, replies, texts): how many texts of each step got how many replies."""
    counts: dict[tuple[str, int], int] = {}
    for step, n, c in rows:
        counts[(step, n)] = counts.get((step, n), 0) + c
    return sorted((step, n, c) for (step, n), c in counts.items())
