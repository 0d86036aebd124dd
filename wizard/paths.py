"""Where edge-wizard keeps its files: one home folder, laid out here.

The home is `$EDGE_WIZARD_HOME` when it is set (tests, a second install, a
home on another disk), else the platform's user data folder, as `platformdirs`
names it (`~/.local/share/edge-wizard` on Linux,
`~/Library/Application Support/edge-wizard` on macOS, `%LOCALAPPDATA%` on
Windows). Inside it:

    sessions.sqlite3   the session store (`wizard.store`)
    cache/             loaded trees between runs (`wizard.treecache`)
    exports/           notes saved from the TUI (`wizard.notefile`)
    locks/             one lock file per open session (`wizard.session_lock`)

Everything edge-wizard creates there is private to the user (see
`wizard.atomic`): incident notes name customers, sites and numbers.

This module only names paths; it creates nothing. `platformdirs` is imported
only when no `$EDGE_WIZARD_HOME` is set, as every command start-up pays for
what this module imports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "edge-wizard"
ENV_HOME = "EDGE_WIZARD_HOME"


def home_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$EDGE_WIZARD_HOME`, else the platform's user data folder."""
    environ = os.environ if env is None else env
    if environ.get(ENV_HOME):
        return Path(environ[ENV_HOME]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def exports_dir(env: Mapping[str, str] | None = None) -> Path:
    return home_dir(env) / "exports"


def cache_dir(home: Path) -> Path:
    return home / "cache"


def locks_dir(home: Path) -> Path:
    return home / "locks"
