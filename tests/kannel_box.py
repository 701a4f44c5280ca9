"""A real Kannel for tests: Debian's bearerbox and smsbox, run on the shipped
deploy/kannel/kannel.conf with Kannel's own test SMSC (fakesmsc) in place of the operator, on
free ports in a temporary folder."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes

import pytest

from tests.live import free_port

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONF = ROOT / "deploy" / "kannel" / "kannel.conf"
BEARERBOX, SMSBOX = Path("/usr/sbin/bearerbox"), Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER, PASSWORD = "text4baby", "sendsms-password-for-tests"
SECRET = "inbound-secret-for-tests-0123456789"
SHORT_NUMBER = "3443"
SENDER = "Text4baby"


def require_kannel() -> None:
    """Skip without Kannel (apt-get install kannel kannel-extras); under CI, fail instead."""
    missing = [str(p) for p in (BEARERBOX, SMSBOX, FAKESMSC) if not p.exists()]
    if missing:
        reason = (
            f"Kannel is not installed ({', '.join(missing)}): apt-get install kannel kannel-extras"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def configure(shipped: str, changes: dict[str, dict[str, str]], smsc: str) -> str:
    """The shipped configuration with some values changed per group, and its SMSC replaced."""
    groups = [g for g in re.split(r"\n\s*\n", shipped) if re.search(r"^group = ", g, re.M)]
    out = []
    for text in groups:
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        name = lines[0].split("=", 1)[1].strip()
        if name == "smsc":
            out.append(smsc)
            continue
        values = dict(line.split(" = ", 1) for line in lines[1:])
        values |= changes.get(name, {})
        out.append("\n".join([lines[0], *(f"{k} = {v}" for k, v in values.items())]))
    return "\n\n".join(out) + "\n"


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{what} does not listen on {port}"
        time.sleep(0.1)


def unquote_plus_bytes(text: str) -> bytes:
    """Kannel's URL encoding back to bytes (a space is '+')."""
    return unquote_to_bytes(text.replace("+", " "))


