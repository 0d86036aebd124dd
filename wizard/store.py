"""Sessions on disk: one SQLite file, an append-only event log per session.

A session is its events (see `wizard.session`), so saving one means appending
the events it recorded since the last save, in one short transaction, before
the next screen shows. WAL mode lets two wizard processes (two incidents in two
terminals) write at once: readers never block the writer, writers queue for a
few milliseconds behind `busy_timeout` instead of failing.

`synchronous=NORMAL` in WAL mode survives a killed process (the committed WAL
frames are in the OS page cache); only a power cut can lose the last commit.
That is the promise the issue makes ("kill -9 loses at most the step in
progress") at a fraction of the cost of an fsync per keystroke.

No UI here: the TUI and the CLI commands both use this module.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.sanitize import strip_controls
from wizard.session import Event, Session, utc_now

if TYPE_CHECKING:
    from wizard.model import Tree
    from wizard.nodetable import WalkGraph

ENV_HOME = "EDGE_WIZARD_HOME"
DB_NAME = "sessions.sqlite3"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id           TEXT PRIMARY KEY,
    tree_id      TEXT NOT NULL,
    version      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    -- every tree the walk entered: {"tree-id": [version, "sha256"]}
    trees        TEXT NOT NULL DEFAULT '{}',
    started      TEXT NOT NULL,
    updated      TEXT NOT NULL,
    ended        TEXT,
    outcome      TEXT,
    ticket       TEXT NOT NULL DEFAULT '',
    operator     TEXT NOT NULL DEFAULT '',
    steps        INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    type       TEXT NOT NULL,
    at         TEXT NOT NULL,
    node       TEXT NOT NULL DEFAULT '',
    key        TEXT NOT NULL DEFAULT '',
    value      TEXT NOT NULL DEFAULT '',
    -- set when a resume after a tree change could not replay the event;
    -- kept rather than deleted so nothing typed is ever lost
    dropped    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_by_session ON events(session_id, dropped, id);
"""


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """$EDGE_WIZARD_HOME, else the platform's user data directory."""
    environ = os.environ if env is None else env
    if environ.get(ENV_HOME):
        return Path(environ[ENV_HOME]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("edge-wizard", appauthor=False))


def exports_dir(env: Mapping[str, str] | None = None) -> Path:
    return home_dir(env) / "exports"


EXPORT_SUFFIXES = {"markdown": ".md", "text": ".txt", "json": ".json"}


