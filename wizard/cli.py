"""The `edge-wizard` command line. stdout is data; diagnostics go to stderr.

The TUI is imported only inside the commands that open it, so `validate` in CI
stays fast and never loads Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard import __version__
from wizard.catalog import (
    ENV_TREES,
    Catalog,
    MissingPath,
    configured_dirs,
    display_path,
    load_files,
    tree_files,
)
from wizard.model import Tree
from wizard.sanitize import strip_controls
from wizard.startup import resume_gc

if TYPE_CHECKING:
    from wizard.graph import Graph


# The formats each command offers; their modules are imported only when used.
# `auto` (validate's default) is github under GitHub Actions, text elsewhere.
REPORT_FORMATS = ("auto", "text", "json", "github", "sarif")
GRAPH_FORMATS = ("mermaid", "dot", "json")
NOTE_FORMATS = ("markdown", "text", "json")


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # validation errors, or an answer that fits nothing
    USAGE = 2  # bad arguments, missing files, I/O errors
    PENDING = 3  # walk ran out of answers before an ending
    INTERNAL = 70


class UsageError(Exception):
    pass


def _err(message: str) -> None:
    print(f"edge-wizard: {strip_controls(message)}", file=sys.stderr)


def _catalog(args: argparse.Namespace) -> Catalog:
    files = tree_files(configured_dirs(args.trees))
    catalog = load_files(files)
    for problem in catalog.io_errors:
        _err(problem)
    return catalog


def _require_clean(catalog: Catalog, tree_ids: Sequence[str]) -> None:
    """Refuse to walk trees with validation errors, naming where to look."""
    from wizard.validate import validate_catalog

    files = {catalog.trees[t].path for t in tree_ids if t in catalog.trees}
    bad = [f for f in validate_catalog(catalog, files).findings if f.severity == "error"]
    if bad:
        first = bad[0]
        raise UsageError(
            f"{first.pos}: {first.code} {first.message}"
            f" ({len(bad)} error{'s' if len(bad) != 1 else ''};"
            " run `edge-wizard validate` for all of them)"
        )


def _trees_reachable(graph: Graph, tree: Tree) -> list[str]:
    """The tree and every tree a walk from its start can link into."""
    import networkx as nx

    from wizard.graph import node_name

    start = node_name(tree.id, tree.start)
    if start not in graph:
        return [tree.id]
    names = {start} | nx.descendants(graph, start)
    return sorted({str(graph.nodes[n]["tree"]) for n in names})


def _tree_or_usage(catalog: Catalog, tree_id: str) -> None:
    if tree_id not in catalog.trees:
        from wizard.loader import did_you_mean

        known = ", ".join(sorted(catalog.trees)) or "none"
        raise UsageError(
            f"no tree '{tree_id}'{did_you_mean(tree_id, catalog.trees)}; trees: {known}"
        )


# -- list ---------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    rows: list[dict[str, Any]] = [
        {
            "id": t.id,
            "title": t.title,
            "version": t.version,
            "role": t.role,
            "nodes": len(t.nodes),
            "tags": t.tags,
            "file": t.path,
        }
        # Incidents first, as the picker shows them: where an admin starts.
        for t in sorted(catalog.trees.values(), key=lambda t: (t.role != "incident", t.id))
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return ExitCode.OK
    if not rows:
        _err("no trees found; add a folder with --trees or " + ENV_TREES)
        return ExitCode.OK
    width = max(len(r["id"]) for r in rows)
    for r in rows:
        tags = ", ".join(r["tags"])
        print(
            strip_controls(
                f"{r['id']:<{width}}  {r['role']:<9} v{r['version']:<3} {r['nodes']:>4} nodes"
                f"  {r['title']}" + (f"  [{tags}]" if tags else "") + f"  {r['file']}"
            )
        )
    return ExitCode.OK


# -- validate -----------------------------------------------------------------


# What `validate -` calls standard input in findings; no file can have the name.
STDIN_NAME = "<stdin>"


def _load_stdin() -> tuple[Catalog, str]:
    """One tree from standard input, as `load_files` would load a file, and its text."""
    from wizard.loader import load_bytes
    from wizard.model import Finding, Pos
    from wizard.yamlnodes import MAX_BYTES

    catalog = Catalog()
    # Read one byte past the limit and no more: a pipe has no size to stat.
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        catalog.findings.append(
            Finding(
                Pos(STDIN_NAME, 1, 1),
                "error",
                "E006",
                f"standard input is larger than the limit of {MAX_BYTES:,} bytes",
            )
        )
        return catalog, ""
    tree, findings = load_bytes(STDIN_NAME, data)
    catalog.findings += findings
    if tree is not None:
        catalog.trees[tree.id] = tree
    return catalog, data.decode("utf-8", errors="replace")


def cmd_validate(args: argparse.Namespace) -> int:
    from wizard.report import render_findings, resolve_format, summary_line
    from wizard.validate import Report, validate_catalog
    from wizard.yamlnodes import HAVE_LIBYAML

    # Loading builds millions of small acyclic objects; the cyclic collector
    # would walk them all again and again for nothing (measured: half of the
    # run on 500 trees). Reference counting still frees everything, and the
    # process ends when validation does.
    gc.disable()
    from wizard.config import ConfigError, apply, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    fmt = resolve_format(args.format)
    if not HAVE_LIBYAML and not args.quiet:
        _err("warning: PyYAML was built without libyaml; validation runs ~10x slower")
    paths = [p for p in args.paths if p != "-"]
    from_stdin = len(paths) < len(args.paths)
    if len(args.paths) - len(paths) > 1:
        raise UsageError("'-' (standard input) may be given once")
    configured = tree_files(configured_dirs([*settings.trees, *args.trees]))
    if paths:
        try:
            checked = tree_files([Path(p) for p in paths], strict=True)
        except MissingPath as exc:
            raise UsageError(f"no such file or folder: {exc}") from None
        if not checked:
            raise UsageError("no *.yaml or *.yml files in " + ", ".join(paths))
    elif from_stdin:
        checked = []
    else:
        checked = configured
    catalog = load_files(checked)
    report_files = {display_path(p) for p in checked}
    piped_text = ""
    if from_stdin:
        piped, piped_text = _load_stdin()
        catalog.findings += piped.findings
        for tree_id, tree in piped.trees.items():
            if tree_id in catalog.trees:
                catalog.duplicates.append(tree)
            else:
                catalog.trees[tree_id] = tree
        report_files.add(STDIN_NAME)
    if args.paths:
        # Links in and out of the checked files change what is reachable and
        # which variables are set, so the configured trees that the checked
        # files do not replace are always loaded as context.
        checked_paths = {p.resolve() for p in checked}
        context = load_files(p for p in configured if p.resolve() not in checked_paths)
        for tree_id, tree in context.trees.items():
            catalog.trees.setdefault(tree_id, tree)
    if catalog.io_errors:
        for problem in catalog.io_errors:
            _err(problem)
        return ExitCode.USAGE
    report = validate_catalog(catalog, report_files)
    if from_stdin:
        # W302 compares the tree id with the file name; standard input has none.
        report = Report(
            [f for f in report.findings if not (f.code == "W302" and f.pos.file == STDIN_NAME)]
        )
    # Settings and `# edge-wizard:` comments: comments are read from the text,
    # since YAML drops them.
    texts = {STDIN_NAME: piped_text} if from_stdin else {}
    for path in checked:
        # An unreadable file was reported by the loader already.
        with contextlib.suppress(OSError):
            texts[display_path(path)] = path.read_text(encoding="utf-8", errors="replace")
    kept, hidden = apply(report.findings, settings, texts)
    report = Report(kept)
    files = len(checked) + from_stdin
    if not args.quiet:
        sys.stdout.write(render_findings(report.findings, fmt, files))
        if fmt == "text":
            suppressed = f" ({hidden} suppressed)" if hidden else ""
            print(summary_line(report.findings, files) + suppressed, file=sys.stderr)
    strict = args.strict or settings.strict
    if report.errors or (strict and report.warnings):
        return ExitCode.FAILED
    return ExitCode.OK


def cmd_schema(args: argparse.Namespace) -> int:
    from wizard.schema import tree_schema

    sys.stdout.write(json.dumps(tree_schema(), indent=2, ensure_ascii=False) + "\n")
    return ExitCode.OK


# -- walk ---------------------------------------------------------------------


def _parse_assignments(items: Sequence[str], what: str) -> dict[str, str]:
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} '{item}' must look like name=value")
        values[key.strip()] = value
    return values


def cmd_walk(args: argparse.Namespace) -> int:
    from wizard.export import render
    from wizard.graph import build_graph
    from wizard.session import AnswerError, Session

    catalog = _catalog(args)
    _tree_or_usage(catalog, args.tree)
    graph = build_graph(catalog.trees.values())
    _require_clean(catalog, _trees_reachable(graph, catalog.trees[args.tree]))
    session = Session(graph, catalog.trees, args.tree)
    if args.ticket:
        session.set_meta("ticket", args.ticket)
    if args.operator:
        session.set_meta("operator", args.operator)
    given = _parse_assignments(args.fact, "--fact")
    for var, value in given.items():
        session.set_fact(var, value)

    def apply_defaults() -> None:
        # Trees entered through a link bring their own facts and defaults.
        for fact in session.fact_details():
            if fact.var not in session.facts and fact.default:
                session.set_fact(fact.var, fact.default)

    apply_defaults()
    known = {var for var, _, _ in session.fact_specs()}
    answers = list(args.answer)
    index = 0
    while True:
        if session.finished:
            break
        view = session.view()
        if view.kind == "check" and args.run_checks and not view.manual:
            from wizard.checks import describe, run_current

            print(f"running {view.probe}: {describe(session)} ...", file=sys.stderr)
            result = run_current(session)
            print(f"  {result['outcome']}: {strip_controls(result['summary'])}", file=sys.stderr)
            session.record_check(result)
            continue
        if index >= len(answers):
            break
        answer = answers[index]
        index += 1
        try:
            if view.kind == "input" and view.parse == "pcap":
                # The walk reads the file; the session keeps what was read.
                from wizard.capture.answer import answer_with_capture
                from wizard.capture.records import CaptureError

                try:
                    _err("read " + answer_with_capture(session, answer, call_id=args.call))
                except CaptureError as exc:
                    _err(f"answer {index} '{answer}' is not a capture that can be read: {exc}")
                    return ExitCode.FAILED
            else:
                session.answer(answer)
        except AnswerError as exc:
            _err(f"answer {index} '{answer}' does not fit: {exc}")
            _err(f"the step was: {view.prompt}")
            if view.kind == "input":
                if view.example:
                    _err(f"example: {view.example}")
            else:
                for number, option in enumerate(exc.options, 1):
                    print(f"  {number}. {strip_controls(option)}", file=sys.stderr)
            return ExitCode.FAILED
        known |= {var for var, _, _ in session.fact_specs()}
        apply_defaults()
    if index < len(answers):
        _err(
            f"the session ended ({session.outcome}) before answer {index + 1}"
            f" '{answers[index]}'; {len(answers) - index} answer(s) left over"
        )
        sys.stdout.write(render(session, args.format))
        return ExitCode.FAILED
    unknown = sorted(set(session.facts) - known)
    if unknown:
        _err("facts not used by these trees: " + ", ".join(unknown))
    sys.stdout.write(render(session, args.format))
    view = session.view()
    if session.finished or view.kind == "resolution":
        return ExitCode.OK
    _err(f"answers ran out at {view.node}: {view.prompt}")
    if view.kind == "input":
        _err("type a value" + (f", for example: {view.example}" if view.example else ""))
    for number, option in enumerate(view.options, 1):
        print(f"  {number}. {option}", file=sys.stderr)
    return ExitCode.PENDING


# -- graph --------------------------------------------------------------------


def cmd_graph(args: argparse.Namespace) -> int:
    from wizard.graph import build_graph
    from wizard.graph_formats import render_graph

    catalog = _catalog(args)
    if args.tree:
        _tree_or_usage(catalog, args.tree)
    graph = build_graph(catalog.trees.values())
    if args.tree:
        graph = graph.subgraph(
            [n for n, tree in graph.nodes(data="tree") if tree == args.tree]
        ).copy()
    sys.stdout.write(render_graph(graph, args.format))
    return ExitCode.OK


def cmd_endings(args: argparse.Namespace) -> int:
    from wizard.graph import build_graph
    from wizard.ways_in import endings, render_text

    catalog = _catalog(args)
    _tree_or_usage(catalog, args.tree)
    found = endings(build_graph(catalog.trees.values()), args.tree)
    if args.json:
        sys.stdout.write(json.dumps([e.to_json() for e in found], indent=2) + "\n")
    else:
        sys.stdout.write(render_text(found))
    return ExitCode.OK


# -- parser -------------------------------------------------------------------

EPILOG = f"""\
Tree folders: the built-in trees, then every folder in ${ENV_TREES}
(separated by '{os.pathsep}'), then each --trees DIR.

