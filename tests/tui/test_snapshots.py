"""Snapshots of every screen at 80x24 (SSH worst case) and 120x40.

Time is frozen and session ids are fixed by the app factory, so the elapsed
timer and the ids in the header never change between runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.checktrees import write_tcp_tree
from tests.tui.conftest import GOOD, STARTED, FrozenClock, MakeApp, catalog_of
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, Store

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Before = Callable[[Pilot[Any]], Awaitable[None]]


def keys(*presses: str) -> Before:
    async def run(pilot: Pilot[Any]) -> None:
        for key in presses:
            await pilot.press(key)
        await pilot.pause()

    return run


SCREENS: dict[str, tuple[str | None, bool, Before | None]] = {
    # name: (tree to run, ask for the header, keys to press first)
    "picker": (None, False, None),
    "picker-filtered": (None, False, keys(*"carrier")),
    "header": ("demo-phone", True, None),
    "question": ("demo-phone", False, None),
    "question-help-hidden": ("demo-phone", False, keys("h")),
    "input-invalid": ("demo-phone", False, keys("1", "9", "9")),
    "resolution": ("demo-phone", False, keys("1", "4", "0", "3", "enter")),
    "fixed": ("demo-phone", False, keys("1", "4", "0", "3", "enter", "1")),
    "escalation": ("demo-phone", False, keys("2")),
    "not-fixed": ("demo-edge", False, keys("2", "2")),
    "linked-with-backtrack": (
        "demo-phone",
        False,
        keys("2", "backspace", "1", "5", "0", "0", "enter"),
    ),
    "note": ("demo-phone", False, keys("n", *"carrier ok")),
    "keys": ("demo-phone", False, keys("question_mark")),
    "export": ("demo-phone", False, keys("2", "e")),
    "export-text": ("demo-phone", False, keys("2", "e", "t")),
    "markup-literal": ("hostile", False, None),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(
    snap_compare: Any, make_app: MakeApp, store: Store, name: str, size: tuple[int, int]
) -> None:
    tree, ask_header, before = SCREENS[name]
    app = make_app(tree, ask_header=ask_header)
    if name.startswith("picker"):
        # An unfinished session, listed first, ready to resume.
        catalog = catalog_of(GOOD)
        session = Session(
            build_graph(catalog.trees.values()),
            catalog.trees,
            "demo-edge",
            session_id="20260314-080000-beef",
            started_at=STARTED,
            clock=FrozenClock(),
        )
        session.set_meta("ticket", "INC-42")
        session.answer("1")
        Recorder(store, session).sync()
    assert snap_compare(app, terminal_size=size, run_before=before)


# A frozen probe result: snapshots never touch the network.
FAKE_RESULT: dict[str, Any] = {
    "probe": "tcp",
    "target": "tcp 127.0.0.1:5060",
    "outcome": "fail",
    "summary": "connection refused by 127.0.0.1:5060 (port closed, or the service is down)",
    "evidence": {
        "target": "127.0.0.1:5060",
        "resolved": ["127.0.0.1"],
        "error": "ECONNREFUSED [errno 111]",
        "connect_ms": 0.21,
    },
    "duration": 0.004,
}
CHECK_SCREENS = ["check", "check-result", "check-manual", "check-overridden"]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CHECK_SCREENS)
def test_check_screen(
    snap_compare: Any, make_app: MakeApp, tmp_path: Path, name: str, size: tuple[int, int]
) -> None:
    from wizard.tui.incident import IncidentScreen

    folder = write_tcp_tree(tmp_path / "trees", 5060)
    app = make_app("tui-checks", dirs=(folder,))

    async def before(pilot: Pilot[Any]) -> None:
        await pilot.pause()  # run_before may come before the first compose
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        session = screen.recorder.session
        if name == "check-result":
            # As if the run had just finished (see IncidentScreen._run_check).
            screen._check.at = screen._step_key()
            screen._check.result = dict(FAKE_RESULT)
        elif name == "check-manual":
            session.record_check(
                {**FAKE_RESULT, "outcome": "error", "summary": "could not resolve sbc.invalid"}
            )
        elif name == "check-overridden":
            session.record_check(FAKE_RESULT, "pass", "the SBC was restarting; it answers now")
        screen._commit()
        screen.refresh_view()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=before)
