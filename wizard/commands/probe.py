"""`edge-wizard probe NAME --param key=value ... [--json]`: run one built-in probe.

Exit codes: 0 pass, 1 fail, 3 error, 2 usage (unknown probe or parameter, a
malformed or ill-typed value; the message goes to stderr, with "did you mean").
Building this parser imports every probe module, so `wizard.cli` builds it
only when the command line names `probe`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from wizard.commands.common import ExitCode, error
from wizard.probes.base import ProbeParamError
from wizard.probes.registry import PROBES, coerce_params, run_probe

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands

EXIT = {"pass": ExitCode.OK, "fail": ExitCode.FAILED, "error": ExitCode.PROBE_ERROR}


def register(sub: Subcommands) -> None:
    """Add the `probe` subcommand, with `func=run_probe_command`."""
    names = ", ".join(PROBES)
    parser: argparse.ArgumentParser = sub.add_parser(
        "probe",
        help="run one built-in network probe (dns, tcp, tls, http, websocket, sip-options...)",
        description=(
            f"Run one built-in network probe. Probes: {names}. "
            "Without NAME, or with --list, list the probes and their parameters. "
            "Exit status: 0 pass, 1 fail, 3 error, 2 usage."
        ),
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="probe to run")
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a probe parameter; repeat for several (e.g. -p host=sip.example -p port=5060)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--list", action="store_true", help="list the probes and parameters")
    parser.set_defaults(func=run_probe_command)


def list_probes(out: TextIO) -> None:
    for spec in PROBES.values():
        out.write(f"{spec.name}: {spec.summary}\n")
        for p in spec.params:
            out.write(f"    {p.describe()}\n")
        out.write("\n")


def _format_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def run_probe_command(
    args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the probe `args` describe (see `register`); return the exit code.

    A usage problem is written here rather than raised: its message runs on
    to what the probe takes, and a test hands in its own streams."""
    out = out or sys.stdout
    err = err or sys.stderr
    opts = vars(args)
    name: str | None = opts.get("name")
    as_json = bool(opts.get("json"))
    if opts.get("list") or not name:
        list_probes(out)
        return ExitCode.OK
    raw: dict[str, str] = {}
    for item in opts.get("param") or []:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            error(f"--param needs KEY=VALUE, got '{item}'", command="probe", file=err)
            return ExitCode.USAGE
        if key.strip() in raw:
            error(f"parameter '{key.strip()}' given twice", command="probe", file=err)
            return ExitCode.USAGE
        raw[key.strip()] = value
    try:
        coerce_params(name, raw)
    except ProbeParamError as exc:
        error(str(exc), command="probe", file=err)
        if name in PROBES:
            err.write(f"(see: edge-wizard probe --list; {name} takes: ")
            err.write(", ".join(p.name for p in PROBES[name].params) + ")\n")
        return ExitCode.USAGE
    spec = PROBES[name]
    if not as_json:
        out.write(f"Checking {spec.target(raw)} ...\n")
        out.flush()
    result = run_probe(name, raw)
    if as_json:
        out.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        out.write(f"{result.outcome.upper()}: {result.summary}\n")
        for field, shown in result.evidence.items():
            out.write(f"  {field}: {_format_value(shown)}\n")
        out.write(f"  duration: {result.duration:.3f}s\n")
    return EXIT[result.outcome]
