"""The `edge-wizard` entry point, with the cyclic garbage collector paused until
the first frame.

Importing Textual and the wizard and building the first screen create a few
hundred thousand objects that live as long as the process. While they are being
created the collector walks them again and again (about 115 collections, 15 ms
of a 230 ms start, measured here) and frees nothing. So the entry point pauses
it; `resume_gc()`, called once the first frame is drawn (or at once by commands
without a TUI), collects once, moves everything still alive to the permanent
generation, so later full collections skip it, and turns collection back on.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from wizard.cli import main as cli_main

    return cli_main()


def resume_gc() -> None:
    if not gc.isenabled():
        # One collection first, for the little cyclic garbage start-up made
        # (~7,000 objects); what survives it is frozen.
        gc.collect()
        gc.freeze()
        gc.enable()
