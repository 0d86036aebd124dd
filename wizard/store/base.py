"""What a session store is, whichever database holds it.

`SessionStore` is the whole of what the recorder, `resume` and the `sessions`,
`resume` and `export` commands ask of a store, so a second backend (a shared
PostgreSQL for a team, issue 13) can stand in for the SQLite file without
them changing. What every backend must keep:

- `create` stores a new session with the events it already has, and `append`
  adds events and refreshes the session's summary row (`session_summary`),
  each in one transaction: a crash leaves all of it or none, and a second
  process writing at the same time waits rather than fails.
- `events` gives a session's events in the order they were appended, leaving
  out those `rebase` set aside; set-aside events are kept, never deleted, so
  nothing an admin typed is lost when a tree changes under a session.
- `get` takes an exact id, or a prefix that names exactly one session, with
  `%` and `_` taken literally (`prefix_pattern`, `only_match`).
- keys, values, ticket and operator are stored with control characters
  stripped, as they came from untrusted typing or pasting.

The rest of this module is what backends share, so they word errors and
summaries alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from wizard.sanitize import strip_controls
from wizard.session import Event, Session
from wizard.session_lock import SessionLocks


class StoreError(Exception):
    """The session store cannot be opened or a session is not in it."""


@dataclass(frozen=True, slots=True)
class SessionRow:
    """One session as the store lists it: what it runs on, and how far it got."""

    id: str
    tree_id: str
    version: int
    content_hash: str
    trees: dict[str, tuple[int, str]]
    started: datetime
    updated: datetime
    ended: datetime | None
    outcome: str | None
    ticket: str
    operator: str
    steps: int
    # The machine that last recorded a step (`socket.gethostname()`), so a
    # team's list says where an incident is being worked.
    host: str = ""

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def state(self) -> str:
        return self.outcome or "in-progress"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "tree": self.tree_id,
            "version": self.version,
            "sha256": self.content_hash,
            "state": self.state,
            "started": self.started.isoformat(),
            "updated": self.updated.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "steps": self.steps,
            "ticket": self.ticket,
            "operator": self.operator,
            "host": self.host,
        }


class SessionStore(Protocol):
    """The session store, whichever database holds it. See the module docstring."""

    # One window per session, as this store's sessions are shared (a home's
    # flock files, or advisory locks on a team's server as well).
    locks: SessionLocks

    def close(self) -> None:
        """Let go of the store; a shared store first sends what is waiting, briefly."""

    def describe(self) -> str:
        """The store as messages name it: a path, or a URL with its password masked."""

    @property
    def waiting(self) -> int:
        """Events recorded here that a shared server does not have yet (0 for SQLite)."""

    @property
    def saving(self) -> str:
        """For the status line: "" while all is stored where it belongs, else
        what an admin should know ("saved locally, 3 waiting")."""

    def create(self, session: Session) -> None:
        """Record a new session and whatever events it already has."""

    def append(self, session: Session, events: list[Event]) -> None:
        """Append events to a stored session and refresh its summary, atomically."""

    def rebase(self, session: Session, dropped: int) -> None:
        """After a resume: pin the trees the session now runs on, and set aside the
        last `dropped` events that no longer fit them (kept, never deleted)."""

    def sessions(self) -> list[SessionRow]:
        """All sessions, newest first."""

    def get(self, session_id: str) -> SessionRow:
        """A session by id, or by a prefix that names exactly one."""

    def last_unfinished(self, skip: Callable[[str], bool] | None = None) -> SessionRow | None:
        """The unfinished session updated last, leaving out those `skip(id)` names."""

    def events(self, session_id: str) -> list[Event]:
        """The session's events in order, without those `rebase` set aside."""

    def checkout(self, session_id: str) -> list[Event]:
        """`events`, for a session about to be resumed here: a shared store also
        makes ready to record more of it on this machine (`resume` calls it)."""


# -- shared by the backends -------------------------------------------------


class Record(Protocol):
    """A row a database driver returns, read by column name (`sqlite3.Row`, a dict)."""

    def __getitem__(self, column: str, /) -> Any: ...


R = TypeVar("R", bound=Record)


def session_summary(session: Session, host: str = "") -> dict[str, object]:
    """The summary columns of a session's row, refreshed with every append
    (`host`: the machine recording it)."""
    trees = {
        t: [session.trees[t].version, session.trees[t].content_hash] for t in session.trees_seen
    }
    return {
        "trees": json.dumps(trees, sort_keys=True),
        "updated": session.clock().isoformat(),
        "ended": session.ended_at.isoformat() if session.ended_at else None,
        "outcome": session.outcome,
        "ticket": strip_controls(session.meta.get("ticket", "")),
        "operator": strip_controls(session.meta.get("operator", "")),
        "steps": len([s for s in session.active_steps() if not s.automatic]),
        "host": strip_controls(host),
    }


def event_values(session_id: str, event: Event) -> tuple[str, str, str, str, str, str]:
    """An event as stored: (session_id, type, at, node, key, value), text made safe."""
    return (
        session_id,
        event.type,
        event.at.isoformat(),
        event.node,
        strip_controls(event.key),
        strip_controls(event.value),
    )


def session_row(record: Record) -> SessionRow:
    """A `sessions` row as stored (times as ISO text, `trees` as JSON text)."""
    trees = {k: (int(v[0]), str(v[1])) for k, v in json.loads(record["trees"] or "{}").items()}
    return SessionRow(
        id=record["id"],
        tree_id=record["tree_id"],
        version=record["version"],
        content_hash=record["content_hash"],
        trees=trees,
        started=datetime.fromisoformat(record["started"]),
        updated=datetime.fromisoformat(record["updated"]),
        ended=datetime.fromisoformat(record["ended"]) if record["ended"] else None,
        outcome=record["outcome"],
        ticket=record["ticket"],
        operator=record["operator"],
        steps=record["steps"],
        host=record["host"],
    )


def prefix_pattern(session_id: str) -> str:
    """A `LIKE ... ESCAPE '\\'` pattern for ids that start with `session_id`, literally."""
    escaped = session_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def only_match(session_id: str, records: Sequence[R]) -> R:
    """The one record a prefix matched (`records` sorted by id); otherwise the error to show."""
    if len(records) == 1:
        return records[0]
    shown = strip_controls(session_id)
    if not records:
        raise StoreError(f"no session '{shown}' (see `edge-wizard sessions`)")
    ids = ", ".join(r["id"] for r in records[:5])
    raise StoreError(f"'{shown}' matches {len(records)} sessions: {ids}")
