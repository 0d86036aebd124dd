"""A team's PostgreSQL store on a real server: handover, locks, and nothing lost offline.

Each "machine" is its own home folder (its own journal and lock files), all on
one throwaway cluster (`cluster.py`). A store's writes reach the server from
a thread, so the tests wait for `waiting == 0` where they read from another
machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgstore.cluster import APP, APP_PASSWORD, OWNER, Cluster, wait_until
from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.session import Session
from wizard.store import Recorder, StoreError, resume
from wizard.store.postgres import PostgresStore

REPO = Path(__file__).parents[2]
GOOD = REPO / "tests" / "fixtures" / "good"
CATALOG = load_files(tree_files([GOOD]))
GRAPH = build_graph(CATALOG.trees.values())


def new_session(session_id: str) -> Session:
    return Session(GRAPH, CATALOG.trees, "demo-phone", session_id=session_id)


class Machines:
    """Stores opened as different machines (homes and host names) on one server."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url
        self.opened: list[PostgresStore] = []

    def open(self, name: str, url: str | None = None) -> PostgresStore:
        store = PostgresStore(url or self.url, home=self.root / name, host=name)
        self.opened.append(store)
        return store

    def close_all(self) -> None:
        for store in self.opened:
            store.close()


@pytest.fixture
def machines(tmp_path: Path, pg_url: str) -> Iterator[Machines]:
    made = Machines(tmp_path, pg_url)
    yield made
    made.close_all()


def sent(store: PostgresStore, timeout: float = 10.0) -> None:
    assert wait_until(lambda: store.waiting == 0 and store.online, timeout), store.saving


def test_two_homes_share_one_server(machines: Machines) -> None:
    desk1, desk2 = machines.open("desk-1"), machines.open("desk-2")
    for store, session_id in ((desk1, "s-1"), (desk2, "s-2")):
        session = new_session(session_id)
        session.set_meta("operator", f"admin of {session_id}")
        Recorder(store, session).sync()
    sent(desk1)
    sent(desk2)
    for store in (desk1, desk2):
        rows = {r.id: (r.operator, r.host) for r in store.sessions()}
        assert rows == {"s-1": ("admin of s-1", "desk-1"), "s-2": ("admin of s-2", "desk-2")}
        assert [e.value for e in store.events("s-1")] == ["admin of s-1"]


def test_handover_by_resume_on_another_machine(machines: Machines) -> None:
    day = machines.open("day-desk")
    session = new_session("incident-7")
    recorder = Recorder(day, session)
    session.answer("1")
    recorder.sync()
    sent(day)

    night = machines.open("night-desk")
    row = night.get("incident-7")
    assert row.host == "day-desk"
    resumed = resume(night, row, GRAPH, CATALOG.trees)
    assert resumed.session.current == session.current
    resumed.session.answer("403")
    resumed.recorder.sync()
    sent(night)

    assert [e.value for e in day.events("incident-7")] == ["Yes", "403"]
    assert day.get("incident-7").host == "night-desk"
    # and back again: the day desk continues where the night desk left it
    again = resume(day, day.get("incident-7"), GRAPH, CATALOG.trees)
    again.session.answer("yes")
    again.recorder.sync()
    sent(day)
    assert night.get("incident-7").outcome == "fixed"


HOLDER = """
import sys, time
from pathlib import Path
from wizard.store.postgres import PostgresStore
store = PostgresStore(sys.argv[1], home=Path(sys.argv[2]), host="far-desk")
lock = store.locks.lock(sys.argv[3])
print("held" if lock else "busy", flush=True)
time.sleep(120)
"""


