"""One capture file, read once from start to end, to calls with ladders and findings.

Each record goes link -> IP -> UDP/TCP (`wizard.capture.decode`); a UDP payload shaped
like RTP is counted into its stream (`wizard.capture.rtp`), one that starts with a SIP
start line is a SIP message, and TCP goes through reassembly (`wizard.capture.tcp`).
Nothing is kept of a packet but its SIP text (bounded) and its stream's
counters, so memory stays small however large the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from wizard.capture.calls import Call, attach_streams, call_findings, group_calls
from wizard.capture.decode import Datagram, Decoder, Endpoint
from wizard.capture.findings import CallFindings
from wizard.capture.records import Limits, RecordStream
from wizard.capture.rtp import RtpStream, RtpTracker, looks_like_rtp
from wizard.capture.sdp import AudioMedia, audio_media
from wizard.capture.sipwire import SipPacket, sip_packet, starts_sip
from wizard.capture.tcp import TcpReassembler

MAX_SIP_TEXT = 32 * 1024 * 1024
"""Characters of SIP text kept from one capture; later messages are not read."""


@dataclass
class AnalyzedCall:
    call: Call
    findings: CallFindings

    @property
    def call_id(self) -> str:
        return self.call.call_id


@dataclass
class Capture:
    """What one capture file holds."""

    path: Path
    format: str
    link: str
    packets: int
    first_time: float | None
    calls: list[AnalyzedCall] = field(default_factory=list)
    others: list[Call] = field(default_factory=list)  # OPTIONS, REGISTER... by Call-ID
    unannounced: list[RtpStream] = field(default_factory=list)  # RTP no SDP announced
    notes: list[str] = field(default_factory=list)
    cut: str | None = None


class _SipCollector:
    def __init__(self) -> None:
        self.messages: list[SipPacket] = []
        self.media: dict[Endpoint, AudioMedia] = {}
        self.text = 0
        self.full = False

    def add(self, dg: Datagram, raw: bytes) -> None:
        if self.full:
            return
        msg = sip_packet(dg.number, dg.time, dg.transport, dg.src, dg.dst, raw)
        if msg is None:
            return
        self.text += len(msg.text)
        if self.text > MAX_SIP_TEXT:
            self.full = True
            return
        self.messages.append(msg)
        if msg.has_sdp and (audio := audio_media(msg.message.body)) and audio.endpoint:
            self.media[audio.endpoint] = audio


def read_capture(path: Path | str, limits: Limits | None = None) -> Capture:
    """Read and analyse one capture; raises `wizard.capture.records.CaptureError`."""
    with RecordStream(path, limits) as records:
        decoder = Decoder(records.linktype)
        sip = _SipCollector()
        rtp = RtpTracker(sip.media.get)
        tcp = TcpReassembler()
        first: float | None = None
        for number, stamp, frame in records:
            if first is None:
                first = stamp
            dg = decoder.decode(number, stamp, frame)
            if dg is None:
                continue
            if dg.transport == "udp":
                payload = dg.payload
                if looks_like_rtp(payload):
                    rtp.add(dg)
                    continue
                body = payload.lstrip(b"\r\n")
                if body and starts_sip(body):
                    sip.add(dg, body)
            else:
                for message in tcp.add(dg):
                    sip.add(message.last, message.raw)
        decoder.finish()
        capture = Capture(
            path=Path(path),
            format=records.format,
            link=decoder.link,
            packets=records.count,
            first_time=first,
            cut=records.cut,
        )
    groups = group_calls(sip.messages)
    dialogs = [c for c in groups if c.is_call]
    capture.others = [c for c in groups if not c.is_call]
    streams = [s for s in rtp.streams() if s.media is not None or s.plausible()]
    leftover = attach_streams(dialogs, streams)
    capture.unannounced = [s for s in leftover if s.plausible()]
    capture.calls = [AnalyzedCall(c, call_findings(c)) for c in dialogs]
    capture.notes = _notes(decoder, tcp, rtp, sip)
    return capture


def _notes(decoder: Decoder, tcp: TcpReassembler, rtp: RtpTracker, sip: _SipCollector) -> list[str]:
    notes = [f"TLS on port {port}: cannot be read" for port in tcp.tls_ports]
    stats = decoder.stats
    if stats.malformed:
        notes.append(f"{stats.malformed} packets could not be decoded (malformed) and were skipped")
    if stats.ipv6_fragments:
        notes.append(f"{stats.ipv6_fragments} IPv6 fragments were not reassembled")
    if stats.fragments_pending:
        notes.append(f"{stats.fragments_pending} fragmented IPv4 datagrams never completed")
    if tcp.dropped_gaps:
        notes.append(f"{tcp.dropped_gaps} gaps in TCP streams (segments not captured) were skipped")
    if rtp.overflow:
        notes.append(
            f"{rtp.overflow} RTP packets of streams past the first 10,000 were not counted"
        )
    if sip.full:
        notes.append(
            f"SIP messages after the first {MAX_SIP_TEXT // 1_048_576} MB of SIP text were not read"
        )
    return notes
