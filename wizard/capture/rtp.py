"""RTP streams: packets, losses and interarrival jitter, per (source, destination, SSRC).

Every UDP payload shaped like RTP (version 2, a payload type outside RTCP's
64-95, RFC 5761) is counted here as it arrives; the call it belongs to is decided
later, from the SDPs (`wizard.capture.calls`). The figures follow RFC 3550:

* *lost* is expected minus received, expected from the extended highest
  sequence number (appendix A.1 and A.3: wrap-around counted, a jump of 3,000
  or more taken as a restart, not a loss); repeated packets (RFC 4733 sends an
  event's end three times) are not counted as received twice;
* *jitter* is the running estimate J += (|D| - J) / 16 of appendix A.8, in the
  payload's clock, reported as its maximum in milliseconds. RFC 4733 event
  packets are left out of it: every packet of one digit carries the digit's
  start timestamp, which would read as jitter.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.capture.decode import Datagram, Endpoint
from wizard.capture.sdp import STATIC_PAYLOADS, AudioMedia

MAX_STREAMS = 10_000
"""Streams tracked; packets of further streams are not counted (a message says so)."""
MIN_UNANNOUNCED = 8
"""Packets a stream that no SDP announced needs before it is reported as RTP."""
MAX_DROPOUT = 3000
MAX_MISORDER = 100
_HEADER = struct.Struct("!BBHII")

MediaLookup = Callable[[Endpoint], AudioMedia | None]


def looks_like_rtp(payload: bytes) -> bool:
    return len(payload) >= 12 and payload[0] >> 6 == 2 and not 64 <= payload[1] & 0x7F <= 95


@dataclass(slots=True)
class RtpStream:
    src: Endpoint
    dst: Endpoint
    ssrc: int
    first_time: float
    last_time: float = 0.0
    # The last packet that was audio, not an RFC 4733 event: a side that only
    # sends digits is silent for an idle-RTP timer.
    last_audio_time: float | None = None
    packets: int = 0
    duplicates: int = 0
    events: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    media: AudioMedia | None = None
    base_seq: int = 0
    max_seq: int = 0
    cycles: int = 0
    expected_before: int = 0
    clock: int | None = None
    clock_payload: int | None = None
    last_transit: float | None = None
    jitter: float = 0.0
    max_jitter: float = 0.0
    jitter_samples: int = 0

    @property
    def expected(self) -> int:
        if not self.packets:
            return 0
        return self.expected_before + self.cycles + self.max_seq - self.base_seq + 1

    @property
    def lost(self) -> int:
        return max(0, self.expected - (self.packets - self.duplicates))

    @property
    def max_jitter_ms(self) -> float | None:
        """`None` when it cannot be known: no audio packets, or no clock rate."""
        if self.clock is None or self.jitter_samples == 0:
            return None
        return round(self.max_jitter / self.clock * 1000, 2)

    def payload_type(self) -> int:
        """The payload type of most packets, audio before events."""
        events = self.media.events if self.media else frozenset()
        audio = {pt: n for pt, n in self.counts.items() if pt not in events}
        pool = audio or self.counts
        return max(pool, key=lambda pt: pool[pt])

    def payload_name(self) -> str:
        pt = self.payload_type()
        named = (self.media.name(pt) if self.media else None) or STATIC_PAYLOADS.get(pt)
        return named[0] if named else str(pt)

    def is_event(self, payload_type: int, size: int) -> bool:
        if self.media is not None and payload_type in self.media.events:
            return True
        # With no SDP: a dynamic payload carrying 4-byte RFC 4733 event records.
        return self.media is None and payload_type >= 96 and size in (4, 8, 12, 16)

    def plausible(self) -> bool:
        """Worth reporting without an SDP: enough packets, in a sequence that mostly runs."""
        return self.packets >= MIN_UNANNOUNCED and self.expected <= 2 * self.packets

    def add(self, stamp: float, seq: int, timestamp: int, payload_type: int, size: int) -> None:
        self.packets += 1
        self.last_time = stamp
        self.counts[payload_type] = self.counts.get(payload_type, 0) + 1
        self._sequence(seq)
        if self.is_event(payload_type, size):
            self.events += 1
            return
        self.last_audio_time = stamp
        self._jitter(stamp, timestamp, payload_type)

    def _sequence(self, seq: int) -> None:
        if self.packets == 1:
            self.base_seq = self.max_seq = seq
            return
        delta = (seq - self.max_seq) & 0xFFFF
        if delta == 0:
            self.duplicates += 1
        elif delta < MAX_DROPOUT:
            if seq < self.max_seq:
                self.cycles += 1 << 16
            self.max_seq = seq
        elif delta <= 0xFFFF - MAX_MISORDER:
            # A jump (the sender restarted its sequence): a new run, not losses.
            self.expected_before += self.cycles + self.max_seq - self.base_seq + 1
            self.base_seq = self.max_seq = seq
            self.cycles = 0
        # else: a late packet from before max_seq, already counted as expected

    def _jitter(self, stamp: float, timestamp: int, payload_type: int) -> None:
        if payload_type != self.clock_payload:
            named = (self.media.name(payload_type) if self.media else None) or STATIC_PAYLOADS.get(
                payload_type
            )
            if named is None:
                return  # no clock rate known for this payload: no jitter from it
            self.clock, self.clock_payload = named[1], payload_type
            self.last_transit = None
        assert self.clock is not None
        transit = stamp * self.clock - timestamp
        if self.last_transit is not None:
            d = abs(transit - self.last_transit)
            # A timestamp wrap (2**32) shows as a huge D; fold it back.
            if d > 2**31:
                d = abs(d - 2**32)
            self.jitter += (d - self.jitter) / 16
            self.jitter_samples += 1
            self.max_jitter = max(self.max_jitter, self.jitter)
        self.last_transit = transit


class RtpTracker:
    """Counts every RTP-shaped UDP payload into its stream."""

    def __init__(self, media_for: MediaLookup) -> None:
        self._media_for = media_for
        self._streams: dict[tuple[Endpoint, Endpoint, int], RtpStream] = {}
        self.overflow = 0

    def add(self, dg: Datagram) -> None:
        first, marker_type, seq, timestamp, ssrc = _HEADER.unpack_from(dg.payload)
        key = (dg.src, dg.dst, ssrc)
        stream = self._streams.get(key)
        if stream is None:
            if len(self._streams) >= MAX_STREAMS:
                self.overflow += 1
                return
            stream = self._streams[key] = RtpStream(dg.src, dg.dst, ssrc, dg.time)
        if stream.media is None:
            # The SDP usually comes before the media; look again until it has.
            stream.media = self._media_for(dg.dst) or self._media_for(dg.src)
        size = len(dg.payload) - 12 - 4 * (first & 0x0F)
        stream.add(dg.time, seq, timestamp, marker_type & 0x7F, size)

    def streams(self) -> list[RtpStream]:
        return list(self._streams.values())
