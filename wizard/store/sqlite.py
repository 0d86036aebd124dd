"""The session store in one SQLite file: an append-only event log per session.

A session is its events (see `wizard.session`), so saving one means appending
the events it recorded since the last save, in one short transaction, before
the next screen shows. WAL mode lets two wizard processes (two incidents in two
terminals) write at once: readers never block the writer, writers queue for a
few milliseconds behind `busy_timeout` instead of failing.

`synchronous=NORMAL` in WAL mode survives a killed process (the committed WAL
frames are in the OS page cache); only a power cut or an OS crash can lose the
last commits. `FULL` would survive those too, at an fsync per step. Issue 13
asked for FULL unless it made a step more than 1.2x slower; `make bench`
(`benchmarks/store_step.py`) measured FULL at 2.3x-5.6x NORMAL's step here
(0.55-1.5 ms against 0.2-0.35 ms: the fsync, which varies with the disk and
what else writes to it), so NORMAL stays. The step is still on disk before the
screen shows it, as far as the process is concerned, and a team store keeps a
second copy on its server.

The file is made 0600 before SQLite opens it, in a 0700 folder where that is
new: SQLite gives its `-wal` and `-shm` files the database file's mode, so the
whole store stays private to the user.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from wizard.atomic import create_private
from wizard.paths import home_dir
from wizard.session import Event, Session, utc_now
from wizard.session_lock import FileLocks, SessionLocks
from wizard.store import schema
from wizard.store.base import (
    SessionRow,
    SessionStore,
    StoreError,
    event_values,
    only_match,
    prefix_pattern,
    session_row,
    session_summary,
)

DB_NAME = "sessions.sqlite3"
# The schema's latest migration (`wizard.store.schema`), also kept in
# `PRAGMA user_version` for tools that read only that.
SCHEMA_VERSION = schema.LATEST
BUSY_TIMEOUT_MS = 10_000
# See the module docstring and `benchmarks/store_step.py`.
SYNCHRONOUS = "NORMAL"


class SQLiteStore(SessionStore):
    """The session database. One connection per process; every write is its own transaction.

    `host` is recorded with each write (the machine, `socket.gethostname()`
    unless given); `synchronous` is the PRAGMA, for the benchmark.
    """

    def __init__(
        self, path: Path, *, host: str | None = None, synchronous: str = SYNCHRONOUS
    ) -> None:
        self.path = path
        self.host = socket.gethostname() if host is None else host
        self.locks: SessionLocks = FileLocks(path.parent)
        try:
            create_private(path)
            # isolation_level=None: we open transactions ourselves, so each
            # write is exactly one short BEGIN IMMEDIATE ... COMMIT.
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {synchronous}")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the session store {path}: {exc}") from exc

    def _migrate(self) -> None:
        # Read first: an up-to-date file (every start but the first) takes no
        # write lock, so opening never waits behind another window's write.
        if schema.current_version(self._db, schema.SQLITE) == schema.LATEST:
            return
        with self._write() as db:
            # Again under the write lock: another process may have migrated.
            version = schema.current_version(db, schema.SQLITE)
            todo = schema.pending(version, str(self.path))
            if todo:
                schema.apply(db, schema.SQLITE, todo, utc_now().isoformat())
                db.execute(f"PRAGMA user_version = {schema.LATEST}")

    @classmethod
    def open_default(cls, env: Mapping[str, str] | None = None) -> SQLiteStore:
        return cls(home_dir(env) / DB_NAME)

    def describe(self) -> str:
        return str(self.path)

    @property
    def waiting(self) -> int:
        return 0

    @property
    def saving(self) -> str:
        return ""

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so a second process
        # waits in busy_timeout here rather than failing at COMMIT.
        if self._db.in_transaction:
            yield self._db
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- writing -------------------------------------------------------------

    def create(self, session: Session) -> None:
        with self._write() as db:
            insert_session(db, session)
            self._append(db, session, session.events)

    def append(self, session: Session, events: list[Event]) -> None:
        with self._write() as db:
            self._append(db, session, events)

    def _append(
        self, db: sqlite3.Connection, session: Session, events: list[Event]
    ) -> tuple[int | None, dict[str, object]]:
        """Insert `events` and refresh the row: the last event's id and the summary
        written (which a team store's journal passes on, rather than ask again)."""
        last = None
        insert = (
            "INSERT INTO events (session_id, type, at, node, key, value) VALUES (?, ?, ?, ?, ?, ?)"
        )
        for event in events:  # one or two per step: lastrowid is free, executemany's is not
            last = db.execute(insert, event_values(session.id, event)).lastrowid
        summary = session_summary(session, self.host)
        db.execute(
            "UPDATE sessions SET trees = :trees, updated = :updated, ended = :ended,"
            " outcome = :outcome, ticket = :ticket, operator = :operator, steps = :steps,"
            " host = :host WHERE id = :id",
            {**summary, "id": session.id},
        )
        return last, summary

    def rebase(self, session: Session, dropped: int) -> None:
        tree = session.tree
        with self._write() as db:
            if dropped > 0:
                db.execute(
                    "UPDATE events SET dropped = 1 WHERE id IN (SELECT id FROM events"
                    " WHERE session_id = ? AND dropped = 0 ORDER BY id DESC LIMIT ?)",
                    (session.id, dropped),
                )
            db.execute(
                "UPDATE sessions SET version = ?, content_hash = ? WHERE id = ?",
                (tree.version, tree.content_hash, session.id),
            )
            self._append(db, session, [])

    # -- reading -------------------------------------------------------------

    def sessions(self) -> list[SessionRow]:
        rows = self._db.execute("SELECT * FROM sessions ORDER BY started DESC, id DESC")
        return [session_row(r) for r in rows]

    def get(self, session_id: str) -> SessionRow:
        row = self._db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is not None:
            return session_row(row)
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id",
            (prefix_pattern(session_id),),
        ).fetchall()
        return session_row(only_match(session_id, rows))

    def last_unfinished(self, skip: Callable[[str], bool] | None = None) -> SessionRow | None:
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE outcome IS NULL ORDER BY updated DESC, id DESC"
        )
        for row in rows:
            if skip is None or not skip(row["id"]):
                return session_row(row)
        return None

    def events(self, session_id: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT type, at, node, key, value FROM events"
            " WHERE session_id = ? AND dropped = 0 ORDER BY id",
            (session_id,),
        )
        return [Event.from_json(dict(r)) for r in rows]

    def checkout(self, session_id: str) -> list[Event]:
        return self.events(session_id)


def insert_session(db: sqlite3.Connection, session: Session) -> None:
    """The session's row, as SQLite stores and the team store's journal keep it."""
    tree = session.tree
    started = session.started_at.isoformat()
    db.execute(
        "INSERT INTO sessions (id, tree_id, version, content_hash, started, updated)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (session.id, tree.id, tree.version, tree.content_hash, started, started),
    )
