"""The `edge-wizard` command line: the parser and `main`. stdout is data;
diagnostics go to stderr.

The commands themselves live in `wizard.commands`, one module per group, each
registering its subcommands here. The TUI is imported only inside the
commands that open it, so `validate` in CI stays fast and never loads Textual.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from wizard import __version__
from wizard.catalog import ENV_TREES
from wizard.commands import capture, graphs, sessions, stats, trees, walk
from wizard.commands.common import ExitCode, UsageError, error
from wizard.gcpause import resume_gc
from wizard.store.base import StoreError
from wizard.store.select import ENV_STORE

STORE_HELP = (
    "session store: postgresql://user@host/db or sqlite:///path/to/file.sqlite3"
    f" (default: ${ENV_STORE}, else the config file's store, else SQLite in the home)"
)

# Commands that open the TUI; `None` is a bare `edge-wizard` (the picker).
TUI_COMMANDS = frozenset({None, "run", "resume"})

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
  edge-wizard --store postgresql://alice@db.example.com/edge_wizard sessions
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
    parser.add_argument("--store", metavar="URL", default=None, help=STORE_HELP)
    # Accept --trees and --store after the command too; SUPPRESS keeps the
    # subcommand from resetting what was given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--trees",
        metavar="DIR",
        action="append",
        type=Path,
        default=argparse.SUPPRESS,
        help="also load the trees in DIR (repeatable)",
    )
    common.add_argument("--store", metavar="URL", default=argparse.SUPPRESS, help=STORE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # In the order `--help` lists them: the tree files, a walk, the graph,
    # the stored sessions, their figures, captures, probes.
    trees.register(sub, common)
    walk.register(sub, common)
    graphs.register(sub, common)
    sessions.register(sub, common)
    stats.register(sub, common)
    capture.register(sub, common)
    if with_probes:
        # Imported here: building the probe parser imports every probe module.
        from wizard.commands import probe

        probe.register(sub)
    else:
        sub.add_parser("probe", help="run one built-in network probe (dns, tcp, tls, sip...)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(with_probes="probe" in arguments)
    args = parser.parse_args(arguments)
    if args.command not in TUI_COMMANDS:
        resume_gc()  # only the TUI waits for its first frame
    try:
        if args.command is None:
            return sessions.open_picker(args)
        return int(args.func(args))
    except (UsageError, StoreError) as exc:
        error(str(exc))
        return ExitCode.USAGE
    except BrokenPipeError:
        # `edge-wizard graph | head`: the reader left; nothing is wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        error(f"internal error: {type(exc).__name__}: {exc}. Please report this with the command.")
        return ExitCode.INTERNAL
