"""A team's shared session store on PostgreSQL, that keeps working when the server goes away.

`PostgresStore` is a `SessionStore`: `sessions`, `get` and `events` read the
server, so every admin sees every session (with its operator and host) and
can resume or export it from any machine. Writes never wait for the server:
they go to this machine's journal and outbox (`wizard.store.journal`) and a
thread sends them on (`wizard.store.sender`). Until the server has a
session's latest steps, reads of that session come from the journal, so what
a window just recorded is always what it reads back.

When the server cannot be reached, at start or mid-incident, the store works
from the journal: `sessions` lists the copies on this machine, a session
recorded or resumed here can be resumed here, and `saving` says "saved
locally, N waiting" for the status line. The next start after a crash sends
what waited.

psycopg is imported only here and in the modules this one uses, which are
imported only when a `postgresql://` store is chosen (`wizard.store.select`).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from wizard.atomic import private_dirs
from wizard.paths import home_dir
from wizard.session import Event, Session
from wizard.session_lock import FileLocks, SessionLocks
from wizard.store import pgserver
from wizard.store.base import SessionRow, SessionStore, StoreError, only_match
from wizard.store.journal import Journal, pending_ids, waiting_after
from wizard.store.pglock import AdvisoryLocks
from wizard.store.pgurl import server_url
from wizard.store.sender import Progress, Sender

T = TypeVar("T")
# After a read found the server away, read locally this long before trying it
# again: every list or export would otherwise wait out a connect timeout.
RETRY_READS = 10.0
# How long quitting waits for the outbox to reach the server (the rest waits
# for the next start).
CLOSE_WAIT = 3.0
# How long a resume waits for this machine's own waiting steps of the session
# to reach the server before it continues from the local copy.
CHECKOUT_WAIT = 5.0
# A step not on the server after this long shows in the status line.
LAG = 2.0


class _Away:
    pass


AWAY = _Away()


class PostgresStore(SessionStore):
    """The team store. See the module docstring."""

    def __init__(
        self,
        url: str,
        *,
        home: Path | None = None,
        env: Mapping[str, str] | None = None,
        host: str | None = None,
    ) -> None:
        self.surl = server_url(url, env)
        self.home = home if home is not None else home_dir(env)
        self.host = socket.gethostname() if host is None else host
        self.path = self.home / "outbox" / f"{self.surl.key()}.sqlite3"
        try:
            private_dirs(self.path.parent)
        except OSError as exc:
            raise StoreError(f"cannot make the local journal {self.path.parent}: {exc}") from exc
        self.journal = Journal(self.path, host=self.host)
        sent = self._sent_before()
        ops, events = waiting_after(self.journal.db, sent)
        self.progress = Progress(sent, ops, events)
        self._conn: pgserver.Connection | None = None
        self._retry_at = 0.0
        try:
            self._conn = pgserver.connect_ready(self.surl)
        except pgserver.ServerAway:
            self._retry_at = time.monotonic() + RETRY_READS
            # Known at once, not only after the sender's first try: `sessions`
            # says the server cannot be reached even when it times out.
            self.progress.online = False
        except StoreError:
            self.journal.close()
            raise
        self._locks = AdvisoryLocks(self.surl, FileLocks(self.home), self._server, self.host)
        self.locks: SessionLocks = self._locks
        self.sender = Sender(self.surl, self.path, self.progress, on_reconnect=self._locks.revive)
        self.sender.start()

    def _sent_before(self) -> int:
        row = self.journal.db.execute("SELECT seq FROM sent").fetchone()
        return int(row[0]) if row else 0

    # -- what the status line and messages show -----------------------------------

    def describe(self) -> str:
        return self.surl.masked()

    @property
    def waiting(self) -> int:
        with self.progress.lock:
            return self.progress.events or self.progress.ops

    @property
    def online(self) -> bool | None:
        return self.progress.online

    @property
    def notices(self) -> list[str]:
        """Sessions this machine's copy was saved apart as (see `wizard.store.sender`)."""
        with self.progress.lock:
            return list(self.progress.notices)

    @property
    def saving(self) -> str:
        with self.progress.lock:
            n = self.progress.events or self.progress.ops
            online, oldest = self.progress.online, self.progress.oldest_waiting
            problem = self.progress.problem
        lagging = oldest is not None and time.monotonic() - oldest > LAG
        if online is False or problem or lagging:
            return f"saved locally, {n} waiting" if n else "saving locally"
        return ""

    def close(self) -> None:
        self.sender.stop(CLOSE_WAIT)
        self._locks.close()
        if self._conn is not None:
            self._conn.close()
        self.journal.close()

    # -- writing: the journal now, the server soon ----------------------------------

    def create(self, session: Session) -> None:
        self.journal.create(session)
        self.progress.queued(len(session.events))

    def append(self, session: Session, events: list[Event]) -> None:
        self.journal.append(session, events)
        self.progress.queued(len(events))

    def rebase(self, session: Session, dropped: int) -> None:
        self.journal.rebase(session, dropped)
        self.progress.queued(0)

    # -- reading: the server, and the journal for what it does not have yet ---------

    def _server(self) -> pgserver.Connection | None:
        if self._conn is not None and not self._conn.closed:
            return self._conn
        if time.monotonic() < self._retry_at and not self.progress.online:
            return None
        try:
            self._conn = pgserver.connect(self.surl, application_name="edge-wizard")
        except pgserver.ServerAway:
            self._retry_at = time.monotonic() + RETRY_READS
            return None
        return self._conn

    def _ask(self, question: Callable[[pgserver.Connection], T]) -> T | _Away:
        conn = self._server()
        if conn is None:
            return AWAY
        try:
            with pgserver.talking(self.surl):
                return question(conn)
        except pgserver.ServerAway:
            conn.close()
            self._conn = None
            self._retry_at = time.monotonic() + RETRY_READS
            return AWAY

    def _pending(self) -> dict[str, str]:
        """Sessions with steps the server does not have yet: server id -> id here."""
        waiting = pending_ids(self.journal.db, self.progress.sent)
        if not waiting:
            return {}
        forks = dict(self.journal.db.execute("SELECT local_id, server_id FROM forks").fetchall())
        return {forks.get(local, local): local for local in waiting}

    def _local(self, server_id: str, local_id: str) -> SessionRow | None:
        row = self.journal.row(local_id)
        if row is None or row.id == server_id:
            return row
        from dataclasses import replace

        return replace(row, id=server_id)

    def sessions(self) -> list[SessionRow]:
        pending = self._pending()
        found = self._ask(pgserver.sessions)
        if isinstance(found, _Away):
            return self.journal.sessions()
        rows = {r.id: r for r in found}
        for server_id, local_id in pending.items():
            row = self._local(server_id, local_id)
            if row is not None:
                rows[server_id] = row
        return sorted(rows.values(), key=lambda r: (r.started, r.id), reverse=True)

    def get(self, session_id: str) -> SessionRow:
        mine = {}
        for server_id, local_id in self._pending().items():
            row = self._local(server_id, local_id)
            if row is not None:
                mine[server_id] = row
        if session_id in mine:
            return mine[session_id]
        found = self._ask(lambda conn: pgserver.find(conn, session_id))
        if isinstance(found, _Away):
            return self.journal.get(session_id)
        rows = {r.id: r for r in found}
        rows.update({k: row for k, row in mine.items() if k in rows or k.startswith(session_id)})
        if session_id in rows:
            return rows[session_id]
        # only_match words the errors alike for every backend; it reads ids by name.
        chosen = only_match(session_id, [{"id": k} for k in sorted(rows)])
        return rows[chosen["id"]]

    def last_unfinished(self, skip: Callable[[str], bool] | None = None) -> SessionRow | None:
        rows = sorted(self.sessions(), key=lambda r: (r.updated, r.id), reverse=True)
        for row in rows:
            if row.outcome is None and (skip is None or not skip(row.id)):
                return row
        return None

    def events(self, session_id: str) -> list[Event]:
        pending = self._pending()
        if session_id in pending:
            return self.journal.events(pending[session_id])
        found = self._ask(lambda conn: pgserver.events(conn, session_id))
        if isinstance(found, _Away):
            return self.journal.events(session_id)
        return found

    def checkout(self, session_id: str) -> list[Event]:
        """The session's events, with this machine's journal made ready to record
        more of it: the server's copy once this machine's own waiting steps of it
        are there, else the copy here."""
        if session_id in self._pending() and self.progress.online is not False:
            self.sender.wake()
            self.progress.wait_for(lambda: session_id not in self._pending(), CHECKOUT_WAIT)
        pending = self._pending()
        if session_id in pending:
            if pending[session_id] != session_id:
                raise StoreError(
                    f"session {session_id} is still being sent from its copy here,"
                    f" {pending[session_id]}; resume that, or try again in a moment"
                )
            return self.journal.events(session_id)
        whole = self._ask(lambda conn: pgserver.copy(conn, session_id))
        if isinstance(whole, _Away) or whole is None:
            if self.journal.row(session_id) is not None:
                return self.journal.events(session_id)
            if whole is None:
                raise StoreError(f"no session '{session_id}' (see `edge-wizard sessions`)")
            raise StoreError(
                f"the team store {self.describe()} cannot be reached, and this machine has"
                f" no copy of session {session_id}"
            )
        self.journal.adopt(whole)
        return self.journal.events(session_id)
