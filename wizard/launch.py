"""What the interactive wizard starts with, prepared headless.

`edge-wizard run`, `resume` and a bare `edge-wizard` (and the tests) gather
the trees, the store and the session to open into a `Launch`, report any
problem on stderr while the terminal is still theirs, and only then hand it
to the TUI (`wizard.tui.app.create_app`). It lives in the core, not beside
the app, so that the command layer can build one without importing Textual.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.catalog import Catalog
from wizard.paths import exports_dir
from wizard.sanitize import strip_controls
from wizard.session import new_session_id, utc_now
from wizard.userconfig import UserConfig

if TYPE_CHECKING:
    from wizard.nodetable import NodeTable
    from wizard.session_lock import SessionLock
    from wizard.store.base import SessionRow, SessionStore


def login_name() -> str:
    try:
        return strip_controls(getpass.getuser())
    except (KeyError, OSError):  # no passwd entry in some containers
        return ""


@dataclass
class Launch:
    """Everything the app needs, prepared headless by the CLI (or a test)."""

    catalog: Catalog
    table: NodeTable
    store: SessionStore
    tree_id: str | None = None
    resume: SessionRow | None = None
    clock: Callable[[], datetime] = utc_now
    new_id: Callable[[datetime], str] = new_session_id
    operator: str = field(default_factory=login_name)
    exports: Path = field(default_factory=exports_dir)
    # The incident header at the start of a new session (Escape skips it).
    ask_header: bool = True
    # `run` and `resume` load only the trees the walk can reach; this loads
    # every tree, when the picker or the palette's tree list first needs them.
    load_all: Callable[[], Catalog] | None = None
    # The resumed session's lock, already taken by `edge-wizard resume`.
    lock: SessionLock | None = None
    # Shown as notifications once the first screen is up.
    notes: list[str] = field(default_factory=list)
    # The admin's theme and keymap (`wizard.userconfig`), none by default.
    user_config: UserConfig = field(default_factory=UserConfig)
