"""End to end through a real terminal (tmux): the installed command, keys, kill -9, resume.

Keys are sent one at a time: that is how a person types, and Textual 8.2.8's
parser drops a burst that mixes DEL (backspace) with other characters.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
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


# The private server's settings (and no ~/.tmux.conf): it stays up with no
# session, so an app that exits does not take the server with it; an exited
# app's pane stays, with its last screen (a traceback included) and its exit
# status, for the failure message.
TMUX_CONF = "set -s exit-empty off\nset -g remain-on-exit on\n"
PANE_STATE = (
    "dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal} pid=#{pane_pid}"
)


class Terminal:
    """A tmux server of our own for one test, so the developer's sessions are never touched.

    Each test gets a server on a socket of its own, started before the first
    app and stopped after the test. One socket per process used to be killed
    at the end of each test and started again by the next test's first
    `new-session`: when that came within a few milliseconds (nothing ran in
    between), it reached the dying server, failed with "server exited
    unexpectedly", and the test then waited 20 s on a blank screen.

    Every tmux command must succeed: its error, and what the app's pane shows,
    end up in the failure. The app's stderr is the pane itself (Textual draws on
    stderr), so a traceback or a shell error is in the pane's text.
    """

    def __init__(self, home: Path, socket: str) -> None:
        self.home = home
        self.socket = socket
        self.conf = home.parent / "tmux.conf"
        self.conf.write_text(TMUX_CONF)
        self.env = {
            **os.environ,
            "EDGE_WIZARD_HOME": str(home),
            "TERM": "xterm-256color",
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("TMUX", None)
        self.tmux("start-server")
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-f", str(self.conf), "-L", self.socket, *args],
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )

    def tmux(self, *args: str) -> str:
        """Run a tmux command on our server; its output, or an AssertionError saying why not."""
        result = self.run(*args)
        if result.returncode != 0:
            raise AssertionError(
                f"tmux {' '.join(args)!r} failed ({result.returncode}): {result.stderr.strip()}"
                f"\n{self.sessions()}"
            )
        return result.stdout

    def stop(self) -> None:
        self.run("kill-server")
        self.socket_path.unlink(missing_ok=True)

    def start(self, name: str, argv: list[str], log: Path | None = None) -> None:
        env = f"EDGE_WIZARD_HOME={self.home} PYTHONPATH={ROOT} TERM=xterm-256color"
        command = " ".join(f"'{a}'" for a in argv)
        shell = f"cd '{ROOT}'; exec env {env} {command}"
        new = ["new-session", "-d", "-s", name, "-x", "80", "-y", "24", shell]
        if log is None:
            self.tmux(*new)
        else:
            # In the same command list as new-session: the server runs both before
            # it reads anything from the pane, so the log has the app's first byte.
            self.tmux(*new, ";", "pipe-pane", "-o", "-t", name, f"cat >> '{log}'")

    def sessions(self) -> str:
        listed = self.run("list-sessions", "-F", f"#{{session_name}}: {PANE_STATE}")
        return f"tmux sessions: {listed.stdout.strip() or '(none)'} {listed.stderr.strip()}"

    def report(self, name: str) -> str:
        """What a failure shows: the pane's state (exit status) and all its text,
        scrollback included, so a traceback printed on the way out is there too."""
        text = self.run("capture-pane", "-p", "-J", "-S", "-", "-t", name)
        return (
            f"{self.sessions()}\n--- pane {name!r}, scrollback included ---\n"
            f"{text.stdout.rstrip()}{text.stderr.strip()}\n--- end of pane ---"
        )

    def capture(self, name: str) -> tuple[str, bool]:
        """The screen, and whether the app in it has exited (the pane is dead)."""
        out = self.tmux(
            "display-message",
            "-p",
            "-t",
            name,
            "#{pane_dead}",
            ";",
            "capture-pane",
            "-p",
            "-t",
            name,
        )
        dead, _, screen = out.partition("\n")
        return screen, dead == "1"

    def screen(self, name: str) -> str:
        return self.capture(name)[0]

    def wait_until(
        self, name: str, ok: Callable[[str], bool], what: str, timeout: float = 20
    ) -> str:
        """The screen once `ok(screen)` holds with the app still running; fails with
        the pane's text and state when the app exits first or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while True:
            shown, dead = self.capture(name)
            if dead:
                raise AssertionError(
                    f"the app exited while waiting for {what}\n{self.report(name)}"
                )
            if ok(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} within {timeout:g} s: no\n{self.report(name)}")
            time.sleep(0.05)

    def wait_for(self, name: str, text: str, timeout: float = 20) -> str:
        return self.wait_until(name, lambda shown: text in shown, f"{text!r} to show", timeout)

    def wait_gone(self, name: str, text: str, timeout: float = 20) -> str:
        return self.wait_until(name, lambda shown: text not in shown, f"{text!r} to go", timeout)

    def wait_exit(self, name: str, timeout: float = 20) -> None:
        """Wait until the app in session `name` has exited (its pane is dead)."""
        deadline = time.monotonic() + timeout
        while not self.capture(name)[1]:
            assert time.monotonic() < deadline, f"the app still runs\n{self.report(name)}"
            time.sleep(0.05)

    def wait_logged(self, log: Path, marker: bytes, timeout: float = 5) -> bytes:
        """The pane's log (`start(log=...)`) once `marker` has reached it: the
        log is written by a `cat` of tmux's, a little after the pane."""
        deadline = time.monotonic() + timeout
        while marker not in (raw := log.read_bytes() if log.exists() else b""):
            assert time.monotonic() < deadline, f"{marker!r} never logged; {len(raw)} bytes"
            time.sleep(0.05)
        return raw

    def keys(self, name: str, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", name, key)
            time.sleep(0.08)

    def pid(self, name: str) -> int:
        return int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def alive(self, name: str) -> bool:
        """Whether the app in session `name` still runs (an exited one leaves a dead pane)."""
        listed = self.tmux("list-sessions", "-F", "#{session_name} #{pane_dead}").splitlines()
        return f"{name} 0" in listed


@pytest.fixture
def terminal(isolated_home: Path) -> Iterator[Terminal]:
    term = Terminal(isolated_home, f"ew-test-{os.getpid()}-{secrets.token_hex(4)}")
    yield term
    term.stop()


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
    terminal.wait_exit("one", timeout=5)

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
    terminal.wait_exit("two", timeout=5)
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
    assert "7" in ticket_row(), terminal.report("first")
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
    terminal.wait_for("evil", "[red]pasted[/red] [TODO]")  # in the note's input
    terminal.keys("evil", "Enter")
    terminal.wait_for("evil", "✎ [red]pasted[/red] [TODO]")
    terminal.keys("evil", "1")
    terminal.wait_for("evil", "Step [TODO]")
    terminal.keys("evil", "q")
    terminal.wait_exit("evil")
    # Everything the app drew is logged once its leaving the alternate screen is.
    raw = terminal.wait_logged(log, b"\x1b[?1049l")
    assert b"[TODO]" in raw
    assert b"\x1b]52" not in raw  # no clipboard write
    assert b"\x1b[2J" not in raw  # no screen clear
    assert b"\x1b[31m" not in raw  # the tree's own colour escape
