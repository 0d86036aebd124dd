"""The commands that work with stored sessions: run, resume, sessions, export.

`run` and `resume` prepare everything headless (trees, graph, store, session)
and report usage problems on stderr before the terminal is taken over; only
then do they import Textual. `sessions` and `export` never import it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.atomic import write_atomic
from wizard.catalog import (
    Catalog,
    configured_dirs,
)
from wizard.model import Link, Tree
from wizard.paths import home_dir
from wizard.sanitize import strip_controls
from wizard.session_lock import LOCK_WAIT, in_use, lock_session
from wizard.store import Store, StoreError

if TYPE_CHECKING:
    from wizard.nodetable import WalkGraph
    from wizard.tui.app import Launch

USAGE = 2
Command = Callable[[argparse.Namespace], int]


class Usage(Exception):
    """A problem with what was asked; printed as `edge-wizard: <message>`, exit 2."""


def _err(message: str) -> None:
    print(f"edge-wizard: {strip_controls(message)}", file=sys.stderr)


def _catalog(args: argparse.Namespace) -> Catalog:
    """Every configured tree, from the cache of loaded trees when none changed."""
    from wizard.treecache import load_cached

    catalog = load_cached(_dirs(args), home_dir())
    for problem in catalog.io_errors:
        _err(problem)
    return catalog


def _dirs(args: argparse.Namespace) -> list[Path]:
    return configured_dirs(getattr(args, "trees", None) or [])


def _all_trees(dirs: list[Path]) -> Callable[[], Catalog]:
    """Every tree, loaded when the TUI first needs them (picker, palette); quiet,
    as the terminal then belongs to the TUI."""
    from wizard.treecache import load_cached

    return lambda: load_cached(dirs, home_dir())


def _store() -> Store:
    try:
        return Store.open_default()
    except StoreError as exc:
        raise Usage(str(exc)) from None


def linked_trees(catalog: Catalog, tree_id: str) -> list[str]:
    """The tree and every tree its links reach, from the model alone."""
    seen: list[str] = []
    todo = [tree_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in catalog.trees:
            continue
        seen.append(current)
        todo += [n.tree for n in catalog.trees[current].nodes.values() if isinstance(n, Link)]
    return seen


def load_problem(catalog: Catalog, tree_id: str) -> str | None:
    """Why a tree cannot be walked (load errors in it or a tree it links to), or None."""
    files = {catalog.trees[t].path for t in linked_trees(catalog, tree_id)}
    bad = [f for f in catalog.findings if f.severity == "error" and f.pos.file in files]
    if not bad:
        return None
    first = bad[0]
    return (
        f"{first.pos}: {first.code} {first.message} ({len(bad)} error(s);"
        " run `edge-wizard validate` for all of them)"
    )


def _tree(catalog: Catalog, tree_id: str) -> Tree:
    if tree_id not in catalog.trees:
        known = ", ".join(sorted(catalog.trees)) or "none"
        raise Usage(f"no tree '{tree_id}'; trees: {known}")
    problem = load_problem(catalog, tree_id)
    if problem:
        raise Usage(problem)
    return catalog.trees[tree_id]


def _graph(catalog: Catalog) -> WalkGraph:
    # The walk needs only the node records: no networkx before the first frame.
    from wizard.nodetable import build_node_table

    return build_node_table(catalog.trees.values())


def _wrap(func: Command) -> Command:
    """Usage problems become `edge-wizard: message` on stderr and exit 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (Usage, StoreError) as exc:
            _err(str(exc))
            return USAGE

    run.__name__ = func.__name__
    run.__doc__ = func.__doc__
    return run


# -- opening the TUI ------------------------------------------------------------


def _launch(launch: Launch) -> int:
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


def _prepare(args: argparse.Namespace) -> tuple[Catalog, WalkGraph, Store]:
    catalog = _catalog(args)
    return catalog, _graph(catalog), _store()


def cmd_run(args: argparse.Namespace) -> int:
    catalog = _catalog(args)
    _tree(catalog, args.tree)
    graph = _graph(catalog)
    store = _store()
    from wizard.tui.app import Launch

    return _launch(
        Launch(catalog, graph, store, tree_id=args.tree, load_all=_all_trees(_dirs(args)))
    )


