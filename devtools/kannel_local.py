"""A real Kannel on this machine for trying the Russian route and for tests: Debian's bearerbox
and smsbox on the shipped deploy/kannel/kannel.conf, with Kannel's test SMSC (fakesmsc from
kannel-extras) in place of the operator, on free ports in a folder of its own.

    python -m devtools.kannel_local --programme http://127.0.0.1:8000

It prints the settings to start the programme with; then each line you type
(`+79160000101 МАМА 15.03.2027`) is a text she sends to the short number, and every text that
reaches a phone is printed, long ones joined from their parts.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CONF = ROOT / "deploy" / "kannel" / "kannel.conf"
BEARERBOX, SMSBOX = Path("/usr/sbin/bearerbox"), Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER, PASSWORD = "text4baby", "sendsms-password-for-local-use"
SECRET = "inbound-secret-for-local-use-0123456789"
SHORT_NUMBER = "3443"
SENDER = "Text4baby"


def missing() -> list[str]:
    """The Kannel programs this machine lacks (apt-get install kannel kannel-extras)."""
    return [str(p) for p in (BEARERBOX, SMSBOX, FAKESMSC) if not p.exists()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def configure(shipped: str, changes: dict[str, dict[str, str]], smsc: str | None = None) -> str:
    """The shipped configuration with some values changed per group, and its SMSC replaced."""
    groups = [g for g in re.split(r"\n\s*\n", shipped) if re.search(r"^group = ", g, re.M)]
    out = []
    for text in groups:
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        name = lines[0].split("=", 1)[1].strip()
        if name == "smsc" and smsc is not None:
            out.append(smsc)
            continue
        values = dict(line.split(" = ", 1) for line in lines[1:])
        values |= changes.get(name, {})
        out.append("\n".join([lines[0], *(f"{k} = {v}" for k, v in values.items())]))
    return "\n\n".join(out) + "\n"


def unquote_plus_bytes(text: str) -> bytes:
    """Kannel's URL encoding back to bytes (a space is '+')."""
    return unquote_to_bytes(text.replace("+", " "))


@dataclass
class Handset:
    """The texts fakesmsc (the SMSC) received from Kannel as (sender, number, text), the parts
    of a long text joined. Kannel hands over UCS-2 as bytes: we send only Cyrillic long."""

    on_text: Callable[[str, str, str], None] | None = None
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    _parts: dict[tuple[str, int], dict[int, bytes]] = field(default_factory=dict)

    def add(self, line: str) -> None:
        """One line fakesmsc printed: `sender number kind data`."""
        sender, receiver, rest = line.split(" ", 2)
        kind, _, data = rest.partition(" ")
        if kind == "udh":  # one part of a long text: UDH 05 00 03 ref total seq
            udh, _, payload = data.partition(" data ")
            ref, total, seq = unquote_plus_bytes(udh)[3:6]
            parts = self._parts.setdefault((receiver, ref), {})
            parts[seq] = unquote_plus_bytes(payload)
            if len(parts) < total:
                return
            del self._parts[(receiver, ref)]
            text = b"".join(parts[i] for i in range(1, total + 1)).decode("utf-16-be")
        elif kind == "ucs-2":
            text = unquote_plus_bytes(data).decode("utf-16-be")
        else:
            text = data
        self.texts.append((sender, receiver, text))
        if self.on_text is not None:
            self.on_text(sender, receiver, text)

    def texts_to(self, phone: str) -> list[str]:
        return [text for _, number, text in list(self.texts) if number == phone]


