"""run/resume/sessions/export as registered by wizard.commands.sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tui.cli_parser import run
from tests.tui.conftest import GOOD, fresh_python
from wizard.catalog import load_files, tree_files
from wizard.export import note_text
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, SQLiteStore, Store


@pytest.fixture
def walked(isolated_home: Path) -> Session:
    catalog = load_files(tree_files([GOOD]))
    session = Session(build_graph(catalog.trees.values()), catalog.trees, "demo-phone")
    store = Store.open_default()
    recorder = Recorder(store, session)
    session.set_meta("ticket", "INC-9")
    session.answer("1")
    session.note("checked the [TODO] list")
    session.answer("403")
    recorder.sync()
    store.close()
    return session


def test_sessions_table_and_json(walked: Session, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("sessions") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == [
        "SESSION", "TREE", "VERSION", "STATE", "STARTED", "OPERATOR", "HOST", "STEPS", "TICKET"
    ]  # fmt: skip
    assert out[1].split()[:4] == [walked.id, "demo-phone", "v2", "in-progress"]
    assert out[1].split()[-2:] == ["2", "INC-9"]
    assert run("sessions", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == walked.id and rows[0]["state"] == "in-progress"
    assert set(rows[0]) >= {"id", "tree", "version", "state", "started", "steps", "ticket"}
    assert rows[0]["open"] is False


def test_sessions_name_the_operator_and_the_host(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = load_files(tree_files([GOOD]))
    graph = build_graph(catalog.trees.values())
    for operator, host in (("jdoe", "desk-7"), ("", "desk-9")):
        session = Session(graph, catalog.trees, "demo-phone")
        store = SQLiteStore(isolated_home / "sessions.sqlite3", host=host)
        if operator:
            session.set_meta("operator", operator)
        Recorder(store, session).sync()
        store.close()
    assert run("sessions") == 0
    out = capsys.readouterr().out.splitlines()
    # Read by the header's positions: STARTED holds a space.
    at = out[0].index("OPERATOR"), out[0].index("HOST"), out[0].index("STEPS")
    listed = {(line[at[0] : at[1]].strip(), line[at[1] : at[2]].strip()) for line in out[1:]}
    assert listed == {("jdoe", "desk-7"), ("-", "desk-9")}  # "-": no operator given
    assert run("sessions", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["operator"], r["host"]) for r in rows} == {("jdoe", "desk-7"), ("", "desk-9")}


def test_a_narrow_terminal_lists_sessions_without_version_and_started() -> None:
    from wizard.commands.sessions import _fit

    table = [
        ("SESSION", "TREE", "VERSION", "STATE", "STARTED", "OPERATOR", "HOST", "STEPS", "TICKET"),
        ("20261125-031502-7f3a", "demo-phone", "v2", "in-progress", "2026-11-25 03:15",
         "jdoe", "desk-7", "2", "INC-9"),
    ]  # fmt: skip
    assert _fit(table, None) == table  # not a terminal: every column, for scripts
    assert _fit(table, 200) == table
    narrow = _fit(table, 80)
    assert narrow[0] == ("SESSION", "TREE", "STATE", "OPERATOR", "HOST", "STEPS", "TICKET")
    assert len("  ".join(narrow[1])) <= 80


def test_sessions_show_which_are_open_in_a_window(
    walked: Session, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.session_lock import lock_session

    window = lock_session(isolated_home, walked.id)
    assert window is not None
    assert run("sessions") == 0
    assert capsys.readouterr().out.splitlines()[1].split()[3] == "open"
    assert run("sessions", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["open"] is True
    window.release()


@pytest.mark.parametrize("fmt", ["markdown", "text", "json"])
def test_export_matches_the_session_note(
    walked: Session, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("export", walked.id, "--format", fmt, "--trees", str(GOOD)) == 0
    assert capsys.readouterr().out == note_text(walked, fmt)  # type: ignore[arg-type]


def test_export_to_file_and_by_prefix(walked: Session, tmp_path: Path) -> None:
    out = tmp_path / "note.md"
    assert run("--trees", str(GOOD), "export", walked.id[:-2], "-o", str(out)) == 0
    assert out.read_text() == note_text(walked, "markdown")


def test_usage_errors_exit_2(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("export", "nope") == 2
    assert capsys.readouterr().err.startswith("edge-wizard: no session 'nope'")
    assert run("resume") == 2
    assert "no unfinished session" in capsys.readouterr().err
    assert run("run", "no-such-tree", "--trees", str(GOOD)) == 2
    assert "no tree 'no-such-tree'" in capsys.readouterr().err


def test_export_when_tree_is_gone(walked: Session, capsys: pytest.CaptureFixture[str]) -> None:
    # Without --trees the fixture tree is not loaded.
    assert run("export", walked.id) == 2
    assert "needs tree 'demo-phone'" in capsys.readouterr().err


def test_headless_commands_never_import_textual(walked: Session, isolated_home: Path) -> None:
    code = (
        "import sys\n"
        "from tests.tui.cli_parser import run\n"
        f"run('sessions'); run('export', '{walked.id}', '--trees', r'{GOOD}')\n"
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules\n"
        "import wizard.store, wizard.commands.sessions\n"
        "assert 'textual' not in sys.modules\n"
    )
    result = fresh_python(code)
    assert result.returncode == 0, result.stderr


def test_run_and_resume_take_the_trees_from_the_cache(
    walked: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard import treecache
    from wizard.commands import sessions as session_commands
    from wizard.launch import Launch
    from wizard.store import home_dir

    launches: list[Launch] = []
    monkeypatch.setattr(session_commands, "_launch", lambda launch: launches.append(launch) or 0)
    assert run("run", "demo-phone", "--trees", str(GOOD)) == 0
    assert treecache.cache_file(home_dir()).exists()
    loads: list[object] = []
    monkeypatch.setattr(treecache, "load_files", lambda files: loads.append(files))
    assert run("resume", walked.id, "--trees", str(GOOD)) == 0
    assert loads == []  # nothing changed: no tree file was parsed again
    for launch in launches:
        assert {"demo-phone", "demo-edge", "edge-offline"} <= set(launch.catalog.trees)
    assert launches[1].resume is not None and launches[1].resume.id == walked.id


def test_resume_refuses_a_session_open_in_another_window(
    walked: Session, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from wizard.session_lock import lock_session

    other_window = lock_session(isolated_home, walked.id)
    assert other_window is not None
    assert run("resume", walked.id, "--trees", str(GOOD)) == 2
    assert f"session {walked.id} is open in another edge-wizard window" in capsys.readouterr().err
    assert run("resume", "--trees", str(GOOD)) == 2
    err = capsys.readouterr().err
    assert "no unfinished session to resume" in err and "open in another window" in err
    other_window.release()


def test_resume_without_an_id_skips_sessions_open_elsewhere(
    walked: Session, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.commands import sessions as session_commands
    from wizard.launch import Launch
    from wizard.session_lock import in_use, lock_session

    catalog = load_files(tree_files([GOOD]))
    older = Session(build_graph(catalog.trees.values()), catalog.trees, "demo-phone")
    store = Store.open_default()
    Recorder(store, older)
    store._db.execute("UPDATE sessions SET updated = '2000-01-01T00:00:00+00:00' WHERE id = ?",
                      (older.id,))  # fmt: skip
    store.close()
    other_window = lock_session(isolated_home, walked.id)  # the newer one is busy
    launches: list[Launch] = []
    monkeypatch.setattr(session_commands, "_launch", lambda launch: launches.append(launch) or 0)
    assert run("resume", "--trees", str(GOOD)) == 0
    (launch,) = launches
    assert launch.resume is not None and launch.resume.id == older.id
    assert launch.notes == [
        f"Session {walked.id} is open in another window; resumed {older.id}, the last"
        " unfinished session no window has open."
    ]
    assert launch.lock is not None and in_use(isolated_home, older.id)
    launch.lock.release()
    assert other_window is not None
    other_window.release()


ROUND = """\
id: round
title: Round in circles
summary: A question that can lead back to itself.
version: 1
start: ask
nodes:
  ask:
    kind: question
    text: Did the restart help?
    answers:
      - label: "Yes"
        next: done
      - label: Try again
        next: ask
    sources: [inferred]
  done:
    kind: resolution
    title: Nothing more to do
    steps: [Close the ticket.]
    sources: [inferred]
"""


def test_run_refuses_what_walk_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One walkability check: a cycle (E208) loads cleanly, so only the validator
    sees it; `run` refuses the tree as `walk` does, with the same message,
    before the terminal is taken over."""
    from wizard.commands import sessions

    launches: list[object] = []
    monkeypatch.setattr(sessions, "_launch", lambda launch: launches.append(launch) or 0)
    trees = tmp_path / "trees"
    trees.mkdir()
    (trees / "round.yaml").write_text(ROUND)
    assert run("walk", "round", "--trees", str(trees), "-a", "1") == 2
    refused = capsys.readouterr().err
    assert "E208 cycle: round/ask -> round/ask (1 error;" in refused
    assert run("run", "round", "--trees", str(trees)) == 2
    assert capsys.readouterr().err == refused
    # From the tree cache too: the verdict is kept with the trees.
    assert run("run", "round", "--trees", str(trees)) == 2
    assert capsys.readouterr().err == refused
    assert launches == []
