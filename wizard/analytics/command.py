"""`edge-wizard stats [--json] [--tree ID] [--since DATE] [NOTE.json ...]`.

Without files, over the store this run uses (`wizard.store.select`); with
files, over exported JSON notes (`export --format json`), for a team without
a server. `add_parser` defines its arguments, which `wizard.commands.stats`
registers beside the other commands (opening the store as they do); `main`
runs it alone (`python -m wizard.analytics`, tests, scripts).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from wizard.store.base import StoreError

# The figures, the records and the report are imported when `stats` runs, not
# when its arguments are defined: every command's arguments are defined at
# every start-up, `run` (the TUI) included (benchmarks/tui_startup.py).

USAGE = 2


def since_date(text: str) -> datetime:
    """`--since`: a date (YYYY-MM-DD) or an ISO time, read as UTC when no zone is given."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-03-01") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def add_parser(sub: Any, common: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """Add `stats` to a subcommand set; its handler is `args.func`."""
    p: argparse.ArgumentParser = sub.add_parser(
        "stats",
        parents=[common] if common is not None else [],
        help="outcome figures for tree authors",
        description="Per tree: sessions, outcomes (fixed, not fixed, escalated, abandoned,"
        " in progress) and the median time to an ending; per ending: how often it was"
        " reached and its verify said Fixed; the questions most often backtracked from;"
        " per question, how its answers were chosen. Over the session store, or over"
        " exported JSON notes given as files. See docs/team-store.md.",
    )
    p.add_argument("notes", nargs="*", type=Path, metavar="NOTE.json", help="exported notes")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--tree", metavar="ID", help="only sessions started on this tree")
    p.add_argument("--since", type=since_date, metavar="DATE", help="only sessions started since")
    p.set_defaults(func=cmd_stats)
    return p


def run(
    args: argparse.Namespace,
    *,
    open_store: Callable[[], Any] | None = None,
    load_trees: Callable[[], Any] | None = None,
    now: datetime | None = None,
) -> str:
    """The report `args` ask for. `open_store` and `load_trees` are the command
    layer's (defaults: `wizard.store.select.open_store` and every configured tree)."""
    from wizard.analytics.figures import compute
    from wizard.analytics.records import from_files, from_store
    from wizard.analytics.report import render_json, render_text

    as_of = now or datetime.now(UTC)
    if args.notes:
        notes: Any = list(from_files(args.notes))
        figures = compute(notes, as_of=as_of, since=args.since, tree=args.tree)
    else:
        catalog = load_trees() if load_trees is not None else _all_trees(args)
        if open_store is None:
            from wizard.store.select import open_store as opener

            store = opener(getattr(args, "store", None))  # a global --store, if given
        else:
            store = open_store()
        try:
            records = list(from_store(store, catalog))
        finally:
            store.close()
        figures = compute(records, as_of=as_of, since=args.since, tree=args.tree)
    return render_json(figures) if args.json else render_text(figures)


def _all_trees(args: argparse.Namespace) -> Any:
    from wizard.catalog import configured_dirs, load_files, tree_files

    return load_files(tree_files(configured_dirs(getattr(args, "trees", None) or [])))


def cmd_stats(args: argparse.Namespace) -> int:
    from wizard.analytics.records import NotesError

    try:
        sys.stdout.write(run(args))
    except (NotesError, StoreError) as exc:
        print(f"edge-wizard stats: {exc}", file=sys.stderr)
        return USAGE
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edge-wizard")
    parser.add_argument("--trees", metavar="DIR", action="append", type=Path, default=[])
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["stats", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))
