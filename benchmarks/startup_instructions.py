"""Start-up in instructions: `edge-wizard run TREE` from exec to its first whole frame,
counted by valgrind, against the bare Textual app counted the same way.

Wall-clock start-up (`tui_startup`) moves by a third between runs on a shared
machine, more than most changes to start-up. The count of instructions the
process executes barely moves (0.3% between runs here), so it tells whether
a change made start-up slower where timing can't. It leaves out what the
kernel does (reading files, mapping pages), which both apps do alike.

A frame is whole when every screen on the stack has been laid out: for a new
session, the incident header over the incident screen, not the header over an
empty screen that the rest fills in one frame later. A hook (a sitecustomize
module on PYTHONPATH, installed when textual.app is first imported, so the
import order is the app's own) ends the process right after that frame.
Valgrind makes a launch about 20x slower. Target: at most 1.3x the bare app.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import Workspace, have_tmux, wizard_command

RUNS = 3
TARGET = 1.3

HOOK = """
import importlib.abc
import importlib.util
import os
import sys


def _first_whole_frame(app_class):
    display = app_class._display

    def _display(self, screen, renderable):
        whole = all(s.region.area for s in self.screen_stack)
        result = display(self, screen, renderable)
        if renderable is not None and whole:
            with open(MARKER, "w") as marker:
                marker.write(repr(self.screen_stack))
            os._exit(0)
        return result

    app_class._display = _display


class _WhenTextualAppLoads(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "textual.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_then_hook(module):
            exec_module(module)
            _first_whole_frame(module.App)

        spec.loader.exec_module = exec_then_hook
        return spec


sys.meta_path.insert(0, _WhenTextualAppLoads())
"""

VALGRIND = ("valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null")


def instructions(ws: Workspace, argv: list[str], hook: Path) -> int:
    log, marker = hook / "valgrind.log", hook / "frame"
    log.unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    ws.launch(argv, wrapper=(*VALGRIND, f"--log-file={log}"), pythonpath=(hook,))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        time.sleep(0.2)
        found = re.search(r"I\s+refs:\s+([\d,]+)", log.read_text() if log.exists() else "")
        if found and marker.exists():
            return int(found.group(1).replace(",", ""))
        if found:  # it ended before a whole frame: a crash, or the hook no longer fits Textual
            raise RuntimeError(f"{argv} ended before its first whole frame:\n{ws.screen()}")
    raise TimeoutError(f"valgrind wrote no count to {log}:\n{ws.screen()}")


def main() -> None:
    if not have_tmux() or shutil.which("valgrind") is None:
        print("skipped: needs tmux and valgrind")
        return
    ws = Workspace()
    try:
        hook = ws.dir / "hook"
        hook.mkdir()
        marker = f"MARKER = {str(hook / 'frame')!r}\n"
        (hook / "sitecustomize.py").write_text(marker + HOOK)
        bare = [sys.executable, str(ws.bare)]
        run = [*wizard_command(), "--trees", str(ws.trees), "run", "bench-step"]
        # One launch each first, so both have their bytecode cached.
        instructions(ws, bare, hook)
        instructions(ws, run, hook)
        bare_counts, run_counts = [], []
        for _ in range(RUNS):
            bare_counts.append(instructions(ws, bare, hook))
            run_counts.append(instructions(ws, run, hook))
        bare_n = statistics.median(bare_counts)
        run_n = statistics.median(run_counts)
        spread = (max(run_counts) - min(run_counts)) / run_n
        ratio = run_n / bare_n
        print(f"bare Textual app, exec to first frame:      {bare_n / 1e6:8.1f} M instructions")
        print(
            f"edge-wizard run TREE, to first whole frame: {run_n / 1e6:8.1f} M instructions"
            f" (median of {RUNS}, spread {spread:.1%})"
        )
        verdict = "ok" if ratio <= TARGET else "over target"
        print(f"ratio: {ratio:.2f}x (target <= {TARGET}x): {verdict}")
    finally:
        ws.close()


if __name__ == "__main__":
    main()
