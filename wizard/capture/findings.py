"""The findings of one call, as a typed record with stable field names (docs/capture.md).

`CallFindings.as_dict` gives the string values trees route on, like
`wizard.sipparse.SipFields.as_dict`: every key always present, `yes` /
`no` for flags, `""` when the capture cannot tell. `CallFindings.to_json`
is the same with `rtp_streams` as a list of streams instead of their count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = (
    "status",
    "q850",
    "ack_after_200",
    "ack_delay_ms",
    "ok_retransmits",
    "bye_from",
    "answered_s",
    "session_expires",
    "refresh_answered",
    "private_sdp",
    "codec",
    "dtmf",
    "telephone_event",
    "rtp_streams",
    "one_way_audio",
    "rtp_idle_s",
)
"""Every finding's name, in the order they are printed."""


@dataclass(frozen=True)
class StreamFindings:
    """One RTP stream of a call."""

    src: str
    dst: str
    ssrc: int
    payload: str
    packets: int
    lost: int
    max_jitter_ms: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "src": self.src,
            "dst": self.dst,
            "ssrc": f"0x{self.ssrc:08x}",
            "payload": self.payload,
            "packets": self.packets,
            "lost": self.lost,
            "max_jitter_ms": self.max_jitter_ms,
        }


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


@dataclass
class CallFindings:
    """What the capture shows about one call. `None` is "the capture cannot tell"."""

    status: int | None = None
    q850: int | None = None
    ack_after_200: bool | None = None
    ack_delay_ms: int | None = None
    ok_retransmits: int | None = None
    bye_from: str | None = None  # "caller" or "callee"
    answered_s: float | None = None
    session_expires: int | None = None
    refresh_answered: bool | None = None
    private_sdp: bool = False
    codec: str | None = None
    dtmf: str | None = None  # "rfc4733", "sip-info" or "none"
    telephone_event: bool | None = None  # offered back in the answer's SDP
    rtp_streams: list[StreamFindings] = field(default_factory=list)
    one_way_audio: bool | None = None
    rtp_idle_s: float | None = None

    def as_dict(self) -> dict[str, str]:
        """String values for routing; `rtp_streams` is the number of streams."""
        return {
            "status": _text(self.status),
            "q850": _text(self.q850),
            "ack_after_200": _flag(self.ack_after_200),
            "ack_delay_ms": _text(self.ack_delay_ms),
            "ok_retransmits": _text(self.ok_retransmits),
            "bye_from": _text(self.bye_from),
            "answered_s": "" if self.answered_s is None else f"{self.answered_s:.1f}",
            "session_expires": _text(self.session_expires),
            "refresh_answered": _flag(self.refresh_answered),
            "private_sdp": _flag(self.private_sdp),
            "codec": _text(self.codec),
            "dtmf": _text(self.dtmf),
            "telephone_event": _flag(self.telephone_event),
            "rtp_streams": str(len(self.rtp_streams)),
            "one_way_audio": _flag(self.one_way_audio),
            "rtp_idle_s": "" if self.rtp_idle_s is None else f"{self.rtp_idle_s:.1f}",
        }

    def to_json(self) -> dict[str, object]:
        """`as_dict`, with `rtp_streams` as the list of streams."""
        out: dict[str, object] = dict(self.as_dict())
        out["rtp_streams"] = [s.to_json() for s in self.rtp_streams]
        return out
