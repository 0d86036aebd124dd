"""`edge-wizard stats`: outcome figures for tree authors, over the store this
run uses (`--store`, as every command opens it) or over exported JSON notes.

The figures themselves are `wizard.analytics` (core, no UI): its `command`
module defines the arguments (`add_parser`) and makes the report (`run`), and
keeps `python -m wizard.analytics` working on its own. This module is the
command as the others are: it registers `stats` with the shared `common`
options, opens the store through `commands.common.open_store`, and reports a
bad note file as a `UsageError`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from wizard.analytics.command import add_parser, run
from wizard.commands.common import ExitCode, UsageError, load_trees, open_store

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands


def cmd_stats(args: argparse.Namespace) -> int:
    from wizard.analytics.records import NotesError  # see wizard.analytics.command

    try:
        report = run(
            args,
            open_store=lambda: open_store(getattr(args, "store", None)),
            load_trees=lambda: load_trees(args),
        )
    except NotesError as exc:
        raise UsageError(str(exc)) from None
    sys.stdout.write(report)
    return ExitCode.OK


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = add_parser(sub, common)
    p.set_defaults(func=cmd_stats)
