"""What every session store must do, through `SessionStore` alone.

Each backend runs these: a PostgreSQL store (issue 13) joins `BACKENDS` and
must pass them unchanged. Backend details (WAL, two processes at once, the
set-aside rows themselves) are in each backend's own tests (`test_store.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, SessionStore, SQLiteStore, StoreError, resume

GOOD = Path(__file__).parent / "fixtures" / "good"
T0 = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)


def _postgres(folder: Path) -> SessionStore:
    # Imported here: psycopg is an optional extra; `cluster()` skips without it.
    from pgstore.cluster import cluster

    from wizard.store.postgres import PostgresStore

    server = cluster()
    return PostgresStore(server.url(server.database()), home=folder / "home")


BACKENDS: dict[str, Callable[[Path], SessionStore]] = {
    "sqlite": lambda folder: SQLiteStore(folder / "sessions.sqlite3"),
    "postgresql": _postgres,
}


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    opened = BACKENDS[request.param](tmp_path)
    yield opened
    opened.close()


CATALOG = load_files(tree_files([GOOD]))
GRAPH = build_graph(CATALOG.trees.values())


def new_session(session_id: str, started: datetime = T0) -> Session:
    return Session(
        GRAPH,
        CATALOG.trees,
        "demo-phone",
        session_id=session_id,
        started_at=started,
        clock=lambda: started,
    )


def test_events_come_back_in_order_with_their_text_made_safe(store: SessionStore) -> None:
    session = new_session("s1")
    session.set_fact("site", "HQ\x1b[2J")
    store.create(session)
    session.answer("1")
    session.note("one")
    store.append(session, session.events[1:])
    assert [(e.type, e.value) for e in store.events("s1")] == [
        ("fact", "HQ[2J"),
        ("answer", "Yes"),
        ("note", "one"),
    ]
    assert store.events("unknown") == []


def test_a_row_summarises_the_session(store: SessionStore) -> None:
    session = new_session("s1")
    recorder = Recorder(store, session)
    session.set_meta("ticket", "INC-7\x07")
    session.set_meta("operator", "jdoe")
    session.answer("1")
    session.answer("403")
    session.answer("yes")
    recorder.sync()
    row = store.get("s1")
    assert (row.tree_id, row.ticket, row.operator, row.steps, row.outcome) == (
        "demo-phone",
        "INC-7",
        "jdoe",
        3,
        "fixed",
    )
    assert row.started == T0 and row.ended == T0
    assert row.trees == {
        t: (CATALOG.trees[t].version, CATALOG.trees[t].content_hash) for t in session.trees_seen
    }


def test_sessions_newest_first_and_the_last_unfinished(store: SessionStore) -> None:
    for n, session_id in enumerate(["a", "c", "b"]):
        Recorder(store, new_session(session_id, T0 + timedelta(minutes=n)))
    assert [r.id for r in store.sessions()] == ["b", "c", "a"]
    last = store.last_unfinished()
    assert last is not None and last.id == "b"
    skipped = store.last_unfinished(skip=lambda session_id: session_id in {"b", "c"})
    assert skipped is not None and skipped.id == "a"
    assert store.last_unfinished(skip=lambda session_id: True) is None


def test_get_by_exact_id_or_one_literal_prefix(store: SessionStore) -> None:
    for session_id in ("20260314-0900-aaaa", "20260314-0900-aabb", "x_1", "x%2"):
        Recorder(store, new_session(session_id))
    assert store.get("20260314-0900-aaa").id == "20260314-0900-aaaa"
    assert store.get("x_").id == "x_1"  # `_` is not a wildcard
    assert store.get("x%").id == "x%2"  # nor is `%`
    with pytest.raises(StoreError, match="matches 2 sessions: 20260314-0900-aaaa, 20260314"):
        store.get("20260314-0900-aa")
    with pytest.raises(StoreError, match="no session 'nope"):
        store.get("nope\x1b")


def test_rebase_sets_aside_the_last_events_and_pins_the_tree(store: SessionStore) -> None:
    session = new_session("s1")
    recorder = Recorder(store, session)
    for text in ("one", "two", "three"):
        session.note(text)
    recorder.sync()
    store.rebase(session, 2)
    assert [e.value for e in store.events("s1")] == ["one"]
    store.rebase(session, 0)  # nothing more set aside
    assert [e.value for e in store.events("s1")] == ["one"]
    session.note("four")
    store.append(session, session.events[-1:])
    assert [e.value for e in store.events("s1")] == ["one", "four"]


def test_resume_through_the_protocol(store: SessionStore) -> None:
    session = new_session("s1")
    recorder = Recorder(store, session)
    session.answer("1")
    recorder.sync()
    resumed = resume(store, store.get("s1"), GRAPH, CATALOG.trees)
    assert (resumed.dropped, resumed.changes) == (0, [])
    assert resumed.session.current == session.current
    resumed.session.answer("403")
    resumed.recorder.sync()
    assert [e.value for e in store.events("s1")] == ["Yes", "403"]
    with pytest.raises(StoreError, match="not loaded"):
        resume(store, store.get("s1"), GRAPH, {})