def cmd_resume(args: argparse.Namespace) -> int:
    store = _store()
    home = store.path.parent
    notes: list[str] = []
    if args.session:
        row = store.get(args.session)
    else:
        found = store.last_unfinished(skip=lambda session_id: in_use(home, session_id))
        latest = store.last_unfinished()
        if found is None:
            elsewhere = f"; session {latest.id} is open in another window" if latest else ""
            raise Usage(f"no unfinished session to resume{elsewhere} (see `edge-wizard sessions`)")
        if latest is not None and latest.id != found.id:
            notes.append(
                f"Session {latest.id} is open in another window; resumed {found.id}, the"
                " last unfinished session no window has open."
            )
        row = found
    catalog = _catalog(args)
    if row.tree_id not in catalog.trees:
        raise Usage(f"session {row.id} needs tree '{row.tree_id}', which is not loaded")
    lock = lock_session(home, row.id, wait=LOCK_WAIT)
    if lock is None:
        raise Usage(
            f"session {row.id} is open in another edge-wizard window; go on there, or quit it"
            " there (q) and resume here"
        )
    graph = _graph(catalog)
    from wizard.tui.app import Launch

    return _launch(
        Launch(
            catalog,
            graph,
            store,
            resume=row,
            lock=lock,
            notes=notes,
            load_all=_all_trees(_dirs(args)),
        )
    )


def open_picker(args: argparse.Namespace) -> int:
    """A bare `edge-wizard`: the tree picker, unfinished sessions first."""
    try:
        catalog, graph, store = _prepare(args)
    except (Usage, StoreError) as exc:
        _err(str(exc))
        return USAGE
    from wizard.tui.app import Launch

    return _launch(Launch(catalog, graph, store))


# -- sessions -------------------------------------------------------------------


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def cmd_sessions(args: argparse.Namespace) -> int:
    store = _store()
    rows = store.sessions()
    # Unfinished sessions some edge-wizard window has open right now.
    home = store.path.parent
    open_now = {r.id for r in rows if not r.finished and in_use(home, r.id)}
    if args.json:
        listed = [{**r.to_json(), "open": r.id in open_now} for r in rows]
        print(json.dumps(listed, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no sessions yet; start one with `edge-wizard run TREE`", file=sys.stderr)
        return 0
    table = [("SESSION", "TREE", "VERSION", "STATE", "STARTED", "STEPS", "TICKET")]
    for r in rows:
        state = "open" if r.id in open_now else r.state
        table.append(
            (r.id, r.tree_id, f"v{r.version}", state, _when(r.started), str(r.steps), r.ticket)
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        print(strip_controls(line.rstrip()))
    return 0


# -- export ---------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from wizard.export import render
    from wizard.session import Session
    from wizard.store import tree_changes

    store = _store()
    row = store.get(args.session)
    catalog = _catalog(args)
    if row.tree_id not in catalog.trees:
        raise Usage(f"session {row.id} needs tree '{row.tree_id}', which is not loaded")
    for change in tree_changes(row, catalog.trees):
        _err(f"warning: {change}")
    session, dropped = Session.replay(
        _graph(catalog),
        catalog.trees,
        row.tree_id,
        store.events(row.id),
        session_id=row.id,
        started_at=row.started,
    )
    if dropped:
        _err(
            f"warning: {dropped} recorded event(s) no longer fit the changed tree;"
            " the note stops where they start"
        )
    note = render(session, args.format)
    if args.output:
        try:
            write_atomic(Path(args.output), note)
        except OSError as exc:
            raise Usage(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(note)
    return 0


# -- registration ---------------------------------------------------------------


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "run",
        parents=[common],
        help="open the wizard straight into a tree",
        description="Start a new incident session on TREE in the interactive wizard.",
    )
    p.add_argument("tree", metavar="TREE", help="tree id (see `edge-wizard list`)")
    p.set_defaults(func=_wrap(cmd_run))

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
    p.set_defaults(func=_wrap(cmd_resume))

    p = sub.add_parser(
        "sessions",
        parents=[common],
        help="list stored sessions",
        description="List stored sessions, newest first: id, tree, version, state"
        " (in-progress, open while a window has it, fixed, not-fixed, escalated),"
        " started, steps, ticket. The store is $EDGE_WIZARD_HOME/sessions.sqlite3.",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_wrap(cmd_sessions))

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
    p.set_defaults(func=_wrap(cmd_export))
