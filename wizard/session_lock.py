"""One window per session: a lock held while a TUI has the session open.

Two wizards may run at once on different incidents (WAL keeps their writes
apart), but two windows on the *same* session would interleave their answers
into one event log, and the walk replayed from it would match neither. So the
TUI holds an advisory lock on the session it shows, and `resume` and the picker
refuse a session whose lock another process holds.

The lock is `flock` on `<home>/locks/<session>.lock`. The kernel releases it
when the process ends, however it ends (kill -9 included), so a crash never
leaves a session locked. Only a window that opens a session makes its lock
file; looking (`in_use`) makes none. Lock files are tiny and kept: unlinking
one races with a process that has just opened it. They are made 0600, in a
0700 folder when edge-wizard makes it (`wizard.atomic`). Where `fcntl` does
not exist (Windows), or the file system cannot lock, nothing is locked.

A window that holds a lock writes who it is into the file ("jdoe on desk-7"),
so a refusal can name them (`holder`); the lock itself is the flock, never
the text.

Each store hands out its own locks (`SessionStore.locks`, a `SessionLocks`):
the SQLite store's are `FileLocks` in its home; a shared PostgreSQL store
adds an advisory lock on the server (`wizard.store.pglock`) so that one
window per session holds across machines.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import time
from pathlib import Path
from typing import Protocol

from wizard.atomic import private_dirs
from wizard.paths import locks_dir

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows
    HAVE_FLOCK = False

# How long a window opening a session retries: longer than anyone's `in_use`
# look, far shorter than anyone notices.
LOCK_WAIT = 0.2


class SessionLock:
    """Held until `release()` or the end of the process."""

    def __init__(self, session_id: str, fd: int | None) -> None:
        self.session_id = session_id
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


class SessionLocks(Protocol):
    """One window per session, wherever the store keeps its sessions."""

    def lock(self, session_id: str, *, wait: float = 0.0) -> SessionLock | None:
        """Take the session's lock, or None if another window holds it."""

    def in_use(self, session_id: str) -> bool:
        """Whether some window (this process included) has the session open."""

    def holder(self, session_id: str) -> str:
        """Who holds the session's lock ("jdoe on desk-7"), or "" if unknown."""


def who_am_i(host: str | None = None) -> str:
    """This window as a refusal names it: login and machine (`host`, if given)."""
    try:
        # Imported here: only a window that takes a lock needs it.
        import getpass

        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        login = "someone"
    return f"{login} on {host or socket.gethostname()}"


def busy_message(session_id: str, holder: str) -> str:
    """The refusal `resume` shows for a session another window has open."""
    by = f" ({holder})" if holder else ""
    return (
        f"session {session_id} is open in another edge-wizard window{by}; go on there,"
        " or quit it there (q) and resume here"
    )


class FileLocks:
    """`SessionLocks` as flock files in a home (see the module docstring)."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def lock(self, session_id: str, *, wait: float = 0.0) -> SessionLock | None:
        return lock_session(self.home, session_id, wait=wait)

    def in_use(self, session_id: str) -> bool:
        return in_use(self.home, session_id)

    def holder(self, session_id: str) -> str:
        return holder(self.home, session_id)


def _lock_path(home: Path, session_id: str) -> Path:
    # Ids come from our own database, but a file name must never depend on that.
    name = session_id if re.fullmatch(r"[\w-]{1,80}", session_id, re.ASCII) else None
    if name is None:
        name = hashlib.sha256(session_id.encode()).hexdigest()
    return locks_dir(home) / f"{name}.lock"


def _open(path: Path, *, create: bool) -> int | None:
    """A descriptor to flock, or None. Read-only is enough for flock, and lets a
    window lock a file another user made in a shared home."""
    flags = os.O_CREAT if create else 0
    for mode in (os.O_RDWR, os.O_RDONLY):
        try:
            return os.open(path, mode | flags, 0o600)
        except PermissionError:
            continue
        except OSError:
            return None
    return None


def _flock(fd: int) -> bool | None:
    """True when locked; False when another descriptor holds it; None when the
    file system cannot lock (then nothing is locked)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP...: a home on a file system without locks
        return None
    return True


def lock_session(home: Path, session_id: str, *, wait: float = 0.0) -> SessionLock | None:
    """Take the session's lock, or return None if another window holds it.

    `wait` retries for that long: `in_use` takes the lock for an instant to look,
    and must not make a window that opens the session at that moment fail.
    A lock that cannot be made (read-only home, a file system without locks)
    locks nothing rather than keeping an admin out of their session.
    """
    if not HAVE_FLOCK:
        return SessionLock(session_id, None)
    path = _lock_path(home, session_id)
    try:
        private_dirs(path.parent)
    except OSError:
        return SessionLock(session_id, None)
    fd = _open(path, create=True)
    if fd is None:
        return SessionLock(session_id, None)
    deadline = time.monotonic() + wait
    while True:
        locked = _flock(fd)
        if locked is None:
            os.close(fd)
            return SessionLock(session_id, None)
        if locked:
            _sign(fd)
            return SessionLock(session_id, fd)
        if time.monotonic() >= deadline:
            os.close(fd)
            return None
        time.sleep(0.01)


def in_use(home: Path, session_id: str) -> bool:
    """Whether some window (this process included) has the session open.

    Looking creates no lock file: a session nobody opened has none.
    """
    if not HAVE_FLOCK:
        return False
    fd = _open(_lock_path(home, session_id), create=False)
    if fd is None:
        return False
    try:
        return _flock(fd) is False
    finally:
        os.close(fd)  # also drops the lock taken to look


def _sign(fd: int) -> None:
    """Write who holds the lock into its file; a read-only descriptor writes nothing."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, (who_am_i() + "\n").encode("utf-8", "replace"), 0)
    except OSError:
        pass


def holder(home: Path, session_id: str) -> str:
    """Who last held the session's lock, as its file says (see `_sign`)."""
    from wizard.sanitize import strip_controls

    try:
        with open(_lock_path(home, session_id), "rb") as file:
            text = file.read(200).decode("utf-8", "replace")
    except OSError:
        return ""
    return strip_controls(text).strip()