def test_one_window_per_session_across_machines_until_the_holder_is_killed(
    machines: Machines, tmp_path: Path
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, machines.url, str(tmp_path / "far"), "s-9"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        near = machines.open("near-desk")
        assert near.locks.lock("s-9") is None
        assert near.locks.in_use("s-9")
        assert not near.locks.in_use("s-10")
        who = near.locks.holder("s-9")
        assert who.endswith(" on far-desk"), who
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        assert wait_until(lambda: not near.locks.in_use("s-9"))
        lock = near.locks.lock("s-9")
        assert lock is not None
        assert near.locks.lock("s-9") is None  # not twice, even from the same machine
        lock.release()
        assert not near.locks.in_use("s-9")
    finally:
        holder.kill()
        holder.wait()


def test_the_server_stopped_mid_session_and_restarted_loses_nothing(
    machines: Machines, pg_cluster: Cluster
) -> None:
    desk = machines.open("desk")
    session = new_session("s-drop")
    recorder = Recorder(desk, session)
    session.answer("1")
    recorder.sync()
    sent(desk)
    pg_cluster.stop("immediate")
    try:
        started = time.monotonic()
        session.note("typed while the server was down")
        recorder.sync()
        session.answer("403")
        recorder.sync()
        assert time.monotonic() - started < 1.0  # the step did not wait for the network
        assert wait_until(lambda: desk.online is False)
        assert desk.saving == "saved locally, 2 waiting"
        assert [e.value for e in desk.events("s-drop")][-2:] == [
            "typed while the server was down",
            "403",
        ]
    finally:
        pg_cluster.start()
    sent(desk, timeout=40)
    assert desk.saving == ""
    other = machines.open("other")
    assert [e.value for e in other.events("s-drop")] == [
        "Yes",
        "typed while the server was down",
        "403",
    ]


OFFLINE_WRITER = """
import sys, time
from pathlib import Path
from wizard.catalog import load_files, tree_files
from wizard.nodetable import build_node_table
from wizard.session import Session
from wizard.store import Recorder
from wizard.store.postgres import PostgresStore
catalog = load_files(tree_files([Path(sys.argv[3])]))
graph = build_node_table(catalog.trees.values())
store = PostgresStore(sys.argv[1], home=Path(sys.argv[2]), host="laptop")
session = Session(graph, catalog.trees, "demo-phone", session_id="s-offline")
recorder = Recorder(store, session)
session.answer("1")
recorder.sync()
print(store.online, store.waiting, flush=True)
time.sleep(120)
"""


def test_after_kill_9_while_offline_the_next_start_sends_what_waited(
    machines: Machines, pg_cluster: Cluster, tmp_path: Path
) -> None:
    home = tmp_path / "laptop"
    pg_cluster.stop("fast")
    try:
        writer = subprocess.Popen(
            [sys.executable, "-c", OFFLINE_WRITER, machines.url, str(home), str(GOOD)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        try:
            assert writer.stdout is not None
            assert writer.stdout.readline().split()[1] == "1"  # one answer waiting
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait(timeout=10)
        finally:
            writer.kill()
            writer.wait()
        # Still offline: the session exists only here, and resumes here.
        local = PostgresStore(machines.url, home=home, host="laptop")
        try:
            assert local.online is not True and local.waiting == 1
            resumed = resume(local, local.get("s-offline"), GRAPH, CATALOG.trees)
            assert [s.answer for s in resumed.session.path] == ["Yes"]
        finally:
            local.close()
    finally:
        pg_cluster.start()
    laptop = machines.open("laptop-again", url=None)
    # A different home has nothing waiting; the laptop's own next start sends it.
    assert laptop.waiting == 0
    back = PostgresStore(machines.url, home=home, host="laptop")
    try:
        sent(back)
    finally:
        back.close()
    assert [e.type for e in laptop.events("s-offline")] == ["answer"]
    assert laptop.get("s-offline").host == "laptop"


def test_migrations_from_an_empty_database_and_a_newer_schema_refused(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    name = pg_cluster.database()
    store = PostgresStore(pg_cluster.url(name), home=tmp_path / "a")
    store.close()
    applied = pg_cluster.sql("SELECT version, name FROM schema_migrations ORDER BY 1", name)
    assert applied.splitlines() == [
        "1|sessions and their events",
        "2|the machine that last recorded a session",
    ]
    columns = pg_cluster.sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'sessions'"
        " ORDER BY ordinal_position",
        name,
    )
    assert columns.split()[-1] == "host"
    pg_cluster.sql("INSERT INTO schema_migrations VALUES (99, 'from the future', 'x')", name)
    with pytest.raises(StoreError, match="schema version 99, newer than this edge-wizard") as err:
        PostgresStore(pg_cluster.url(name), home=tmp_path / "b")
    assert "s3cret" not in str(err.value) and "***" in str(err.value)


def test_least_privilege_roles_owner_migrates_the_app_role_reads_and_writes(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    name = pg_cluster.database()
    app_url = pg_cluster.url(name, APP, APP_PASSWORD)
    # The set-up docs/team-store.md gives, done by a superuser once.
    pg_cluster.sql(
        f"REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
        f"GRANT CONNECT ON DATABASE {name} TO {APP};"
        f"GRANT USAGE ON SCHEMA public TO {APP};"
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE ON TABLES TO {APP};"
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public"
        f" GRANT USAGE ON SEQUENCES TO {APP};",
        name,
    )
    with pytest.raises(StoreError, match="may not change the schema") as err:
        PostgresStore(app_url, home=tmp_path / "early")
    assert APP_PASSWORD not in str(err.value)
    PostgresStore(pg_cluster.url(name), home=tmp_path / "owner").close()
    app = PostgresStore(app_url, home=tmp_path / "app")
    try:
        Recorder(app, new_session("s-app")).sync()
        sent(app)
        assert [r.id for r in app.sessions()] == ["s-app"]
    finally:
        app.close()
    refused = pg_cluster.sql(
        f"SELECT has_table_privilege('{APP}', 'sessions', 'DELETE'),"
        f" has_schema_privilege('{APP}', 'public', 'CREATE')",
        name,
    )
    assert refused.strip() == "f|f"


def test_a_password_is_masked_in_every_message(
    tmp_path: Path, pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = pg_cluster.database()
    wrong = f"postgresql://{OWNER}:Wr0ng-pa55@127.0.0.1:{pg_cluster.port}/{name}"
    with pytest.raises(StoreError) as err:
        PostgresStore(wrong, home=tmp_path / "a")
    assert "password authentication failed" in str(err.value)
    assert "Wr0ng-pa55" not in str(err.value) and ":***@" in str(err.value)

    in_query = f"postgresql://{OWNER}@127.0.0.1:{pg_cluster.port}/{name}?password=Wr0ng-pa55"
    with pytest.raises(StoreError) as err:
        PostgresStore(in_query, home=tmp_path / "b")
    assert "Wr0ng-pa55" not in str(err.value) and "password=***" in str(err.value)

    monkeypatch.setenv("PGPASSWORD", "Wr0ng-pa55")
    bare = f"postgresql://{OWNER}@127.0.0.1:{pg_cluster.port}/{name}"
    with pytest.raises(StoreError) as err:
        PostgresStore(bare, home=tmp_path / "c")
    assert "Wr0ng-pa55" not in str(err.value)

    monkeypatch.setenv("PGPASSWORD", "s3cret-owner-pw")
    store = PostgresStore(bare, home=tmp_path / "d")  # libpq's own variable is used
    try:
        assert "s3cret" not in store.describe()
    finally:
        store.close()
    right = pg_cluster.url(name)
    store = PostgresStore(right, home=tmp_path / "e")
    try:
        assert store.describe() == right.replace("s3cret-owner-pw", "***")
    finally:
        store.close()
    # An unreachable server: the message names it, masked, and the store works locally.
    away = f"postgresql://{OWNER}:Wr0ng-pa55@127.0.0.1:1/{name}"
    offline = PostgresStore(away, home=tmp_path / "f")
    try:
        assert "Wr0ng-pa55" not in offline.describe()
        Recorder(offline, new_session("s-x")).sync()
        assert wait_until(lambda: offline.online is False)
        assert offline.saving == "saved locally, 0 waiting" or offline.saving.startswith("sav")
    finally:
        offline.close()


def test_steps_from_two_machines_are_never_spliced_into_one_session(machines: Machines) -> None:
    desk = machines.open("desk")
    session = new_session("s-both")
    recorder = Recorder(desk, session)
    session.answer("1")
    recorder.sync()
    sent(desk)
    # The desk loses the server (its sender stops) and goes on alone...
    desk.sender.stop(0)
    session.answer("403")
    recorder.sync()
    # ...while a colleague resumes the same session and answers differently.
    laptop = machines.open("laptop")
    other = resume(laptop, laptop.get("s-both"), GRAPH, CATALOG.trees)
    other.session.answer("500")
    other.recorder.sync()
    sent(laptop)
    # The desk's next start sends what waited: kept apart, not spliced in.
    again = machines.open("desk", url=None)
    sent(again)
    assert [e.value for e in laptop.events("s-both")] == ["Yes", "500"]
    (notice,) = again.notices
    kept = notice.rsplit(" ", 1)[-1]
    assert kept.startswith("s-both-") and "continued on another machine" in notice
    assert [e.value for e in laptop.events(kept)] == ["Yes", "403"]
    assert laptop.get(kept).host == "desk"
    # and the desk continues its own copy under the new id
    session.note("after")
    recorder.store = again
    recorder.sync()
    sent(again)
    assert [e.value for e in laptop.events(kept)] == ["Yes", "403", "after"]


def test_an_event_sent_twice_is_stored_once(machines: Machines) -> None:
    desk = machines.open("desk")
    session = new_session("s-twice")
    recorder = Recorder(desk, session)
    session.answer("1")
    recorder.sync()
    sent(desk)
    desk.close()
    machines.opened.remove(desk)
    # As if killed after the server had the rows but before noting so.
    journal = next((machines.root / "desk" / "outbox").glob("*.sqlite3"))
    import sqlite3

    with sqlite3.connect(journal) as db:
        db.execute("DELETE FROM sent")
    again = machines.open("desk")
    assert again.waiting > 0
    sent(again)
    assert [e.value for e in again.events("s-twice")] == ["Yes"]
    assert again.notices == []
