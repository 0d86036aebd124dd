"""The team store from the command line: `--store`, `EDGE_WIZARD_STORE`, and
what `sessions`, `resume` and `stats` say about a shared server.

Each command runs as `edge-wizard` does, in its own process and home folder
(another machine than the one that recorded the session).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pgstore.cluster import OWNER, Cluster, wait_until
from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder
from wizard.store.postgres import PostgresStore

REPO = Path(__file__).parents[2]
GOOD = REPO / "tests" / "fixtures" / "good"
CATALOG = load_files(tree_files([GOOD]))
GRAPH = build_graph(CATALOG.trees.values())


def recorded(url: str, home: Path, session_id: str, operator: str, host: str) -> None:
    """A session recorded on another machine (`home`, `host`) and sent to the server."""
    store = PostgresStore(url, home=home, host=host)
    try:
        session = Session(GRAPH, CATALOG.trees, "demo-phone", session_id=session_id)
        session.set_meta("operator", operator)
        recorder = Recorder(store, session)
        session.answer("1")
        recorder.sync()
        assert wait_until(lambda: store.waiting == 0 and store.online), store.saving
    finally:
        store.close()


def cli(home: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "EDGE_WIZARD_HOME": str(home), **env},
        timeout=60,
        check=False,
    )


def test_sessions_with_store_lists_another_machines_session(pg_url: str, tmp_path: Path) -> None:
    recorded(pg_url, tmp_path / "day", "inc-1", "alice", "day-desk")
    for argv in (("--store", pg_url, "sessions"), ("sessions", "--store", pg_url)):
        done = cli(tmp_path / "night", *argv)
        assert done.returncode == 0, done.stderr
        header, row = done.stdout.splitlines()
        at = header.index("OPERATOR"), header.index("HOST"), header.index("STEPS")
        assert row.startswith("inc-1 ")
        assert (row[at[0] : at[1]].strip(), row[at[1] : at[2]].strip()) == ("alice", "day-desk")
    done = cli(tmp_path / "night", "sessions", "--json", "--store", pg_url)
    (listed,) = json.loads(done.stdout)
    assert (listed["id"], listed["operator"], listed["host"]) == ("inc-1", "alice", "day-desk")
    # Without --store or EDGE_WIZARD_STORE: the home's own SQLite file, as before.
    alone = cli(tmp_path / "night", "sessions", "--json")
    assert alone.returncode == 0 and json.loads(alone.stdout) == []


def test_edge_wizard_store_picks_the_store(pg_url: str, tmp_path: Path) -> None:
    recorded(pg_url, tmp_path / "day", "inc-2", "alice", "day-desk")
    done = cli(tmp_path / "night", "sessions", "--json", EDGE_WIZARD_STORE=pg_url)
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in json.loads(done.stdout)] == ["inc-2"]
    # --store wins over the variable.
    done = cli(
        tmp_path / "night", "--store", "sqlite", "sessions", "--json", EDGE_WIZARD_STORE=pg_url
    )
    assert done.returncode == 0 and json.loads(done.stdout) == []


HOLDER = """
import sys, time
from pathlib import Path
from wizard.store.postgres import PostgresStore
store = PostgresStore(sys.argv[1], home=Path(sys.argv[2]), host="far-desk")
lock = store.locks.lock(sys.argv[3])
print("held" if lock else "busy", flush=True)
time.sleep(120)
"""


def test_resume_refuses_a_session_another_machine_holds_naming_who(
    pg_url: str, tmp_path: Path
) -> None:
    recorded(pg_url, tmp_path / "day", "inc-3", "alice", "day-desk")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_url, str(tmp_path / "far"), "inc-3"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        done = cli(tmp_path / "near", "--store", pg_url, "resume", "inc-3", "--trees", str(GOOD))
        assert done.returncode == 2
        assert "session inc-3 is open in another edge-wizard window (" in done.stderr
        assert " on far-desk)" in done.stderr, done.stderr
        listed = cli(tmp_path / "near", "--store", pg_url, "sessions", "--json")
        assert json.loads(listed.stdout)[0]["open"] is True
    finally:
        holder.kill()
        holder.wait()


def test_stats_over_the_team_store(pg_url: str, tmp_path: Path) -> None:
    recorded(pg_url, tmp_path / "day", "inc-4", "alice", "day-desk")
    done = cli(tmp_path / "night", "stats", "--store", pg_url, "--json", "--trees", str(GOOD))
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["sessions"] == 1
    assert [t["tree"] for t in figures["trees"] if t["sessions"]] == ["demo-phone"]


def test_a_wrong_password_and_an_unreachable_server_are_masked(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    name = pg_cluster.database()
    wrong = f"postgresql://{OWNER}:Wr0ng-pa55@127.0.0.1:{pg_cluster.port}/{name}"
    for command in ("sessions", "stats"):
        done = cli(tmp_path / "a", "--store", wrong, command)
        assert done.returncode == 2
        assert "password authentication failed" in done.stderr
        assert "Wr0ng-pa55" not in done.stderr + done.stdout and ":***@" in done.stderr
    away = f"postgresql://{OWNER}:Wr0ng-pa55@127.0.0.1:1/{name}"
    done = cli(tmp_path / "b", "--store", away, "sessions")
    assert done.returncode == 0, done.stderr
    assert "Wr0ng-pa55" not in done.stderr
    assert (
        f"edge-wizard: postgresql://{OWNER}:***@127.0.0.1:1/{name} cannot be reached;"
        " these are the sessions on this machine"
    ) in done.stderr
