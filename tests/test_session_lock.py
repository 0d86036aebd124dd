"""One window per session: the advisory lock and how it ends with its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from wizard.session_lock import in_use, lock_session

HOLDER = """
import sys, time
from pathlib import Path
from wizard.session_lock import lock_session
lock = lock_session(Path(sys.argv[1]), sys.argv[2])
print("held" if lock else "busy", flush=True)
time.sleep(60)
"""


def test_a_held_session_cannot_be_taken_twice(tmp_path: Path) -> None:
    first = lock_session(tmp_path, "20261125-061316-84b2")
    assert first is not None
    assert lock_session(tmp_path, "20261125-061316-84b2") is None
    assert in_use(tmp_path, "20261125-061316-84b2")
    assert not in_use(tmp_path, "20261125-061316-ffff")
    first.release()
    first.release()  # twice is harmless
    assert not in_use(tmp_path, "20261125-061316-84b2")


def test_the_lock_ends_with_its_process_even_on_kill_9(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path), "s-1"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert in_use(tmp_path, "s-1")
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        deadline = time.monotonic() + 5
        while in_use(tmp_path, "s-1") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not in_use(tmp_path, "s-1")
    finally:
        holder.kill()
        holder.wait()


def test_an_odd_session_id_never_names_a_file_outside_the_lock_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    lock = lock_session(home, "../../escape\x1b[2J")
    assert lock is not None
    made = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(made) == 1 and made[0].parent == home / "locks"
    assert "escape" not in made[0].name
    lock.release()


def test_a_home_that_cannot_hold_lock_files_locks_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where the home folder should be")
    lock = lock_session(blocker, "s-2")
    assert lock is not None  # no lock rather than an admin locked out of their session
    lock.release()


def test_looking_makes_no_lock_file(tmp_path: Path) -> None:
    assert not in_use(tmp_path, "never-opened")
    assert not (tmp_path / "locks").exists()


def test_a_file_system_without_locks_locks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    import wizard.session_lock as module

    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(module.fcntl, "flock", no_locks)
    lock = lock_session(tmp_path, "s-3")
    assert lock is not None  # not "open in another window"
    assert not in_use(tmp_path, "s-3")
    lock.release()


def test_a_short_look_does_not_keep_a_window_out(tmp_path: Path) -> None:
    looker = lock_session(tmp_path, "s-4")  # as `in_use` holds it for an instant
    assert looker is not None
    threading.Timer(0.05, looker.release).start()
    assert lock_session(tmp_path, "s-4") is None
    window = lock_session(tmp_path, "s-4", wait=2.0)
    assert window is not None
    window.release()
