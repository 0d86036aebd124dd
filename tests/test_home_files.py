"""The home's files: written whole or not at all, private to the user, laid out in one place."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wizard import atomic, treecache
from wizard.atomic import create_private, private_dirs, write_atomic, write_atomic_bytes
from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.notefile import save_export
from wizard.paths import cache_dir, exports_dir, home_dir, locks_dir
from wizard.session import Session
from wizard.session_lock import lock_session
from wizard.store import Recorder, Store

GOOD = Path(__file__).parent / "fixtures" / "good"
T0 = datetime(2026, 3, 14, 9, 0, 0, tzinfo=UTC)
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask: privacy must come from the modes asked for, not from it."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_home_layout(tmp_path: Path) -> None:
    home = home_dir({"EDGE_WIZARD_HOME": str(tmp_path)})
    assert home == tmp_path
    assert exports_dir({"EDGE_WIZARD_HOME": str(tmp_path)}) == tmp_path / "exports"
    assert cache_dir(home) == tmp_path / "cache" == treecache.cache_file(home).parent
    assert locks_dir(home) == tmp_path / "locks"
    assert home_dir({"EDGE_WIZARD_HOME": "~/x"}) == Path.home() / "x"


@POSIX
@pytest.mark.usefixtures("open_umask")
def test_a_new_home_and_all_in_it_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parents of the home are missing too: each level edge-wizard makes is private.
    made = tmp_path / "made"
    home = made / "edge-wizard"
    monkeypatch.setenv("EDGE_WIZARD_HOME", str(home))
    catalog = load_files(tree_files([GOOD]))
    store = Store.open_default()
    session = Session(
        build_graph(catalog.trees.values()),
        catalog.trees,
        "demo-phone",
        session_id="s1",
        started_at=T0,
        clock=lambda: T0,
    )
    recorder = Recorder(store, session)
    session.note("the customer's site and number")
    recorder.sync()
    treecache.load_cached([GOOD], home)
    save_export(exports_dir(), "s1", "markdown", "note\n")
    lock = lock_session(home, "s1")
    assert lock is not None
    try:
        names = {p.relative_to(home).as_posix() for p in home.rglob("*")}
        # SQLite's WAL and shared-memory files exist while the store is open.
        assert {"sessions.sqlite3-wal", "sessions.sqlite3-shm"} <= names
        assert {"cache/trees.pickle", "exports/s1.md", "locks/s1.lock"} <= names
        for path in [made, *made.rglob("*")]:
            expected = 0o700 if path.is_dir() else 0o600
            assert mode(path) == expected, path
    finally:
        lock.release()
        store.close()


@POSIX
@pytest.mark.usefixtures("open_umask")
def test_a_folder_that_exists_is_left_as_it_is(tmp_path: Path) -> None:
    """An admin may share a home on purpose; edge-wizard tightens only what it makes."""
    home = tmp_path / "shared"
    home.mkdir(mode=0o750)
    store = Store(home / "sessions.sqlite3")
    store.close()
    assert mode(home) == 0o750
    assert mode(home / "sessions.sqlite3") == 0o600


@POSIX
def test_an_existing_file_keeps_its_mode_until_replaced(tmp_path: Path) -> None:
    path = tmp_path / "db"
    path.write_text("kept")
    path.chmod(0o640)
    create_private(path)
    assert path.read_text() == "kept" and mode(path) == 0o640
    write_atomic(path, "new")
    assert path.read_text() == "new" and mode(path) == 0o600


def test_a_write_is_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "note.md"
    write_atomic(path, "first\n")
    write_atomic(path, "é second\r\n")
    assert path.read_bytes() == "é second\r\n".encode()
    write_atomic_bytes(path, b"\x00\x01")
    assert path.read_bytes() == b"\x00\x01"
    assert [p.name for p in path.parent.iterdir()] == ["note.md"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "note.md"
    write_atomic(path, "old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["note.md"]


def test_a_file_where_a_folder_should_be_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    with pytest.raises(OSError):
        private_dirs(blocker)
    with pytest.raises(OSError):
        private_dirs(blocker / "cache")
    with pytest.raises(OSError):
        write_atomic(blocker / "note.md", "x")


@pytest.mark.parametrize(
    "module",
    [
        "wizard.paths",
        "wizard.atomic",
        "wizard.notefile",
        "wizard.store.base",
        "wizard.store.sqlite",
        "wizard.store.recording",
    ],
)
def test_home_modules_import_no_ui_and_no_platformdirs_by_themselves(module: str) -> None:
    """Core modules (see tests/engine/test_layering.py); `platformdirs` only when asked."""
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('textual', 'rich', 'platformdirs')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
