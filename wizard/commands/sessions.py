"""The commands that work with stored sessions: run, resume, sessions, export,
and a bare `edge-wizard` (the picker).

`run` and `resume` prepare everything headless (trees, node table, store, session)
and report usage problems on stderr before the terminal is taken over; only
then do they import Textual. `sessions` and `export` never import it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.catalog import Catalog, configured_dirs
from wizard.commands.common import (
    ExitCode,
    UsageError,
    error,
    load_trees,
    open_store,
    walkable_tree,
)
from wizard.launch import Launch
from wizard.paths import home_dir
from wizard.sanitize import strip_controls
from wizard.session_lock import LOCK_WAIT, busy_message

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands
    from wizard.nodetable import NodeTable
    from wizard.store.base import SessionRow, SessionStore


def _all_trees(args: argparse.Namespace) -> Callable[[], Catalog]:
    """Every tree, loaded when the TUI first needs them (picker, palette); quiet,
    as the terminal then belongs to the TUI."""
    # Imported here: only the commands that open a session use the cache.
    from wizard.treecache import load_cached

    dirs = configured_dirs(args.trees)
    return lambda: load_cached(dirs, home_dir())


def _table(catalog: Catalog) -> NodeTable:
    # The walk needs only the node records: no networkx before the first frame.
    from wizard.nodetable import build_node_table

    return build_node_table(catalog.trees.values())


@contextmanager
def _store(args: argparse.Namespace) -> Iterator[SessionStore]:
    """The store `--store` (or `EDGE_WIZARD_STORE`, ...) names, closed when the
    command is done: a team store then sends what is waiting (briefly)."""
    store = open_store(getattr(args, "store", None))
    try:
        yield store
    finally:
        store.close()


def _loaded(catalog: Catalog, row: SessionRow) -> None:
    if row.tree_id not in catalog.trees:
        raise UsageError(f"session {row.id} needs tree '{row.tree_id}', which is not loaded")


# -- opening the TUI ------------------------------------------------------------


def _launch(launch: Launch) -> int:
    # Imported here, once every problem has been reported on a plain terminal:
    # Textual is the larger part of the start-up.
    from wizard.tui.app import create_app
    from wizard.userconfig import load_user_config

    launch.user_config = load_user_config()
    app = create_app(launch)
    app.run()
    session = app.session
    if session is not None and not session.finished:
        print(
            f"edge-wizard: session {session.id} kept; continue with: edge-wizard resume"
            f" {session.id}",
            file=sys.stderr,
        )
    return int(app.return_code or 0)


def cmd_run(args: argparse.Namespace) -> int:
    catalog = load_trees(args, cached=True)
    walkable_tree(catalog, args.tree)
    table = _table(catalog)
    with _store(args) as store:
        return _launch(Launch(catalog, table, store, tree_id=args.tree, load_all=_all_trees(args)))


def _session_to_resume(store: SessionStore, wanted: str | None, notes: list[str]) -> SessionRow:
    """The session named, or the last unfinished one no window has open."""
    if wanted:
        return store.get(wanted)
    found = store.last_unfinished(skip=store.locks.in_use)
    latest = store.last_unfinished()
    if found is None:
        elsewhere = f"; session {latest.id} is open in another window" if latest else ""
        raise UsageError(f"no unfinished session to resume{elsewhere} (see `edge-wizard sessions`)")
    if latest is not None and latest.id != found.id:
        notes.append(
            f"Session {latest.id} is open in another window; resumed {found.id}, the"
            " last unfinished session no window has open."
        )
    return found


def cmd_resume(args: argparse.Namespace) -> int:
    with _store(args) as store:
        return _resume(args, store)


def _resume(args: argparse.Namespace, store: SessionStore) -> int:
    notes: list[str] = []
    row = _session_to_resume(store, args.session, notes)
    catalog = load_trees(args, cached=True)
    _loaded(catalog, row)
    lock = store.locks.lock(row.id, wait=LOCK_WAIT)
    if lock is None:
        raise UsageError(busy_message(row.id, store.locks.holder(row.id)))
    table = _table(catalog)
    return _launch(
        Launch(
            catalog,
            table,
            store,
            resume=row,
            lock=lock,
            notes=notes,
            load_all=_all_trees(args),
        )
    )


def open_picker(args: argparse.Namespace) -> int:
    """A bare `edge-wizard`: the tree picker, unfinished sessions first."""
    catalog = load_trees(args, cached=True)
    table = _table(catalog)
    with _store(args) as store:
        return _launch(Launch(catalog, table, store))


# -- sessions -------------------------------------------------------------------


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


# Columns a terminal too narrow for the whole table goes without, first to
# last: the session id already starts with the time it started.
NARROW_DROPS = ("VERSION", "STARTED")


def _fit(table: list[tuple[str, ...]], columns: int | None) -> list[tuple[str, ...]]:
    """`table` without the `NARROW_DROPS` columns it needs to fit `columns`
    (None: not a terminal, every column, as scripts and pipes read it)."""

    def width(rows: list[tuple[str, ...]]) -> int:
        return sum(max(len(r[i]) for r in rows) for i in range(len(rows[0]))) + 2 * (
            len(rows[0]) - 1
        )

    for name in NARROW_DROPS:
        if columns is None or width(table) <= columns:
            break
        i = table[0].index(name)
        table = [row[:i] + row[i + 1 :] for row in table]
    return table


def cmd_sessions(args: argparse.Namespace) -> int:
    with _store(args) as store:
        code = _list_sessions(args, store)
    # After `close`: a team store has then tried its server at least once.
    if getattr(store, "online", None) is False:
        error(f"{store.describe()} cannot be reached; these are the sessions on this machine")
    return code


def _list_sessions(args: argparse.Namespace, store: SessionStore) -> int:
    rows = store.sessions()
    # Unfinished sessions some edge-wizard window has open right now.
    open_now = {r.id for r in rows if not r.finished and store.locks.in_use(r.id)}
    if args.json:
        listed = [{**r.to_json(), "open": r.id in open_now} for r in rows]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return ExitCode.OK
    if not rows:
        print("no sessions yet; start one with `edge-wizard run TREE`", file=sys.stderr)
        return ExitCode.OK
    table: list[tuple[str, ...]] = [
        (
            "SESSION",
            "TREE",
            "VERSION",
            "STATE",
            "STARTED",
            "OPERATOR",
            "HOST",
            "STEPS",
            "TICKET",
        )
    ]
    for r in rows:
        state = "open" if r.id in open_now else r.state
        table.append(
            (
                r.id,
                r.tree_id,
                f"v{r.version}",
                state,
                _when(r.started),
                # "-" for one not known, so that each line splits into its columns.
                r.operator or "-",
                r.host or "-",
                str(r.steps),
                r.ticket,
            )
        )
    columns = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    table = _fit(table, columns)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        print(strip_controls(line.rstrip()))
    return ExitCode.OK


# -- export ---------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    with _store(args) as store:
        return _export(args, store)


def _export(args: argparse.Namespace, store: SessionStore) -> int:
    # Imported here: only `export` renders a stored session.
    from wizard.atomic import write_atomic
    from wizard.export import note_text
    from wizard.store.recording import replay, tree_changes

    row = store.get(args.session)
    catalog = load_trees(args, cached=True)
    _loaded(catalog, row)
    for change in tree_changes(row, catalog.trees):
        error(f"warning: {change}")
    # `replay`, not `resume`: that takes the session over to go on recording it
    # (a shared store's checkout) and rebases it on the changed trees, and an
    # export only reads.
    session, dropped = replay(store, row, _table(catalog), catalog.trees)
    if dropped:
        error(
            f"warning: {dropped} recorded event(s) no longer fit the changed tree;"
            " the note stops where they start"
        )
    note = note_text(session, args.format)
    if args.output:
        try:
            write_atomic(Path(args.output), note)
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(note)
    return ExitCode.OK


# -- registration ---------------------------------------------------------------


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "run",
        parents=[common],
        help="open the wizard straight into a tree",
        description="Start a new incident session on TREE in the interactive wizard.",
    )
    p.add_argument("tree", metavar="TREE", help="tree id (see `edge-wizard list`)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "resume",
        parents=[common],
        help="reopen the last unfinished session, or the one named",
        description="Reopen a stored session in the interactive wizard. Without SESSION,"
        " the most recently used unfinished one that no other edge-wizard window has open."
        " SESSION may be a unique prefix of an id; a session open in another window is"
        " refused (one window per session). If a tree changed since, the answers are"
        " replayed by node id as far as they fit.",
    )
    p.add_argument("session", nargs="?", metavar="SESSION", help="session id or unique prefix")
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser(
        "sessions",
        parents=[common],
        help="list stored sessions",
        description="List stored sessions, newest first: id, tree, version, state"
        " (in-progress, open while a window has it, fixed, not-fixed, escalated),"
        " started, operator, host (the machine that last recorded a step), steps,"
        " ticket. The store is --store, else $EDGE_WIZARD_STORE, else"
        " $EDGE_WIZARD_HOME/sessions.sqlite3 (docs/team-store.md).",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_sessions)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="print or write a session's ticket note",
        description="Render a stored session as the ticket note, the same note the"
        " wizard's export screen shows.",
    )
    p.add_argument("session", metavar="SESSION", help="session id or unique prefix")
    p.add_argument("--format", choices=["markdown", "text", "json"], default="markdown")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_export)
