"""The cyclic garbage collector, paused from the entry point until the first frame.

Importing Textual and the wizard and building the first screen create a few
hundred thousand objects that live as long as the process. While they are
being created the collector walks them again and again and frees nothing, so
`wizard.startup` pauses it (`pause_gc`). `resume_gc`, called once the first
frame is drawn (or at once by the commands without a TUI), collects once,
moves everything still alive to the permanent generation, so later full
collections skip it, and turns collection back on.

A leaf, importing only `gc`: the entry point, the command line and the TUI
all call it, and none of them may pull another in through it.
"""

from __future__ import annotations

import gc


def pause_gc() -> None:
    gc.disable()


def resume_gc() -> None:
    if not gc.isenabled():
        # One collection first, for the little cyclic garbage start-up made;
        # what survives it is frozen.
        gc.collect()
        gc.freeze()
        gc.enable()