Exit codes: 0 ok; 1 validation errors (or warnings with --strict), or an
answer that fits nothing; 2 usage or I/O error; 3 walk ran out of answers.

Examples:
  edge-wizard list
  edge-wizard validate --strict trees/
  edge-wizard walk calls-blocked --answer 2 --answer 403 --fact site=HQ
  edge-wizard graph edge-offline --format mermaid
"""


def build_parser(with_probes: bool = True) -> argparse.ArgumentParser:
    """The whole command line. Without `with_probes`, `probe` is listed but its
    parser (which imports every probe module) is not built."""
    parser = argparse.ArgumentParser(
        prog="edge-wizard",
        description="Troubleshooting wizard for Genesys Cloud telephony. Without a command,"
        " opens the interactive wizard.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"edge-wizard {__version__}")
    parser.add_argument(
        "--trees",
        metavar="DIR",
        action="append",
        type=Path,
        default=[],
        help="also load the trees in DIR (repeatable)",
    )
    # Accept --trees after the command too; SUPPRESS keeps the subcommand from
    # resetting what was given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--trees",
        metavar="DIR",
        action="append",
        type=Path,
        default=argparse.SUPPRESS,
        help="also load the trees in DIR (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("list", parents=[common], help="list the loaded trees")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check tree files (for CI and authors)",
        description="Check tree files. With no PATH, checks the configured tree folders;"
        " with PATHs (files or folders), exactly those files, resolving links against the"
        " configured trees; '-' reads one tree from standard input, named <stdin>."
        " Findings are printed as path:line:col: severity CODE message.",
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="tree files or folders, or - for standard input"
    )
    p.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="auto",
        help="auto (the default): github when GITHUB_ACTIONS=true, text otherwise",
    )
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print no findings and no summary; only the exit code tells",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of the tree format (for editors)",
        description="Print a JSON Schema (draft-07) of the tree format, made from the"
        " loader's own key tables. Save it (edge-wizard schema > tree.schema.json) and"
        " point an editor's YAML extension at it; docs/authoring.md shows how.",
    )
    p.set_defaults(func=cmd_schema)

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

    p = sub.add_parser(
        "graph", parents=[common], help="print the graph of one tree or of all trees"
    )
    p.add_argument("tree", nargs="?", metavar="TREE", help="only this tree")
    p.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser(
        "endings",
        parents=[common],
        help="list each ending of a tree with every way into it (for authors)",
        description="For every resolution and escalation of TREE, the steps that lead"
        " straight to it: question and answer, input route, check outcome, a fix that"
        " did not work, or a link from another tree. An ending must be true on every"
        " one of them (docs/authoring.md).",
    )
    p.add_argument("tree", metavar="TREE", help="tree id (see `edge-wizard list`)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_endings)

    from wizard.session_commands import register

    register(sub, common)
    from wizard.capture.cli import add_pcap_parser

    add_pcap_parser(sub, common)
    if with_probes:
        from wizard.probes.cli import add_probe_parser

        add_probe_parser(sub)
    else:
        sub.add_parser("probe", help="run one built-in network probe (dns, tcp, tls, sip...)")
    return parser


# Commands that open the TUI; `None` is a bare `edge-wizard` (the picker).
TUI_COMMANDS = frozenset({None, "run", "resume"})


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_probes="probe" in arguments)
    args = parser.parse_args(arguments)
    if args.command not in TUI_COMMANDS:
        resume_gc()  # only the TUI waits for its first frame
    try:
        if args.command is None:
            from wizard.session_commands import open_picker

            return open_picker(args)
        if args.command == "probe":
            return int(args.handler(args))
        return int(args.func(args))
    except UsageError as exc:
        _err(str(exc))
        return ExitCode.USAGE
    except BrokenPipeError:
        # `edge-wizard graph | head`: the reader left; nothing is wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        _err(f"internal error: {type(exc).__name__}: {exc}. Please report this with the command.")
        return ExitCode.INTERNAL
