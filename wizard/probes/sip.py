"""`sip-options`: send one SIP OPTIONS over UDP, TCP or TLS and read the answer.

Compares what was sent with what came back: `received=`/`rport=` on the
top Via show NAT; a rewritten Via, From or Call-ID hints at a SIP ALG.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import ssl
import time

from wizard.probes._net import connect_tcp, resolve
from wizard.probes.base import (
    Deadline,
    Params,
    ParamSpec,
    ProbeSpec,
    Verdict,
    bare_host,
    hostport,
    ms,
    secs,
)
from wizard.probes.common import host_param, timeout_param
from wizard.probes.params import parse_status_list, readable_file, status_matches
from wizard.sipparse import SipMessage, header_params, parse_message, split_list

T1 = 0.5
T2 = 4.0
USER_AGENT = "edge-wizard-probe/1"
MAX_RESPONSE = 64 * 1024
DEFAULT_PASS = "2xx,401,405,407,501"

PARAMS = (
    host_param("SIP server (carrier SBC, Edge, proxy): host name or IP address."),
    ParamSpec(
        "port",
        int,
        False,
        None,
        "Port; default 5060, or 5061 for tls.",
        minimum=1,
        maximum=65535,
    ),
    ParamSpec(
        "transport",
        str,
        False,
        "udp",
        "udp, tcp or tls.",
        choices=("udp", "tcp", "tls"),
    ),
    ParamSpec(
        "expect_status",
        str,
        False,
        DEFAULT_PASS,
        "Final statuses that pass (any final answer proves the SIP stack is reachable; "
        "these also say it accepts us).",
        kind="status_list",
    ),
    ParamSpec(
        "verify",
        bool,
        False,
        True,
        "For tls: check the server certificate (false to only test reachability).",
    ),
    ParamSpec(
        "ca_file",
        str,
        False,
        None,
        "For tls: PEM file of CA certificates to trust instead of the system store.",
        kind="path",
    ),
    timeout_param(),
)


def _port(p: Params) -> int:
    port = p.get("port")
    if isinstance(port, int) and not isinstance(port, bool):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    return 5061 if p.get("transport") == "tls" else 5060


def _target(p: Params) -> str:
    return f"sip:{hostport(str(p.get('host')), _port(p))} over {p.get('transport', 'udp')}"


class _Sent:
    """What we put on the wire, to compare with what comes back."""

    def __init__(self, host: str, port: int, transport: str, local: tuple[str, int]) -> None:
        self.transport = transport
        self.local_ip, self.local_port = local
        self.sent_by = hostport(self.local_ip, self.local_port)
        self.branch = "z9hG4bK-ew" + secrets.token_hex(8)
        self.tag = secrets.token_hex(5)
        self.call_id = secrets.token_hex(10) + "@edge-wizard"
        tparam = "" if transport == "udp" else f";transport={transport}"
        self.to_uri = f"sip:{hostport(host, port)}"
        self.request_uri = self.to_uri + tparam
        self.from_uri = f"sip:edge-wizard@{self.sent_by}"
        self.via = f"SIP/2.0/{transport.upper()} {self.sent_by};branch={self.branch};rport"

    def wire(self) -> bytes:
        lines = [
            f"OPTIONS {self.request_uri} SIP/2.0",
            f"Via: {self.via}",
            "Max-Forwards: 70",
            f"From: <{self.from_uri}>;tag={self.tag}",
            f"To: <{self.to_uri}>",
            f"Call-ID: {self.call_id}",
            "CSeq: 1 OPTIONS",
            f"Contact: <sip:edge-wizard@{self.sent_by};transport={self.transport}>",
            "Accept: application/sdp",
            f"User-Agent: {USER_AGENT}",
            "Content-Length: 0",
            "",
            "",
        ]
        return "\r\n".join(lines).encode("ascii")

    def matches(self, msg: SipMessage) -> bool:
        cseq = (msg.get("cseq") or "").split()
        if msg.status_code is None or cseq[:2] != ["1", "OPTIONS"]:
            return False
        via = msg.get("via") or ""
        return msg.get("call-id") == self.call_id or self.branch in via


def _parse_via(value: str) -> tuple[str, str, dict[str, str]]:
    """`SIP/2.0/UDP 10.0.0.1:5060;branch=x;rport=1` -> (`UDP`, `10.0.0.1:5060`, params)."""
    top = split_list(value)[0] if value else ""
    head = top.split(";", 1)[0].strip()
    parts = head.split(None, 1)
    proto = parts[0].rsplit("/", 1)[-1].upper() if parts else ""
    sent_by = parts[1].replace(" ", "") if len(parts) > 1 else ""
    return proto, sent_by, header_params(top)


def _uri_of(value: str) -> str:
    if "<" in value and ">" in value:
        return value[value.index("<") + 1 : value.index(">")]
    return value.split(";", 1)[0].strip()


def _compare(sent: _Sent, msg: SipMessage, ev: dict[str, object]) -> tuple[bool, bool]:
    """Add NAT/ALG evidence; returns (nat_seen, alg_suspected)."""
    via_back = msg.get("via") or ""
    ev["via_sent"] = sent.via
    ev["via_received"] = split_list(via_back)[0] if via_back else "(none)"
    proto, sent_by, vparams = _parse_via(via_back)
    rewrites: list[str] = []
    nat_notes: list[str] = []
    if not via_back:
        rewrites.append("the response has no Via header")
    else:
        if sent_by.lower() != sent.sent_by.lower():
            rewrites.append(f"Via sent-by: sent {sent.sent_by}, came back {sent_by}")
        if proto and proto != sent.transport.upper():
            rewrites.append(f"Via transport: sent {sent.transport.upper()}, came back {proto}")
        if vparams.get("branch") != sent.branch:
            rewrites.append(
                f"Via branch: sent {sent.branch}, came back {vparams.get('branch', '(none)')}"
            )
        received = vparams.get("received")
        if received and bare_host(received) != bare_host(sent.local_ip):
            nat_notes.append(f"received={received} (the server saw us at another address)")
        rport = vparams.get("rport")
        if rport and rport != str(sent.local_port):
            nat_notes.append(f"rport={rport} (the server saw us from another port)")
    if msg.get("call-id") not in (None, sent.call_id):
        rewrites.append(f"Call-ID: sent {sent.call_id}, came back {msg.get('call-id')}")
    from_back = msg.get("from")
    if from_back is not None:
        if _uri_of(from_back) != sent.from_uri:
            rewrites.append(f"From: sent <{sent.from_uri}>, came back <{_uri_of(from_back)}>")
        if header_params(from_back.split(">", 1)[-1] if ">" in from_back else from_back).get(
            "tag"
        ) not in (None, sent.tag):
            rewrites.append("From tag changed")
    ev["nat_seen"] = bool(nat_notes)
    if nat_notes:
        ev["nat"] = nat_notes
    ev["alg_suspected"] = bool(rewrites)
    if rewrites:
        ev["rewritten"] = rewrites
    return bool(nat_notes), bool(rewrites)


def _read_stream_message(sock: socket.socket, buf: bytearray, deadline: Deadline) -> bytes | None:
    """One SIP message from a stream (headers + Content-Length body), or None on close."""
    while True:
        while buf[:2] == b"\r\n":  # keepalive CRLFs
            del buf[:2]
        end = buf.find(b"\r\n\r\n")
        if end >= 0:
            head = bytes(buf[: end + 4])
            msg = parse_message(head.decode("utf-8", "replace"))
            length = 0
            if msg is not None:
                with contextlib.suppress(ValueError):
                    length = int((msg.get("content-length") or "0").split()[0])
            total = end + 4 + max(0, min(length, MAX_RESPONSE))
            if len(buf) >= total:
                data = bytes(buf[:total])
                del buf[:total]
                return data
        if len(buf) > MAX_RESPONSE:
            raise ValueError("response larger than 64 KiB")
        left = deadline.remaining()
        if left <= 0:
            raise TimeoutError("timed out")
        sock.settimeout(left)
        chunk = sock.recv(8192)
        if not chunk:
            return None
        buf.extend(chunk)


def _exchange_udp(
    family: int, addr: str, port: int, host: str, deadline: Deadline, ev: dict[str, object]
) -> tuple[_Sent, SipMessage | None, float, list[str]]:
    sock = socket.socket(family, socket.SOCK_DGRAM)
    with contextlib.closing(sock):
        sock.connect((addr, port))
        local = sock.getsockname()[:2]
        sent = _Sent(host, port, "udp", (str(local[0]), int(local[1])))
        ev["local_address"] = sent.sent_by
        ev["request_uri"] = sent.request_uri
        data = sent.wire()
        provisional: list[str] = []
        t0 = time.monotonic()
        interval = T1
        transmissions = 0
        next_send = t0
        final: SipMessage | None = None
        while final is None:
            now = time.monotonic()
            if now >= next_send:
                sock.send(data)
                transmissions += 1
                ev["transmissions"] = transmissions
                next_send = now + interval
                interval = min(interval * 2, T2)
            wait = min(next_send - time.monotonic(), deadline.remaining())
            if deadline.remaining() <= 0:
                break
            sock.settimeout(max(wait, 0.001))
            try:
                packet = sock.recv(MAX_RESPONSE)
            except TimeoutError:
                continue
            msg = parse_message(packet.decode("utf-8", "replace"))
            if msg is None or not sent.matches(msg):
                continue
            if msg.is_final():
                final = msg
            else:
                provisional.append(f"{msg.status_code} {msg.reason or ''}".strip())
                interval = T2
                next_send = time.monotonic() + T2
        return sent, final, time.monotonic() - t0, provisional


def _exchange_stream(
    sock: socket.socket,
    host: str,
    port: int,
    transport: str,
    deadline: Deadline,
    ev: dict[str, object],
) -> tuple[_Sent, SipMessage | None, float, list[str]]:
    local = sock.getsockname()[:2]
    sent = _Sent(host, port, transport, (str(local[0]), int(local[1])))
    ev["local_address"] = sent.sent_by
    ev["request_uri"] = sent.request_uri
    t0 = time.monotonic()
    sock.settimeout(max(deadline.remaining(), 0.001))
    sock.sendall(sent.wire())
    buf = bytearray()
    provisional: list[str] = []
    while True:
        raw = _read_stream_message(sock, buf, deadline)
        if raw is None:
            ev["closed_by_server"] = True
            return sent, None, time.monotonic() - t0, provisional
        msg = parse_message(raw.decode("utf-8", "replace"))
        if msg is None or not sent.matches(msg):
            continue
        if msg.is_final():
            return sent, msg, time.monotonic() - t0, provisional
        provisional.append(f"{msg.status_code} {msg.reason or ''}".strip())


def run(p: Params, deadline: Deadline) -> Verdict:
    host = str(p["host"])
    port = _port(p)
    transport = str(p["transport"])
    expected = parse_status_list(str(p["expect_status"]))
    target = f"sip:{hostport(host, port)} over {transport}"
    ev: dict[str, object] = {"target": target, "transport": transport}
    ca_file = p.get("ca_file")
    if ca_file is not None and (problem := readable_file(str(ca_file))):
        ev["error"] = problem
        return Verdict("error", problem, ev)
    socktype = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
    addrs = resolve(host, port, deadline, socktype=socktype)
    ev["resolved"] = [a for _f, a in addrs]
    if transport == "udp":
        family, addr = addrs[0]
        ev["sent_to"] = hostport(addr, port)
        try:
            sent, final, took, provisional = _exchange_udp(family, addr, port, host, deadline, ev)
        except ConnectionRefusedError:
            ev["icmp"] = "port unreachable"
            return Verdict(
                "fail",
                f"{target}: ICMP port unreachable: nothing listens on udp {hostport(addr, port)}",
                ev,
            )
    else:
        sock, peer, connect_took = connect_tcp(addrs, port, deadline)
        ev["connected_to"] = peer
        ev["connect_ms"] = ms(connect_took)
        with contextlib.closing(sock):
            stream: socket.socket = sock
            if transport == "tls":
                if p.get("verify") is False:
                    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                    ctx.check_hostname = False
                    ctx.verify_mode = ssl.CERT_NONE
                else:
                    ctx = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
                sock.settimeout(max(deadline.remaining(), 0.001))
                try:
                    stream = ctx.wrap_socket(sock, server_hostname=bare_host(host))
                except ssl.SSLCertVerificationError as exc:
                    ev["verify_error"] = exc.verify_message or str(exc)
                    return Verdict(
                        "fail",
                        f"{target}: certificate not trusted: {ev['verify_error']} "
                        "(run the tls probe for the issuer, or verify=false to test reachability)",
                        ev,
                    )
                ev["tls_version"] = stream.version() or "?"
            try:
                sent, final, took, provisional = _exchange_stream(
                    stream, host, port, transport, deadline, ev
                )
            finally:
                with contextlib.suppress(OSError):
                    stream.close()
    if provisional:
        ev["provisional"] = provisional
    if final is None:
        if ev.get("closed_by_server"):
            return Verdict(
                "fail", f"{target}: the server closed the connection without a SIP answer", ev
            )
        sends = ev.get("transmissions")
        tries = f" after {sends} transmissions" if sends else ""
        return Verdict(
            "fail",
            f"{target}: no SIP answer within {secs(deadline.seconds)}{tries} "
            "(a firewall dropping SIP, or nothing listening?)",
            ev,
        )
    status = final.status_code or 0
    status_line = f"SIP/2.0 {status} {final.reason or ''}".strip()
    ev["status_line"] = status_line
    ev["status"] = status
    ev["rtt_ms"] = ms(took)
    for header in ("server", "user-agent", "allow"):
        value = final.get(header)
        if value:
            ev[header.replace("-", "_")] = value[:200]
    nat, alg = _compare(sent, final, ev)
    notes = ""
    if alg:
        notes += "; headers rewritten in transit (a SIP ALG?)"
    if nat:
        notes += "; NAT seen (received/rport differ)"
    ev["expect_status"] = ",".join(expected)
    if status_matches(status, expected):
        return Verdict("pass", f"{status_line} from {target} in {ev['rtt_ms']} ms{notes}", ev)
    return Verdict(
        "fail",
        f"{status_line} from {target}: the SIP stack is reachable but answered "
        f"{status}, expected {','.join(expected)}{notes}",
        ev,
    )


SPEC = ProbeSpec(
    "sip-options",
    "SIP OPTIONS over udp/tcp/tls: status, round trip, NAT and SIP ALG hints.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
