"""End to end through a real terminal (tmux): the installed command, keys, kill -9, resume.

Keys are sent one at a time: that is how a person types, and Textual 8.2.8's
parser drops a burst that mixes DEL (backspace) with other characters.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.conftest import FIXTURES, GOOD

ROOT = Path(__file__).parents[2]
INSTALLED = ROOT / ".venv" / "bin" / "edge-wizard"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def wizard_command() -> list[str]:
    """The installed `edge-wizard`, once the CLI registers the session commands."""
    if INSTALLED.exists():
        probe = subprocess.run(
            [str(INSTALLED), "sessions", "--help"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return [str(INSTALLED)]
    # Until then: the same registration through a stand-in parser.
    return [sys.executable, str(ROOT / "tests" / "tui" / "cli_parser.py")]


class Terminal:
    """One tmux server of our own (-L), so the developer's sessions are never touched."""

    def __init__(self, home: Path, socket: str) -> None:
        self.home = home
        self.socket = socket
        self.env = {
            **os.environ,
            "EDGE_WIZARD_HOME": str(home),
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
        }

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )
        return result.stdout

    def start(self, name: str, argv: list[str], log: Path | None = None) -> None:
        env = f"EDGE_WIZARD_HOME={self.home} PYTHONPATH={ROOT} TERM=xterm-256color"
        command = " ".join(f"'{a}'" for a in argv)
        # The short sleep lets pipe-pane attach before the app writes anything.
        shell = f"sleep 0.3; cd '{ROOT}'; exec env {env} {command}"
        self.tmux("new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell)
        if log is not None:
            self.tmux("pipe-pane", "-o", "-t", name, f"cat >> '{log}'")

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen(name)
            if text in shown:
                return shown
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{shown}")

    def wait_gone(self, name: str, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        shown = self.screen(name)
        while text in shown and time.monotonic() < deadline:
            time.sleep(0.05)
            shown = self.screen(name)
        assert text not in shown, f"{text!r} stayed on screen:\n{shown}"
        return shown

    def keys(self, name: str, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", name, key)
            time.sleep(0.08)

    def pid(self, name: str) -> int:
        return int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def alive(self, name: str) -> bool:
        return name in self.tmux("list-sessions", "-F", "#{session_name}").split()


@pytest.fixture
def terminal(isolated_home: Path) -> Iterator[Terminal]:
    term = Terminal(isolated_home, f"ew-test-{os.getpid()}")
    yield term
    term.tmux("kill-server")


def cli(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EDGE_WIZARD_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*wizard_command(), *argv], capture_output=True, text=True, env=env, check=False, cwd=ROOT
    )


def test_kill_9_mid_session_then_resume_and_export(terminal: Terminal, isolated_home: Path) -> None:
    trees = ["--trees", str(GOOD)]
    terminal.start("one", [*wizard_command(), "run", "demo-phone", *trees])
    terminal.wait_for("one", "Incident header")
    terminal.keys("one", *"INC-77", "Enter", "Enter", "H", "Q", "Enter", "Enter")
    terminal.wait_for("one", "Does the call reach HQ?")
    terminal.keys("one", "1")
    terminal.wait_for("one", "Which SIP code")
    terminal.keys("one", "4", "0", "3", "Enter")
    terminal.wait_for("one", "Fix the ACL for HQ")
    terminal.keys("one", "n")
    terminal.wait_for("one", "Note on this step")
    terminal.keys("one", *"carrier", "Space", *"ack", "Enter")
    terminal.wait_for("one", "✎ carrier ack")

    os.kill(terminal.pid("one"), signal.SIGKILL)
    deadline = time.monotonic() + 5
    while terminal.alive("one") and time.monotonic() < deadline:
        time.sleep(0.05)

    listed = json.loads(cli(isolated_home, "sessions", "--json").stdout)
    assert len(listed) == 1
    assert listed[0]["state"] == "in-progress" and listed[0]["steps"] == 2
    assert listed[0]["ticket"] == "INC-77"

    terminal.start("two", [*wizard_command(), "resume", *trees])
    shown = terminal.wait_for("two", "Fix the ACL for HQ")
    assert "✎ carrier ack" in shown
    terminal.keys("two", "2")  # Not fixed -> unresolved -> the carrier escalation
    terminal.wait_for("two", "ESCALATED")
    terminal.keys("two", "q")
    deadline = time.monotonic() + 5
    while terminal.alive("two") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not terminal.alive("two")

    session_id = listed[0]["id"]
    exported = cli(isolated_home, "export", session_id, "--format", "text", *trees)
    assert exported.returncode == 0, exported.stderr
    note = exported.stdout
    assert "Outcome: Escalated" in note
    assert "Ticket: INC-77" in note
    assert "1. Does the call reach HQ? -> Yes" in note
    assert "2. Which SIP code does the carrier log show? -> 403" in note
    assert "3. Tried: Fix the ACL for HQ" in note
    assert "Does a test call ring now? -> Not fixed" in note
    assert "Note (" in note and "carrier ack" in note
    assert "ESCALATION: Open a carrier ticket" in note
    assert "The dialled number at HQ" in note


def test_a_key_pressed_at_the_first_frame_lands_where_it_is_seen(
    terminal: Terminal, isolated_home: Path
) -> None:
    """The header is part of the first frame: a key typed the moment anything
    shows goes into its first field, and never answers the question under it."""
    terminal.start("first", [*wizard_command(), "run", "demo-phone", "--trees", str(GOOD)])
    deadline = time.monotonic() + 20
    while not terminal.screen("first").strip() and time.monotonic() < deadline:
        time.sleep(0.005)
    terminal.tmux("send-keys", "-t", "first", "7")

    def ticket_row() -> str:
        rows = terminal.screen("first").splitlines()
        label = next((i for i, row in enumerate(rows) if "Ticket id" in row), None)
        return rows[label + 1] if label is not None and label + 1 < len(rows) else ""

    deadline = time.monotonic() + 10
    while "7" not in ticket_row() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "7" in ticket_row(), terminal.screen("first")
    terminal.keys("first", "Escape")  # keeps what was typed
    shown = terminal.wait_gone("first", "Incident header")
    assert "Does the call reach" in shown
    terminal.keys("first", "q")
    listed = json.loads(cli(isolated_home, "sessions", "--json").stdout)
    assert listed[0]["ticket"] == "7" and listed[0]["steps"] == 0


def test_escape_sequences_in_a_tree_never_reach_the_terminal(
    terminal: Terminal, tmp_path: Path
) -> None:
    log = tmp_path / "pane.raw"
    terminal.start("evil", [*wizard_command(), "run", "hostile", "--trees", str(FIXTURES)], log=log)
    terminal.wait_for("evil", "Incident header")
    terminal.keys("evil", "Escape")
    shown = terminal.wait_gone("evil", "Incident header")
    assert "Is [TODO] shown literally?" in shown
    assert "[bold]this[/bold]" in shown
    # A pasted note with markup in it stays literal. (tmux itself turns control
    # characters in a paste into ^X text, so pasted escapes are tested with Pilot.)
    terminal.keys("evil", "n")
    terminal.wait_for("evil", "Note on this step")
    terminal.tmux("set-buffer", "-b", "evil", "[red]pasted[/red] [TODO]")
    terminal.tmux("paste-buffer", "-p", "-b", "evil", "-t", "evil")
    time.sleep(0.3)
    terminal.keys("evil", "Enter")
    terminal.wait_for("evil", "✎ [red]pasted[/red] [TODO]")
    terminal.keys("evil", "1")
    terminal.wait_for("evil", "Step [TODO]")
    terminal.keys("evil", "q")
    time.sleep(0.5)
    raw = log.read_bytes()
    assert b"[TODO]" in raw
    assert b"\x1b]52" not in raw  # no clipboard write
    assert b"\x1b[2J" not in raw  # no screen clear
    assert b"\x1b[31m" not in raw  # the tree's own colour escape
