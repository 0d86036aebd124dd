"""What an SDP body announces for audio: where its sender receives RTP, and its payload types.

The RTP streams of a call are found from these endpoints (the c= address and
the m=audio port), and their payload numbers are named from the rtpmap lines
(or RFC 3551's static table). The body lines come from
`wizard.sipparse.SipMessage`, already sanitised.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from wizard.capture.decode import Endpoint

STATIC_PAYLOADS: dict[int, tuple[str, int]] = {
    0: ("PCMU", 8000),
    3: ("GSM", 8000),
    4: ("G723", 8000),
    8: ("PCMA", 8000),
    9: ("G722", 8000),  # RFC 3551: G.722's RTP clock is 8000 although it samples at 16 kHz
    13: ("CN", 8000),
    18: ("G729", 8000),
}
"""RFC 3551's static audio payload types: name and RTP clock rate."""

_CONNECTION = re.compile(r"c=IN[ \t]+IP[46][ \t]+([0-9A-Fa-f:.]{2,64})")
_AUDIO = re.compile(r"m=audio[ \t]+(\d{1,5})(?:/\d{1,3})?[ \t]+\S{1,32}((?:[ \t]+\d{1,3}){0,32})")
_RTPMAP = re.compile(r"a=rtpmap:(\d{1,3})[ \t]+([A-Za-z0-9_.+-]{1,32})/(\d{1,6})")


def normal_ip(text: str) -> str | None:
    """The address as packets show it (`::ffff:a.b.c.d` and case differences unified)."""
    try:
        addr = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


@dataclass(frozen=True)
class AudioMedia:
    """The first m=audio of one SDP body."""

    endpoint: Endpoint | None  # None: port 0 (declined) or no usable c= address
    connection: str | None  # the c= address as written
    payloads: tuple[int, ...] = ()
    names: dict[int, tuple[str, int]] = field(default_factory=dict)  # pt -> (name, clock)

    def name(self, payload: int) -> tuple[str, int] | None:
        return self.names.get(payload) or STATIC_PAYLOADS.get(payload)

    @property
    def events(self) -> frozenset[int]:
        """Payload types that carry RFC 4733 telephone-events."""
        return frozenset(
            pt for pt, (name, _) in self.names.items() if name.lower() == "telephone-event"
        )


def connection_addresses(body: list[str]) -> list[str]:
    """Every c= address of a body (session and media level)."""
    return [m.group(1) for line in body if (m := _CONNECTION.match(line))]


def audio_media(body: list[str]) -> AudioMedia | None:
    """The first audio stream of an SDP body, or `None` when there is none."""
    session_addr: str | None = None
    media_addr: str | None = None
    port: int | None = None
    payloads: tuple[int, ...] = ()
    names: dict[int, tuple[str, int]] = {}
    in_audio = False
    any_media = False
    for line in body:
        if line.startswith("m="):
            any_media = True
            if port is not None:
                break  # only the first audio stream
            audio = _AUDIO.match(line)
            in_audio = audio is not None
            if audio:
                port = int(audio.group(1))
                payloads = tuple(int(p) for p in audio.group(2).split())
            continue
        if (conn := _CONNECTION.match(line)) is not None:
            if not any_media:
                session_addr = conn.group(1)
            elif in_audio:
                media_addr = conn.group(1)
        elif in_audio and (rtpmap := _RTPMAP.match(line)) is not None:
            names[int(rtpmap.group(1))] = (rtpmap.group(2), int(rtpmap.group(3)))
    if port is None:
        return None
    written = media_addr or session_addr
    ip = normal_ip(written) if written else None
    usable = ip is not None and port > 0 and ip not in ("0.0.0.0", "::")
    return AudioMedia(
        endpoint=Endpoint(ip, port) if usable and ip else None,
        connection=written,
        payloads=payloads,
        names=names,
    )
