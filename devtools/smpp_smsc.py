"""A small SMPP 3.4 SMSC for tests: what an operator does that Kannel's fakesmsc cannot, namely
fail. Kannel's bearerbox binds to it as a transceiver (its real `smsc = smpp` module); each
number can be set to be delivered, undeliverable (a receipt `stat:UNDELIV err:001`) or rejected
at submit (SMPP status 0x0000000B, invalid destination), and it sends MO texts as UCS-2
deliver_sm, as a phone's Cyrillic arrives."""

from __future__ import annotations

import itertools
import socket
import struct
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

BIND_TRANSCEIVER, BIND_TRANSCEIVER_RESP = 0x00000009, 0x80000009
SUBMIT_SM, SUBMIT_SM_RESP = 0x00000004, 0x80000004
DELIVER_SM, DELIVER_SM_RESP = 0x00000005, 0x80000005
ENQUIRE_LINK, ENQUIRE_LINK_RESP = 0x00000015, 0x80000015
UNBIND, UNBIND_RESP = 0x00000006, 0x80000006
GENERIC_NACK = 0x80000000
ESME_RINVDSTADR = 0x0000000B
UCS2 = 0x08
MESSAGE_STATE = 0x0427
Fate = Literal["delivered", "undeliverable", "rejected"]


def cstring(data: bytes, at: int) -> tuple[bytes, int]:
    end = data.index(b"\0", at)
    return data[at:end], end + 1


@dataclass
class Submitted:
    """One submit_sm as the SMSC saw it."""

    source: str
    destination: str
    data_coding: int
    esm_class: int
    registered_delivery: int
    short_message: bytes


def parse_submit(body: bytes) -> Submitted:
    _, at = cstring(body, 0)  # service_type
    at += 2  # source TON, NPI
    source, at = cstring(body, at)
    at += 2  # destination TON, NPI
    destination, at = cstring(body, at)
    esm_class = body[at]
    at += 3  # esm_class, protocol_id, priority_flag
    _, at = cstring(body, at)  # schedule_delivery_time
    _, at = cstring(body, at)  # validity_period
    registered_delivery, data_coding, length = body[at], body[at + 2], body[at + 4]
    message = body[at + 5 : at + 5 + length]
    return Submitted(
        source.decode(), destination.decode(), data_coding, esm_class, registered_delivery, message
    )


def pdu(command: int, status: int, sequence: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command, status, sequence) + body


def tlv(tag: int, value: bytes) -> bytes:
    return struct.pack(">HH", tag, len(value)) + value


def deliver_sm(source: str, destination: str, esm_class: int, coding: int, text: bytes) -> bytes:
    """A deliver_sm body: an MO text (esm_class 0) or a delivery receipt (0x04)."""
    return b"".join(
        [
            b"\0",  # service_type
            bytes([1, 1]) + source.encode() + b"\0",
            bytes([1, 1]) + destination.encode() + b"\0",
            bytes([esm_class, 0, 0]),
            b"\0\0",  # schedule_delivery_time, validity_period
            bytes([0, 0, coding, 0, len(text)]),
            text,
        ]
    )


@dataclass
class SmppSmsc:
    """Listens on a port for one ESME (bearerbox) at a time."""

    port: int
    fates: dict[str, Fate] = field(default_factory=dict)
    submitted: list[Submitted] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    _sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _conn: socket.socket | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    bound: threading.Event = field(default_factory=threading.Event)

    def start(self) -> SmppSmsc:
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.close()
        if self._conn is not None:
            self._conn.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            self._conn = conn
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _send(self, data: bytes) -> None:
        with self._lock:
            assert self._conn is not None
            self._conn.sendall(data)

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as stream:
            while header := stream.read(16):
                length, command, _, sequence = struct.unpack(">IIII", header)
                body = stream.read(length - 16)
                self._handle(command, sequence, body)

    def _handle(self, command: int, sequence: int, body: bytes) -> None:
        if command == BIND_TRANSCEIVER:
            self._send(pdu(BIND_TRANSCEIVER_RESP, 0, sequence, b"test-smsc\0"))
            self.bound.set()
        elif command == ENQUIRE_LINK:
            self._send(pdu(ENQUIRE_LINK_RESP, 0, sequence))
        elif command == UNBIND:
            self._send(pdu(UNBIND_RESP, 0, sequence))
        elif command == SUBMIT_SM:
            self._submit(sequence, parse_submit(body))
        elif command in (DELIVER_SM_RESP, GENERIC_NACK):
            pass
        else:
            self._send(pdu(GENERIC_NACK, 0x00000003, sequence))  # invalid command id

    def _submit(self, sequence: int, sms: Submitted) -> None:
        self.submitted.append(sms)
        fate = self.fates.get(sms.destination.lstrip("+"), "delivered")
        if fate == "rejected":
            self._send(pdu(SUBMIT_SM_RESP, ESME_RINVDSTADR, sequence, b"\0"))
            return
        # Ids as the shipped msg-id-type = 0x01 expects: hex in submit_sm_resp, decimal in the
        # receipt's text (no receipted_message_id TLV, as many operators send).
        number = next(self._ids)
        self._send(pdu(SUBMIT_SM_RESP, 0, sequence, f"{number:x}".encode() + b"\0"))
        if sms.registered_delivery & 1:
            self._receipt(sms, str(number), fate)

    def _receipt(self, sms: Submitted, message_id: str, fate: Fate) -> None:
        stamp = datetime.now(UTC).strftime("%y%m%d%H%M")
        stat, err, state = ("DELIVRD", "000", 2) if fate == "delivered" else ("UNDELIV", "001", 5)
        text = (
            f"id:{message_id} sub:001 dlvrd:{'001' if state == 2 else '000'} "
            f"submit date:{stamp} done date:{stamp} stat:{stat} err:{err} text:"
        ).encode()
        body = deliver_sm(sms.destination.lstrip("+"), sms.source, 0x04, 0, text)
        body += tlv(MESSAGE_STATE, bytes([state]))
        self._send(pdu(DELIVER_SM, 0, next(self._sequence), body))

    def mo(self, phone: str, short_number: str, text: str) -> None:
        """She texts the short number: UCS-2, her number without the +."""
        body = deliver_sm(phone.lstrip("+"), short_number, 0, UCS2, text.encode("utf-16-be"))
        self._send(pdu(DELIVER_SM, 0, next(self._sequence), body))
