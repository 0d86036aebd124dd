"""A parser with the session commands registered, as wizard.cli does it (no Textual here)."""

from __future__ import annotations

import argparse
from pathlib import Path

from wizard import session_commands


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edge-wizard")
    p.add_argument("--trees", action="append", type=Path, default=[])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--trees", action="append", type=Path, default=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command")
    session_commands.register(sub, common)
    return p


def run(*argv: str) -> int:
    args = parser().parse_args(list(argv))
    if args.command is None:
        return session_commands.open_picker(args)
    return int(args.func(args))


if __name__ == "__main__":
    import sys

    sys.exit(run(*sys.argv[1:]))
