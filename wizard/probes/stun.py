"""`stun`: a STUN Binding request (RFC 5389) over UDP; reports the mapped address.

With a second server, both requests go out from the same local port: if the
two servers see different mapped ports, the NAT maps per destination
(symmetric NAT), which breaks peer-to-peer media (WebRTC without TURN).
"""

from __future__ import annotations

import contextlib
import ipaddress
import secrets
import socket
import struct
import time

from wizard.probes._net import resolve
from wizard.probes.base import (
    Deadline,
    Params,
    ParamSpec,
    ProbeSpec,
    Verdict,
    hostport,
    ms,
    secs,
)
from wizard.probes.common import host_param, timeout_param

MAGIC = 0x2112A442
BINDING_REQUEST = 0x0001
BINDING_SUCCESS = 0x0101
BINDING_ERROR = 0x0111
ATTR_MAPPED = 0x0001
ATTR_XOR_MAPPED = 0x0020
ATTR_XOR_MAPPED_OLD = 0x8020
ATTR_ERROR_CODE = 0x0009
ATTR_SOFTWARE = 0x8022
RTO = 0.5

PARAMS = (
    host_param("STUN server: host name or IP address."),
    ParamSpec("port", int, False, 3478, "STUN server port.", minimum=1, maximum=65535),
    ParamSpec(
        "compare_host",
        str,
        False,
        None,
        "A second STUN server; different mapped ports from the two mean symmetric NAT.",
        kind="host",
    ),
    ParamSpec(
        "compare_port",
        int,
        False,
        3478,
        "Port of compare_host.",
        minimum=1,
        maximum=65535,
    ),
    timeout_param(),
)


def _target(p: Params) -> str:
    first = f"stun udp {hostport(str(p.get('host')), int(str(p.get('port') or 3478)))}"
    if p.get("compare_host"):
        first += f" and {hostport(str(p['compare_host']), int(str(p.get('compare_port') or 3478)))}"
    return first


def build_request(txid: bytes) -> bytes:
    """A Binding request with no attributes (20 bytes)."""
    return struct.pack("!HHI", BINDING_REQUEST, 0, MAGIC) + txid


class StunReply:
    def __init__(self) -> None:
        self.mapped: tuple[str, int] | None = None
        self.xor_mapped: tuple[str, int] | None = None
        self.error: str | None = None
        self.software: str | None = None

    @property
    def address(self) -> tuple[str, int] | None:
        return self.xor_mapped or self.mapped


def _address(value: bytes, txid: bytes, xor: bool) -> tuple[str, int] | None:
    if len(value) < 8:
        return None
    family = value[1]
    port = struct.unpack("!H", value[2:4])[0]
    raw = value[4:]
    if xor:
        port ^= MAGIC >> 16
        key = struct.pack("!I", MAGIC) + txid
        raw = bytes(b ^ key[i] for i, b in enumerate(raw[:16]))
    if family == 0x01 and len(raw) >= 4:
        return str(ipaddress.IPv4Address(raw[:4])), port
    if family == 0x02 and len(raw) >= 16:
        return str(ipaddress.IPv6Address(raw[:16])), port
    return None


def parse_response(data: bytes, txid: bytes) -> StunReply | None:
    """Parse a Binding response for transaction `txid`; None if it is not one."""
    if len(data) < 20:
        return None
    mtype, length, cookie = struct.unpack("!HHI", data[:8])
    if cookie != MAGIC or data[8:20] != txid or mtype not in (BINDING_SUCCESS, BINDING_ERROR):
        return None
    reply = StunReply()
    pos = 20
    end = min(len(data), 20 + length)
    while pos + 4 <= end:
        atype, alen = struct.unpack("!HH", data[pos : pos + 4])
        value = data[pos + 4 : pos + 4 + alen]
        if atype in (ATTR_XOR_MAPPED, ATTR_XOR_MAPPED_OLD):
            reply.xor_mapped = reply.xor_mapped or _address(value, txid, xor=True)
        elif atype == ATTR_MAPPED:
            reply.mapped = _address(value, txid, xor=False)
        elif atype == ATTR_ERROR_CODE and len(value) >= 4:
            code = (value[2] & 0x07) * 100 + value[3]
            reply.error = f"{code} {value[4:].decode('utf-8', 'replace')}".strip()
        elif atype == ATTR_SOFTWARE:
            reply.software = value.decode("utf-8", "replace")[:100]
        pos += 4 + alen + ((4 - alen % 4) % 4)
    if mtype == BINDING_ERROR and reply.error is None:
        reply.error = "error response"
    return reply