def write_atomic(path: Path, text: str) -> None:
    """Temp file in the same folder, fsync, rename, fsync the folder: never half a note."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def save_export(folder: Path, session_id: str, fmt: str, text: str) -> Path:
    """Write a note as exports/<session id>.<md|txt|json>; returns the absolute path."""
    path = (folder / f"{session_id}{EXPORT_SUFFIXES[fmt]}").resolve()
    write_atomic(path, text)
    return path


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: str
    tree_id: str
    version: int
    content_hash: str
    trees: dict[str, tuple[int, str]]
    started: datetime
    updated: datetime
    ended: datetime | None
    outcome: str | None
    ticket: str
    operator: str
    steps: int

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def state(self) -> str:
        return self.outcome or "in-progress"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "tree": self.tree_id,
            "version": self.version,
            "sha256": self.content_hash,
            "state": self.state,
            "started": self.started.isoformat(),
            "updated": self.updated.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "steps": self.steps,
            "ticket": self.ticket,
            "operator": self.operator,
        }


class StoreError(Exception):
    """The session store cannot be opened or a session is not in it."""


def _row(r: sqlite3.Row) -> SessionRow:
    trees = {k: (int(v[0]), str(v[1])) for k, v in json.loads(r["trees"] or "{}").items()}
    return SessionRow(
        id=r["id"],
        tree_id=r["tree_id"],
        version=r["version"],
        content_hash=r["content_hash"],
        trees=trees,
        started=datetime.fromisoformat(r["started"]),
        updated=datetime.fromisoformat(r["updated"]),
        ended=datetime.fromisoformat(r["ended"]) if r["ended"] else None,
        outcome=r["outcome"],
        ticket=r["ticket"],
        operator=r["operator"],
        steps=r["steps"],
    )


def _summary(session: Session) -> dict[str, object]:
    trees = {
        t: [session.trees[t].version, session.trees[t].content_hash] for t in session.trees_seen
    }
    return {
        "trees": json.dumps(trees, sort_keys=True),
        "updated": session.clock().isoformat(),
        "ended": session.ended_at.isoformat() if session.ended_at else None,
        "outcome": session.outcome,
        "ticket": strip_controls(session.meta.get("ticket", "")),
        "operator": strip_controls(session.meta.get("operator", "")),
        "steps": len([s for s in session.active_steps() if not s.automatic]),
    }


class Store:
    """The session database. One connection per process; every write is its own transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: we open transactions ourselves, so each
            # write is exactly one short BEGIN IMMEDIATE ... COMMIT.
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(
                "BEGIN IMMEDIATE;" + _SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the session store {path}: {exc}") from exc

    @classmethod
    def open_default(cls, env: Mapping[str, str] | None = None) -> Store:
        return cls(home_dir(env) / DB_NAME)

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
        """Record a new session and whatever events it already has."""
        tree = session.tree
        with self._write() as db:
            db.execute(
                "INSERT INTO sessions (id, tree_id, version, content_hash, started, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    session.id,
                    tree.id,
                    tree.version,
                    tree.content_hash,
                    session.started_at.isoformat(),
                    session.started_at.isoformat(),
                ),
            )
            self._append(db, session, session.events)

    def append(self, session: Session, events: list[Event]) -> None:
        """Append events to a stored session and refresh its summary, atomically."""
        with self._write() as db:
            self._append(db, session, events)

    def _append(self, db: sqlite3.Connection, session: Session, events: list[Event]) -> None:
        db.executemany(
            "INSERT INTO events (session_id, type, at, node, key, value) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    session.id,
                    e.type,
                    e.at.isoformat(),
                    e.node,
                    strip_controls(e.key),
                    strip_controls(e.value),
                )
                for e in events
            ],
        )
        summary = _summary(session)
        db.execute(
            "UPDATE sessions SET trees = :trees, updated = :updated, ended = :ended,"
            " outcome = :outcome, ticket = :ticket, operator = :operator, steps = :steps"
            " WHERE id = :id",
            {**summary, "id": session.id},
        )

    def rebase(self, session: Session, dropped: int) -> None:
        """After a resume: pin the trees the session now runs on, and set aside the
        last `dropped` events that no longer fit them (kept, never deleted)."""
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
        """All sessions, newest first."""
        rows = self._db.execute("SELECT * FROM sessions ORDER BY started DESC, id DESC")
        return [_row(r) for r in rows]

    def get(self, session_id: str) -> SessionRow:
        """A session by id, or by a prefix that names exactly one."""
        row = self._db.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is not None:
            return _row(row)
        escaped = session_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY id", (escaped + "%",)
        ).fetchall()
        if len(rows) == 1:
            return _row(rows[0])
        shown = strip_controls(session_id)
        if not rows:
            raise StoreError(f"no session '{shown}' (see `edge-wizard sessions`)")
        ids = ", ".join(r["id"] for r in rows[:5])
        raise StoreError(f"'{shown}' matches {len(rows)} sessions: {ids}")

    def last_unfinished(self, skip: Callable[[str], bool] | None = None) -> SessionRow | None:
        """The unfinished session updated last, leaving out those `skip(id)` names."""
        rows = self._db.execute(
            "SELECT * FROM sessions WHERE outcome IS NULL ORDER BY updated DESC, id DESC"
        )
        for row in rows:
            if skip is None or not skip(row["id"]):
                return _row(row)
        return None

    def events(self, session_id: str) -> list[Event]:
        rows = self._db.execute(
            "SELECT type, at, node, key, value FROM events"
            " WHERE session_id = ? AND dropped = 0 ORDER BY id",
            (session_id,),
        )
        return [Event.from_json(dict(r)) for r in rows]


class Recorder:
    """Keeps a stored session in step with a live one.

    Call `sync()` after every action on the session: it appends the events
    recorded since the last sync in one transaction. The TUI calls it before it
    redraws, so what is on screen is always already on disk.
    """

    def __init__(self, store: Store, session: Session, *, saved: int | None = None) -> None:
        self.store = store
        self.session = session
        if saved is None:
            store.create(session)
            saved = len(session.events)
        self.saved = saved

    def sync(self) -> None:
        new = self.session.events[self.saved :]
        if not new:
            return
        self.store.append(self.session, new)
        self.saved += len(new)


@dataclass(slots=True)
class Resumed:
    session: Session
    recorder: Recorder
    dropped: int
    # One line per tree that changed since the session pinned it.
    changes: list[str]


def tree_changes(row: SessionRow, trees: Mapping[str, Tree]) -> list[str]:
    pinned = dict(row.trees) or {row.tree_id: (row.version, row.content_hash)}
    changes = []
    for tree_id, (version, digest) in sorted(pinned.items()):
        tree = trees.get(tree_id)
        if tree is None:
            changes.append(f"tree '{tree_id}' is no longer loaded")
        elif tree.content_hash != digest:
            changes.append(
                f"tree '{tree_id}' changed since the session started"
                f" (v{version} -> v{tree.version})"
            )
    return changes


def resume(
    store: Store,
    row: SessionRow,
    graph: WalkGraph,
    trees: Mapping[str, Tree],
    *,
    clock: Callable[[], datetime] | None = None,
) -> Resumed:
    """Rebuild a stored session on the trees loaded now, replaying by node id."""
    if row.tree_id not in trees:
        raise StoreError(f"session {row.id} needs tree '{row.tree_id}', which is not loaded")
    events = store.events(row.id)
    session, dropped = Session.replay(
        graph,
        trees,
        row.tree_id,
        events,
        session_id=row.id,
        started_at=row.started,
        clock=clock or utc_now,
    )
    changes = tree_changes(row, trees)
    if changes or dropped:
        store.rebase(session, dropped)
    return Resumed(session, Recorder(store, session, saved=len(session.events)), dropped, changes)
