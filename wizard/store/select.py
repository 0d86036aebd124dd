"""Which store this run uses: SQLite in the home, or a team's PostgreSQL server.

The first of these that is set wins:

1. `--store URL` on the command line (the CLI passes it to `open_store`);
2. `EDGE_WIZARD_STORE`;
3. `store = "..."` in the admin's config file (`wizard.userconfig`), read only
   from a file that belongs to the user and that nobody else can write, as it
   decides where incident notes go;
4. otherwise SQLite, `$EDGE_WIZARD_HOME/sessions.sqlite3`, as before: nothing
   to set up, and `make run` needs no server.

A store is named by a URL: `postgresql://user@host:5432/db?sslmode=require`
(or `postgres://`) for a team's server, with every libpq parameter passed
through; `sqlite` (or empty) for the home's file; `sqlite:///path/file.sqlite3`
for another file. psycopg is imported only when a PostgreSQL URL is opened.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from wizard.store.base import SessionStore, StoreError

ENV_STORE = "EDGE_WIZARD_STORE"
CONFIG_KEY = "store"


def _trusted(path: Path) -> bool:
    """A file that decides where sessions go must be the user's own, writable only by them."""
    try:
        info = path.stat()
    except OSError:
        return False
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return mine and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def configured_url(env: Mapping[str, str] | None = None) -> str | None:
    """`store = "..."` from the user's config file, if it has one that can be trusted."""
    # Imported here: most runs have no config file, and every start-up counts.
    import tomllib

    from wizard.userconfig import config_path

    path = config_path(env)
    if not path.is_file() or not _trusted(path):
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # the TUI reports a broken config file; it must not stop `sessions`
    value = data.get(CONFIG_KEY)
    return value.strip() if isinstance(value, str) and value.strip() else None


def store_url(flag: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The URL this run's store is named by ("" for the home's SQLite file)."""
    environ = os.environ if env is None else env
    if flag:
        return flag.strip()
    if environ.get(ENV_STORE, "").strip():
        return environ[ENV_STORE].strip()
    return configured_url(environ) or ""


def open_store(url: str | None = None, *, env: Mapping[str, str] | None = None) -> SessionStore:
    """Open the store `url` names (None: as `store_url` finds it; see the module docstring)."""
    chosen = store_url(url, env)
    if chosen in ("", "sqlite", "sqlite:"):
        from wizard.store.sqlite import SQLiteStore

        return SQLiteStore.open_default(env)
    from urllib.parse import unquote, urlsplit

    from wizard.store.pgurl import is_postgres, server_url

    if is_postgres(chosen):
        try:
            # Imported here: psycopg is an optional extra, and only a team store needs it.
            from wizard.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"the team store {server_url(chosen, env).masked()} needs psycopg:"
                " pip install 'edge-wizard[postgres]'"
                f" ({exc.msg})"
            ) from None
        return PostgresStore(chosen, env=env)
    parts = urlsplit(chosen)
    if parts.scheme == "sqlite" and parts.path:
        from wizard.store.sqlite import SQLiteStore

        return SQLiteStore(Path(unquote(parts.path)).expanduser())
    shown = server_url(chosen, env).masked()
    raise StoreError(
        f"unknown session store '{shown}': use postgresql://user@host:port/db,"
        " sqlite:///path/to/sessions.sqlite3, or leave it unset for the home's SQLite file"
    )
