"""The thread that passes a team store's outbox to the server, in order.

A step writes the journal and goes on; it never waits for the network, so a
slow or absent server cannot hold up a redraw. The thread looks for new rows
every `POLL` (a step does not wake it, see
`run`) and sends each outbox row in its own transaction (`pgserver.apply`),
keeps how far it got in memory, and writes that down (pruning the outbox) only
when it has caught up, so its writes rarely meet a step's. If it is stopped
before that, the next start sends those rows again, which the server skips
(see `wizard.store.journal`).

When the server is away it retries, waiting longer each time up to
`RETRY_MAX`; once back it first takes the window locks again
(`on_reconnect`), then sends what waited. A row the server cannot take because
another machine moved the session on meanwhile makes this machine's copy a
session of its own (`save_apart`), named in `Progress.notices`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from wizard.store import pgserver
from wizard.store.journal import Outbox
from wizard.store.pgurl import ServerURL

RETRY_FIRST = 0.5
RETRY_MAX = 15.0
# Caught up for this long: write down how far, and prune the outbox.
SETTLE = 1.0
# How often the sender looks for new steps: a few frames, so a step is on the
# server well before anyone could look from another machine; after QUIET s
# with nothing to send, it looks every QUIET_POLL s.
POLL = 0.05
QUIET = 30.0
QUIET_POLL = 0.5


class Progress:
    """What the sender has done, for the store's other thread to read."""

    def __init__(self, sent: int, ops: int, events: int) -> None:
        self.lock = threading.Lock()
        self.sent = sent
        self.ops = ops
        self.events = events
        # None until the sender has tried the server once.
        self.online: bool | None = None
        # A problem that is not the network (a newer schema, a permission).
        self.problem = ""
        self.notices: list[str] = []
        # Notified whenever the sender gets further.
        self.changed = threading.Condition(self.lock)
        self.oldest_waiting: float | None = None

    def queued(self, events: int) -> None:
        with self.lock:
            self.ops += 1
            self.events += events
            if self.oldest_waiting is None:
                self.oldest_waiting = time.monotonic()

    def done(self, seq: int, events: int) -> None:
        with self.lock:
            self.sent = seq
            self.ops = max(0, self.ops - 1)
            self.events = max(0, self.events - events)
            self.oldest_waiting = None if self.ops == 0 else time.monotonic()
            self.changed.notify_all()

    def wait_for(self, done: Callable[[], bool], timeout: float) -> bool:
        """Wait until `done()` (asked each time the sender gets further), or `timeout`."""
        with self.lock:
            return self.changed.wait_for(done, timeout)


class Sender(threading.Thread):
    def __init__(
        self,
        surl: ServerURL,
        journal: Path,
        progress: Progress,
        *,
        on_reconnect: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(name="edge-wizard-sender", daemon=True)
        self.surl = surl
        self.outbox = Outbox(journal)
        self.progress = progress
        self.on_reconnect = on_reconnect
        self._wake = threading.Event()
        self._ending = threading.Event()
        self._conn: pgserver.Connection | None = None
        self._marked = progress.sent
        self._last_busy = time.monotonic()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float) -> None:
        """Send what is waiting for up to `timeout` seconds, then end."""
        with self.progress.lock:
            if self.progress.ops and self.progress.online is not False and timeout > 0:
                self._wake.set()
                self.progress.changed.wait_for(lambda: self.progress.ops == 0, timeout)
        self._ending.set()
        self._wake.set()
        self.join(timeout=max(timeout, 1.0))

    def run(self) -> None:
        delay = RETRY_FIRST
        try:
            while not self._ending.is_set():
                try:
                    busy = self._round()
                    delay = RETRY_FIRST
                except pgserver.ServerAway:
                    self._away()
                    self._wake.wait(delay)
                    self._wake.clear()
                    delay = min(delay * 2, RETRY_MAX)
                    continue
                except Exception as exc:
                    # StoreError (a newer schema, a permission) or a bug: keep
                    # everything in the outbox, say so, and try again later.
                    with self.progress.lock:
                        self.progress.problem = str(exc) or type(exc).__name__
                    self._away()
                    self._ending.wait(RETRY_MAX)
                    continue
                now = time.monotonic()
                if busy:
                    self._last_busy = now
                    continue
                if now - self._last_busy > SETTLE:
                    self._settle()
                # A step does not wake this thread: waking it would take the
                # interpreter from the window just as it draws the step. It
                # looks every POLL instead, often while the admin is at work.
                recent = now - self._last_busy < QUIET
                if self._wake.wait(POLL if recent else QUIET_POLL):
                    self._wake.clear()
        finally:
            self._settle()
            if self._conn is not None:
                self._conn.close()
            self.outbox.close()

    def _away(self) -> None:
        with self.progress.lock:
            self.progress.online = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> pgserver.Connection:
        if self._conn is None or self._conn.closed:
            self._conn = pgserver.connect_ready(self.surl)
            with self.progress.lock:
                self.progress.online = True
                self.progress.problem = ""
            self.on_reconnect()
        return self._conn

    def _round(self) -> bool:
        """Send one batch; whether there was anything to send."""
        conn = self._connection()
        ops = self.outbox.after(self.progress.sent)
        if not ops:
            return False
        forks = self.outbox.forks()
        for op in ops:
            server_id, upto = forks.get(op.session_id, (op.session_id, 0))
            if op.seq > upto:
                with pgserver.talking(self.surl):
                    fits = pgserver.apply(conn, op, self.outbox.events(op), server_id)
                if not fits:
                    self._keep_apart(conn, op.session_id, server_id)
                    forks = self.outbox.forks()
            self.progress.done(op.seq, op.size)
        return True

    def _keep_apart(self, conn: pgserver.Connection, local_id: str, server_id: str) -> None:
        whole, upto = self.outbox.copy(local_id)
        with pgserver.talking(self.surl):
            new_id = pgserver.save_apart(conn, whole, server_id, os.urandom(2).hex())
        self.outbox.record_fork(local_id, new_id, upto)
        with self.progress.lock:
            self.progress.notices.append(
                f"session {server_id} was continued on another machine while this one"
                f" could not reach the server; what was recorded here is saved as {new_id}"
            )

    def _settle(self) -> None:
        """Write down how far the server has it, and forget those outbox rows."""
        sent = self.progress.sent
        if sent > self._marked:
            try:
                self.outbox.mark_sent(sent)
            except Exception:  # a later settle, or the next start, does it
                return
            self._marked = sent
