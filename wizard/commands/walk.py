"""`edge-wizard walk TREE --answer A ...`: a walk without the UI, printing the
ticket note. The walk itself is `wizard.scripted.walk`; this prints it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wizard.commands.common import ExitCode, UsageError, error, load_trees, walkable_tree
from wizard.sanitize import strip_controls

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands

NOTE_FORMATS = ("markdown", "text", "json")


def _parse_assignments(items: Sequence[str], what: str) -> dict[str, str]:
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} '{item}' must look like name=value")
        values[key.strip()] = value
    return values


def _progress(line: str) -> None:
    print(strip_controls(line), file=sys.stderr)


def cmd_walk(args: argparse.Namespace) -> int:
    # Imported here: every run builds the whole command line, and only this
    # command walks (networkx, the session, the note's formats).
    from wizard.export import note_text
    from wizard.graph import build_graph
    from wizard.scripted import walk

    catalog = load_trees(args)
    walkable_tree(catalog, args.tree)
    answers = list(args.answer)
    walked = walk(
        build_graph(catalog.trees.values()),
        catalog.trees,
        args.tree,
        answers,
        facts=_parse_assignments(args.fact, "--fact"),
        meta={"ticket": args.ticket, "operator": args.operator},
        run_checks=args.run_checks,
        call_id=args.call,
        progress=_progress,
        notice=error,
    )
    session = walked.session
    misfit = walked.misfit
    if misfit is not None and misfit.unreadable:
        error(
            f"answer {misfit.number} '{misfit.answer}' is not a capture that can be read:"
            f" {misfit.reason}"
        )
        return ExitCode.FAILED
    if misfit is not None:
        error(f"answer {misfit.number} '{misfit.answer}' does not fit: {misfit.reason}")
        error(f"the step was: {misfit.step.prompt}")
        if misfit.step.kind == "input":
            if misfit.step.example:
                error(f"example: {misfit.step.example}")
        else:
            for number, option in enumerate(misfit.options, 1):
                print(f"  {number}. {strip_controls(option)}", file=sys.stderr)
        return ExitCode.FAILED
    if walked.used < len(answers):
        error(
            f"the session ended ({session.outcome}) before answer {walked.used + 1}"
            f" '{answers[walked.used]}'; {len(answers) - walked.used} answer(s) left over"
        )
        sys.stdout.write(note_text(session, args.format))
        return ExitCode.FAILED
    if walked.unused_facts:
        error("facts not used by these trees: " + ", ".join(walked.unused_facts))
    sys.stdout.write(note_text(session, args.format))
    view = session.view()
    if session.finished or view.kind == "resolution":
        return ExitCode.OK
    error(f"answers ran out at {view.node}: {view.prompt}")
    if view.kind == "input":
        error("type a value" + (f", for example: {view.example}" if view.example else ""))
    for number, option in enumerate(view.options, 1):
        print(f"  {number}. {option}", file=sys.stderr)
    return ExitCode.PENDING


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "walk",
        parents=[common],
        help="walk a tree without the UI and print the ticket note",
        description="Walk TREE non-interactively. Each step takes the next --answer: for a"
        " question, a label (any case) or its number; for an input, the value; for a"
        " resolution's verification, yes or no; for a check, pass, fail or error (or"
        " --run-checks). Links are followed. Never prompts. An input that reads a capture"
        " (parse: pcap) takes the file's path.",
    )
    p.add_argument("tree", metavar="TREE", help="tree id (see `edge-wizard list`)")
    p.add_argument("-a", "--answer", action="append", default=[], metavar="A")
    p.add_argument("--fact", action="append", default=[], metavar="VAR=VALUE")
    p.add_argument("--ticket", default="", help="ticket id for the note")
    p.add_argument("--operator", default="", help="who ran the walk")
    p.add_argument("--format", choices=NOTE_FORMATS, default="markdown")
    p.add_argument(
        "--run-checks",
        action="store_true",
        help="run each check's network probe for real; without it a check takes"
        " --answer pass, fail or error",
    )
    p.add_argument(
        "--call",
        metavar="CALL-ID",
        help="for a step that reads a capture (--answer FILE): the call to read when the"
        " file holds several (a Call-ID or its unique start)",
    )
    p.set_defaults(func=cmd_walk)
