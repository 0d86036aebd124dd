"""The local journal of a team store: every write lands here first, then goes to the server.

A step is stored in a SQLite file in the home (`<home>/outbox/<server>.sqlite3`,
the same schema as `sessions.sqlite3`, one per server) in the same transaction
as an `outbox` row that says what the server still has to be told. So a step
costs about what a SQLite step costs, whatever the network does; the sender
(`wizard.store.sender`) passes the outbox to the server in order, from another
thread, and nothing is lost when the server goes away or the wizard is killed
(the outbox is on disk, and the next start sends it).

Each outbox row names the session by its id here, the number of events the
session had before (`base`) and the journal's event ids it adds. The server
applies a row only if it has exactly `base` events, and skips one it already
holds (same events at the same place), so sending twice is harmless and
another machine's steps in between are noticed, not interleaved. When that
happens the sender saves this machine's copy as a new session (`forks`),
so both continuations are kept.

The journal also keeps copies of sessions resumed from the server
(`adopt`), which is what lets a session be resumed, exported or continued
here while the server is away.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.session import Event, Session
from wizard.store.base import SessionRow, event_values, session_row
from wizard.store.sqlite import BUSY_TIMEOUT_MS, SQLiteStore, insert_session

_OUTBOX = """
CREATE TABLE IF NOT EXISTS outbox (
    seq         INTEGER PRIMARY KEY,
    op          TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    base        INTEGER NOT NULL,
    first_event INTEGER,
    last_event  INTEGER,
    payload     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS forks (
    local_id  TEXT PRIMARY KEY,
    server_id TEXT NOT NULL,
    upto      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sent (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq INTEGER NOT NULL
);
"""

SUMMARY_COLUMNS = ("trees", "updated", "ended", "outcome", "ticket", "operator", "steps", "host")
ROW_COLUMNS = (
    "id, tree_id, version, content_hash, trees, started, updated, ended, outcome,"
    " ticket, operator, steps, host"
)


@dataclass(frozen=True, slots=True)
class Op:
    """One outbox row: what the server still has to be told."""

    seq: int
    op: str  # create | append | rebase
    session_id: str
    base: int
    first_event: int | None
    last_event: int | None
    payload: dict[str, Any]

    @property
    def size(self) -> int:
        """Events it carries: what "N waiting" counts."""
        if self.first_event is None or self.last_event is None:
            return 0
        return self.last_event - self.first_event + 1


@dataclass(frozen=True, slots=True)
class Copy:
    """A whole session as stored: its row and every event, set-aside ones flagged."""

    row: dict[str, Any]
    events: list[tuple[str, str, str, str, str, int]]  # type, at, node, key, value, dropped


class Journal(SQLiteStore):
    """The local journal (see the module docstring). Reads are the SQLite store's."""

    def __init__(self, path: Path, *, host: str | None = None, synchronous: str = "") -> None:
        if synchronous:
            super().__init__(path, host=host, synchronous=synchronous)
        else:
            super().__init__(path, host=host)
        self._db.executescript(_OUTBOX)
        self._counts: dict[str, int] = {}

    # -- writing, with the outbox row in the same transaction ------------------

    def create(self, session: Session) -> None:
        with self._write() as db:
            insert_session(db, session)
            self._counts[session.id] = 0
            self._record(db, "create", session, session.events)

    def append(self, session: Session, events: list[Event]) -> None:
        with self._write() as db:
            if self._count(db, session.id) is None:
                # Not resumed through `adopt` (a caller that built the session
                # itself): keep it anyway, counting on the session's own log.
                self._adopt_session(db, session, len(session.events) - len(events))
            self._record(db, "append", session, events)

    def _record(
        self,
        db: sqlite3.Connection,
        op: str,
        session: Session,
        events: list[Event],
    ) -> None:
        base = self._counts[session.id]
        last, _ = self._append(db, session, events)
        first = last - len(events) + 1 if last is not None else None
        # No payload: the sender reads the session's row as it is when it
        # sends (the latest summary is the one the server needs), which keeps
        # a step to one small insert more than SQLite's.
        db.execute(
            "INSERT INTO outbox (op, session_id, base, first_event, last_event, payload)"
            " VALUES (?, ?, ?, ?, ?, '{}')",
            (op, session.id, base, first, last),
        )
        self._counts[session.id] = base + len(events)

    def rebase(self, session: Session, dropped: int) -> None:
        with self._write() as db:
            flags = [
                r[0]
                for r in db.execute(
                    "SELECT dropped FROM events WHERE session_id = ? ORDER BY id", (session.id,)
                )
            ]
            live = [n for n, flag in enumerate(flags) if not flag]
            # Positions, not ids: they mean the same on the server.
            drop = live[len(live) - dropped :] if dropped > 0 else []
            super().rebase(session, dropped)
            tree = session.tree
            pin = {"version": tree.version, "content_hash": tree.content_hash, "drop": drop}
            db.execute(
                "INSERT INTO outbox (op, session_id, base, first_event, last_event, payload)"
                " VALUES (?, ?, ?, NULL, NULL, ?)",
                (
                    "rebase",
                    session.id,
                    len(flags),
                    json.dumps(pin),
                ),
            )

    def _count(self, db: sqlite3.Connection, session_id: str) -> int | None:
        """The events the journal holds of a session (kept in memory: one window
        writes a session), or None for a session it does not hold."""
        if session_id not in self._counts:
            if db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                return None
            found = db.execute("SELECT count(*) FROM events WHERE session_id = ?", (session_id,))
            self._counts[session_id] = int(found.fetchone()[0])
        return self._counts[session_id]

    def _adopt_session(self, db: sqlite3.Connection, session: Session, before: int) -> None:
        insert_session(db, session)
        db.executemany(
            "INSERT INTO events (session_id, type, at, node, key, value) VALUES (?, ?, ?, ?, ?, ?)",
            [event_values(session.id, e) for e in session.events[: max(0, before)]],
        )
        self._counts[session.id] = max(0, before)

    def row(self, session_id: str) -> SessionRow | None:
        """The local copy's row, by exact id."""
        found = self._db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return session_row(found) if found is not None else None

    @property
    def db(self) -> sqlite3.Connection:
        return self._db

    # -- copies of server sessions ----------------------------------------------

    def adopt(self, copy: Copy) -> None:
        """Make the local copy of a session the server's (nothing of it is waiting)."""
        session_id = copy.row["id"]
        with self._write() as db:
            db.execute("DELETE FROM events WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
            db.execute("DELETE FROM forks WHERE local_id = ?", (session_id,))
            insert_copy(db, "?", copy, session_id)
            self._counts[session_id] = len(copy.events)


def insert_copy(db: Any, param: str, copy: Copy, session_id: str) -> None:
    """Insert a `Copy` under `session_id` (`param`: the driver's placeholder)."""
    marks = ", ".join([param] * 13)
    row = {**copy.row, "id": session_id}
    db.execute(
        f"INSERT INTO sessions ({ROW_COLUMNS}) VALUES ({marks})",
        tuple(row[c.strip()] for c in ROW_COLUMNS.split(",")),
    )
    sql = (
        "INSERT INTO events (session_id, type, at, node, key, value, dropped)"
        f" VALUES ({', '.join([param] * 7)})"
    )
    rows = [(session_id, *e) for e in copy.events]
    if rows:
        if hasattr(db, "executemany"):
            db.executemany(sql, rows)
        else:  # a psycopg connection: its cursor has executemany
            db.cursor().executemany(sql, rows)


class Outbox:
    """The sender's own view of the journal: a second connection, for its thread."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def close(self) -> None:
        self._db.close()

    def sent(self) -> int:
        row = self._db.execute("SELECT seq FROM sent").fetchone()
        return int(row[0]) if row else 0

    def after(self, seq: int, limit: int = 200) -> list[Op]:
        """Outbox rows after `seq`, each with its session's row as it is now."""
        self._db.row_factory = sqlite3.Row
        try:
            rows = self._db.execute(
                "SELECT o.seq, o.op, o.session_id AS local_id, o.base, o.first_event,"
                " o.last_event, o.payload, s.* FROM outbox o"
                " LEFT JOIN sessions s ON s.id = o.session_id"
                " WHERE o.seq > ? ORDER BY o.seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        finally:
            self._db.row_factory = None
        ops = []
        for r in rows:
            payload = json.loads(r["payload"])
            payload["row"] = {c: r[c] for c in ("tree_id", "version", "content_hash", "started")}
            payload["summary"] = {c: r[c] for c in SUMMARY_COLUMNS}
            ops.append(
                Op(
                    r["seq"],
                    r["op"],
                    r["local_id"],
                    r["base"],
                    r["first_event"],
                    r["last_event"],
                    payload,
                )
            )
        return ops

    def events(self, op: Op) -> list[tuple[str, str, str, str, str]]:
        if op.first_event is None:
            return []
        rows = self._db.execute(
            "SELECT type, at, node, key, value FROM events WHERE id BETWEEN ? AND ? ORDER BY id",
            (op.first_event, op.last_event),
        )
        return [tuple(r) for r in rows]

    def forks(self) -> dict[str, tuple[str, int]]:
        rows = self._db.execute("SELECT local_id, server_id, upto FROM forks")
        return {r[0]: (r[1], int(r[2])) for r in rows}

    def record_fork(self, local_id: str, server_id: str, upto: int) -> None:
        self._db.execute(
            "INSERT INTO forks (local_id, server_id, upto) VALUES (?, ?, ?)"
            " ON CONFLICT (local_id) DO UPDATE SET server_id = excluded.server_id,"
            " upto = excluded.upto",
            (local_id, server_id, upto),
        )

    def copy(self, session_id: str) -> tuple[Copy, int]:
        """The whole local copy of a session, and the last outbox row it includes."""
        self._db.execute("BEGIN")  # one snapshot of both
        try:
            row = self._db.execute(
                f"SELECT {ROW_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            events = self._db.execute(
                "SELECT type, at, node, key, value, dropped FROM events"
                " WHERE session_id = ? ORDER BY id",
                (session_id,),
            ).fetchall()
            upto = self._db.execute(
                "SELECT max(seq) FROM outbox WHERE session_id = ?", (session_id,)
            ).fetchone()
        finally:
            self._db.execute("COMMIT")
        columns = [c.strip() for c in ROW_COLUMNS.split(",")]
        whole = Copy(dict(zip(columns, row, strict=True)), [tuple(e) for e in events])
        return whole, int(upto[0] or 0)

    def mark_sent(self, seq: int) -> None:
        """Everything up to `seq` is on the server: forget it (in one transaction)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT INTO sent (one, seq) VALUES (1, ?)"
                " ON CONFLICT (one) DO UPDATE SET seq = excluded.seq",
                (seq,),
            )
            # The last row sent stays: a new row's seq is one more than the
            # highest there, so it must never fall back to one already sent
            # (AUTOINCREMENT would also do that, at a write more per step).
            self._db.execute("DELETE FROM outbox WHERE seq < ?", (seq,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def waiting_after(db: sqlite3.Connection, seq: int) -> tuple[int, int]:
    """(rows, events) the outbox holds after `seq`."""
    row = db.execute(
        "SELECT count(*), coalesce(sum(coalesce(last_event - first_event + 1, 0)), 0)"
        " FROM outbox WHERE seq > ?",
        (seq,),
    ).fetchone()
    return int(row[0]), int(row[1])


def pending_ids(db: sqlite3.Connection, seq: int) -> set[str]:
    rows = db.execute("SELECT DISTINCT session_id FROM outbox WHERE seq > ?", (seq,))
    return {r[0] for r in rows}
