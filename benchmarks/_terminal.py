"""Driving apps through a real terminal (a private tmux server) for the TUI benchmarks.

Times are taken outside the app: from a key (or a launch) sent to tmux to the
moment `capture-pane` shows the expected text. That includes the terminal round
trip a person sees, and none of Pilot's idle waits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BARE_APP = """
import sys
from textual.app import App
from textual.widgets import OptionList, Static

TEXTS = ["Alpha: does the call reach the site?", "Beta: which SIP code shows?"]

class Bare(App):
    BINDINGS = [("1", "swap", "swap"), ("backspace", "swap", "swap")]
    n = 0
    def compose(self):
        yield Static(TEXTS[0], id="text")
        yield OptionList("Yes", "No", "Not sure", id="options")
    def action_swap(self):
        self.n = 1 - self.n
        self.query_one("#text", Static).update(TEXTS[self.n])
        options = self.query_one("#options", OptionList)
        options.clear_options()
        options.add_options(["Yes", "No"] if self.n else ["Yes", "No", "Not sure"])

Bare().run()
"""

TREE = """\
id: bench-step
title: Benchmark steps
summary: Two questions back and forth, for timing one step.
version: 1
start: alpha
nodes:
  alpha:
    kind: question
    text: "Alpha: does the call reach the site?"
    answers:
      - {label: "Yes", next: beta}
      - {label: "No", next: done}
      - {label: Not sure, next: done}
    sources: [inferred]
  beta:
    kind: question
    text: "Beta: which SIP code shows?"
    answers:
      - {label: "Yes", next: done}
      - {label: "No", next: done}
    sources: [inferred]
  done:
    kind: resolution
    title: Done
    steps: [Nothing.]
    sources: [inferred]
"""


def have_tmux() -> bool:
    return shutil.which("tmux") is not None


def wizard_command() -> list[str]:
    """The installed `edge-wizard` when it has the session commands, else the same code."""
    installed = BIN / "edge-wizard"
    if installed.exists():
        probe = subprocess.run([str(installed), "run", "--help"], capture_output=True)
        if probe.returncode == 0:
            return [str(installed)]
    return [sys.executable, str(ROOT / "tests" / "tui" / "cli_parser.py")]


class Workspace:
    """A temp home, the two-question tree, the bare app script, and a tmux server."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ew-bench-"))
        self.home = self.dir / "home"
        self.trees = self.dir / "trees"
        self.trees.mkdir()
        (self.trees / "bench-step.yaml").write_text(TREE)
        self.bare = self.dir / "bare_app.py"
        self.bare.write_text(BARE_APP)
        self.socket = f"ew-bench-{os.getpid()}"
        # An idle session keeps the server up while the measured ones are replaced:
        # killing a server's last session stops it, racing the next launch.
        self.tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "24", "sleep 100000")

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True
        ).stdout

    def launch(
        self,
        argv: list[str],
        name: str = "bench",
        *,
        bytecode: bool = True,
        size: tuple[int, int] = (80, 24),
        wrapper: tuple[str, ...] = (),
        pythonpath: tuple[Path, ...] = (),
    ) -> float:
        """Start argv in tmux session `name` (replacing what runs there); returns the start time.

        With `bytecode` (the default) both apps run with compiled bytecode cached,
        as an installed wheel has it: the cache goes to a private prefix, so
        PYTHONDONTWRITEBYTECODE (set in some dev environments) does not make every
        launch recompile the wizard's sources while Textual's come precompiled.
        Without it, the caller's setting is kept. `wrapper` goes before argv (a
        tool that runs it); `pythonpath` goes after the project's root.
        """
        path = ":".join(str(p) for p in (ROOT, *pythonpath))
        env = (
            f"EDGE_WIZARD_HOME='{self.home}' PYTHONPATH='{path}' TERM=xterm-256color"
            " TEXTUAL_ANIMATIONS=none"
        )
        if bytecode:
            env = f"-u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX='{self.dir / 'pycache'}' {env}"
        command = "exec env " + env + " " + " ".join(f"'{a}'" for a in (*wrapper, *argv))
        self.tmux("kill-session", "-t", name)
        start = time.perf_counter()
        columns, rows = (str(n) for n in size)
        self.tmux(
            "new-session", "-d", "-s", name, "-x", columns, "-y", rows, f"cd '{ROOT}'; {command}"
        )
        return start

    def screen(self, name: str = "bench") -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def wait_for(self, text: str, timeout: float = 30, name: str = "bench") -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.screen(name):
                return time.perf_counter()
        raise TimeoutError(f"{text!r} never appeared:\n{self.screen(name)}")

    def wait_for_all(
        self, texts: tuple[str, ...], timeout: float = 30, name: str = "bench"
    ) -> float:
        """Like wait_for, until every one of texts is on the screen at once."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            screen = self.screen(name)
            if all(text in screen for text in texts):
                return time.perf_counter()
        raise TimeoutError(f"{texts!r} never all appeared:\n{self.screen(name)}")

    def wait_for_words(self, text: str, timeout: float = 30, name: str = "bench") -> float:
        """Like wait_for, with the screen's line breaks and runs of spaces as one
        space: a prompt wraps differently in the step column and the path panel."""
        wanted = " ".join(text.split())
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if wanted in " ".join(self.screen(name).split()):
                return time.perf_counter()
        raise TimeoutError(f"{text!r} never appeared:\n{self.screen(name)}")

    def step_column(self, name: str = "bench") -> str:
        """The rows above the wizard's path panel at 80x24 (the whole screen of
        an app without one): where the step is drawn."""
        rows = self.screen(name).splitlines()
        cut = next((i for i, row in enumerate(rows) if row.startswith("▔▔▔")), len(rows))
        return "\n".join(rows[:cut])

    def wait_in_step(self, text: str, timeout: float = 30, name: str = "bench") -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text in self.step_column(name):
                return time.perf_counter()
        raise TimeoutError(f"{text!r} never appeared in the step:\n{self.screen(name)}")

    def wait_gone(self, text: str, timeout: float = 30, name: str = "bench") -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if text not in self.screen(name):
                return time.perf_counter()
        raise TimeoutError(f"{text!r} stayed:\n{self.screen(name)}")

    def key(self, key: str, name: str = "bench") -> float:
        start = time.perf_counter()
        self.tmux("send-keys", "-t", name, key)
        return start

    def pid(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "bench", "#{pane_pid}").strip())

    def peak_rss_mib(self) -> float:
        for line in Path(f"/proc/{self.pid()}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        self.tmux("kill-server")
        shutil.rmtree(self.dir, ignore_errors=True)
