"""Choosing the store, SQLite's migrations, and what a team store's URL shows."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.store import SQLiteStore, StoreError
from wizard.store.pgurl import server_url
from wizard.store.schema import LATEST
from wizard.store.select import open_store, store_url

# The schema as edge-wizard wrote it before migrations (PRAGMA user_version 1).
OLD_SCHEMA = """
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, tree_id TEXT NOT NULL, version INTEGER NOT NULL,
    content_hash TEXT NOT NULL, trees TEXT NOT NULL DEFAULT '{}', started TEXT NOT NULL,
    updated TEXT NOT NULL, ended TEXT, outcome TEXT, ticket TEXT NOT NULL DEFAULT '',
    operator TEXT NOT NULL DEFAULT '', steps INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id),
    type TEXT NOT NULL, at TEXT NOT NULL, node TEXT NOT NULL DEFAULT '',
    key TEXT NOT NULL DEFAULT '', value TEXT NOT NULL DEFAULT '',
    dropped INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_session ON events(session_id, dropped, id);
INSERT INTO sessions VALUES ('old-1', 'demo-phone', 1, 'abc', '{}', '2026-01-02T03:04:05+00:00',
    '2026-01-02T03:04:05+00:00', NULL, NULL, 'INC-1', 'jdoe', 0);
INSERT INTO events (session_id, type, at, value)
    VALUES ('old-1', 'note', '2026-01-02T03:04:06+00:00', 'kept');
PRAGMA user_version = 1;
"""


def test_a_home_from_before_migrations_keeps_its_sessions(tmp_path: Path) -> None:
    path = tmp_path / "sessions.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    store = SQLiteStore(path, host="desk")
    try:
        (row,) = store.sessions()
        assert (row.id, row.ticket, row.operator, row.host) == ("old-1", "INC-1", "jdoe", "")
        assert [e.value for e in store.events("old-1")] == ["kept"]
    finally:
        store.close()
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == list(range(1, LATEST + 1))
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    SQLiteStore(path).close()  # and opening it again changes nothing


def test_a_sqlite_file_newer_than_this_edge_wizard_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "sessions.sqlite3"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
    with pytest.raises(StoreError, match=f"{path} has schema version 99, newer than"):
        SQLiteStore(path)


def test_the_store_is_chosen_by_flag_then_environment_then_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('store = "postgresql://cfg@db/team"\n')
    config.chmod(0o600)
    env = {"EDGE_WIZARD_CONFIG": str(config)}
    assert store_url(None, env) == "postgresql://cfg@db/team"
    env["EDGE_WIZARD_STORE"] = "postgresql://env@db/team"
    assert store_url(None, env) == "postgresql://env@db/team"
    assert store_url("sqlite", env) == "sqlite"
    # A config file others can write does not get to say where notes go.
    config.chmod(0o620)
    assert store_url(None, {"EDGE_WIZARD_CONFIG": str(config)}) == ""


def test_unset_is_sqlite_in_the_home_and_psycopg_stays_unloaded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from wizard.store.select import open_store\n"
        "store = open_store(None)\n"
        "print(type(store).__name__, store.describe(), 'psycopg' in sys.modules)\n"
    )
    env = {"EDGE_WIZARD_HOME": str(tmp_path), "EDGE_WIZARD_CONFIG": str(tmp_path / "none")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["SQLiteStore", str(tmp_path / "sessions.sqlite3"), "False"]


def test_a_sqlite_url_names_another_file(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path}/elsewhere.sqlite3")
    try:
        assert store.describe() == str(tmp_path / "elsewhere.sqlite3")
    finally:
        store.close()


def test_an_unknown_store_is_refused_with_the_password_masked() -> None:
    with pytest.raises(StoreError, match=r"unknown session store 'mysql://u:\*\*\*@h/db'"):
        open_store("mysql://u:hunter22@h/db")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:hunter22@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db?password=hunter22&sslmode=require",
         "postgresql://u@h/db?password=***&sslmode=require"),
        ("postgres://u:p%40ss%3Aword@h/db", "postgres://u:***@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
    ],
)  # fmt: skip
def test_masked_urls(url: str, shown: str) -> None:
    assert server_url(url, {}).masked() == shown


def test_the_journal_is_named_for_the_server_whatever_the_role() -> None:
    one = server_url("postgresql://alice:x@db.example:5432/team", {})
    two = server_url("postgresql://bob@db.example/team?sslmode=require", {})
    assert one.key() == two.key()
    assert one.key().startswith("db.example-5432-team-")
    assert server_url("postgresql://alice@other/team", {}).key() != one.key()


def test_libpq_parameters_pass_through() -> None:
    url = server_url("postgresql://u@h/db?sslmode=verify-full&connect_timeout=9", {})
    assert url.connect_url(application_name="edge-wizard: a b") == (
        "postgresql://u@h/db?sslmode=verify-full&connect_timeout=9"
        "&application_name=edge-wizard%3A%20a%20b"
    )
