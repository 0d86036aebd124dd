"""One captured frame to a transport payload: link -> IPv4/IPv6 -> UDP or TCP.

dpkt does the header decoding. What is ours: choosing the link decoder from the
file's link type, reassembling IPv4 fragments (a SIP INVITE with a large SDP over
UDP is often fragmented), and counting what could not be decoded instead of
failing the whole file on one malformed packet.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from wizard.capture.records import CaptureError

LINK_TYPES = {
    0: "BSD loopback",
    1: "Ethernet",
    12: "raw IP",
    14: "raw IP",
    101: "raw IP",
    108: "OpenBSD loopback",
    113: "Linux cooked (SLL)",
    228: "raw IPv4",
    229: "raw IPv6",
    276: "Linux cooked v2 (SLL2)",
}
"""The link types read (pcap LINKTYPE_ values; 12 and 14 are DLT_RAW on some systems)."""

MAX_FRAGMENTED = 1024
"""IPv4 datagrams being reassembled at once; the oldest is dropped past this."""
MAX_DATAGRAM = 65_535


class Endpoint(NamedTuple):
    ip: str
    port: int

    def __str__(self) -> str:
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


@dataclass(slots=True)
class Datagram:
    """A UDP datagram or a TCP segment, as the packet that carried it saw it."""

    number: int
    time: float
    transport: str  # "udp" or "tcp"
    src: Endpoint
    dst: Endpoint
    payload: bytes
    seq: int = 0
    flags: int = 0


TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04


@dataclass
class DecodeStats:
    malformed: int = 0
    fragments_pending: int = 0
    ipv6_fragments: int = 0


class Decoder:
    """Frames of one link type to `Datagram` objects (or `None`: not UDP/TCP)."""

    def __init__(self, linktype: int) -> None:
        import dpkt  # imported here: only reading a capture pays for it

        self._dpkt = dpkt
        self._errors = (dpkt.Error, struct.error, ValueError, IndexError, KeyError, TypeError)
        if linktype not in LINK_TYPES:
            names = ", ".join(sorted(set(LINK_TYPES.values())))
            raise CaptureError(f"link type {linktype} is not supported (supported: {names})")
        self.link = LINK_TYPES[linktype]
        self._link: Callable[[bytes], Any] = self._link_decoder(linktype)
        self._fragments: dict[tuple[bytes, bytes, int, int], dict[int, bytes]] = {}
        self._fragment_ends: dict[tuple[bytes, bytes, int, int], int] = {}
        self.stats = DecodeStats()

    def _link_decoder(self, linktype: int) -> Callable[[bytes], Any]:
        dpkt = self._dpkt
        if linktype == 1:
            return lambda frame: dpkt.ethernet.Ethernet(frame).data
        if linktype == 113:
            return lambda frame: dpkt.sll.SLL(frame).data
        if linktype == 276:
            return lambda frame: dpkt.sll2.SLL2(frame).data
        if linktype in (0, 108):
            return lambda frame: dpkt.loopback.Loopback(frame).data
        return self._raw_ip

    def _raw_ip(self, frame: bytes) -> Any:
        version = frame[0] >> 4 if frame else 0
        if version == 4:
            return self._dpkt.ip.IP(frame)
        if version == 6:
            return self._dpkt.ip6.IP6(frame)
        return None

    def decode(self, number: int, stamp: float, frame: bytes) -> Datagram | None:
        try:
            return self._decode(number, stamp, frame)
        except self._errors:
            self.stats.malformed += 1
            return None

    def _decode(self, number: int, stamp: float, frame: bytes) -> Datagram | None:
        dpkt = self._dpkt
        net = self._link(frame)
        if isinstance(net, dpkt.ip.IP):
            family = socket.AF_INET
            if net.mf or net.offset:
                whole = self._reassemble(net)
                if whole is None:
                    return None
                transport = self._transport(net.p, whole)
            else:
                transport = net.data
        elif isinstance(net, dpkt.ip6.IP6):
            family = socket.AF_INET6
            fragment = net.extension_hdrs.get(44)
            if fragment is not None and (fragment.frag_off or fragment.m_flag):
                self.stats.ipv6_fragments += 1
                return None
            transport = net.data
        else:
            return None
        src = socket.inet_ntop(family, net.src)
        dst = socket.inet_ntop(family, net.dst)
        if isinstance(transport, dpkt.udp.UDP):
            payload = bytes(transport.data)
            if 8 <= transport.ulen <= len(payload) + 8:
                payload = payload[: transport.ulen - 8]
            return Datagram(
                number,
                stamp,
                "udp",
                Endpoint(src, transport.sport),
                Endpoint(dst, transport.dport),
                payload,
            )
        if isinstance(transport, dpkt.tcp.TCP):
            return Datagram(
                number,
                stamp,
                "tcp",
                Endpoint(src, transport.sport),
                Endpoint(dst, transport.dport),
                bytes(transport.data),
                transport.seq,
                transport.flags,
            )
        if net.p in (6, 17) and not (isinstance(net, dpkt.ip.IP) and (net.mf or net.offset)):
            self.stats.malformed += 1  # UDP or TCP that dpkt could not unpack
        return None

    def _transport(self, proto: int, data: bytes) -> Any:
        dpkt = self._dpkt
        if proto == 17:
            return dpkt.udp.UDP(data)
        if proto == 6:
            return dpkt.tcp.TCP(data)
        return None

    def _reassemble(self, ip: Any) -> bytes | None:
        """The whole IPv4 payload once every fragment is in, else `None` (kept for later)."""
        key = (bytes(ip.src), bytes(ip.dst), int(ip.id), int(ip.p))
        # The first fragment was decoded by dpkt as far as it goes; bytes() gives
        # back exactly its payload bytes.
        data = bytes(ip.data)
        offset = int(ip.offset) * 8
        if offset + len(data) > MAX_DATAGRAM:
            self.stats.malformed += 1
            return None
        parts = self._fragments.get(key)
        if parts is None:
            if len(self._fragments) >= MAX_FRAGMENTED:
                oldest = next(iter(self._fragments))
                del self._fragments[oldest]
                self._fragment_ends.pop(oldest, None)
            parts = self._fragments[key] = {}
        parts[offset] = data
        if not ip.mf:
            self._fragment_ends[key] = offset + len(data)
        end = self._fragment_ends.get(key)
        if end is None:
            return None
        whole = bytearray()
        for start in sorted(parts):
            if start > len(whole):
                return None  # a hole: a fragment still to come
            stop = start + len(parts[start])
            if stop > len(whole):
                whole.extend(bytes(stop - len(whole)))
            whole[start:stop] = parts[start]
        if len(whole) < end:
            return None
        del self._fragments[key]
        del self._fragment_ends[key]
        return bytes(whole[:end])

    def finish(self) -> None:
        self.stats.fragments_pending = len(self._fragments)
