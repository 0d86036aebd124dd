"""One step: an answer key sent through the terminal until the next question is
on screen, against a bare Textual app that swaps a text and an option list on
the same key, measured the same way in the same run (tmux, not Pilot: Pilot's
pause() waits for idle and adds ~80 ms). Targets: median under 50 ms, and at
most 1.5x the bare app.

Keys are sent as a person sends them: once the screen has settled (PAUSE after
the last step). Textual draws at most 60 frames a second, so a key that comes
within ~17 ms of the previous frame waits for the next tick of that grid; keys
sent back to back, the moment the text appears, mostly measure where each key
lands on it. That figure is printed too, for comparison, without a verdict.

Measured before `wizard.tui.path_view`: a Static path panel re-wrapping every
line took about 3 ms of an 8 ms step with a 30-line path (headless, 80x24).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import Workspace, have_tmux, wizard_command

STEPS = 60
PAUSE = 0.06  # s: longer than three frames, far shorter than anyone reads a question
TARGET_MS = 50
TARGET_RATIO = 1.5
ALPHA = "Alpha: does the call reach"
BETA = "Beta: which SIP code"


def open_app(ws: Workspace, argv: list[str], name: str, header: bool) -> None:
    ws.launch(argv, name)
    ws.wait_for(ALPHA, name=name)
    if header:  # the wizard's incident header comes just after the first frame
        ws.wait_for("Incident header", name=name)
        ws.key("Escape", name)
        ws.wait_gone("Incident header", name=name)


def one_step(ws: Workspace, name: str, pause: float) -> tuple[float, float]:
    """Forward with 1, then back with backspace; both are one redraw."""
    time.sleep(pause)
    start = ws.key("1", name)
    forward = ws.wait_in_step(BETA, name=name) - start
    time.sleep(pause)
    # Back ends when Alpha is the step again. The wizard's path panel, which
    # lists Alpha too, follows a frame later, so only the step column counts.
    start = ws.key("BSpace", name)
    back = ws.wait_in_step(ALPHA, name=name) - start
    return forward, back


def measure(ws: Workspace, pause: float) -> tuple[float, float]:
    bare: list[float] = []
    wizard: list[float] = []
    for _ in range(STEPS):  # interleaved, so machine noise hits both alike
        bare += one_step(ws, "bare", pause)
        wizard += one_step(ws, "wizard", pause)
    return statistics.median(bare) * 1000, statistics.median(wizard) * 1000


def main() -> None:
    if not have_tmux():
        print("skipped: tmux is not installed")
        return
    ws = Workspace()
    try:
        open_app(ws, [sys.executable, str(ws.bare)], "bare", header=False)
        argv = [*wizard_command(), "--trees", str(ws.trees), "run", "bench-step"]
        open_app(ws, argv, "wizard", header=True)
        bare_ms, wizard_ms = measure(ws, PAUSE)
        ratio = wizard_ms / bare_ms
        samples = 2 * STEPS
        print(f"bare Textual app, key to redraw:   {bare_ms:6.1f} ms (median of {samples})")
        print(f"edge-wizard, answer to next step:  {wizard_ms:6.1f} ms")
        ok = wizard_ms < TARGET_MS and ratio <= TARGET_RATIO
        print(
            f"ratio: {ratio:.2f}x (targets: < {TARGET_MS} ms and <= {TARGET_RATIO}x):"
            f" {'ok' if ok else 'over target'}"
        )
        bare_ms, wizard_ms = measure(ws, 0.0)
        print(
            f"keys back to back (frame grid): bare {bare_ms:.1f} ms,"
            f" edge-wizard {wizard_ms:.1f} ms ({wizard_ms / bare_ms:.2f}x)"
        )
    finally:
        ws.close()


if __name__ == "__main__":
    main()
