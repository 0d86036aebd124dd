"""`ntp`: one SNTP (RFC 4330) query; reports clock offset and round-trip delay."""

from __future__ import annotations

import contextlib
import secrets
import socket
import struct
import time

from wizard.probes._net import resolve
from wizard.probes.base import Deadline, Params, ParamSpec, ProbeSpec, Verdict, hostport, secs
from wizard.probes.common import host_param, timeout_param

NTP_EPOCH_OFFSET = 2208988800  # seconds from 1900-01-01 to 1970-01-01
RETRY = 1.0

PARAMS = (
    host_param("NTP server: host name or IP address."),
    ParamSpec("port", int, False, 123, "NTP server port.", minimum=1, maximum=65535),
    ParamSpec(
        "max_offset",
        float,
        False,
        1.0,
        "Fail when this machine's clock differs from the server's by more (seconds).",
        minimum=0.0,
        maximum=86400.0,
    ),
    timeout_param(),
)

LEAP = {0: "no warning", 1: "last minute has 61 s", 2: "last minute has 59 s", 3: "unsynchronised"}


def _target(p: Params) -> str:
    return f"ntp udp {hostport(str(p.get('host')), int(str(p.get('port') or 123)))}"


def to_ntp(unix: float) -> bytes:
    """64-bit NTP timestamp of a Unix time."""
    seconds = unix + NTP_EPOCH_OFFSET
    whole = int(seconds)
    frac = int((seconds - whole) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!II", whole & 0xFFFFFFFF, frac)


def from_ntp(raw: bytes) -> float:
    whole = int.from_bytes(raw[:4], "big")
    frac = int.from_bytes(raw[4:8], "big")
    return whole - NTP_EPOCH_OFFSET + frac / (1 << 32)


def build_request(transmit: bytes) -> bytes:
    """48-byte SNTP client request: LI=0, VN=4, Mode=3, our transmit timestamp."""
    return bytes([0 << 6 | 4 << 3 | 3]) + bytes(39) + transmit


def run(p: Params, deadline: Deadline) -> Verdict:
    host, port = str(p["host"]), int(str(p["port"]))
    max_offset = float(str(p["max_offset"]))
    target = f"ntp udp {hostport(host, port)}"
    ev: dict[str, object] = {"server": hostport(host, port)}
    family, addr = resolve(host, port, deadline, socktype=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    with contextlib.closing(sock):
        sock.connect((addr, port))
        sends = 0
        next_send = time.monotonic()
        reply: bytes | None = None
        t1 = t4 = 0.0
        sent_stamp = b""
        while deadline.remaining() > 0 and reply is None:
            if time.monotonic() >= next_send:
                # The transmit timestamp doubles as a nonce: random low bits (RFC 4330 s.3).
                t1 = time.time()
                sent_stamp = to_ntp(t1)[:4] + secrets.token_bytes(4)
                try:
                    sock.send(build_request(sent_stamp))
                except ConnectionRefusedError:
                    return Verdict("fail", f"{target}: ICMP port unreachable: no NTP server", ev)
                sends += 1
                next_send = time.monotonic() + RETRY * sends
            sock.settimeout(max(min(next_send - time.monotonic(), deadline.remaining()), 0.001))
            try:
                data = sock.recv(512)
            except TimeoutError:
                continue
            except ConnectionRefusedError:
                return Verdict("fail", f"{target}: ICMP port unreachable: no NTP server", ev)
            t4 = time.time()
            if len(data) >= 48 and data[24:32] == sent_stamp and data[0] & 0x07 in (4, 5):
                reply = data
        ev["transmissions"] = sends
        if reply is None:
            return Verdict(
                "fail",
                f"{target}: no NTP answer within {secs(deadline.seconds)} "
                "(UDP 123 blocked by a firewall, or nothing listening?)",
                ev,
            )
    leap = reply[0] >> 6
    version = (reply[0] >> 3) & 0x07
    stratum = reply[1]
    refid_raw = reply[12:16]
    t2 = from_ntp(reply[32:40])
    t3 = from_ntp(reply[40:48])
    # The request carried a randomised timestamp; use our real send time for T1.
    offset = ((t2 - t1) + (t3 - t4)) / 2.0
    delay = (t4 - t1) - (t3 - t2)
    if stratum in (0, 1) or stratum >= 16:
        refid = refid_raw.decode("ascii", "replace").strip("\x00 ")
    else:
        refid = ".".join(str(b) for b in refid_raw)
    ev["version"] = version
    ev["stratum"] = stratum
    ev["refid"] = refid
    ev["leap"] = LEAP[leap]
    ev["offset_s"] = round(offset, 6)
    ev["delay_s"] = round(delay, 6)
    ev["max_offset_s"] = max_offset
    if stratum == 0:
        ev["kiss_code"] = refid
        return Verdict(
            "fail",
            f"{target}: kiss-o'-death {refid or '(no code)'}: the server refuses to serve",
            ev,
        )
    if leap == 3 or stratum >= 16:
        return Verdict(
            "fail",
            f"{target}: the server's clock is unsynchronised (leap 3 / stratum {stratum})",
            ev,
        )
    sign = "ahead of" if offset < 0 else "behind"
    if abs(offset) > max_offset:
        return Verdict(
            "fail",
            f"this clock is {abs(offset):.3f} s {sign} {hostport(host, port)} "
            f"(more than {secs(max_offset)}); delay {delay * 1000:.1f} ms",
            ev,
        )
    return Verdict(
        "pass",
        f"offset {offset:+.3f} s, delay {delay * 1000:.1f} ms, stratum {stratum} ({refid})",
        ev,
    )


SPEC = ProbeSpec(
    "ntp",
    "SNTP query: this machine's clock offset from an NTP server, and round-trip delay.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
