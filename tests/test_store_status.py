"""The status line says when steps wait on this machine for a team's server."""

from __future__ import annotations

from pathlib import Path

from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, SQLiteStore
from wizard.tui.screen_text import status_line

GOOD = Path(__file__).parent / "fixtures" / "good"
CATALOG = load_files(tree_files([GOOD]))
GRAPH = build_graph(CATALOG.trees.values())


def test_sqlite_has_nothing_to_say(tmp_path: Path) -> None:
    session = Session(GRAPH, CATALOG.trees, "demo-phone", session_id="s-1")
    recorder = Recorder(SQLiteStore(tmp_path / "s.sqlite3"), session)
    assert recorder.saving == ""
    plain = status_line(session, session.view(), 100, recorder.saving).plain
    assert plain.endswith("session s-1")


def test_waiting_steps_show_after_the_id_and_the_title_gives_way(tmp_path: Path) -> None:
    session = Session(GRAPH, CATALOG.trees, "demo-phone", session_id="20260314-0900-ab12")
    line = status_line(session, session.view(), 70, "saved locally, 3 waiting")
    assert line.plain.endswith("20260314-0900-ab12 · saved locally, 3 waiting")
    assert len(line.plain) <= 70
    assert "20260314-0900-ab12" in status_line(session, session.view(), 50, "saved locally").plain
