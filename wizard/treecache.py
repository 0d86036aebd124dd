"""Loaded trees kept between runs, so opening an incident need not parse YAML.

`edge-wizard run TREE` is measured against a bare Textual app, and importing
PyYAML and the loader and parsing the trees is a large part of the difference.
The cache holds the loaded Catalog, with which trees can be walked
(`wizard.walkable`), keyed by every tree file's path, size and
modification time (one stat per file, no reads), the working directory (paths
in findings are shown relative to it) and the edge-wizard version. Any
difference, or any problem with the cache file, means a fresh load.

The file sits in `$EDGE_WIZARD_HOME/cache/` beside the sessions database and
is written only by edge-wizard, atomically and private to the user
(`wizard.atomic`). Unpickling runs code, so the file is read only when it and
its folder belong to this user and nobody else can write them: a home shared
with other users (or a cache folder another user made) is never trusted, and
the trees are loaded from their files instead.
`edge-wizard validate` never uses it: CI always reads the files themselves.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

from wizard import __version__
from wizard.atomic import write_atomic_bytes
from wizard.catalog import Catalog, load_files, tree_files
from wizard.paths import cache_dir

# 3: the catalog carries its walk verdicts (`Catalog.unwalkable`).
CACHE_FORMAT = 3
Signature = tuple[object, ...]


def cache_file(home: Path) -> Path:
    return cache_dir(home) / "trees.pickle"


def signature(files: Sequence[Path]) -> Signature:
    entries: list[object] = [CACHE_FORMAT, __version__, os.getcwd()]
    for path in files:
        stat = path.stat()
        entries.append((str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def _private(path: Path) -> bool:
    """Owned by this user, and writable by nobody else (nor is its folder)."""
    for item in (path.parent, path):
        info = item.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return False
    return True


def _read(path: Path, expected: Signature) -> Catalog | None:
    try:
        if not _private(path):
            return None
        with path.open("rb") as handle:
            saved, catalog = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError,
            TypeError):  # fmt: skip
        return None
    if saved != expected or not isinstance(catalog, Catalog):
        return None
    return catalog


def _write(path: Path, key: Signature, catalog: Catalog) -> None:
    data = pickle.dumps((key, catalog), protocol=pickle.HIGHEST_PROTOCOL)
    # A cache that cannot be written only costs the next start-up.
    with contextlib.suppress(OSError):
        write_atomic_bytes(path, data)


def load_cached(dirs: Sequence[Path], home: Path) -> Catalog:
    """Every tree in `dirs`, from the cache when no tree file changed."""
    files = tree_files(dirs)
    try:
        key = signature(files)
    except OSError:
        return load_files(files)
    path = cache_file(home)
    catalog = _read(path, key)
    if catalog is None:
        catalog = load_files(files)
        if not catalog.io_errors:
            # Imported here: only a change of the tree files pays for the
            # validator. The verdicts are saved with the trees, so a cached
            # start-up never runs it (see `wizard.walkable`).
            from wizard.walkable import settle

            settle(catalog)
            _write(path, key, catalog)
    return catalog
