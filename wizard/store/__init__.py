"""Sessions on disk: the store, its recorder, and resuming a stored session.

- `base`: what a store is (`SessionStore`), whichever database holds it, and
  the row and error types every backend shares;
- `schema`: the one schema both backends share, as numbered migrations;
- `sqlite`: the default, a SQLite file in WAL mode in the home;
- `postgres`: a team's shared store on PostgreSQL (with `pgserver`, `pglock`,
  `pgurl`, and `journal` and `sender`, which keep it working without the
  server; see `docs/team-store.md`), imported only when chosen;
- `select`: which of them this run uses (`open_store`);
- `recording`: `Recorder` and `resume`, which keep a live session and its
  stored copy in step through any `SessionStore`, and `replay`, which reads a
  stored session back without writing.

No UI here: the TUI and the CLI commands both use this package.

`home_dir`, `exports_dir`, `ENV_HOME` (now `wizard.paths`), `write_atomic`
(`wizard.atomic`) and `save_export`, `EXPORT_SUFFIXES` (`wizard.notefile`) are
still importable from here for the callers that have not moved to their new
homes; new code imports them from there.
"""

from __future__ import annotations

from wizard.atomic import write_atomic
from wizard.notefile import EXPORT_SUFFIXES, save_export
from wizard.paths import ENV_HOME, exports_dir, home_dir
from wizard.store.base import SessionRow, SessionStore, StoreError
from wizard.store.recording import Recorder, Resumed, replay, resume, tree_changes
from wizard.store.select import open_store
from wizard.store.sqlite import BUSY_TIMEOUT_MS, DB_NAME, SCHEMA_VERSION, SQLiteStore

# The SQLite store by its old name: callers that open or annotate "the store".
Store = SQLiteStore

__all__ = [
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "ENV_HOME",
    "EXPORT_SUFFIXES",
    "SCHEMA_VERSION",
    "Recorder",
    "Resumed",
    "SQLiteStore",
    "SessionRow",
    "SessionStore",
    "Store",
    "StoreError",
    "exports_dir",
    "home_dir",
    "open_store",
    "replay",
    "resume",
    "save_export",
    "tree_changes",
    "write_atomic",
]
