"""TCP byte streams to whole SIP messages (RFC 3261 section 18.3 framing), and TLS noticed.

Each direction of a connection is its own stream. Segments are put in
sequence order first (bytes already taken are dropped, early segments held),
from the SYN when the capture has it, else from the first segment seen. The
ordered bytes are then *hunted* for a SIP start line, so a capture that begins
mid-connection still finds the next message; from there messages are cut by
the blank line after the headers and the Content-Length. A stream whose first
bytes are a TLS record is marked unreadable. Everything is bounded: bytes held
per stream, segments held out of order, streams tracked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from wizard.capture.decode import TCP_FIN, TCP_RST, TCP_SYN, Datagram, Endpoint
from wizard.capture.sipwire import FIND_START, MAX_MESSAGE, starts_sip

MAX_STREAMS = 4096
"""TCP streams tracked at once; past this the oldest is forgotten."""
MAX_HELD = 64
"""Segments held out of order in one stream before the gap is given up as lost."""
MAX_BUFFER = 2 * MAX_MESSAGE
"""Bytes of one stream held waiting for the rest of a message."""
MAX_HUNT = 256 * 1024
"""Bytes a stream may carry without a SIP start line before it is ignored."""

_CONTENT_LENGTH = re.compile(rb"(?im)^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*\r?$")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_START_WINDOW = 1100  # bytes that always hold a whole start line (URI up to 1024)


def _is_tls_record(data: bytes | bytearray) -> bool:
    # A TLS record: content type 20-23 (handshake is 22), then version 3.x.
    return len(data) >= 5 and 20 <= data[0] <= 23 and data[1] == 3 and data[2] <= 4


def _seq_delta(seq: int, expected: int) -> int:
    """`seq - expected` on the 32-bit sequence circle, in -2**31 .. 2**31-1."""
    return ((seq - expected + 2**31) % 2**32) - 2**31


@dataclass(slots=True)
class _Stream:
    next_seq: int
    state: str = "hunt"  # hunt, sip, tls, other
    buffer: bytearray = field(default_factory=bytearray)
    held: dict[int, Datagram] = field(default_factory=dict)
    taken: int = 0  # in-order bytes seen so far
    hunted: int = 0  # bytes hunted through without a start line


@dataclass(slots=True)
class TcpMessage:
    """Bytes of one whole SIP message, with the segment that completed it."""

    last: Datagram
    raw: bytes


class TcpReassembler:
    def __init__(self) -> None:
        self._streams: dict[tuple[Endpoint, Endpoint], _Stream] = {}
        self.tls_ports: list[int] = []
        self.dropped_gaps = 0

    def add(self, seg: Datagram) -> Iterator[TcpMessage]:
        """Feed one segment; yield every SIP message it completes."""
        key = (seg.src, seg.dst)
        stream = self._streams.get(key)
        if stream is None or seg.flags & TCP_SYN:
            if len(self._streams) >= MAX_STREAMS and key not in self._streams:
                del self._streams[next(iter(self._streams))]
            start = seg.seq + 1 if seg.flags & TCP_SYN else seg.seq
            stream = self._streams[key] = _Stream(next_seq=start % 2**32)
        if seg.payload and stream.state in ("hunt", "sip"):
            yield from self._order(stream, seg)
        if seg.flags & (TCP_FIN | TCP_RST):
            self._streams.pop(key, None)

    def _order(self, stream: _Stream, seg: Datagram) -> Iterator[TcpMessage]:
        delta = _seq_delta(seg.seq, stream.next_seq)
        if delta > 0:
            stream.held[seg.seq] = seg
            if len(stream.held) > MAX_HELD:
                yield from self._skip_gap(stream)
            return
        if -delta >= len(seg.payload):
            return  # a retransmission of bytes already taken
        yield from self._take(stream, seg, seg.payload[-delta:] if delta else seg.payload)
        while stream.state in ("hunt", "sip") and stream.next_seq in stream.held:
            following = stream.held.pop(stream.next_seq)
            yield from self._take(stream, following, following.payload)

    def _skip_gap(self, stream: _Stream) -> Iterator[TcpMessage]:
        """A segment never came (the capture lost it): go on from the earliest one held."""
        self.dropped_gaps += 1
        earliest = min(stream.held, key=lambda s: _seq_delta(s, stream.next_seq))
        stream.next_seq = earliest
        stream.buffer.clear()
        stream.state = "hunt"
        while stream.state in ("hunt", "sip") and stream.next_seq in stream.held:
            following = stream.held.pop(stream.next_seq)
            yield from self._take(stream, following, following.payload)

    def _take(self, stream: _Stream, seg: Datagram, data: bytes) -> Iterator[TcpMessage]:
        """Bytes in order: hunt for a start line, or cut messages."""
        stream.next_seq = (stream.next_seq + len(data)) % 2**32
        first = stream.taken == 0
        stream.taken += len(data)
        stream.buffer += data
        if stream.state == "hunt":
            if first and _is_tls_record(stream.buffer):
                self._tls(stream, seg)
                return
            found = FIND_START.search(stream.buffer)
            if found is None:
                stream.hunted += len(data)
                if stream.hunted > MAX_HUNT:
                    stream.state = "other"
                    stream.buffer.clear()
                else:
                    # Keep the tail: a start line may straddle two segments.
                    del stream.buffer[:-_START_WINDOW]
                return
            del stream.buffer[: found.start()]
            stream.state = "sip"
            stream.hunted = 0
        yield from self._cut(stream, seg)

    def _tls(self, stream: _Stream, seg: Datagram) -> None:
        stream.state = "tls"
        stream.buffer.clear()
        payload = seg.payload
        # The server's port: where a ClientHello goes, or where a ServerHello comes
        # from; mid-connection, the lower port (the ephemeral one is the higher).
        hello = payload[5] if payload[0] == 22 and len(payload) > 5 else 0
        if hello == 1:
            port = seg.dst.port
        elif hello == 2:
            port = seg.src.port
        else:
            port = min(seg.src.port, seg.dst.port)
        if port not in self.tls_ports:
            self.tls_ports.append(port)

    def _cut(self, stream: _Stream, seg: Datagram) -> Iterator[TcpMessage]:
        buffer = stream.buffer
        while buffer:
            # Keep-alives (RFC 5626 CRLF pings) sit between messages.
            skip = 0
            while skip < len(buffer) and buffer[skip] in (13, 10):
                skip += 1
            del buffer[:skip]
            head = bytes(buffer[:_START_WINDOW])
            if not head:
                return
            if not starts_sip(head):
                if b"\n" not in head and len(head) < _START_WINDOW:
                    return  # the start line is not all here yet
                # Not SIP framing (junk after a message): skip to the next start line.
                found = FIND_START.search(buffer, 1)
                if found is None:
                    self._lose_sync(stream)
                    return
                del buffer[: found.start()]
                continue
            end = _HEADER_END.search(buffer)
            if end is None:
                if len(buffer) > MAX_BUFFER:
                    self._lose_sync(stream)
                return
            length = _CONTENT_LENGTH.search(buffer, 0, end.start() + 2)
            body = int(length.group(1)) if length else 0
            if body > MAX_MESSAGE:
                del buffer[: end.end()]  # a body too large to be SIP: drop the headers
                continue
            total = end.end() + body
            if len(buffer) < total:
                return
            raw = bytes(buffer[:total])
            del buffer[:total]
            yield TcpMessage(seg, raw)

    def _lose_sync(self, stream: _Stream) -> None:
        """No SIP framing left in the bytes held: hunt again in the bytes to come."""
        del stream.buffer[:-_START_WINDOW]
        stream.state = "hunt"
