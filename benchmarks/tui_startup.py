"""Start-up: `edge-wizard run TREE` in a terminal until its first frame is drawn (the
incident header over the first question, both on the screen),
against a bare Textual app (one static text and an option list) measured the
same way in the same run. Target: at most 1.3x the bare app. Also the peak
memory (VmHWM) of the picker with every tree loaded, against the bare app.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import Workspace, have_tmux, wizard_command

RUNS = 7
TARGET = 1.3


def time_launch(
    ws: Workspace, argv: list[str], texts: tuple[str, ...], *, bytecode: bool = True
) -> float:
    start = ws.launch(argv, bytecode=bytecode)
    return ws.wait_for_all(texts) - start


QUESTION = "Alpha: does the call reach"
# A new session's first frame is the incident header (so that a key pressed at
# once lands in it) over the first question: the time is taken when both are
# on the screen. A frame with the header over an empty screen is not the one
# the admin reads.
FIRST_FRAME = ("Incident header", QUESTION)


def compare(
    ws: Workspace, bare: list[str], run: list[str], bare_frame: tuple[str, ...], bytecode: bool
) -> None:
    # One warm-up each, so both read their files from the page cache (and,
    # with bytecode, write it once).
    time_launch(ws, bare, bare_frame, bytecode=bytecode)
    time_launch(ws, run, FIRST_FRAME, bytecode=bytecode)
    bare_times, run_times = [], []
    for _ in range(RUNS):  # interleaved, so machine noise hits both alike
        bare_times.append(time_launch(ws, bare, bare_frame, bytecode=bytecode))
        run_times.append(time_launch(ws, run, FIRST_FRAME, bytecode=bytecode))
    bare_s = statistics.median(bare_times)
    run_s = statistics.median(run_times)
    ratio = run_s / bare_s
    print(f"bare Textual app, launch to first paint: {bare_s * 1000:7.0f} ms (median of {RUNS})")
    print(f"edge-wizard run TREE, to its first frame: {run_s * 1000:7.0f} ms")
    verdict = "ok" if ratio <= TARGET else "over target"
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x): {verdict}")


def main() -> None:
    if not have_tmux():
        print("skipped: tmux is not installed")
        return
    ws = Workspace()
    try:
        wizard = [*wizard_command(), "--trees", str(ws.trees)]
        bare = [sys.executable, str(ws.bare)]
        run = [*wizard, "run", "bench-step"]
        bare_frame = (QUESTION,)
        print("-- bytecode cached, as installed:")
        compare(ws, bare, run, bare_frame, bytecode=True)
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            # Nothing is written at launch in this mode: the wizard reads the
            # bytecode `make compile` wrote, or compiles its changed modules
            # on every launch (Textual's come precompiled from its wheel).
            print("-- PYTHONDONTWRITEBYTECODE as set here (bytecode from `make compile`):")
            compare(ws, bare, run, bare_frame, bytecode=False)

        time_launch(ws, bare, bare_frame)
        time.sleep(0.5)
        bare_mem = ws.peak_rss_mib()
        time_launch(ws, wizard, ("Benchmark steps",))
        time.sleep(0.5)
        picker_mem = ws.peak_rss_mib()
        print(f"peak memory, bare app:                  {bare_mem:7.1f} MiB")
        print(
            f"peak memory, picker with all trees:     {picker_mem:7.1f} MiB"
            f" ({picker_mem / bare_mem:.2f}x)"
        )
    finally:
        ws.close()


if __name__ == "__main__":
    main()
