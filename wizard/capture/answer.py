"""A capture as the answer to a tree's `parse: pcap` input, kept as plain data.

The caller (`edge-wizard walk`, the TUI) reads the file with
`read_for_input`; the session records what came back in its answer event
(`wizard.session.Session.answer_capture`), so the session itself never
touches a file and a replay or a resume needs no capture. That record is
everything the walk and the ticket note use of the capture: which call was
read, its findings (the strings routes match, like `parse: sip` fields), its
RTP streams and its ladder, bounded in size.

`checked` is the other half: it takes a record back from an event (the
store is a file, so it is checked like any untrusted input) and returns it
with every string stripped of control characters and every list bounded.
Reading imports dpkt (through `wizard.capture.analyze`) only inside
`read_for_input`; the rest is pure.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.capture.findings import FIELDS
from wizard.capture.records import CaptureError, Limits
from wizard.sanitize import strip_controls

if TYPE_CHECKING:
    from wizard.capture.analyze import AnalyzedCall, Capture

RECORD_SCHEMA = 1
MAX_MESSAGES = 100
"""Ladder lines (SIP messages) kept in the session and the note; `edge-wizard pcap` shows all."""
MAX_LEGEND = 26
"""Endpoint lines of the ladder's legend kept."""
MAX_STREAMS = 32
MAX_NOTES = 20
MAX_OTHER_CALLS = 20
MAX_TEXT = 500
"""Characters kept of any one string of a record read back from an event."""
STREAM_KEYS = ("src", "dst", "ssrc", "payload", "packets", "lost", "max_jitter_ms")

_QUOTED = re.compile(r"""^(['"])(.*)\1$""", re.DOTALL)


def capture_path(text: str | Path) -> Path:
    """The path an admin typed or pasted: quotes from a file manager's "copy as
    path" or a terminal's drag and drop removed, `~` expanded."""
    if isinstance(text, Path):
        return text
    cleaned = strip_controls(text).strip()
    quoted = _QUOTED.match(cleaned)
    if quoted:
        cleaned = quoted.group(2).strip()
    elif "\\ " in cleaned:
        # A terminal's drag and drop escapes spaces in the name.
        cleaned = cleaned.replace("\\ ", " ")
    return Path(cleaned).expanduser()


def read_for_input(
    text: str | Path, *, call_id: str | None = None, limits: Limits | None = None
) -> dict[str, Any]:
    """Read the capture at `text` (a path as typed) into the record a `parse: pcap`
    input is answered with.

    Raises `CaptureError` with a message for the admin: the file is missing,
    not a capture, truncated or corrupt (naming the packet), has no SIP call,
    or `call_id` matches no call or several."""
    # Imported here: dpkt and the reader load only when a capture is read.
    from wizard.capture.analyze import read_capture

    path = capture_path(text)
    if not str(path).strip() or str(path) == ".":
        raise CaptureError("give the path of a capture file (.pcap or .pcapng)")
    capture = read_capture(path, limits)
    chosen, why = choose_call(capture, call_id)
    return to_record(capture, chosen, why)


def choose_call(capture: Capture, call_id: str | None = None) -> tuple[AnalyzedCall, str]:
    """The call a tree reads, and why that one.

    Asked for by Call-ID (or its unique start): that call. Otherwise the only
    call; else the first with a final response to its INVITE (a trunk capture
    often starts or ends inside other calls); else the first."""
    calls = capture.calls
    name = capture.path.name
    if not calls:
        why = [capture.cut or "", *capture.notes]
        details = "; ".join(w for w in why if w)
        raise CaptureError(
            f"{name} has no SIP call (an INVITE) in it"
            + (f" ({details})" if details else "")
            + ": capture the call's signalling, or download the call's PCAP from SIP Diagnostics"
        )
    if call_id is not None:
        wanted = strip_controls(call_id).strip()
        exact = [c for c in calls if c.call_id == wanted]
        found = exact or [c for c in calls if c.call_id.startswith(wanted)]
        if len(found) != 1:
            known = ", ".join(c.call_id for c in calls[:10])
            what = "matches several calls" if found else "is not in this capture"
            raise CaptureError(f"Call-ID {wanted!r} {what} (calls in {name}: {known})")
        return found[0], "the call asked for"
    if len(calls) == 1:
        return calls[0], "the only call in the capture"
    answered = [c for c in calls if c.findings.status is not None]
    if answered:
        return answered[0], f"the first of {len(calls)} calls with a final response"
    return calls[0], f"the first of {len(calls)} calls (none has a final response)"


