"""A capture's calls as text (a ladder per call, then its findings) and as JSON.

The ladder is a sequence diagram folded into lines that fit 80 columns: every
address:port gets a short label (A, B, ...) in a legend, so a line is
`number, seconds from the first packet, A -> B, request or status line` and
long IPv6 addresses never push the message off the screen. The JSON carries the
full addresses. All packet text was sanitised when it was read.
"""

from __future__ import annotations

import string
import textwrap
from typing import TextIO

from wizard.capture.analyze import AnalyzedCall, Capture
from wizard.capture.calls import Call, stream_findings
from wizard.capture.decode import Endpoint
from wizard.capture.findings import FIELDS
from wizard.capture.rtp import RtpStream

WIDTH = 80


def _label(index: int) -> str:
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = letters[rest] + label
    return label


def _fit(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


def endpoint_labels(call: Call) -> dict[Endpoint, str]:
    labels: dict[Endpoint, str] = {}
    for msg in call.messages:
        for ep in (msg.src, msg.dst):
            if ep not in labels:
                labels[ep] = _label(len(labels))
    return labels


def ladder_lines(call: Call, origin: float) -> list[str]:
    labels = endpoint_labels(call)
    width = max((len(v) for v in labels.values()), default=1)
    invite = call.invite or call.first_request
    roles = {invite.src: "caller", invite.dst: "callee"} if invite else {}
    lines = []
    for ep, label in labels.items():
        transports = sorted({m.transport for m in call.messages if ep in (m.src, m.dst)})
        role = roles.get(ep, "")
        lines.append(
            _fit(f"  {label:<{width}}  {ep}  {'/'.join(transports)}  {role}".rstrip(), WIDTH)
        )
    lines.append("")
    for n, msg in enumerate(call.messages, 1):
        src, dst = labels[msg.src], labels[msg.dst]
        head = f"{n:>4} {msg.time - origin:>9.3f}  {src:>{width}} → {dst:<{width}}  "
        lines.append(head + _fit(msg.summary(), WIDTH - len(head)))
    return lines


def _stream_lines(stream: dict[str, object]) -> list[str]:
    jitter = stream["max_jitter_ms"]
    shown = "jitter unknown" if jitter is None else f"max jitter {jitter} ms"
    return [
        f"{stream['src']} → {stream['dst']}  {stream['payload']}  ssrc {stream['ssrc']}",
        f"  {stream['packets']} packets, {stream['lost']} lost, {shown}",
    ]


def write_text(capture: Capture, calls: list[AnalyzedCall], out: TextIO) -> None:
    origin = capture.first_time or 0.0
    calls_read = f"{len(capture.calls)} call{'s' if len(capture.calls) != 1 else ''}"
    summary = f"{capture.format}, {capture.link}, {capture.packets:,} packets, {calls_read}"
    # The file's name, not its path: the line stays within 80 columns.
    name = _fit(capture.path.name, WIDTH - len(summary) - 2)
    out.write(f"{name}: {summary}\n")
    for note in ([capture.cut] if capture.cut else []) + capture.notes:
        out.write(textwrap.fill(f"note: {note}", WIDTH, subsequent_indent="      ") + "\n")
    for analyzed in calls:
        out.write("\n")
        out.write(_fit(f"Call-ID {analyzed.call_id}", WIDTH) + "\n")
        for line in ladder_lines(analyzed.call, origin):
            out.write(line + "\n")
        out.write("\n")
        values = analyzed.findings.as_dict()
        streams = analyzed.findings.to_json()["rtp_streams"]
        assert isinstance(streams, list)
        for name in FIELDS:
            out.write(f"  {name + ':':<18}{values[name] or '-'}\n")
            if name == "rtp_streams":
                for stream in streams:
                    for line in _stream_lines(stream):
                        out.write(_fit(f"    {line}", WIDTH) + "\n")
    if capture.others and len(calls) == len(capture.calls):
        out.write("\n" + other_summary(capture.others) + "\n")
    if capture.unannounced and len(calls) == len(capture.calls):
        out.write("\nRTP that no SDP in the capture announced:\n")
        for stream in capture.unannounced:
            for line in _stream_lines(_stream_json(stream)):
                out.write(_fit(f"  {line}", WIDTH) + "\n")
    if not capture.calls:
        out.write("\nno SIP calls (INVITE dialogs) in this capture\n")


def other_summary(others: list[Call]) -> str:
    counts: dict[str, int] = {}
    for call in others:
        first = call.first_request
        method = first.method if first and first.method else "responses only"
        counts[method] = counts.get(method, 0) + 1
    shown = ", ".join(f"{method} {n}" for method, n in sorted(counts.items()))
    return f"other SIP exchanges (not calls), by Call-ID: {shown}"


def _stream_json(stream: RtpStream) -> dict[str, object]:
    return stream_findings(stream).to_json()


def ladder_json(call: Call, origin: float) -> list[dict[str, object]]:
    return [
        {
            "n": n,
            "packet": msg.number,
            "time": round(msg.time - origin, 6),
            "src": str(msg.src),
            "dst": str(msg.dst),
            "transport": msg.transport,
            "line": msg.start_line,
        }
        for n, msg in enumerate(call.messages, 1)
    ]


def to_json(capture: Capture, calls: list[AnalyzedCall]) -> dict[str, object]:
    origin = capture.first_time or 0.0
    return {
        "file": str(capture.path),
        "format": capture.format,
        "link": capture.link,
        "packets": capture.packets,
        "cut": capture.cut,
        "notes": capture.notes,
        "calls": [
            {
                "call_id": a.call_id,
                "findings": a.findings.to_json(),
                "ladder": ladder_json(a.call, origin),
            }
            for a in calls
        ],
        "other_exchanges": [
            {
                "call_id": c.call_id,
                "method": (c.first_request.method if c.first_request else None),
                "messages": len(c.messages),
            }
            for c in capture.others
        ],
        "unannounced_rtp": [_stream_json(s) for s in capture.unannounced],
    }
