"""The tree files: `list` them, `validate` them (for CI and authors), and the
format's `schema` (for editors)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.catalog import (
    ENV_TREES,
    Catalog,
    MissingPath,
    configured_dirs,
    display_path,
    load_files,
    tree_files,
)
from wizard.commands.common import ExitCode, UsageError, error, load_trees
from wizard.sanitize import strip_controls

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands

# The formats `validate` offers; their modules are imported only when used.
# `auto` (the default) is github under GitHub Actions, text elsewhere.
REPORT_FORMATS = ("auto", "text", "json", "github", "sarif")

# What `validate -` calls standard input in findings; no file can have the name.
STDIN_NAME = "<stdin>"


def cmd_list(args: argparse.Namespace) -> int:
    catalog = load_trees(args)
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
        error("no trees found; add a folder with --trees or " + ENV_TREES)
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


def _load_stdin() -> tuple[Catalog, str]:
    """One tree from standard input, as `load_files` would load a file, and its text."""
    # Imported here: the loader brings PyYAML (see `cmd_validate`).
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
    # Imported here: every run builds the whole command line, and only this
    # command needs the validator and the report formats.
    from wizard.report import render_findings, resolve_format, summary_line
    from wizard.validate import Report, validate_catalog
    from wizard.yamlnodes import HAVE_LIBYAML

    # Loading builds millions of small acyclic objects; the cyclic collector
    # would walk them all again and again for nothing. Reference counting
    # still frees everything, and the process ends when validation does.
    gc.disable()
    # Imported here, for the reason above.
    from wizard.config import ConfigError, apply, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    fmt = resolve_format(args.format)
    if not HAVE_LIBYAML and not args.quiet:
        error("warning: PyYAML was built without libyaml; validation runs ~10x slower")
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
            error(problem)
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
    # Imported here: the schema is built from the loader's tables (PyYAML).
    from wizard.schema import tree_schema

    sys.stdout.write(json.dumps(tree_schema(), indent=2, ensure_ascii=False) + "\n")
    return ExitCode.OK


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
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