def to_record(capture: Capture, chosen: AnalyzedCall, why: str) -> dict[str, Any]:
    """What the session keeps of a capture: plain JSON-able data, bounded."""
    from wizard.capture.render import endpoint_labels, ladder_lines

    lines = ladder_lines(chosen.call, capture.first_time or 0.0)
    legend = len(endpoint_labels(chosen.call))
    messages = lines[legend + 1 :]
    streams = chosen.findings.to_json()["rtp_streams"]
    assert isinstance(streams, list)
    record = {
        "schema": RECORD_SCHEMA,
        "file": capture.path.name,
        "format": capture.format,
        "link": capture.link,
        "packets": capture.packets,
        "call_id": chosen.call_id,
        "chosen": why,
        "other_calls": [c.call_id for c in capture.calls if c is not chosen],
        "findings": chosen.findings.as_dict(),
        "streams": streams,
        "legend": lines[:legend],
        "ladder": messages,
        "ladder_left_out": max(0, len(messages) - MAX_MESSAGES),
        "notes": ([capture.cut] if capture.cut else []) + capture.notes,
    }
    return checked(record)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    return strip_controls(value)[:MAX_TEXT]


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} is not a count")
    return value


def _texts(value: Any, what: str, limit: int) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"{what} is not a list")
    return [_text(v, what) for v in value[:limit]]


def _stream(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("an RTP stream is not a mapping")
    jitter = value.get("max_jitter_ms")
    if jitter is not None and (isinstance(jitter, bool) or not isinstance(jitter, int | float)):
        raise ValueError("an RTP stream's jitter is not a number")
    return {
        "src": _text(value.get("src"), "an RTP stream's source"),
        "dst": _text(value.get("dst"), "an RTP stream's destination"),
        "ssrc": _text(value.get("ssrc"), "an RTP stream's SSRC"),
        "payload": _text(value.get("payload"), "an RTP stream's payload"),
        "packets": _count(value.get("packets"), "an RTP stream's packets"),
        "lost": _count(value.get("lost"), "an RTP stream's losses"),
        "max_jitter_ms": None if jitter is None else float(jitter),
    }


def checked(data: Any) -> dict[str, Any]:
    """A capture record as the session may use it, or `ValueError` saying what is wrong.

    Every string is stripped of control characters and cut to a length, lists
    are bounded, and the findings have every field (a record written before a
    field existed reads it as `""`, the capture cannot tell)."""
    if not isinstance(data, dict):
        raise ValueError("not a capture record")
    findings = data.get("findings")
    if not isinstance(findings, dict):
        raise ValueError("the record has no findings")
    streams = data.get("streams", [])
    if not isinstance(streams, list):
        raise ValueError("the RTP streams are not a list")
    ladder = _texts(data.get("ladder", []), "the ladder", MAX_MESSAGES)
    return {
        "schema": RECORD_SCHEMA,
        "file": _text(data.get("file"), "the file name"),
        "format": _text(data.get("format", ""), "the format"),
        "link": _text(data.get("link", ""), "the link type"),
        "packets": _count(data.get("packets", 0), "the packet count"),
        "call_id": _text(data.get("call_id"), "the Call-ID"),
        "chosen": _text(data.get("chosen", ""), "why this call"),
        "other_calls": _texts(data.get("other_calls", []), "the other calls", MAX_OTHER_CALLS),
        "findings": {name: _text(findings.get(name, ""), name) for name in FIELDS},
        "streams": [_stream(s) for s in streams[:MAX_STREAMS]],
        "legend": _texts(data.get("legend", []), "the ladder's legend", MAX_LEGEND),
        "ladder": ladder,
        "ladder_left_out": _count(data.get("ladder_left_out", 0), "the lines left out"),
        "notes": _texts(data.get("notes", []), "the notes", MAX_NOTES),
    }


def answer_text(record: dict[str, Any]) -> str:
    """The answer as the path and `{var}` show it: the file and the call read."""
    return f"{record['file']} (Call-ID {record['call_id']})"


def summary(record: dict[str, Any]) -> str:
    """One line on what was read: for `walk`'s standard error and the note's header."""
    others = len(record["other_calls"])
    return (
        f"{record['file']}: {record['format']}, {record['link']}, {record['packets']:,} packets;"
        f" Call-ID {record['call_id']} ({record['chosen']}"
        + (f"; {others} other call{'s' if others != 1 else ''}" if others else "")
        + ")"
    )


def finding_lines(record: dict[str, Any]) -> list[str]:
    """The findings as `name: value` lines, `-` where the capture cannot tell,
    each RTP stream under `rtp_streams`; notes first, as `edge-wizard pcap` prints them."""
    lines = [f"note: {note}" for note in record["notes"]]
    findings = record["findings"]
    for name in FIELDS:
        lines.append(f"{name}: {findings.get(name) or '-'}")
        if name == "rtp_streams":
            for s in record["streams"]:
                jitter = s["max_jitter_ms"]
                shown = "jitter unknown" if jitter is None else f"max jitter {jitter:g} ms"
                lines.append(
                    f"  {s['src']} → {s['dst']} {s['payload']} ssrc {s['ssrc']}:"
                    f" {s['packets']} packets, {s['lost']} lost, {shown}"
                )
    return lines


def ladder_text(record: dict[str, Any]) -> list[str]:
    """The ladder as `edge-wizard pcap` prints it: the legend, a blank line, the
    messages, and how many were left out."""
    lines = [*record["legend"], "", *record["ladder"]]
    if record["ladder_left_out"]:
        lines.append(
            f"… {record['ladder_left_out']} more messages: edge-wizard pcap"
            f" {record['file']} --call {record['call_id']} shows them all"
        )
    return lines
