"""Check nodes in the TUI, against loopback only: sockets opened by the tests."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from tests.tui.checktrees import write_sip_tree, write_tcp_tree
from tests.tui.conftest import MakeApp, catalog_of, fresh_python, shown
from wizard.export import note_text
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Store
from wizard.tui.app import WizardApp
from wizard.tui.dialogs import OverrideDialog
from wizard.tui.incident import IncidentScreen


def incident(app: WizardApp) -> IncidentScreen:
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen


def stored_note(store: Store, folder: Path, session_id: str, fmt: str = "text") -> str:
    """The note as `edge-wizard export` would write it: replayed from the store."""
    catalog = catalog_of(folder)
    row = store.get(session_id)
    session, dropped = Session.replay(
        build_graph(catalog.trees.values()),
        catalog.trees,
        row.tree_id,
        store.events(row.id),
        session_id=row.id,
        started_at=row.started,
    )
    assert dropped == 0
    return note_text(session, fmt)  # type: ignore[arg-type]


def check_events(store: Store, session_id: str) -> list[str]:
    return [e.key for e in store.events(session_id) if e.type == "check"]


async def settle(app: WizardApp, seconds: float = 4.0) -> None:
    """Wait (on the app's loop) until the running check has a result."""
    deadline = time.monotonic() + seconds
    while incident(app)._check_state() == "running":
        assert time.monotonic() < deadline, "the check never finished"
        await asyncio.sleep(0.05)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP port on 127.0.0.1 that accepts (the kernel completes the handshake)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connections are refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port: int = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def silent_udp() -> Iterator[int]:
    """A UDP socket on 127.0.0.1 that reads nothing and answers nothing."""
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    yield server.getsockname()[1]
    server.close()


def accepted(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = server.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


async def test_nothing_runs_before_confirm_then_run_shows_evidence(
    make_app: MakeApp, store: Store, tmp_path: Path, listener: socket.socket
) -> None:
    port = listener.getsockname()[1]
    folder = write_tcp_tree(tmp_path / "trees", port)
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = incident(app)
        panel = shown(app, "#check")
        assert "Probe: tcp" in panel
        assert f"Target: tcp 127.0.0.1:{port}" in panel
        assert "Timeout: 2 s" in panel
        assert "Nothing has been sent yet" in panel
        assert shown(app, "#kind") == "CHECK"
        # Looking around (help, keys list) sends nothing.
        await pilot.press("h", "h")
        await pilot.pause(0.2)
        assert accepted(listener) == 0
        assert screen._check.worker is None
        assert not app.workers
        options = screen.query_one("#options", OptionList)
        assert options.get_option_at_index(0).id == "check-run"

        await pilot.press("enter")  # "Run the check now" is highlighted
        await settle(app)
        assert accepted(listener) == 1
        assert "PASS" in shown(app, "#check")
        evidence = shown(app, "#evidence")
        assert f"Evidence from tcp: tcp 127.0.0.1:{port}" in evidence
        assert "resolved: 127.0.0.1" in evidence
        assert f"connected_to: 127.0.0.1:{port}" in evidence
        assert "connect_ms:" in evidence
        # Measured, not yet recorded: the admin goes on with it.
        assert check_events(store, app.session.id if app.session else "") == []
        await pilot.press("enter")
        await pilot.pause()
        session = app.session
        assert session is not None
        assert session.current == "tui-checks/works"
        assert check_events(store, session.id) == ["pass"]
        assert "Pass" in shown(app, "#path")
    note = stored_note(store, folder, session.id)
    assert "-> Pass" in note
    assert f"connected_to: 127.0.0.1:{port}" in note


async def test_override_with_reason_is_recorded(
    make_app: MakeApp, store: Store, tmp_path: Path, closed_port: int
) -> None:
    folder = write_tcp_tree(tmp_path / "trees", closed_port)
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await settle(app)
        assert "FAIL" in shown(app, "#check")
        assert "refused" in shown(app, "#check")
        # Number keys do not answer over a measured result.
        await pilot.press("1")
        assert app.session is not None and app.session.current == "tui-checks/reach"
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        choices = app.screen.query_one(OptionList)
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == [
            "override-pass",
            "override-error",
        ]
        await pilot.press("1")  # Pass, then to the reason
        await pilot.press("enter")  # no reason yet: refused
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        assert "reason is needed" in shown(app, "#override-error")
        reason = app.screen.query_one("#override-reason", Input)
        assert reason.has_focus
        await pilot.press(*"fw allows it [per change 7]", "enter")
        await pilot.pause()
        session = app.session
        assert isinstance(app.screen, IncidentScreen)
        assert session.current == "tui-checks/works"
        assert check_events(store, session.id) == ["pass"]
        path = shown(app, "#path")
        assert "→ Pass" in path
        assert "override of fail: fw allows it [per change 7]" in path
    note = stored_note(store, folder, session.id)
    assert "Pass (override of fail: fw allows it [per change 7])" in note
    assert "FAIL:" in note  # the measured evidence stays in the note
    text = stored_note(store, folder, session.id, "json")
    assert '"reason": "fw allows it [per change 7]"' in text


async def test_override_dialog_escape_records_nothing(
    make_app: MakeApp, store: Store, tmp_path: Path, closed_port: int
) -> None:
    folder = write_tcp_tree(tmp_path / "trees", closed_port)
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await settle(app)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert "FAIL" in shown(app, "#check")  # the result is still there
        assert app.session is not None
        assert check_events(store, app.session.id) == []
        await pilot.press("enter")  # go on with the measured outcome
        await pilot.pause()
        assert app.session.current == "tui-checks/open-firewall"
        assert check_events(store, app.session.id) == ["fail"]


async def test_answer_by_hand_without_running(
    make_app: MakeApp, store: Store, tmp_path: Path, listener: socket.socket
) -> None:
    folder = write_tcp_tree(tmp_path / "trees", listener.getsockname()[1])
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")  # Fail, by hand
        await pilot.pause()
        session = app.session
        assert session is not None
        assert session.current == "tui-checks/open-firewall"
        assert accepted(listener) == 0
        assert "Fail" in shown(app, "#path")
        assert "checked by hand" in shown(app, "#path")
        # Back, then Pass by hand with the mouse-free arrows: down to "1. Pass".
        await pilot.press("backspace")
        await pilot.pause()
        assert "Nothing has been sent yet" in shown(app, "#check")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert session.current == "tui-checks/works"
        assert accepted(listener) == 0
    note = stored_note(store, folder, session.id)
    assert "Fail (checked by hand)" in note
    assert "Pass (checked by hand)" in note


async def test_manual_answer_after_the_probe_could_not_run(
    make_app: MakeApp, store: Store, tmp_path: Path
) -> None:
    # A name under .invalid never resolves, and never leaves the machine.
    folder = write_tcp_tree(tmp_path / "trees", 5060, host="nohost.invalid")
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await settle(app)
        assert "ERROR" in shown(app, "#check")
        await pilot.press("enter")  # the tree has no `error`: ask by hand
        await pilot.pause()
        session = app.session
        assert session is not None
        assert session.current == "tui-checks/reach"
        assert session.view().manual
        panel = shown(app, "#check")
        assert "The check could not run:" in panel
        assert "nohost.invalid" in panel
        options = incident(app).query_one("#options", OptionList)
        assert options.option_count == 2  # Pass, Fail
        assert "Run the check" not in str(options.get_option_at_index(0).prompt)
        await pilot.press("r")  # no run from a manual step
        await pilot.pause()
        assert incident(app)._check.worker is None
        await pilot.press("3")  # no Error by hand either
        await pilot.press("1")
        await pilot.pause()
        assert session.current == "tui-checks/works"
        assert check_events(store, session.id) == ["error"]
    note = stored_note(store, folder, session.id)
    assert "Pass (checked by hand)" in note


async def test_escape_cancels_a_running_check(
    make_app: MakeApp, store: Store, tmp_path: Path, silent_udp: int
) -> None:
    folder = write_sip_tree(tmp_path / "trees", silent_udp, timeout=2)
    app = make_app("tui-sip", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r")
        await pilot.pause(0.3)
        screen = incident(app)
        assert screen._check_state() == "running"
        assert "Running" in shown(app, "#check")
        assert "of at most 2 s" in shown(app, "#check")
        worker = screen._check.worker
        assert worker is not None
        await pilot.press("escape")
        await pilot.pause()
        assert worker.is_cancelled
        assert screen._check_state() == "idle"
        assert "Nothing has been sent yet" in shown(app, "#check")
        await pilot.pause(0.3)
        assert app.session is not None
        assert check_events(store, app.session.id) == []
        assert app.session.current == "tui-sip/options"


async def test_ui_stays_responsive_while_a_probe_waits(
    make_app: MakeApp, store: Store, tmp_path: Path, silent_udp: int
) -> None:
    # Keys take effect while the probe still waits for its answer: the check
    # is still running after each of them. No wall-clock bound on the keys (a
    # loaded machine is slow, not blocked); the probe's 4 s timeout leaves room.
    folder = write_sip_tree(tmp_path / "trees", silent_udp, timeout=4)
    app = make_app("tui-sip", dirs=(folder,))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert shown(app, "#help") == "One OPTIONS request over UDP."
        started = time.monotonic()
        await pilot.press("r")
        await pilot.pause(0.2)
        screen = incident(app)
        assert screen._check_state() == "running"
        first = shown(app, "#check")
        await pilot.press("h")  # hide the help, while the probe waits
        assert shown(app, "#help") == ""
        assert screen._check_state() == "running"
        await pilot.pause(0.3)
        assert shown(app, "#check") != first  # the spinner and the seconds move
        await pilot.press("question_mark")
        await pilot.pause()
        assert screen._check_state() == "running"
        await pilot.press("escape")  # closes the keys list, not the run
        await pilot.pause()
        assert screen._check_state() == "running"
        await settle(app, seconds=10)
        assert time.monotonic() - started >= 3.9
        assert "FAIL" in shown(app, "#check")
        assert "no SIP answer within 4s" in shown(app, "#check")


def test_probes_are_imported_only_when_a_check_is_shown(tmp_path: Path) -> None:
    """Start-up matters: a walk that has not reached a check loads no probe module."""

    folder = write_tcp_tree(tmp_path / "trees", 5060)
    code = f"""
import asyncio, sys
from pathlib import Path
from tests.tui.conftest import GOOD, catalog_of
from wizard.nodetable import build_node_table
from wizard.store import Store
from wizard.launch import Launch
from wizard.tui.app import create_app

async def main(tree, folder):
    catalog = catalog_of(folder)
    table = build_node_table(catalog.trees.values())
    store = Store(Path(r"{tmp_path}") / (tree + ".sqlite3"))
    app = create_app(Launch(catalog, table, store, tree_id=tree, ask_header=False))
    async with app.run_test() as pilot:
        await pilot.pause()
    return "wizard.probes" in sys.modules, "wizard.probe_bridge" in sys.modules

print(asyncio.run(main("demo-phone", GOOD)))
print(asyncio.run(main("tui-checks", Path(r"{folder}"))))
"""
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["(False, False)", "(True, True)"]


def test_probe_text_is_plain_and_free_of_control_characters() -> None:
    """Evidence comes from the network: markup stays literal, escapes never reach the screen."""
    from wizard import probe_bridge
    from wizard.tui import check_view

    result = {
        "probe": "sip-options",
        "target": "sip:127.0.0.1:5060 over udp",
        "outcome": "pass",
        "summary": "SIP/2.0 200 OK [bold]from[/bold] \x1b]52;c;ZWNobyBoaQ==\x07the SBC",
        "evidence": {
            "status_line": "SIP/2.0 200 OK\x1b[2J",
            "round_trip_ms": 1.5,
            "via_rewritten": False,
            "addresses": ["127.0.0.1", "::1"],
        },
        "duration": 0.0123,
    }
    text = str(check_view.outcome_line(result)) + "\n" + str(check_view.evidence(result))
    assert "\x1b" not in text and "\x07" not in text
    assert "[bold]from[/bold]" in text
    assert "status_line: SIP/2.0 200 OK[2J" in text
    assert "round_trip_ms: 1.5" in text
    assert "via_rewritten: no" in text
    assert "addresses: 127.0.0.1, ::1" in text
    assert "took 12 ms" in text
    assert probe_bridge.budget("websocket", {"timeout": "3", "hold": "10"}) == 13
    assert probe_bridge.budget("tcp", {}) == 5
