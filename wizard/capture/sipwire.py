"""SIP as it appears on the wire: recognised by content, sanitised, then parsed by sipparse.

SIP is found by its start line, on any port: `SIP/2.0 NNN` for a response,
`METHOD URI SIP/2.0` for a request. The bytes are decoded as UTF-8 (bad bytes
replaced) and stripped of control characters before anything reads them, so no
escape sequence from a packet reaches a terminal or a note. Headers come from
`wizard.sipparse.parse_message`; only the start line, the dialog tags and
the CSeq are read here, because the ladder and the call grouping need them
exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wizard.capture.decode import Endpoint
from wizard.sanitize import strip_controls
from wizard.sipparse import SipMessage, parse_message

MAX_MESSAGE = 64 * 1024
"""Bytes of one SIP message read (a UDP datagram's largest payload)."""

_START = re.compile(
    rb"SIP/2\.0 [1-6]\d\d[ \r\n]|[A-Z][A-Za-z-]{1,15} [^ \r\n]{1,1024} SIP/2\.0\r?\n"
)
FIND_START = re.compile(
    rb"(?m)^(?:SIP/2\.0 [1-6]\d\d[ \r\n]|[A-Z][A-Za-z-]{1,15} [^ \r\n]{1,1024} SIP/2\.0\r?$)"
)
"""A SIP start line anywhere in a buffer (at the start of a line)."""
_RESPONSE_LINE = re.compile(r"SIP/2\.0 ([1-6]\d\d) ?(.{0,200})")
_REQUEST_LINE = re.compile(r"([A-Z][A-Za-z-]{1,15}) (\S{1,1024}) SIP/2\.0")
_TAG = re.compile(r";[ \t]*tag[ \t]*=[ \t]*([^;>,\s]{1,128})", re.IGNORECASE)
_CSEQ = re.compile(r"[ \t]*(\d{1,10})[ \t]+([A-Za-z]{1,20})")


def starts_sip(payload: bytes, pos: int = 0) -> bool:
    """Does `payload` hold a SIP start line at `pos`?"""
    return _START.match(payload, pos) is not None


def _tag(value: str | None) -> str:
    if not value:
        return ""
    # The tag is a header parameter, after the URI's closing '>' when there is one.
    found = _TAG.search(value[value.rfind(">") + 1 :] if ">" in value else value)
    return found.group(1) if found else ""


@dataclass(slots=True)
class SipPacket:
    """One SIP message from the capture, with what the ladder and the findings read."""

    number: int
    time: float
    transport: str
    src: Endpoint
    dst: Endpoint
    start_line: str
    text: str
    message: SipMessage = field(repr=False)
    method: str | None = None
    status: int | None = None
    reason: str = ""
    uri: str = ""
    call_id: str = ""
    cseq: int | None = None
    cseq_method: str = ""
    from_tag: str = ""
    to_tag: str = ""
    has_sdp: bool = False

    @property
    def is_request(self) -> bool:
        return self.method is not None

    def summary(self) -> str:
        """The ladder's text: the request line without `SIP/2.0`, or the status line."""
        if self.method is not None:
            line = f"{self.method} {self.uri}"
        else:
            line = f"{self.status} {self.reason}".rstrip()
            if self.cseq_method:
                line += f" ({self.cseq_method})"
        return line + (" with SDP" if self.has_sdp else "")


def sip_packet(
    number: int, time: float, transport: str, src: Endpoint, dst: Endpoint, raw: bytes
) -> SipPacket | None:
    """A `SipPacket` from one whole message's bytes, or `None` if it is not SIP."""
    text = strip_controls(raw[:MAX_MESSAGE].decode("utf-8", "replace"))
    first = text.split("\n", 1)[0].strip()
    method = uri = None
    status = None
    reason = ""
    if found := _RESPONSE_LINE.match(first):
        status, reason = int(found.group(1)), found.group(2).strip()
    elif found := _REQUEST_LINE.match(first):
        method, uri = found.group(1).upper(), found.group(2)
    else:
        return None
    message = parse_message(text) or SipMessage()
    cseq = _CSEQ.match(message.get("cseq") or "")
    return SipPacket(
        number=number,
        time=time,
        transport=transport,
        src=src,
        dst=dst,
        start_line=first,
        text=text,
        message=message,
        method=method,
        status=status,
        reason=reason,
        uri=uri or "",
        call_id=(message.get("call-id") or "").strip(),
        cseq=int(cseq.group(1)) if cseq else None,
        cseq_method=cseq.group(2).upper() if cseq else "",
        from_tag=_tag(message.get("from")),
        to_tag=_tag(message.get("to")),
        has_sdp=any(line.startswith("m=") for line in message.body),
    )
