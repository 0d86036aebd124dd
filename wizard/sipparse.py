"""Pull routing facts out of pasted SIP text. Pure: no network, no I/O, never raises.

The text may be a bare status (`503`, `503 Service Unavailable`,
`SIP/2.0 503 Service Unavailable`), one whole SIP message, a few bare
headers, or an Edge/carrier log excerpt with several messages, timestamps and
other lines around them.

Rules (see docs/probes.md, "SIP parser"):

* Input longer than `MAX_INPUT` characters keeps only its *last*
  `MAX_INPUT` characters (the end of a log holds the outcome).
* The *chosen* message is the last final response (status 200-699) that does
  not answer a BYE, CANCEL, NOTIFY, PRACK, INFO or ACK; else the last final
  response; if there is none, the last provisional response; if none, the
  last request. A status line in a NOTIFY's `message/sipfrag` body is that
  NOTIFY's body.
* `status_code`/`reason` come from the chosen message. Every other field
  comes from the chosen message if it carries it, else from the latest message
  that does (so a `Reason: Q.850` in a later BYE or CANCEL is still found).
* `private_contact`/`private_via`/`private_sdp` (the SDP's `c=` lines) are
  true if *any* message shows a private address there: RFC 1918, 100.64.0.0/10 (CGNAT),
  169.254.0.0/16 (link-local), fc00::/7 (IPv6 ULA) or fe80::/10.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

MAX_INPUT = 256 * 1024
"""Characters of input considered (the last ones)."""
MAX_LINE = 8 * 1024
"""Characters of one line considered by the regexes."""
MAX_MESSAGES = 2000

COMPACT = {
    "v": "via",
    "m": "contact",
    "f": "from",
    "t": "to",
    "i": "call-id",
    "l": "content-length",
    "c": "content-type",
    "k": "supported",
    "x": "session-expires",
    "e": "content-encoding",
    "s": "subject",
    "o": "event",
    "r": "refer-to",
    "b": "referred-by",
    "u": "allow-events",
    "a": "accept-contact",
    "j": "reject-contact",
    "d": "request-disposition",
    "y": "identity",
    "n": "identity-info",
}

_RESPONSE = re.compile(r"SIP/2\.0[ \t]+([1-6]\d\d)(?![0-9])[ \t]*([^\r\n]{0,200})")
_METHOD = re.compile(r"[A-Z][A-Z0-9_-]{1,20}")
_REQ_URI = re.compile(r"(?:sips?|tel):\S{1,1024}", re.IGNORECASE)
_HEADER = re.compile(r"^[ \t]{0,8}([A-Za-z][A-Za-z0-9!%*_+`'~.-]{0,63})[ \t]*:[ \t]*(.*)$")
_BARE_STATUS = re.compile(r"^[ \t]*([1-6]\d\d)(?:[ \t]+([^\r\n]{0,200}))?[ \t]*$")
_SDP = re.compile(r"^[ \t]{0,8}([a-z])=(.*)$")
_URI_HOST = re.compile(r"sips?:(?:[^@;>\s,]{0,256}@)?(\[[0-9A-Fa-f:.]{2,64}\]|[^:;>\s,?]{1,256})")
_VIA_HOST = re.compile(
    r"SIP[ \t]*/[ \t]*2\.0[ \t]*/[ \t]*[A-Za-z]{1,10}[ \t]+"
    r"(\[[0-9A-Fa-f:.]{2,64}\]|[^:;,\s]{1,256})"
)
_SDP_ADDR = re.compile(r"IN[ \t]+IP[46][ \t]+([0-9A-Fa-f:.]{2,64})")
_SDP_AUDIO = re.compile(
    r"audio[ \t]+\d{1,5}(?:/\d{1,3})?[ \t]+[A-Za-z/]{1,16}((?:[ \t]+\d{1,3}){1,32})"
)
_RTPMAP = re.compile(r"rtpmap:(\d{1,3})[ \t]+([A-Za-z0-9_.+-]{1,32})/")
_URI_USER = re.compile(r"(?:sips?|tel):([^@;>\s,?]{1,128})", re.IGNORECASE)
# RFC 3551's static audio payload types, for an SDP that has no rtpmap for them.
_STATIC_PAYLOADS = {0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 18: "G729"}

_PRIVATE_NETS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
    )
)


def is_private_address(text: str) -> bool:
    """True for RFC 1918, CGNAT, link-local and IPv6 ULA/link-local literals."""
    try:
        addr = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr.version == net.version and addr in net for net in _PRIVATE_NETS)


def canonical_header(name: str) -> str:
    """Lower-case full header name, compact forms expanded (`v` -> `via`)."""
    low = name.strip().lower()
    return COMPACT.get(low, low)


@dataclass
class SipMessage:
    """One SIP message as found in text: start line, headers in order, SDP-ish body lines."""

    status_code: int | None = None
    reason: str | None = None
    method: str | None = None
    request_uri: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    def get_all(self, name: str) -> list[str]:
        """Every value of a header (canonical or compact name), in order."""
        key = canonical_header(name)
        return [v for k, v in self.headers if k == key]

    def get(self, name: str) -> str | None:
        values = self.get_all(name)
        return values[0] if values else None

    def is_final(self) -> bool:
        return self.status_code is not None and self.status_code >= 200

    def cseq_method(self) -> str | None:
        cseq = self.get("cseq")
        if cseq:
            parts = cseq.split()
            if len(parts) >= 2 and re.fullmatch(r"[A-Za-z]{1,20}", parts[1]):
                return parts[1].upper()
        return None


def _start_line(line: str) -> SipMessage | None:
    m = _RESPONSE.search(line) if "SIP/2.0" in line else None
    if m:
        reason = m.group(2).strip() or None
        return SipMessage(status_code=int(m.group(1)), reason=reason)
    if "SIP/2.0" not in line:
        return None
    tokens = line.split()
    for i in range(2, len(tokens)):
        if (
            tokens[i] == "SIP/2.0"
            and _REQ_URI.fullmatch(tokens[i - 1])
            and _METHOD.fullmatch(tokens[i - 2])
        ):
            return SipMessage(method=tokens[i - 2], request_uri=tokens[i - 1])
    return None


def _frag_open(msg: SipMessage) -> bool:
    """A message/sipfrag body that has not yet had its status line."""
    content_type = (msg.get("content-type") or "").lower()
    return content_type.startswith("message/sipfrag") and not msg.body


def split_messages(text: str) -> list[SipMessage]:
    """Every SIP message found in `text` (headers attached to their start line).

    Lines before any start line that look like headers form one anonymous message
    (no status, no method), so pasting just `Reason: Q.850;cause=16` works.
    """
    text = text[-MAX_INPUT:].replace("\r\n", "\n").replace("\r", "\n")
    messages: list[SipMessage] = []
    current: SipMessage | None = None
    in_body = False
    for raw_line in text.split("\n"):
        line = raw_line[:MAX_LINE]
        start = _start_line(line)
        if start is not None and in_body and current is not None and _frag_open(current):
            # A NOTIFY's message/sipfrag body (RFC 3420) holds the status line
            # of the referred call: it is that NOTIFY's body, not a response.
            current.body.append(line.strip())
            continue
        if start is not None:
            if len(messages) >= MAX_MESSAGES:
                break
            current = start
            messages.append(current)
            in_body = False
            continue
        if not line.strip():
            if current is not None and current.headers:
                in_body = True
            continue
        if in_body and current is not None:
            sdp = _SDP.match(line)
            if sdp:
                current.body.append(line.strip())
                continue
            # Anything else after the blank line ends the message (log junk).
            current = None
            in_body = False
            continue
        if line[:1] in (" ", "\t") and current is not None and current.headers:
            name, value = current.headers[-1]
            if len(value) < MAX_LINE:
                current.headers[-1] = (name, (value + " " + line.strip())[:MAX_LINE])
            continue
        header = _HEADER.match(line)
        if header:
            if current is None:
                current = SipMessage()
                messages.append(current)
            current.headers.append((canonical_header(header.group(1)), header.group(2).strip()))
            continue
        if current is not None and current.headers:
            # A junk line (timestamp, log text) inside a header block: skip it.
            continue
    return messages


def parse_message(text: str) -> SipMessage | None:
    """The first SIP message in `text`, or None."""
    found = split_messages(text)
    return found[0] if found else None


def split_list(value: str) -> list[str]:
    """Split a header value on commas outside quotes and angle brackets."""
    out: list[str] = []
    buf: list[str] = []
    quoted = False
    angle = 0
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "<":
            angle += 1
        elif not quoted and ch == ">" and angle:
            angle -= 1
        if ch == "," and not quoted and not angle:
            out.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
    tail = "".join(buf).strip()
    if tail:
        out.append(tail)
    return [x for x in out if x]


def header_params(value: str) -> dict[str, str]:
    """`1800;refresher=uac` -> `{"refresher": "uac"}` (names lower-cased, quotes kept off)."""
    out: dict[str, str] = {}
    for part in value.split(";")[1:]:
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip().lower()] = v.strip().strip('"')
        elif part.strip():
            out[part.strip().lower()] = ""
    return out


def _q850(value: str) -> tuple[int, str | None] | None:
    for item in split_list(value):
        proto = item.split(";", 1)[0].strip().lower()
        if proto != "q.850":
            continue
        params = _reason_params(item)
        cause = params.get("cause", "")
        if re.fullmatch(r"\d{1,3}", cause):
            return int(cause), params.get("text") or None
    return None


def _reason_params(item: str) -> dict[str, str]:
    """Parameters of one Reason value, honouring quotes in `text="a;b"`."""
    out: dict[str, str] = {}
    for m in re.finditer(
        r';[ \t]*([A-Za-z0-9_.-]{1,32})[ \t]*(?:=[ \t]*("(?:[^"\\]|\\.){0,512}"|[^;]{0,512}))?',
        item,
    ):
        v = m.group(2) or ""
        if v.startswith('"') and v.endswith('"') and len(v) >= 2:
            v = v[1:-1]
        out[m.group(1).lower()] = v.strip()
    return out


def _leading_int(value: str) -> int | None:
    m = re.match(r"[ \t]*(\d{1,9})", value)
    return int(m.group(1)) if m else None


def _hosts_private(hosts: Iterable[str]) -> bool:
    return any(is_private_address(h) for h in hosts)


def _contact_hosts(msg: SipMessage) -> list[str]:
    return [
        m.group(1) for v in msg.get_all("contact")[:64] for m in islice(_URI_HOST.finditer(v), 16)
    ]


def _via_hosts(msg: SipMessage) -> list[str]:
    return [m.group(1) for v in msg.get_all("via")[:64] for m in islice(_VIA_HOST.finditer(v), 16)]


def _sdp_hosts(msg: SipMessage) -> list[str]:
    """The media addresses of the SDP: its `c=` lines. The `o=` line names the
    session's originator, which is often private behind a NAT that fixes `c=`,
    and never carries media (RFC 4566 5.2), so it says nothing of the audio."""
    out: list[str] = []
    for line in msg.body:
        if line[:2] == "c=":
            out.extend(m.group(1) for m in _SDP_ADDR.finditer(line))
    return out[:64]


@dataclass
class SipFields:
    """Routing facts from pasted SIP text. Every field may be None/False when absent."""

    status_code: int | None = None
    reason: str | None = None
    method: str | None = None
    q850_cause: int | None = None
    q850_text: str | None = None
    session_expires: int | None = None
    refresher: str | None = None
    min_se: int | None = None
    private_contact: bool = False
    private_via: bool = False
    private_sdp: bool = False
    messages: int = 0
    # The audio payloads of the last SDP (the answer, in a whole exchange), in
    # order, and how DTMF travels: rfc4733 (telephone-event in that SDP),
    # sip-info (an INFO carrying the digits), or none.
    codecs: list[str] = field(default_factory=list)
    dtmf: str | None = None
    # The caller as each identity header of the INVITE gives it (user part).
    from_user: str | None = None
    pai: str | None = None
    rpid: str | None = None
    privacy: str | None = None

    def as_dict(self) -> dict[str, str]:
        """String values for routing; every key is always present, `""` when unknown.

        Keys: status, status_class (`5xx`), reason, method, q850, q850_text,
        session_expires, refresher, min_se, private_contact, private_via,
        private_sdp (`yes`/`no`), messages (how many SIP messages were found),
        codecs (`PCMU PCMA`), dtmf (`rfc4733`/`sip-info`/`none`), from_user,
        pai, rpid (the caller in From, P-Asserted-Identity, Remote-Party-ID),
        privacy (the Privacy header), anonymous (`yes`/`no`).
        """

        def s(v: object) -> str:
            return "" if v is None else str(v)

        def yn(b: bool) -> str:
            return "yes" if b else "no"

        return {
            "status": s(self.status_code),
            "status_class": f"{self.status_code // 100}xx" if self.status_code else "",
            "reason": s(self.reason),
            "method": s(self.method),
            "q850": s(self.q850_cause),
            "q850_text": s(self.q850_text),
            "session_expires": s(self.session_expires),
            "refresher": s(self.refresher),
            "min_se": s(self.min_se),
            "private_contact": yn(self.private_contact),
            "private_via": yn(self.private_via),
            "private_sdp": yn(self.private_sdp),
            "messages": str(self.messages),
            "codecs": " ".join(self.codecs),
            "dtmf": s(self.dtmf),
            "from_user": s(self.from_user),
            "pai": s(self.pai),
            "rpid": s(self.rpid),
            "privacy": s(self.privacy),
            "anonymous": yn(self.anonymous),
        }

    @property
    def anonymous(self) -> bool:
        """The caller withheld their identity: an anonymous From, or Privacy: id/user/header."""
        withheld = {p.strip().lower() for p in (self.privacy or "").split(";")}
        return (self.from_user or "").lower() == "anonymous" or bool(
            withheld & {"id", "user", "header"}
        )


# Responses to these never tell how the call or the request asked about fared:
# the 200 OK to a BYE or a CANCEL, to a NOTIFY, PRACK or INFO. A whole call
# pasted often ends with one (the 200 OK to the CANCEL after a 487, say).
_SIDE_METHODS = frozenset({"BYE", "CANCEL", "NOTIFY", "PRACK", "INFO", "ACK"})


def _choose(messages: list[SipMessage]) -> SipMessage | None:
    tests: tuple[Callable[[SipMessage], bool], ...] = (
        lambda m: m.is_final() and m.cseq_method() not in _SIDE_METHODS,
        lambda m: m.is_final(),
        lambda m: m.status_code is not None,
        lambda m: m.method is not None,
    )
    for test in tests:
        for msg in reversed(messages):
            if test(msg):
                return msg
    return messages[-1] if messages else None


def _parse(text: object) -> SipFields:
    fields = SipFields()
    if not isinstance(text, str):
        return fields
    messages = split_messages(text)
    if not messages:
        bare = _BARE_STATUS.match(text.strip()[:MAX_LINE])
        if bare:
            fields.status_code = int(bare.group(1))
            fields.reason = (bare.group(2) or "").strip() or None
        return fields
    fields.messages = sum(1 for m in messages if m.status_code or m.method)
    chosen = _choose(messages)
    assert chosen is not None
    fields.status_code = chosen.status_code
    fields.reason = chosen.reason
    fields.method = chosen.method or chosen.cseq_method()
    ordered = [chosen, *reversed(messages)]
    for msg in ordered:
        for value in msg.get_all("reason"):
            got = _q850(value)
            if got:
                fields.q850_cause, fields.q850_text = got
                break
        if fields.q850_cause is not None:
            break
    for msg in ordered:
        se = msg.get("session-expires")
        if se is not None and (n := _leading_int(se)) is not None:
            fields.session_expires = n
            ref = header_params(se).get("refresher", "").lower()
            fields.refresher = ref or None
            break
    for msg in ordered:
        min_se = msg.get("min-se")
        if min_se is not None and (n := _leading_int(min_se)) is not None:
            fields.min_se = n
            break
    fields.private_contact = any(_hosts_private(_contact_hosts(m)) for m in messages)
    fields.private_via = any(_hosts_private(_via_hosts(m)) for m in messages)
    fields.private_sdp = any(_hosts_private(_sdp_hosts(m)) for m in messages)
    _media(fields, messages)
    _identity(fields, messages)
    return fields


def _media(fields: SipFields, messages: list[SipMessage]) -> None:
    with_sdp = [m for m in messages if any(line.startswith("m=audio") for line in m.body)]
    if with_sdp:
        body = with_sdp[-1].body
        names = {
            int(m.group(1)): m.group(2)
            for line in body
            if line.startswith("a=") and (m := _RTPMAP.search(line))
        }
        audio = next(_SDP_AUDIO.search(line[2:]) for line in body if line.startswith("m=audio"))
        payloads = [int(p) for p in audio.group(1).split()] if audio else []
        named = [names.get(p) or _STATIC_PAYLOADS.get(p, str(p)) for p in payloads]
        fields.codecs = [n for n in named if n.lower() != "telephone-event"]
        if any(n.lower() == "telephone-event" for n in named):
            fields.dtmf = "rfc4733"
    if fields.dtmf is None and any(
        m.method == "INFO" and "dtmf" in (m.get("content-type") or "").lower() for m in messages
    ):
        fields.dtmf = "sip-info"
    if fields.dtmf is None and with_sdp:
        fields.dtmf = "none"


def _uri_user(value: str | None) -> str | None:
    found = _URI_USER.search(value or "")
    return found.group(1) if found else None


def _identity(fields: SipFields, messages: list[SipMessage]) -> None:
    """Caller identity from the first INVITE (the call as it arrived), else any message."""
    invite = next((m for m in messages if m.method == "INVITE"), None)
    for msg in [invite] if invite else messages:
        fields.from_user = fields.from_user or _uri_user(msg.get("from"))
        fields.pai = fields.pai or _uri_user(msg.get("p-asserted-identity"))
        fields.rpid = fields.rpid or _uri_user(msg.get("remote-party-id"))
        privacy = msg.get("privacy")
        fields.privacy = fields.privacy or (privacy.strip()[:64] if privacy else None)


def parse_sip(text: str) -> SipFields:
    """Routing facts from pasted SIP text; never raises (empty fields on junk)."""
    try:
        return _parse(text)
    except Exception:  # pragma: no cover - the parser is written not to raise
        return SipFields()
