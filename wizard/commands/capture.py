"""`edge-wizard pcap FILE [--json] [--call CALL-ID]`: the calls in a capture, ladder and findings.

Building the parser imports nothing but argparse: every command line is built
on every run (the TUI's too), so the reader and dpkt are imported only when the
command runs. Exit codes: 0 read, 2 usage or I/O error (a missing, corrupt or
truncated capture; an unknown Call-ID).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from wizard.commands.common import ExitCode, error
from wizard.sanitize import strip_controls

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands

DESCRIPTION = """\
Read a packet capture (pcap or pcapng: Genesys Cloud's SIP Diagnostics PCAP, or
your own tcpdump or Wireshark capture) and show each call in it: a ladder of its
SIP messages (number, seconds from the first packet, source -> destination,
request or status line), then findings: the final status and Q.850 cause,
whether the 200 OK was ACKed, who hung up and when, session timers, private
SDP addresses, the codec, the DTMF method, and the RTP streams with loss,
jitter and one-way audio.

SIP is read over UDP and TCP on any port; SIP over TLS cannot be read and is
named. At most the first 200,000 packets or 200 MB are read, with a note when
the file is longer. See docs/capture.md for every field.
"""

EPILOG = """\
Examples:
  edge-wizard pcap call.pcap
  edge-wizard pcap call.pcapng --json > findings.json
  edge-wizard pcap trunk.pcap --call 4f2a9c0e@10.0.0.5

Exit status: 0 read, 2 usage or I/O error (missing, truncated or corrupt file).
"""


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    """Add the `pcap` subcommand, with `func=run_pcap_command`."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "pcap",
        parents=[common],
        help="read a packet capture: each call's SIP ladder and findings",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE", help="a .pcap or .pcapng capture")
    parser.add_argument(
        "--json", action="store_true", help="print the findings and ladders as JSON"
    )
    parser.add_argument(
        "--call",
        metavar="CALL-ID",
        help="only the call with this Call-ID (or a unique start of one)",
    )
    parser.set_defaults(func=run_pcap_command)


def run_pcap_command(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run `edge-wizard pcap` as `args` describe; return the exit code."""
    # Imported here: dpkt and the reader load only when a capture is read.
    from wizard.capture.analyze import read_capture
    from wizard.capture.records import CaptureError
    from wizard.capture.render import to_json, write_text

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        capture = read_capture(args.file)
    except CaptureError as exc:
        error(str(exc), command="pcap", file=err)
        return ExitCode.USAGE
    calls = capture.calls
    wanted: str | None = args.call
    if wanted is not None:
        exact = [c for c in calls if c.call_id == wanted]
        calls = exact or [c for c in calls if c.call_id.startswith(wanted)]
        if len(calls) != 1:
            known = ", ".join(c.call_id for c in capture.calls[:10]) or "none"
            why = "matches several calls" if calls else "is not in this capture"
            # Stripped before the quoting, which would show a control
            # character as an escape rather than drop it.
            shown = strip_controls(wanted)
            error(f"Call-ID {shown!r} {why} (calls: {known})", command="pcap", file=err)
            return ExitCode.USAGE
    if args.json:
        out.write(json.dumps(to_json(capture, calls), indent=2, ensure_ascii=False) + "\n")
    else:
        write_text(capture, calls, out)
    return ExitCode.OK