class Kannel:
    """bearerbox, smsbox and fakesmsc; `text()` is a woman texting the short number."""

    def __init__(self, folder: Path, programme_url: str, smpp_port: int | None = None) -> None:
        """With smpp_port, bearerbox binds over SMPP (the shipped SMSC settings) to an SMSC
        there instead of using fakesmsc."""
        self.folder = folder
        self.smpp_port = smpp_port
        self.ports = {k: free_port() for k in ("admin", "box", "sendsms", "smsc")}
        self.sendsms_url = f"http://127.0.0.1:{self.ports['sendsms']}/cgi-bin/sendsms"
        self.handset = Handset()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.conf = folder / "kannel.conf"
        self.conf.write_text(self._conf(programme_url))

    def settings(self, programme_url: str) -> dict[str, str]:
        """The programme's settings for this Kannel."""
        return {
            "T4B_SMS_GATEWAY": "kannel",
            "T4B_KANNEL_SENDSMS_URL": self.sendsms_url,
            "T4B_KANNEL_USER": USER,
            "T4B_KANNEL_PASSWORD": PASSWORD,
            "T4B_KANNEL_SENDER": SENDER,
            "T4B_INBOUND_SECRET": SECRET,
            "T4B_PUBLIC_URL": programme_url,
        }

    def _conf(self, programme_url: str) -> str:
        p, d = self.ports, self.folder
        get_url = re.search(r'get-url = "(.*)"', SHIPPED_CONF.read_text())
        assert get_url, "the shipped sms-service has no get-url"
        url = get_url.group(1).replace("http://127.0.0.1:8000", programme_url)
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
        smpp = {
            "host": "127.0.0.1",
            "port": str(self.smpp_port),
            "smsc-username": "text4baby",
            "smsc-password": "smpp-pw",  # SMPP allows 8 characters
            "reconnect-delay": "1",
        }
        return configure(
            SHIPPED_CONF.read_text(),
            {
                "core": {
                    "admin-port": str(p["admin"]),
                    "admin-password": "admin-password-for-local-use",
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
                "smsc": smpp,
            },
            None if self.smpp_port else fake,
        )

    def _start(self, *command: str) -> subprocess.Popen[bytes]:
        log = (self.folder / f"{Path(command[0]).name}.out").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def _wait_for_port(self, port: int, process: subprocess.Popen[bytes], what: str) -> None:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}:\n{self.logs()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} does not listen on {port}:\n{self.logs()}")
            time.sleep(0.1)

    def start(self) -> Kannel:
        bearerbox = self._start(str(BEARERBOX), str(self.conf))
        self._wait_for_port(self.ports["admin"], bearerbox, "bearerbox")
        smsbox = self._start(str(SMSBOX), str(self.conf))
        self._wait_for_port(self.ports["sendsms"], smsbox, "smsbox")
        if self.smpp_port:
            return self
        # Interactive fakesmsc: each line on its stdin is an MO text; -v 0 prints what it gets.
        command = [str(FAKESMSC), "-H", "127.0.0.1", "-r", str(self.ports["smsc"]), "-i", "0.05"]
        self._fakesmsc = subprocess.Popen(
            [*command, "-v", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(self._fakesmsc)
        threading.Thread(target=self._read_handset, daemon=True).start()
        deadline = time.monotonic() + 20
        while "Fakesmsc client connected" not in self._log("bearerbox.log"):
            if time.monotonic() > deadline:
                raise RuntimeError(f"fakesmsc did not connect:\n{self.logs()}")
            time.sleep(0.1)
        return self

    def _read_handset(self) -> None:
        assert self._fakesmsc.stdout is not None
        with (self.folder / "fakesmsc.out").open("wb") as log:
            for raw in self._fakesmsc.stdout:
                log.write(raw)
                log.flush()
                got = re.search(rb"Got message \d+: <(.*)>$", raw.rstrip())
                if got:
                    self.handset.add(got.group(1).decode("latin-1"))

    def _log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def text(self, phone: str, body: str) -> None:
        """She texts body to the short number: the SMSC hands it to Kannel as UCS-2, as a phone
        does with Cyrillic, her number without the + as SMPP carries it."""
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
        """The tail of every log, for an error message."""
        return "\n".join(
            f"== {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-15:])
            for p in sorted(self.folder.glob("*.out")) + sorted(self.folder.glob("*.log"))
        )


def main() -> None:
    """Run Kannel with the test SMSC until Ctrl-D or Ctrl-C."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--programme", default="http://127.0.0.1:8000", help="its base URL")
    parser.add_argument("--folder", type=Path, help="for the config and logs (default: a tmp dir)")
    args = parser.parse_args()
    if missing():
        sys.exit(f"missing {', '.join(missing())}: apt-get install kannel kannel-extras")
    folder = args.folder or Path(tempfile.mkdtemp(prefix="kannel-"))
    folder.mkdir(parents=True, exist_ok=True)
    kannel = Kannel(folder, args.programme)
    kannel.handset.on_text = lambda sender, number, text: print(
        f"\n--- to {number} from {sender} ---\n{text}\n", flush=True
    )
    kannel.start()
    settings = " ".join(f"{k}={v}" for k, v in kannel.settings(args.programme).items())
    print(f"Kannel runs (config and logs in {folder}). Start the programme with:\n")
    port = urlsplit(args.programme).port or 80
    print(f"  {settings} .venv/bin/text4baby-ru serve --port {port}\n")
    print("Then type a text as she sends it: +79160000101 МАМА 15.03.2027", flush=True)
    try:
        for line in sys.stdin:
            if line.strip():
                phone, _, body = line.strip().partition(" ")
                kannel.text(phone, body)
    except KeyboardInterrupt:
        pass
    finally:
        kannel.stop()


if __name__ == "__main__":
    main()
