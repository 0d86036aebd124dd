"""`edge-wizard stats` on a prepared set of sessions: golden text and JSON, the
same from a store and from exported JSON notes.

Regenerate the golden files with `EDGE_WIZARD_GOLDEN=update pytest tests/test_stats.py`
and read the diff.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wizard.analytics.command import add_parser, run
from wizard.catalog import load_files, tree_files
from wizard.export import note_text
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, SQLiteStore

HERE = Path(__file__).parent
GOLDEN = HERE / "fixtures" / "stats"
CATALOG = load_files(tree_files([HERE / "fixtures" / "good"]))
GRAPH = build_graph(CATALOG.trees.values())
T0 = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)
AS_OF = T0 + timedelta(days=1)


def _walk(session_id: str, start: datetime, moves: list[str], minutes: int) -> Session:
    """A session whose moves ("back", or an answer) are `minutes` apart."""
    clock = [start]
    session = Session(
        GRAPH,
        CATALOG.trees,
        "demo-phone",
        session_id=session_id,
        started_at=start,
        clock=lambda: clock[0],
    )
    session.set_meta("operator", "jdoe")
    for move in moves:
        clock[0] += timedelta(minutes=minutes)
        if move == "back":
            session.back()
        else:
            session.answer(move)
    return session


PREPARED: list[tuple[str, datetime, list[str], int]] = [
    ("s1-fixed", T0, ["Yes", "403", "yes"], 5),
    ("s2-escalated", T0, ["No"], 2),
    ("s3-not-fixed", T0, ["Yes", "500", "Yes", "no"], 10),
    ("s4-backtracked", T0, ["Yes", "404", "back", "500", "No", "yes"], 3),
    ("s5-in-progress", AS_OF - timedelta(hours=2), ["Yes"], 1),
    ("s6-abandoned", T0 - timedelta(days=10), ["Yes"], 1),
    ("s7-escalated", T0, ["Yes", "403", "no"], 4),
    ("s8-fixed", T0, ["Yes", "403", "yes"], 20),
    ("s9-other-yes", T0, ["Not sure"], 1),
]


def prepared() -> list[Session]:
    return [_walk(*p) for p in PREPARED]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["stats", *argv])


@pytest.fixture
def stored(tmp_path: Path) -> Callable[[], SQLiteStore]:
    path = tmp_path / "sessions.sqlite3"
    store = SQLiteStore(path)
    for session in prepared():
        Recorder(store, session)
    store.close()
    return lambda: SQLiteStore(path)


@pytest.fixture
def notes(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "notes"
    folder.mkdir()
    paths = []
    for session in prepared():
        path = folder / f"{session.id}.json"
        path.write_text(note_text(session, "json"))
        paths.append(path)
    return paths


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("EDGE_WIZARD_GOLDEN") == "update":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_figures_from_a_store_match_the_golden_files(
    stored: Callable[[], SQLiteStore], fmt: str
) -> None:
    argv = ["--json"] if fmt == "json" else []
    out = run(_args(*argv), open_store=stored, load_trees=lambda: CATALOG, now=AS_OF)
    golden(f"stats.{'json' if fmt == 'json' else 'txt'}", out)
    if fmt == "text":
        assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_exported_notes_give_the_same_figures_as_the_store(
    stored: Callable[[], SQLiteStore], notes: list[Path], fmt: str
) -> None:
    argv = ["--json"] if fmt == "json" else []
    from_store = run(_args(*argv), open_store=stored, load_trees=lambda: CATALOG, now=AS_OF)
    from_notes = run(_args(*argv, *map(str, notes)), now=AS_OF)
    assert from_notes == from_store


def test_a_session_exported_twice_counts_once(notes: list[Path], tmp_path: Path) -> None:
    again = tmp_path / "again.json"
    again.write_text(notes[0].read_text())
    data = json.loads(run(_args("--json", *map(str, [*notes, again])), now=AS_OF))
    assert data["sessions"] == len(PREPARED)


def test_tree_and_since_keep_only_those_sessions(stored: Callable[[], SQLiteStore]) -> None:
    def figures(*argv: str) -> dict[str, object]:
        out = run(_args("--json", *argv), open_store=stored, load_trees=lambda: CATALOG, now=AS_OF)
        return dict(json.loads(out))

    assert figures("--since", "2026-03-14")["sessions"] == len(PREPARED) - 1
    assert figures("--since", "2026-03-15T00:00:00")["sessions"] == 1
    only = figures("--tree", "demo-edge")
    assert (only["sessions"], only["tree"]) == (0, "demo-edge")
    assert [t["tree"] for t in figures("--tree", "demo-phone")["trees"]] == ["demo-phone"]  # type: ignore[attr-defined]


def test_a_file_that_is_not_a_note_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a note"}')
    done = subprocess.run(
        [sys.executable, "-m", "wizard.analytics", str(bad)],
        capture_output=True,
        text=True,
        env={**os.environ, "EDGE_WIZARD_HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2
    assert "not an edge-wizard JSON note" in done.stderr


def test_no_ui_is_loaded() -> None:
    code = (
        "import sys\nimport wizard.analytics.command, wizard.analytics.records\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'psycopg')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