@dataclass
class Handset:
    """What fakesmsc (the SMSC) received from Kannel: texts to each number, parts joined."""

    sender: str
    lines: list[str] = field(default_factory=list)

    def texts_to(self, phone: str) -> list[str]:
        texts, parts = [], {}
        for line in list(self.lines):
            sender, receiver, rest = line.split(" ", 2)
            if receiver != phone:
                continue
            assert sender == self.sender, f"her phone shows {sender!r}, not our sender name"
            kind, _, data = rest.partition(" ")
            if kind == "udh":  # one part of a long text: UDH 05 00 03 ref total seq
                udh, _, payload = data.partition(" data ")
                ref, total, seq = unquote_plus_bytes(udh)[3:6]
                parts.setdefault(ref, {})[seq] = unquote_plus_bytes(payload)
                if len(parts[ref]) == total:
                    pieces = parts.pop(ref)
                    whole = b"".join(pieces[i] for i in range(1, total + 1))
                    texts.append(whole.decode("utf-16-be"))  # we send only Cyrillic long
            elif kind == "ucs-2":
                texts.append(unquote_plus_bytes(data).decode("utf-16-be"))
            else:
                texts.append(data)
        return texts

    def wait_for(self, phone: str, n: int, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(texts := self.texts_to(phone)) < n:
            assert time.monotonic() < deadline, f"only {texts} reached {phone}"
            time.sleep(0.1)
        return texts


class Kannel:
    """bearerbox, smsbox and fakesmsc; `text()` is a woman texting the short number."""

    def __init__(self, folder: Path, inbound_url: str) -> None:
        self.folder = folder
        self.ports = {k: free_port() for k in ("admin", "box", "sendsms", "smsc")}
        self.sendsms_url = f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"
        self.handset = Handset(SENDER)
        self.processes: list[subprocess.Popen[bytes]] = []
        self.conf = folder / "kannel.conf"
        self.conf.write_text(self._conf(inbound_url))

    def _conf(self, inbound_url: str) -> str:
        p, d = self.ports, self.folder
        get_url = re.search(r'get-url = "(.*)"', SHIPPED_CONF.read_text())
        assert get_url, "the shipped sms-service has no get-url"
        url = get_url.group(1).replace("http://127.0.0.1:8000", inbound_url)
        url = url.replace("CHANGE-ME-T4B_INBOUND_SECRET", SECRET)
        fake = "\n".join(
            [
                "group = smsc",
                "smsc = fake",
                "smsc-id = operator",
                f"port = {p['smsc']}",
                'connect-allow-ip = "127.0.0.1"',
            ]
        )
        return configure(
            SHIPPED_CONF.read_text(),
            {
                "core": {
                    "admin-port": str(p["admin"]),
                    "admin-password": "admin-password-for-tests",
                    "smsbox-port": str(p["box"]),
                    "log-file": f'"{d / "bearerbox.log"}"',
                    "log-level": "0",
                    "store-location": f'"{d / "store"}"',
                },
                "smsbox": {
                    "bearerbox-port": str(p["box"]),
                    "sendsms-port": str(p["sendsms"]),
                    "log-file": f'"{d / "smsbox.log"}"',
                    "log-level": "0",
                    "http-queue-delay": "1",
                },
                "sendsms-user": {"username": USER, "password": PASSWORD},
                "sms-service": {"get-url": f'"{url}"'},
            },
            fake,
        )

    def _start(self, *command: str, stdin: int | None = None) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{Path(command[0]).name}.out").open("wb")
        process = subprocess.Popen(command, stdin=stdin, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self) -> Kannel:
        bearerbox = self._start(str(BEARERBOX), str(self.conf))
        wait_for_port(self.ports["smsc"], bearerbox, "bearerbox")
        smsbox = self._start(str(SMSBOX), str(self.conf))
        wait_for_port(self.ports["sendsms"], smsbox, "smsbox")
        command = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.ports["smsc"]), "-i", "0.05"]
        self._fakesmsc = subprocess.Popen(
            [*command, "-v", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(self._fakesmsc)
        threading.Thread(target=self._read_handset, daemon=True).start()
        self._wait_in_log("bearerbox.log", "Fakesmsc client connected")
        return self

    def _read_handset(self) -> None:
        assert self._fakesmsc.stdout is not None
        with (self.folder / "fakesmsc.out").open("wb") as log:
            for raw in self._fakesmsc.stdout:
                log.write(raw)
                log.flush()
                got = re.search(rb"Got message \d+: <(.*)>$", raw.rstrip())
                if got:
                    self.handset.lines.append(got.group(1).decode("latin-1"))

    def _wait_in_log(self, name: str, text: str) -> None:
        deadline = time.monotonic() + 20
        while text not in (self.folder / name).read_text(errors="replace"):
            assert time.monotonic() < deadline, f"{text!r} never appeared in {name}"
            time.sleep(0.1)

    def text(self, phone: str, body: str) -> None:
        """She texts body to the short number; the SMSC hands it to Kannel as UCS-2, as a
        phone does with Cyrillic, her number without the + as SMPP carries it."""
        assert self._fakesmsc.stdin is not None
        data = quote(body.encode("utf-16-be"), safe="")
        line = f"{phone.lstrip('+')} {SHORT_NUMBER} ucs2 {data}\n"
        self._fakesmsc.stdin.write(line.encode())
        self._fakesmsc.stdin.flush()

    def stop(self) -> None:
        for process in reversed(self.processes):
            with suppress(ProcessLookupError):
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)

    def logs(self) -> str:
        """The tail of every log, for a failing assertion."""
        return "\n".join(
            f"== {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-15:])
            for p in sorted(self.folder.glob("*.out")) + sorted(self.folder.glob("*.log"))
        )


@contextmanager
def running_kannel(folder: Path, inbound_url: str) -> Iterator[Kannel]:
    """A started Kannel on a folder of its own; stopped (and its files kept) afterwards."""
    require_kannel()
    folder.mkdir(parents=True, exist_ok=True)
    kannel = Kannel(folder, inbound_url)
    try:
        yield kannel.start()
    finally:
        kannel.stop()