def _binding(
    sock: socket.socket, addr: tuple[str, int], deadline: Deadline
) -> tuple[StunReply | None, float, int]:
    """Send a Binding request with RFC 5389 retransmits (RTO doubling) until the deadline."""
    txid = secrets.token_bytes(12)
    packet = build_request(txid)
    sock.connect(addr)
    t0 = time.monotonic()
    interval = RTO
    next_send = t0
    sends = 0
    while deadline.remaining() > 0:
        now = time.monotonic()
        if now >= next_send:
            sock.send(packet)
            sends += 1
            next_send = now + interval
            interval *= 2
        sock.settimeout(max(min(next_send - time.monotonic(), deadline.remaining()), 0.001))
        try:
            data = sock.recv(2048)
        except TimeoutError:
            continue
        reply = parse_response(data, txid)
        if reply is not None:
            return reply, time.monotonic() - t0, sends
    return None, time.monotonic() - t0, sends


def run(p: Params, deadline: Deadline) -> Verdict:
    host, port = str(p["host"]), int(str(p["port"]))
    compare = p.get("compare_host")
    target = f"stun udp {hostport(host, port)}"
    ev: dict[str, object] = {"server": hostport(host, port)}
    family, addr = resolve(host, port, deadline, socktype=socket.SOCK_DGRAM)[0]
    sock = socket.socket(family, socket.SOCK_DGRAM)
    with contextlib.closing(sock):
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", 0))
        try:
            reply, took, sends = _binding(sock, (addr, port), deadline)
        except ConnectionRefusedError:
            return Verdict("fail", f"{target}: ICMP port unreachable: nothing listens there", ev)
        local = sock.getsockname()[:2]
        ev["local_address"] = hostport(str(local[0]), int(local[1]))
        ev["transmissions"] = sends
        if reply is None:
            return Verdict(
                "fail",
                f"{target}: no STUN answer within {secs(deadline.seconds)} "
                "(UDP blocked by a firewall, or nothing listening?)",
                ev,
            )
        ev["rtt_ms"] = ms(took)
        if reply.software:
            ev["server_software"] = reply.software
        if reply.error:
            ev["stun_error"] = reply.error
            return Verdict("fail", f"{target}: the server answered with error {reply.error}", ev)
        mapped = reply.address
        if mapped is None:
            return Verdict("fail", f"{target}: the answer has no mapped address", ev)
        ev["mapped_address"] = hostport(*mapped)
        ev["attribute"] = "XOR-MAPPED-ADDRESS" if reply.xor_mapped else "MAPPED-ADDRESS"
        if reply.xor_mapped and reply.mapped and reply.mapped != reply.xor_mapped:
            ev["mapped_address_plain"] = hostport(*reply.mapped)
            ev["alg_hint"] = (
                "MAPPED-ADDRESS differs from XOR-MAPPED-ADDRESS (rewritten in transit?)"
            )
        nat = mapped[1] != int(local[1]) or (
            str(local[0]) not in ("0.0.0.0", "::") and mapped[0] != str(local[0])
        )
        ev["nat"] = "yes" if nat else "not seen"
        if not compare:
            return Verdict(
                "pass", f"mapped address {hostport(*mapped)} (local {ev['local_address']})", ev
            )
        cport = int(str(p["compare_port"]))
        ctarget = hostport(str(compare), cport)
        ev["compare_server"] = ctarget
        cfamily, caddr = resolve(str(compare), cport, deadline, socktype=socket.SOCK_DGRAM)[0]
        if cfamily != family:
            ev["error"] = "the two servers resolve to different address families"
            return Verdict("error", f"cannot compare {target} and {ctarget}: IPv4 vs IPv6", ev)
        try:
            reply2, took2, _sends2 = _binding(sock, (caddr, cport), deadline)
        except ConnectionRefusedError:
            return Verdict("fail", f"compare server {ctarget}: ICMP port unreachable", ev)
        if reply2 is None or reply2.address is None:
            why = reply2.error if reply2 and reply2.error else "no answer"
            return Verdict("fail", f"compare server {ctarget}: {why} within the timeout", ev)
        mapped2 = reply2.address
        ev["compare_mapped_address"] = hostport(*mapped2)
        ev["compare_rtt_ms"] = ms(took2)
        if mapped2[1] != mapped[1] or mapped2[0] != mapped[0]:
            ev["nat_type"] = "symmetric NAT likely"
            return Verdict(
                "fail",
                f"symmetric NAT likely: {hostport(*mapped)} seen by {hostport(host, port)}, "
                f"{hostport(*mapped2)} seen by {ctarget} from the same local port",
                ev,
            )
        ev["nat_type"] = "endpoint-independent mapping (not symmetric)"
        return Verdict(
            "pass",
            f"mapped address {hostport(*mapped)}, the same from both servers (not symmetric NAT)",
            ev,
        )


SPEC = ProbeSpec(
    "stun",
    "STUN Binding request over UDP: the public (mapped) address; symmetric NAT check.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
