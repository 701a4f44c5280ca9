"""A fixed CPU budget for a benchmarked process: its own cgroup with a CPU quota (cgroup v1's
`cpu` controller, `cpu.cfs_quota_us`, or cgroup v2's `cpu.max`). The scale-out runs give each
`serve` the same budget, with one process and with two, so the ratio says whether a second
process adds capacity rather than whether the shared machine had a core to spare."""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

PERIOD_US = 100_000
WEIGHT_V1, WEIGHT_V2 = 10 * 1024, 1000  # ten times the default share (1024; v2: 100)


class Unavailable(RuntimeError):
    """Why a quota cannot be set here (one line for the user)."""


def _controller(mounts: Path) -> tuple[Path, int]:
    """The mount point of the `cpu` controller and the cgroup version (1 or 2)."""
    try:
        lines = mounts.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise Unavailable(f"cannot read {mounts} ({error.strerror})") from None
    v2 = None
    for line in lines:
        fields = line.split()
        if len(fields) < 4:
            continue
        point, kind, options = Path(fields[1]), fields[2], fields[3].split(",")
        if kind == "cgroup" and "cpu" in options:
            return point, 1
        if kind == "cgroup2" and v2 is None:
            try:
                controllers = (point / "cgroup.controllers").read_text(encoding="utf-8").split()
            except OSError:
                continue
            if "cpu" in controllers:
                v2 = point
    if v2 is not None:
        return v2, 2
    raise Unavailable("no cgroup cpu controller is mounted (cgroup v1 `cpu` or v2 `cpu.max`)")


class CpuQuota:
    """One cgroup holding the processes added to it to `cores` of CPU time (0.4 = 40 ms in
    every 100 ms), ahead of the machine's other processes up to that budget. close() removes
    it once its processes have ended."""

    def __init__(self, cores: float, name: str, mounts: Path = Path("/proc/mounts")) -> None:
        if not 0.01 <= cores <= (os.cpu_count() or 1):
            raise Unavailable(
                f"a CPU quota of {cores} cores is outside 0.01-{os.cpu_count()} on this machine"
            )
        root, self.version = _controller(mounts)
        self.cores = cores
        self.path = root / name
        quota = round(cores * PERIOD_US)
        try:
            if self.version == 2 and "cpu" not in _read(root / "cgroup.subtree_control").split():
                _write(root / "cgroup.subtree_control", "+cpu")
            self.path.mkdir()
        except OSError as error:
            raise Unavailable(_why(error, root)) from None
        try:
            # The highest weight too, so that the budget holds while the machine is busy: the
            # quota caps the group, the weight lets it have its quota before others' processes.
            if self.version == 1:
                _write(self.path / "cpu.cfs_period_us", str(PERIOD_US))
                _write(self.path / "cpu.cfs_quota_us", str(quota))
                _write(self.path / "cpu.shares", str(WEIGHT_V1))
            else:
                _write(self.path / "cpu.max", f"{quota} {PERIOD_US}")
                _write(self.path / "cpu.weight", str(WEIGHT_V2))
        except OSError as error:
            self.close()
            raise Unavailable(_why(error, self.path)) from None

    def add(self, pid: int) -> None:
        """Move a process (all its threads; its later children follow) into the group."""
        _write(self.path / "cgroup.procs", str(pid))

    def throttling(self) -> dict[str, float]:
        """The group's counters so far: quota periods, periods it was held back in, and the
        seconds it waited (v1 counts nanoseconds, v2 microseconds)."""
        stat = dict(
            (line.split()[0], int(line.split()[1]))
            for line in _read(self.path / "cpu.stat").splitlines()
            if len(line.split()) == 2
        )
        waited = stat.get("throttled_time", 0) / 1e9 + stat.get("throttled_usec", 0) / 1e6
        return {
            "periods": stat.get("nr_periods", 0),
            "throttled": stat.get("nr_throttled", 0),
            "throttled_seconds": waited,
        }

    def close(self) -> None:
        """Remove the group; a process still in it goes back to the root group first."""
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError as error:
                if error.errno != errno.EBUSY:
                    raise
            for pid in _read(self.path / "cgroup.procs").split():
                with contextlib.suppress(OSError):  # it ended meanwhile
                    _write(self.path.parent / "cgroup.procs", pid)
            time.sleep(0.1)
        self.path.rmdir()


def window(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """What the group went through between two throttling() readings: the share of quota
    periods in which it used up its budget, and the seconds it waited."""
    periods = after["periods"] - before["periods"]
    return {
        "throttled_share": round((after["throttled"] - before["throttled"]) / max(1, periods), 2),
        "throttled_seconds": round(after["throttled_seconds"] - before["throttled_seconds"], 2),
    }


def _why(error: OSError, where: Path) -> str:
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write cgroups at {where} ({error.strerror}: run as root, or delegate it)"
    return f"cannot make a cgroup at {where} ({error.strerror})"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _write(path: Path, value: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(value)
