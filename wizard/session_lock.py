"""One window per session: a lock held while a TUI has the session open.

Two wizards may run at once on different incidents (WAL keeps their writes
apart), but two windows on the *same* session would interleave their answers
into one event log, and the walk replayed from it would match neither. So the
TUI holds an advisory lock on the session it shows, and `resume` and the picker
refuse a session whose lock another process holds.

The lock is `flock` on `<home>/locks/<session>.lock`. The kernel releases it
when the process ends, however it ends (kill -9 included), so a crash never
leaves a session locked. Lock files are tiny and kept: unlinking a lock file
races with a process that has just opened it. Where `fcntl` does not exist
(Windows) nothing is locked.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows
    HAVE_FLOCK = False

LOCK_DIR = "locks"


class SessionLock:
    """Held until `release()` or the end of the process."""

    def __init__(self, session_id: str, fd: int | None) -> None:
        self.session_id = session_id
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def _lock_path(home: Path, session_id: str) -> Path:
    # Ids come from our own database, but a file name must never depend on that.
    name = session_id if re.fullmatch(r"[\w-]{1,80}", session_id, re.ASCII) else None
    if name is None:
        name = hashlib.sha256(session_id.encode()).hexdigest()
    return home / LOCK_DIR / f"{name}.lock"


def lock_session(home: Path, session_id: str) -> SessionLock | None:
    """Take the session's lock, or return None if another window holds it.

    A lock file that cannot be made (read-only home) locks nothing rather than
    keeping an admin out of their session.
    """
    if not HAVE_FLOCK:
        return SessionLock(session_id, None)
    path = _lock_path(home, session_id)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return SessionLock(session_id, None)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return SessionLock(session_id, fd)


def in_use(home: Path, session_id: str) -> bool:
    """Whether some window (this process included) has the session open."""
    lock = lock_session(home, session_id)
    if lock is None:
        return True
    lock.release()
    return False
