"""Files written whole or not at all, and private to the user who runs edge-wizard.

A note, an export or the tree cache is written to a temporary file in the
target's own folder, flushed to the disk (`fsync`), renamed over the target
(`os.replace`, atomic within one file system) and then the folder is flushed,
so that the rename itself survives a power cut. A reader, or a crash at any
point, sees the old file or the new one, never half of either.

Private: the temporary file comes from `mkstemp`, so what lands is 0600
whatever the umask, and every folder created on the way is 0700, each level of
it (`mkdir -p` would give the parents the umask's mode). Incident notes name
customers, sites and numbers. A folder or file that already exists is left as
it is: the admin may have shared it on purpose, and the tree cache checks
before it trusts one (`wizard.treecache`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def private_dirs(folder: Path) -> None:
    """Create `folder` and each missing parent as 0700; existing folders are not touched."""
    missing: list[Path] = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for item in reversed(missing):
        try:
            item.mkdir(mode=0o700)
        except FileExistsError:
            # Another process made it between the look and the mkdir, which is
            # fine unless what it made is not a folder.
            if not item.is_dir():
                raise
    if not missing and not folder.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))


def create_private(path: Path) -> None:
    """Make `path` an empty 0600 file, unless it exists (then it is left as it is)."""
    private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Write `text` as UTF-8 with `\\n` line ends, atomically and private."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically: temp file, fsync, rename, fsync the folder."""
    private_dirs(path.parent)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Windows cannot open a folder to flush it; the rename is as durable as it gets there.
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
