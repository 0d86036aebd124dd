"""What every command shares: exit codes, usage errors, messages, trees and the store.

The convention: a command is a function of the parsed arguments that returns
an `ExitCode`. stdout is data; diagnostics go to stderr as `edge-wizard:
message` (`error`). A problem with what was asked (a bad argument, a missing
file or tree, a session that cannot be opened) is raised as `UsageError`, or
comes from the store as `StoreError`; `wizard.cli.main` prints either and
exits 2. Each group module registers its subcommands with `register(sub,
common)`, setting `func=` on each.
"""

from __future__ import annotations

import argparse
import sys
from enum import IntEnum
from typing import TYPE_CHECKING, TextIO

from wizard.catalog import Catalog, configured_dirs, load_files, tree_files
from wizard.hints import did_you_mean
from wizard.sanitize import strip_controls
from wizard.walkable import walk_problem

if TYPE_CHECKING:
    from wizard.model import Tree
    from wizard.store.base import SessionStore

    # What each group's `register` adds its subcommands to.
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # validation errors, an answer that fits nothing, a probe's fail
    USAGE = 2  # bad arguments, missing files, I/O errors
    PENDING = 3  # walk ran out of answers before an ending
    PROBE_ERROR = 3  # probe could not ask its question (one command, one meaning)
    INTERNAL = 70


class UsageError(Exception):
    """A problem with what was asked: printed as `edge-wizard: <message>`, exit 2."""


def error(message: str, *, command: str | None = None, file: TextIO | None = None) -> None:
    """One diagnostic line on stderr (or `file`): `edge-wizard[ command]: message`."""
    prefix = f"edge-wizard {command}" if command else "edge-wizard"
    print(f"{prefix}: {strip_controls(message)}", file=file or sys.stderr)


def load_trees(args: argparse.Namespace, *, cached: bool = False) -> Catalog:
    """Every configured tree, with each file that could not be read named on
    stderr. `cached`: from the tree cache when no file changed, as the commands
    that open the TUI load them (`wizard.treecache`)."""
    dirs = configured_dirs(args.trees)
    if cached:
        # Imported here: only the commands that open a session use the cache.
        from wizard.paths import home_dir
        from wizard.treecache import load_cached

        catalog = load_cached(dirs, home_dir())
    else:
        catalog = load_files(tree_files(dirs))
    for problem in catalog.io_errors:
        error(problem)
    return catalog


def find_tree(catalog: Catalog, tree_id: str) -> Tree:
    """The tree named on the command line, or a usage error offering the closest id."""
    if tree_id not in catalog.trees:
        known = ", ".join(sorted(catalog.trees)) or "none"
        raise UsageError(
            f"no tree '{tree_id}'{did_you_mean(tree_id, catalog.trees)}; trees: {known}"
        )
    return catalog.trees[tree_id]


def walkable_tree(catalog: Catalog, tree_id: str) -> Tree:
    """`find_tree`, refusing a tree the validator finds errors in or in a tree it
    links to (`wizard.walkable`): `walk` and `run` refuse the same trees."""
    tree = find_tree(catalog, tree_id)
    problem = walk_problem(catalog, tree_id)
    if problem:
        raise UsageError(problem)
    return tree


def open_store(url: str | None = None) -> SessionStore:
    """The session store, opened here and nowhere else in the command layer.

    `url` is `--store` (None when not given): then `EDGE_WIZARD_STORE`, then
    the config file's `store`, else the SQLite file in the home, as
    `wizard.store.select` decides. Every command passes
    `getattr(args, "store", None)`."""
    # Imported here: `list`, `validate` and the other tree commands never
    # open the store; `select` imports psycopg only for a PostgreSQL URL.
    from wizard.store.select import open_store as select_store

    return select_store(url)
