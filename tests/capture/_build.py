"""Small captures built in the tests with dpkt's own writers: SIP and RTP on any link type.

Every frame is made by dpkt's packet classes (Ethernet, SLL, SLL2, IP, IP6, UDP,
TCP) and written by ``dpkt.pcap.Writer`` or ``dpkt.pcapng.Writer``, so the files
are what a capture tool writes, without a network.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dpkt

ETHERNET, RAW, SLL, SLL2, RAW4, RAW6, NULL = 1, 101, 113, 276, 228, 229, 0
CALLER = ("10.1.1.10", 5080)
CALLEE = ("192.0.2.20", 5080)


@dataclass
class Frame:
    time: float
    data: bytes  # the IP packet (IPv4 or IPv6)


def ip_packet(
    src: str, dst: str, transport: dpkt.Packet, proto: int, *, ident: int = 1
) -> dpkt.Packet:
    if ":" in src:
        packet = dpkt.ip6.IP6(
            src=socket.inet_pton(socket.AF_INET6, src),
            dst=socket.inet_pton(socket.AF_INET6, dst),
            nxt=proto,
            hlim=64,
            data=transport,
            plen=len(bytes(transport)),
        )
        return packet
    return dpkt.ip.IP(
        src=socket.inet_aton(src),
        dst=socket.inet_aton(dst),
        p=proto,
        id=ident,
        data=transport,
    )


def udp(src: tuple[str, int], dst: tuple[str, int], payload: bytes) -> bytes:
    datagram = dpkt.udp.UDP(sport=src[1], dport=dst[1], data=payload)
    datagram.ulen = 8 + len(payload)
    return bytes(ip_packet(src[0], dst[0], datagram, 17))


def tcp(
    src: tuple[str, int], dst: tuple[str, int], seq: int, payload: bytes, flags: int = 0x18
) -> bytes:
    segment = dpkt.tcp.TCP(sport=src[1], dport=dst[1], seq=seq, flags=flags, data=payload)
    return bytes(ip_packet(src[0], dst[0], segment, 6))


def link_frame(linktype: int, packet: bytes) -> bytes:
    """The IP packet inside the link header of ``linktype``."""
    version = packet[0] >> 4 if packet else 4
    ethtype = dpkt.ethernet.ETH_TYPE_IP if version == 4 else dpkt.ethernet.ETH_TYPE_IP6
    if linktype == ETHERNET:
        return bytes(
            dpkt.ethernet.Ethernet(
                src=b"\x02\x00\x00\x00\x00\x01",
                dst=b"\x02\x00\x00\x00\x00\x02",
                type=ethtype,
                data=packet,
            )
        )
    if linktype == SLL:
        return bytes(dpkt.sll.SLL(ethtype=ethtype, data=packet))
    if linktype == SLL2:
        return bytes(dpkt.sll2.SLL2(ethtype=ethtype, data=packet))
    if linktype == NULL:
        family = 2 if version == 4 else 30
        return struct.pack("=I", family) + packet
    return packet  # raw IP


def write_capture(
    path: Path, frames: Iterable[Frame], *, linktype: int = ETHERNET, pcapng: bool = False
) -> Path:
    with path.open("wb") as out:
        writer = (
            dpkt.pcapng.Writer(out, linktype=linktype)
            if pcapng
            else dpkt.pcap.Writer(out, linktype=linktype, snaplen=262144)
        )
        for frame in frames:
            writer.writepkt(link_frame(linktype, frame.data), ts=frame.time)
    return path


def sip(start: str, headers: dict[str, str] | list[tuple[str, str]], body: str = "") -> bytes:
    items = headers.items() if isinstance(headers, dict) else headers
    lines = [start, *(f"{k}: {v}" for k, v in items)]
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def sdp(ip: str, port: int, payloads: str = "0 101", *, extra: str = "") -> str:
    kind = "IP6" if ":" in ip else "IP4"
    lines = [
        "v=0",
        f"o=- 1 1 IN {kind} {ip}",
        "s=-",
        f"c=IN {kind} {ip}",
        "t=0 0",
        f"m=audio {port} RTP/AVP {payloads}",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/8000",
    ]
    if extra:
        lines.append(extra)
    return "\r\n".join(lines) + "\r\n"


def rtp(seq: int, timestamp: int, ssrc: int, payload_type: int = 0, size: int = 160) -> bytes:
    header = struct.pack("!BBHII", 0x80, payload_type, seq & 0xFFFF, timestamp, ssrc)
    return header + bytes(size)


@dataclass
class Dialog:
    """Messages of one call between CALLER and CALLEE, with the usual headers filled in."""

    call_id: str = "a84b4c76e66710@pc33"
    caller: tuple[str, int] = CALLER
    callee: tuple[str, int] = CALLEE
    caller_tag: str = "1928301774"
    callee_tag: str = "a6c85cf"
    cseq: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def _from(self) -> str:
        return f"<sip:alice@{self.caller[0]}>;tag={self.caller_tag}"

    def _to(self, tagged: bool = True) -> str:
        tag = f";tag={self.callee_tag}" if tagged else ""
        return f"<sip:bob@{self.callee[0]}>{tag}"

    def request(
        self,
        method: str,
        *,
        cseq: int | None = None,
        from_callee: bool = False,
        tagged: bool = True,
        body: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        number = cseq if cseq is not None else self.cseq
        if from_callee:
            start = f"{method} sip:alice@{self.caller[0]}:{self.caller[1]} SIP/2.0"
            head = {
                "Via": f"SIP/2.0/UDP {self.callee[0]}:{self.callee[1]};branch=z9hG4bK{method}b",
                "From": self._to(True),
                "To": self._from(),
            }
        else:
            start = f"{method} sip:bob@{self.callee[0]}:{self.callee[1]} SIP/2.0"
            head = {
                "Via": f"SIP/2.0/UDP {self.caller[0]}:{self.caller[1]};branch=z9hG4bK{method}a",
                "From": self._from(),
                "To": self._to(tagged),
            }
        head |= {"Call-ID": self.call_id, "CSeq": f"{number} {method}", "Max-Forwards": "70"}
        head |= self.extra | (headers or {})
        return sip(start, head, body)

    def response(
        self,
        status: str,
        method: str = "INVITE",
        *,
        cseq: int | None = None,
        to_callee: bool = False,
        tagged: bool = True,
        body: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        number = cseq if cseq is not None else self.cseq
        if to_callee:  # a response to a request the callee sent
            head = {
                "Via": f"SIP/2.0/UDP {self.callee[0]}:{self.callee[1]};branch=z9hG4bK{method}b",
                "From": self._to(True),
                "To": self._from(),
            }
        else:
            head = {
                "Via": f"SIP/2.0/UDP {self.caller[0]}:{self.caller[1]};branch=z9hG4bK{method}a",
                "From": self._from(),
                "To": self._to(tagged),
            }
        head |= {"Call-ID": self.call_id, "CSeq": f"{number} {method}"}
        head |= headers or {}
        return sip(f"SIP/2.0 {status}", head, body)


def basic_call(dialog: Dialog | None = None, *, start: float = 1_700_000_000.0) -> list[Frame]:
    """INVITE with SDP, 100, 180, 200 with SDP, ACK, and BYE from the caller 5 s later, over UDP."""
    d = dialog or Dialog()
    up, down = (d.caller, d.callee), (d.callee, d.caller)
    return [
        Frame(start, udp(*up, d.request("INVITE", tagged=False, body=sdp(d.caller[0], 40000)))),
        Frame(start + 0.01, udp(*down, d.response("100 Trying", tagged=False))),
        Frame(start + 0.5, udp(*down, d.response("180 Ringing"))),
        Frame(start + 2.0, udp(*down, d.response("200 OK", body=sdp(d.callee[0], 50000, "0")))),
        Frame(start + 2.05, udp(*up, d.request("ACK"))),
        Frame(start + 7.0, udp(*up, d.request("BYE", cseq=2))),
        Frame(start + 7.01, udp(*down, d.response("200 OK", "BYE", cseq=2))),
    ]
