"""A live session kept in step with its stored copy: recording it, resuming it,
and reading it back.

All work on any `SessionStore`, so they stay the same when the store is not
the SQLite file. `replay` is the one replay of a stored session: its events on
the trees loaded now (`Session.replay`, by node id), read only, for an export
or the figures. `resume` replays the same way but takes the session over to
go on recording it (a shared store's checkout); when a tree changed, the store
is told which trees the session now runs on and which trailing events no
longer fit, and those are set aside, never deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from wizard.session import Event, Session, utc_now
from wizard.store.base import SessionRow, SessionStore, StoreError

if TYPE_CHECKING:
    from wizard.model import Tree
    from wizard.nodetable import WalkNodes


class Recorder:
    """Keeps a stored session in step with a live one.

    Call `sync()` after every action on the session: it appends the events
    recorded since the last sync in one transaction. The TUI calls it before it
    redraws, so what is on screen is always already on disk.
    """

    def __init__(self, store: SessionStore, session: Session, *, saved: int | None = None) -> None:
        self.store = store
        self.session = session
        if saved is None:
            store.create(session)
            saved = len(session.events)
        self.saved = saved

    @property
    def saving(self) -> str:
        """What the status line says about saving ("" while all is where it
        belongs, "saved locally, 3 waiting" while a team's server is away)."""
        return self.store.saving

    def sync(self) -> None:
        new = self.session.events[self.saved :]
        if not new:
            return
        self.store.append(self.session, new)
        self.saved += len(new)


@dataclass(slots=True)
class Resumed:
    session: Session
    recorder: Recorder
    dropped: int
    # One line per tree that changed since the session pinned it.
    changes: list[str]


def tree_changes(row: SessionRow, trees: Mapping[str, Tree]) -> list[str]:
    pinned = dict(row.trees) or {row.tree_id: (row.version, row.content_hash)}
    changes = []
    for tree_id, (version, digest) in sorted(pinned.items()):
        tree = trees.get(tree_id)
        if tree is None:
            changes.append(f"tree '{tree_id}' is no longer loaded")
        elif tree.content_hash != digest:
            changes.append(
                f"tree '{tree_id}' changed since the session started"
                f" (v{version} -> v{tree.version})"
            )
    return changes


def _replay(
    row: SessionRow,
    events: list[Event],
    nodes: WalkNodes,
    trees: Mapping[str, Tree],
    clock: Callable[[], datetime] | None,
) -> tuple[Session, int]:
    if row.tree_id not in trees:
        raise StoreError(f"session {row.id} needs tree '{row.tree_id}', which is not loaded")
    return Session.replay(
        nodes,
        trees,
        row.tree_id,
        events,
        session_id=row.id,
        started_at=row.started,
        clock=clock or utc_now,
    )


def replay(
    store: SessionStore,
    row: SessionRow,
    nodes: WalkNodes,
    trees: Mapping[str, Tree],
    *,
    clock: Callable[[], datetime] | None = None,
) -> tuple[Session, int]:
    """A stored session rebuilt on the trees loaded now, by node id, and how many
    of its trailing events no longer fit: read only, the store is not told.

    Raises `StoreError` when the session's tree is not loaded."""
    return _replay(row, store.events(row.id), nodes, trees, clock)


def resume(
    store: SessionStore,
    row: SessionRow,
    nodes: WalkNodes,
    trees: Mapping[str, Tree],
    *,
    clock: Callable[[], datetime] | None = None,
) -> Resumed:
    """Rebuild a stored session on the trees loaded now, replaying by node id, to
    go on recording it: the store checks it out, and is told when it changed."""
    session, dropped = _replay(row, store.checkout(row.id), nodes, trees, clock)
    changes = tree_changes(row, trees)
    if changes or dropped:
        store.rebase(session, dropped)
    return Resumed(session, Recorder(store, session, saved=len(session.events)), dropped, changes)
