"""The `edge-wizard` entry point, with the cyclic garbage collector paused until
the first frame (see `wizard.gcpause`)."""

from __future__ import annotations

from wizard.gcpause import pause_gc


def main() -> int:
    pause_gc()
    # Imported after the pause: importing the command line is the first of
    # the start-up's allocations.
    from wizard.cli import main as cli_main

    return cli_main()
