"""The session store: events survive, two processes share it, resume replays."""

from __future__ import annotations

import multiprocessing
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.notefile import save_export
from wizard.paths import home_dir
from wizard.session import Session
from wizard.store import Recorder, Store, StoreError, resume

GOOD = Path(__file__).parent / "fixtures" / "good"
T0 = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EDGE_WIZARD_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def walk_parts():  # type: ignore[no-untyped-def]
    catalog = load_files(tree_files([GOOD]))
    return build_graph(catalog.trees.values()), catalog.trees


def new_session(session_id: str = "s1") -> Session:
    graph, trees = walk_parts()
    return Session(
        graph, trees, "demo-phone", session_id=session_id, started_at=T0, clock=lambda: T0
    )


def test_home_defaults_and_override(tmp_path: Path) -> None:
    assert home_dir({"EDGE_WIZARD_HOME": str(tmp_path)}) == tmp_path
    assert home_dir({}).name == "edge-wizard"


def test_wal_mode_and_busy_timeout(isolated_home: Path) -> None:
    store = Store.open_default()
    assert store.path == isolated_home / "sessions.sqlite3"
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_every_event_is_stored_and_replays(isolated_home: Path) -> None:
    store = Store.open_default()
    session = new_session()
    recorder = Recorder(store, session)
    session.set_meta("ticket", "INC-1\x1b]52;c;aGk=\x07")
    session.set_fact("site", "HQ")
    recorder.sync()
    session.answer("1")
    session.note("carrier says\x1b[2J fine")
    recorder.sync()
    session.answer("403")
    recorder.sync()

    # A second connection (another process) sees it all.
    other = Store(store.path)
    row = other.get("s1")
    assert (row.tree_id, row.version, row.steps, row.ticket) == (
        "demo-phone",
        2,
        2,
        "INC-1]52;c;aGk=",
    )
    assert row.content_hash == session.tree.content_hash
    assert row.outcome is None
    events = other.events("s1")
    assert [e.type for e in events] == ["meta", "fact", "answer", "note", "answer"]
    assert all("\x1b" not in e.value for e in events)

    graph, trees = walk_parts()
    resumed = resume(other, row, graph, trees)
    assert resumed.dropped == 0 and resumed.changes == []
    assert resumed.session.current == session.current
    assert resumed.session.facts == {"site": "HQ"}
    resumed.session.answer("yes")
    resumed.recorder.sync()
    assert other.get("s1").outcome == "fixed"
    assert store.last_unfinished() is None


def test_get_by_prefix_and_errors(isolated_home: Path) -> None:
    store = Store.open_default()
    Recorder(store, new_session("20260314-0900-aaaa"))
    Recorder(store, new_session("20260314-0900-aabb"))
    assert store.get("20260314-0900-aaa").id == "20260314-0900-aaaa"
    with pytest.raises(StoreError, match="matches 2 sessions"):
        store.get("20260314-0900-aa")
    with pytest.raises(StoreError, match="no session"):
        store.get("nope")
    with pytest.raises(StoreError, match="no session"):
        store.get("%")


def test_resume_after_tree_change_keeps_dropped_events(isolated_home: Path, tmp_path: Path) -> None:
    trees_dir = tmp_path / "trees"
    trees_dir.mkdir()
    for f in GOOD.iterdir():
        (trees_dir / f.name).write_text(f.read_text())
    catalog = load_files(tree_files([trees_dir]))
    graph = build_graph(catalog.trees.values())
    store = Store.open_default()
    session = Session(graph, catalog.trees, "demo-phone", session_id="s2", started_at=T0)
    recorder = Recorder(store, session)
    session.answer("1")
    session.answer("500")
    recorder.sync()
    assert session.tree_id == "demo-phone" and "demo-edge" in session.trees_seen

    # The author renames the input node: the second answer no longer fits.
    path = trees_dir / "demo-phone.yaml"
    text = path.read_text().replace("next: code", "next: sip").replace("  code:", "  sip:")
    path.write_text(text.replace("version: 2", "version: 3"))
    catalog = load_files(tree_files([trees_dir]))
    graph = build_graph(catalog.trees.values())
    row = store.get("s2")
    resumed = resume(store, row, graph, catalog.trees)
    assert resumed.dropped == 1
    assert any("changed" in c for c in resumed.changes)
    assert resumed.session.current == "demo-phone/sip"
    assert store.get("s2").version == 3
    # The dropped answer is kept in the database, just not replayed.
    assert store._db.execute("SELECT count(*) FROM events WHERE dropped = 1").fetchone()[0] == 1
    resumed.session.answer("404")
    resumed.recorder.sync()
    # Answers are logged by label ("1" was typed), so a reordered tree replays them right.
    assert [e.value for e in store.events("s2")] == ["Yes", "404"]


def _writer(path: str, name: str, count: int) -> None:
    graph, trees = walk_parts()
    store = Store(Path(path))
    t = T0
    for n in range(count):
        session = Session(graph, trees, "demo-phone", session_id=f"{name}-{n}", started_at=t)
        recorder = Recorder(store, session)
        for step in range(5):
            session.note(f"{name} note {step}")
            recorder.sync()
        t += timedelta(seconds=1)
    store.close()


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_two_processes_write_at_once(isolated_home: Path) -> None:
    path = isolated_home / "sessions.sqlite3"
    Store(path).close()
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(path), name, 15)) for name in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    store = Store(path)
    assert len(store.sessions()) == 30
    assert store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store._db.execute("SELECT count(*) FROM events").fetchone()[0] == 150
    for row in store.sessions():
        assert len(store.events(row.id)) == 5


def test_reader_is_not_blocked_by_open_write(isolated_home: Path) -> None:
    store = Store.open_default()
    Recorder(store, new_session("r1"))
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE sessions SET ticket = 'x'")
    # WAL: a reader still sees the last committed state while a write is open.
    assert store.get("r1").ticket == ""
    other.execute("COMMIT")
    assert store.get("r1").ticket == "x"


def test_save_export_is_atomic_and_absolute(tmp_path: Path) -> None:
    path = save_export(tmp_path / "exports", "s1", "markdown", "note\n")
    assert path.is_absolute() and path.name == "s1.md"
    assert path.read_text() == "note\n"
    assert [p.name for p in path.parent.iterdir()] == ["s1.md"]


def test_ticks_are_events_and_survive_resume(isolated_home: Path) -> None:
    store = Store.open_default()
    session = new_session()
    recorder = Recorder(store, session)
    session.set_fact("site", "HQ")
    session.answer("yes")
    session.answer("403")
    session.tick(1, True)
    session.tick(2, True)
    session.tick(1, False)
    recorder.sync()
    assert [(e.type, e.key, e.value) for e in store.events("s1") if e.type == "tick"] == [
        ("tick", "1", "1"),
        ("tick", "2", "1"),
        ("tick", "1", ""),
    ]
    graph, trees = walk_parts()
    replayed, dropped = Session.replay(
        graph, trees, "demo-phone", store.events("s1"), session_id="s1", started_at=T0
    )
    assert dropped == 0 and replayed.ticked() == {2}
