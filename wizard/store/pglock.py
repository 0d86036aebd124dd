"""One window per session across machines: a PostgreSQL advisory lock per open session.

A window that opens a session takes its flock here (`FileLocks`, which also
works with no server) and then `pg_try_advisory_lock` on a connection of its
own. The server releases an advisory lock when the connection that took it
ends, so a window that quits, crashes or is killed gives the session back at
once; a machine that dies gives it back when the server's TCP keepalives
notice, about a minute (`KEEPALIVE`), not the system default of two hours.

The lock connection's `application_name` is "edge-wizard: <login> on <host>",
which is how a refusal names who has the session: `pg_locks` says which
backend holds the lock, and `pg_stat_activity` shows the application name of
every backend to every role.

With the server away a window keeps its flock only (it could not have
interleaved with a window on another machine that did reach the server: the
outbox refuses to splice, see `wizard.store.journal`); once the server is
back, `revive` takes the advisory locks of the windows still open.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable

from wizard.sanitize import strip_controls
from wizard.session_lock import FileLocks, SessionLock, who_am_i
from wizard.store import pgserver
from wizard.store.pgurl import ServerURL

PREFIX = "edge-wizard: "
# Server-side keepalive for a lock's connection: idle s, interval s, probes.
KEEPALIVE = (30, 10, 3)


def lock_key(session_id: str) -> int:
    """The advisory lock's 64-bit key: a digest, so any id maps to one number."""
    digest = hashlib.sha256(b"edge-wizard session:" + session_id.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


_HOLDER = """
SELECT a.application_name AS name FROM pg_locks l
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
LIMIT 1
"""


def _halves(key: int) -> tuple[int, int]:
    # pg_locks shows a bigint key as its high and low 32 bits, unsigned.
    return (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF


class ServerLock(SessionLock):
    """The flock and, when the server could be reached, the advisory lock."""

    def __init__(
        self,
        session_id: str,
        local: SessionLock,
        conn: pgserver.Connection | None,
        owner: AdvisoryLocks,
    ) -> None:
        super().__init__(session_id, None)
        self.local = local
        self.conn = conn
        self._owner = owner

    @property
    def shared(self) -> bool:
        """Whether the server holds it too (not while it cannot be reached)."""
        return self.conn is not None and not self.conn.closed

    def release(self) -> None:
        self._owner._forget(self)
        if self.conn is not None:
            # Unlocked before the connection closes: a backend ends a moment
            # after its client leaves, and until then pg_locks still shows it.
            with contextlib.suppress(Exception):
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (lock_key(self.session_id),))
            self.conn.close()
            self.conn = None
        self.local.release()


class AdvisoryLocks:
    """`SessionLocks` for a team store (see the module docstring)."""

    def __init__(
        self,
        surl: ServerURL,
        files: FileLocks,
        reader: Callable[[], pgserver.Connection | None],
        host: str | None = None,
    ) -> None:
        self.surl = surl
        self.files = files
        self._reader = reader
        self._held: dict[str, ServerLock] = {}
        self._guard = threading.Lock()
        # libpq keeps 63 bytes of it.
        self.name = (PREFIX + who_am_i(host)).encode()[:63].decode("utf-8", "ignore")

    def _connect(self) -> pgserver.Connection:
        conn = pgserver.connect(self.surl, application_name=self.name)
        idle, interval, count = KEEPALIVE
        try:
            with pgserver.talking(self.surl):
                conn.execute(f"SET tcp_keepalives_idle = {idle}")
                conn.execute(f"SET tcp_keepalives_interval = {interval}")
                conn.execute(f"SET tcp_keepalives_count = {count}")
        except pgserver.ServerAway:
            conn.close()
            raise
        except Exception:  # a server without them still locks
            pass
        return conn

    def _try(self, conn: pgserver.Connection, session_id: str) -> bool:
        with pgserver.talking(self.surl):
            row = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (lock_key(session_id),))
            return bool(row.fetchone()["got"])  # type: ignore[index]

    def lock(self, session_id: str, *, wait: float = 0.0) -> SessionLock | None:
        local = self.files.lock(session_id, wait=wait)
        if local is None:
            return None
        try:
            conn = self._connect()
        except pgserver.ServerAway:
            lock = ServerLock(session_id, local, None, self)
        else:
            try:
                got = self._try(conn, session_id)
            except pgserver.ServerAway:
                conn.close()
                lock = ServerLock(session_id, local, None, self)
            else:
                if not got:
                    conn.close()
                    local.release()
                    return None
                lock = ServerLock(session_id, local, conn, self)
        with self._guard:
            self._held[session_id] = lock
        return lock

    def _forget(self, lock: ServerLock) -> None:
        with self._guard:
            if self._held.get(lock.session_id) is lock:
                del self._held[lock.session_id]

    def _holder_name(self, session_id: str) -> str | None:
        """The holding window's application name, None when the server cannot say."""
        conn = self._reader()
        if conn is None:
            return None
        try:
            with pgserver.talking(self.surl):
                row = conn.execute(_HOLDER, _halves(lock_key(session_id))).fetchone()
        except pgserver.ServerAway:
            return None
        if row is None:
            return ""
        return str(row["name"] or "")

    def in_use(self, session_id: str) -> bool:
        if self.files.in_use(session_id) or self._held_here(session_id):
            return True
        return bool(self._holder_name(session_id))

    def _held_here(self, session_id: str) -> bool:
        with self._guard:
            return session_id in self._held

    def holder(self, session_id: str) -> str:
        name = self._holder_name(session_id)
        if name:
            return strip_controls(name.removeprefix(PREFIX))
        return self.files.holder(session_id)

    def revive(self) -> None:
        """Take again the advisory locks a dropped connection let go (the sender
        calls this when the server is back)."""
        with self._guard:
            held = list(self._held.values())
        for lock in held:
            if lock.shared:
                try:
                    with pgserver.talking(self.surl):
                        lock.conn.execute("SELECT 1")  # type: ignore[union-attr]
                    continue
                except pgserver.ServerAway:
                    pass
            try:
                conn = self._connect()
                if self._try(conn, lock.session_id):
                    lock.conn = conn
                else:
                    # Another window has it now: its steps and this window's
                    # are kept apart by the outbox (see the module docstring).
                    conn.close()
                    lock.conn = None
            except pgserver.ServerAway:
                return

    def close(self) -> None:
        with self._guard:
            held = list(self._held.values())
        for lock in held:
            if lock.conn is not None:
                lock.conn.close()
                lock.conn = None
