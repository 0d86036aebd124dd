"""The command line as `edge-wizard` runs it, callable from a test or as a script
(no Textual until a command opens the TUI)."""

from __future__ import annotations

from wizard.cli import main


def run(*argv: str) -> int:
    return main(list(argv))


if __name__ == "__main__":
    import sys

    sys.exit(run(*sys.argv[1:]))
