"""SIP messages grouped into calls by Call-ID, RTP streams tied to them, and each call's findings.

Who is who comes from the dialog, not from addresses: the *caller* sent the
first INVITE without a To tag, and a request whose From tag is the caller's
came from the caller (a response to it, from the callee). That holds through
NAT and over TCP, where ports differ between directions. Addresses are the
fallback when a message has no tags.

A stream belongs to a call when it goes to an address and port an SDP of the
call announced (then it flows *toward* the side that sent that SDP), or comes
from one (symmetric RTP: then it flows away from that side).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.capture.decode import Endpoint
from wizard.capture.findings import CallFindings, StreamFindings
from wizard.capture.rtp import RtpStream
from wizard.capture.sdp import AudioMedia, audio_media, connection_addresses
from wizard.capture.sipwire import SipPacket
from wizard.sipparse import is_private_address, parse_sip

_LEADING_INT = re.compile(r"[ \t]*(\d{1,9})")


@dataclass
class CallStream:
    stream: RtpStream
    toward: str  # "caller" or "callee"


@dataclass
class Call:
    """The messages of one Call-ID, in capture order, and the RTP streams tied to it."""

    call_id: str
    messages: list[SipPacket] = field(default_factory=list)
    streams: list[CallStream] = field(default_factory=list)

    @property
    def is_call(self) -> bool:
        """An INVITE dialog (not an OPTIONS ping, a REGISTER or a SUBSCRIBE)."""
        return any(m.method == "INVITE" for m in self.messages)

    @property
    def first_request(self) -> SipPacket | None:
        return next((m for m in self.messages if m.is_request), None)

    @property
    def invite(self) -> SipPacket | None:
        """The first INVITE that opens the dialog (no To tag)."""
        return next((m for m in self.messages if m.method == "INVITE" and not m.to_tag), None)

    def side(self, msg: SipPacket) -> str:
        """Who sent `msg`: `caller` or `callee`."""
        invite = self.invite or self.first_request
        if invite is None:
            return "caller"
        if invite.from_tag and msg.from_tag:
            # The caller's tag in From: a request from the caller, or a response to one.
            from_caller = (msg.from_tag == invite.from_tag) == msg.is_request
            return "caller" if from_caller else "callee"
        return "caller" if msg.src == invite.src else "callee"

    def media(self) -> list[tuple[SipPacket, AudioMedia]]:
        """Every audio SDP of the call with the message that carried it."""
        found = []
        for msg in self.messages:
            if msg.has_sdp and (audio := audio_media(msg.message.body)) is not None:
                found.append((msg, audio))
        return found


def group_calls(messages: list[SipPacket]) -> list[Call]:
    """Calls in the order their first message appears; messages without a Call-ID are left out."""
    calls: dict[str, Call] = {}
    for msg in messages:
        if not msg.call_id:
            continue
        call = calls.get(msg.call_id)
        if call is None:
            call = calls[msg.call_id] = Call(msg.call_id)
        call.messages.append(msg)
    return list(calls.values())


def attach_streams(calls: list[Call], streams: list[RtpStream]) -> list[RtpStream]:
    """Tie each stream to the call whose SDP announced its address; return the rest."""
    announced: dict[Endpoint, list[tuple[float, Call, str]]] = {}
    for call in calls:
        for msg, audio in call.media():
            if audio.endpoint is not None:
                announced.setdefault(audio.endpoint, []).append((msg.time, call, call.side(msg)))
    rest = []
    for stream in streams:
        found = _announcer(announced.get(stream.dst), stream.first_time)
        toward = found[1] if found else ""
        if found is None:
            found = _announcer(announced.get(stream.src), stream.first_time)
            toward = ("callee" if found[1] == "caller" else "caller") if found else ""
        if found is None:
            rest.append(stream)
            continue
        found[0].streams.append(CallStream(stream, toward))
    return rest


def _announcer(
    candidates: list[tuple[float, Call, str]] | None, when: float
) -> tuple[Call, str] | None:
    """The latest SDP for that address before the stream began (ports are reused)."""
    if not candidates:
        return None
    before = [c for c in candidates if c[0] <= when]
    chosen = before[-1] if before else candidates[0]
    return chosen[1], chosen[2]


def _leading_int(value: str | None) -> int | None:
    found = _LEADING_INT.match(value or "")
    return int(found.group(1)) if found else None


def stream_findings(stream: RtpStream) -> StreamFindings:
    return StreamFindings(
        src=str(stream.src),
        dst=str(stream.dst),
        ssrc=stream.ssrc,
        payload=stream.payload_name(),
        packets=stream.packets,
        lost=stream.lost,
        max_jitter_ms=stream.max_jitter_ms,
    )


def call_findings(call: Call) -> CallFindings:
    found = CallFindings()
    msgs = call.messages
    invite = call.invite
    found.private_sdp = any(
        is_private_address(addr)
        for m in msgs
        if m.has_sdp
        for addr in connection_addresses(m.message.body)
    )
    found.rtp_streams = [stream_findings(s.stream) for s in call.streams]
    _media_findings(call, found)
    found.q850 = _q850(call, None)
    if invite is None:
        return found
    initial = {m.cseq for m in msgs if m.method == "INVITE" and not m.to_tag}
    finals = [
        m
        for m in msgs
        if m.status is not None
        and m.status >= 200
        and m.cseq_method == "INVITE"
        and m.cseq in initial
    ]
    ok = next((m for m in finals if m.status is not None and m.status < 300), None)
    final = ok or (finals[-1] if finals else None)
    if final is None:
        return found
    found.status = final.status
    found.q850 = _q850(call, final)
    session = (ok.message.get("session-expires") if ok else None) or invite.message.get(
        "session-expires"
    )
    found.session_expires = _leading_int(session)
    if ok is None:
        return found
    found.ok_retransmits = sum(
        1
        for m in finals
        if m is not ok
        and m.status == ok.status
        and m.cseq == ok.cseq
        and m.src == ok.src
        and m.dst == ok.dst
    )
    ack = next(
        (
            m
            for m in msgs
            if m.method == "ACK"
            and m.cseq == ok.cseq
            and m.time >= ok.time
            and (m.dst.ip == ok.src.ip or m.src.ip == ok.dst.ip)
        ),
        None,
    )
    found.ack_after_200 = ack is not None
    if ack is not None:
        found.ack_delay_ms = round((ack.time - ok.time) * 1000)
    bye = next((m for m in msgs if m.method == "BYE"), None)
    if bye is not None:
        found.bye_from = call.side(bye)
        found.answered_s = round(bye.time - ok.time, 1)
    found.refresh_answered = _refresh_answered(call, ok)
    audio = [s for s in call.streams if s.stream.packets > s.stream.events]
    if audio:
        after = {s.toward for s in audio if s.stream.last_time >= ok.time}
        found.one_way_audio = len(after) == 1 if after else None
        if bye is not None:
            found.rtp_idle_s = _idle_before_bye(audio, ok.time, bye.time)
    return found


def _idle_before_bye(audio: list[CallStream], answered: float, bye: float) -> float:
    """The longer of the two sides' silences before the BYE: seconds since each
    side last sent audio, counted from the answer for a side that sent none.

    An idle-RTP timer ends the call after one side has been silent for a while,
    so the side that stopped first is the one that tells."""
    idle = 0.0
    for toward in ("caller", "callee"):
        times = [
            s.stream.last_audio_time
            for s in audio
            if s.toward == toward and s.stream.last_audio_time is not None
        ]
        since = max([answered, *times])
        idle = max(idle, bye - since)
    return round(idle, 1)


def _q850(call: Call, final: SipPacket | None) -> int | None:
    """The Q.850 cause: of the final response, else of a BYE or CANCEL, else of any message."""
    ordered = [final] if final is not None else []
    ordered += [m for m in call.messages if m.method in ("BYE", "CANCEL")]
    ordered += call.messages
    for msg in ordered:
        if msg is not None and msg.message.get("reason"):
            cause = parse_sip(msg.text).q850_cause
            if cause is not None:
                return cause
    return None


def _refresh_answered(call: Call, ok: SipPacket) -> bool | None:
    """Did the last session refresh (a re-INVITE or UPDATE in the dialog) get a 2xx?"""
    refreshes = [
        m
        for m in call.messages
        if m.method in ("INVITE", "UPDATE") and m.to_tag and m.time >= ok.time
    ]
    if not refreshes:
        return None
    last = refreshes[-1]
    return any(
        m.status is not None
        and 200 <= m.status < 300
        and m.cseq == last.cseq
        and m.cseq_method == last.method
        for m in call.messages
    )


def _media_findings(call: Call, found: CallFindings) -> None:
    """codec and dtmf: the answer's SDP, the RTP seen, and SIP INFO digits."""
    media = call.media()
    answer: SipPacket | None = None
    if media:
        offer_side = call.side(media[0][0])
        answer = next((m for m, _ in media[1:] if call.side(m) != offer_side), None)
    negotiated = False
    if answer is not None:
        fields = parse_sip(answer.text)
        found.codec = fields.codecs[0] if fields.codecs else None
        negotiated = fields.dtmf == "rfc4733"
        found.telephone_event = negotiated
    info = any(
        m.method == "INFO" and "dtmf" in (m.message.get("content-type") or "").lower()
        for m in call.messages
    )
    seen = any(s.stream.events for s in call.streams)
    if negotiated and seen:
        found.dtmf = "rfc4733"
    elif info:
        found.dtmf = "sip-info"
    elif negotiated and not call.streams:
        found.dtmf = "rfc4733"  # signalling only (no RTP captured): what was negotiated
    elif answer is not None:
        found.dtmf = "none"
