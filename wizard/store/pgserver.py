"""What edge-wizard says to a team's PostgreSQL server, with psycopg 3.

Only `wizard.store.postgres`, `.sender` and `.pglock` import this module, and
only once a `postgresql://` store is chosen: a SQLite start-up never loads
psycopg. Every error leaves here as a `StoreError` (or `ServerAway` when the
server cannot be reached) with the password scrubbed from its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from wizard.session import Event, utc_now
from wizard.store import schema
from wizard.store.base import SessionRow, StoreError, prefix_pattern, session_row
from wizard.store.journal import ROW_COLUMNS, Copy, Op, insert_copy
from wizard.store.pgurl import ServerURL, scrub

Connection = psycopg.Connection[dict[str, Any]]
# Taken while migrating, so two wizards starting on an empty database do not
# both create the tables. The number only has to be edge-wizard's own.
MIGRATE_LOCK = 0x45572D4D  # "EW-M"
AWAY = (psycopg.OperationalError, psycopg.InterfaceError)
# A FATAL from the server is a refusal (a wrong password, no such database),
# which waiting will not cure, unless it says the server is on its way down or up.
PASSING = (
    "starting up",
    "shutting down",
    "too many clients",
    "recovery",
    "terminating connection",
    "server closed the connection",
)


class ServerAway(StoreError):
    """The server cannot be reached, or the connection dropped: work locally."""


@contextmanager
def talking(surl: ServerURL) -> Iterator[None]:
    """psycopg's errors as ours, with every password scrubbed from the words."""
    try:
        yield
    except AWAY as exc:
        text = scrub(f"the team store {surl.masked()}: {exc}", surl.secrets())
        if "FATAL:" in text and not any(word in text for word in PASSING):
            raise StoreError(text) from None
        raise ServerAway(text) from None
    except psycopg.Error as exc:
        raise StoreError(scrub(f"the team store {surl.masked()}: {exc}", surl.secrets())) from None


def connect(surl: ServerURL, **params: str) -> Connection:
    with talking(surl):
        return psycopg.connect(surl.connect_url(**params), autocommit=True, row_factory=dict_row)


def connect_ready(surl: ServerURL) -> Connection:
    """A connection to a server whose schema is up to date (closed again if it is not)."""
    conn = connect(surl, application_name="edge-wizard")
    try:
        ensure_schema(conn, surl)
    except BaseException:
        conn.close()
        raise
    return conn


def ensure_schema(conn: Connection, surl: ServerURL) -> None:
    """Bring the server's schema up to date, or refuse one newer than this edge-wizard."""
    where = surl.masked()
    with talking(surl):
        version = schema.current_version(conn, schema.POSTGRES)
        if version == schema.LATEST:
            return
        schema.pending(version, where)  # a newer schema is refused here
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                version = schema.current_version(conn, schema.POSTGRES)
                todo = schema.pending(version, where)
                schema.apply(conn, schema.POSTGRES, todo, utc_now().isoformat())
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError(
                f"the team store {where} has schema version {version} and this edge-wizard"
                f" needs {schema.LATEST}, but {surl.user() or 'this role'} may not change"
                " the schema: connect once as the role that owns it (see docs/team-store.md)"
            ) from None


# -- reading ---------------------------------------------------------------------


def sessions(conn: Connection) -> list[SessionRow]:
    rows = conn.execute('SELECT * FROM sessions ORDER BY started DESC, id COLLATE "C" DESC')
    return [session_row(r) for r in rows]


def find(conn: Connection, session_id: str) -> list[SessionRow]:
    """The session with this id, or else those whose id starts with it."""
    row = conn.execute("SELECT * FROM sessions WHERE id = %s", (session_id,)).fetchone()
    if row is not None:
        return [session_row(row)]
    rows = conn.execute(
        "SELECT * FROM sessions WHERE id LIKE %s ESCAPE '\\' ORDER BY id COLLATE \"C\"",
        (prefix_pattern(session_id),),
    )
    return [session_row(r) for r in rows]


def events(conn: Connection, session_id: str) -> list[Event]:
    rows = conn.execute(
        "SELECT type, at, node, key, value FROM events"
        " WHERE session_id = %s AND dropped = 0 ORDER BY id",
        (session_id,),
    )
    return [Event.from_json(r) for r in rows]


def copy(conn: Connection, session_id: str) -> Copy | None:
    """The whole session as the server holds it, set-aside events included."""
    with conn.transaction():
        row = conn.execute(
            f"SELECT {ROW_COLUMNS} FROM sessions WHERE id = %s", (session_id,)
        ).fetchone()
        if row is None:
            return None
        found = conn.execute(
            "SELECT type, at, node, key, value, dropped FROM events"
            " WHERE session_id = %s ORDER BY id",
            (session_id,),
        )
        rows = [(e["type"], e["at"], e["node"], e["key"], e["value"], e["dropped"]) for e in found]
        return Copy(dict(row), rows)


# -- writing what the outbox holds -----------------------------------------------

_SUMMARY = (
    "trees = %(trees)s, updated = %(updated)s, ended = %(ended)s, outcome = %(outcome)s,"
    " ticket = %(ticket)s, operator = %(operator)s, steps = %(steps)s, host = %(host)s"
)


def apply(
    conn: Connection, op: Op, added: list[tuple[str, str, str, str, str]], server_id: str
) -> bool:
    """Tell the server one outbox row, in one transaction. False when the server's
    copy has moved on in a way this row does not fit (another machine's steps):
    then nothing is written and the caller keeps this machine's copy apart."""
    with conn.transaction():
        if op.op == "create":
            row = op.payload["row"]
            conn.execute(
                "INSERT INTO sessions (id, tree_id, version, content_hash, started, updated)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                (
                    server_id,
                    row["tree_id"],
                    row["version"],
                    row["content_hash"],
                    row["started"],
                    row["started"],
                ),
            )
        # Writers of one session take turns on its row, so `have` stays true
        # until this transaction ends.
        if (
            conn.execute("SELECT 1 FROM sessions WHERE id = %s FOR UPDATE", (server_id,)).fetchone()
            is None
        ):
            return False
        have = _count(conn, server_id)
        if op.op == "rebase":
            if have != op.base:
                return _rebased_already(conn, op, server_id)
            _set_aside(conn, server_id, op.payload["drop"])
            conn.execute(
                "UPDATE sessions SET version = %s, content_hash = %s WHERE id = %s",
                (op.payload["version"], op.payload["content_hash"], server_id),
            )
        elif have != op.base:
            # Sent before, then the process ended before it noted so: the
            # same events in the same place mean there is nothing to do.
            return have >= op.base + len(added) and _events_at(
                conn, server_id, op.base, len(added)
            ) == [tuple(e) for e in added]
        elif added:
            conn.cursor().executemany(
                "INSERT INTO events (session_id, type, at, node, key, value)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                [(server_id, *e) for e in added],
            )
        conn.execute(
            f"UPDATE sessions SET {_SUMMARY} WHERE id = %(id)s",
            {
                **op.payload["summary"],
                "id": server_id,
            },
        )
    return True


def save_apart(conn: Connection, whole: Copy, session_id: str, suffix: str) -> str:
    """Store this machine's copy of a session whose server copy moved on, under a
    new id (`<id>-<suffix>`), or under its own id if the server has none."""
    with conn.transaction():
        taken = conn.execute("SELECT 1 FROM sessions WHERE id = %s", (session_id,)).fetchone()
        new_id = f"{session_id}-{suffix}" if taken else session_id
        insert_copy(conn, "%s", whole, new_id)
    return new_id


def _count(conn: Connection, session_id: str) -> int:
    row = conn.execute("SELECT count(*) AS n FROM events WHERE session_id = %s", (session_id,))
    return int(row.fetchone()["n"])  # type: ignore[index]


def _events_at(conn: Connection, session_id: str, start: int, n: int) -> list[tuple[Any, ...]]:
    rows = conn.execute(
        "SELECT type, at, node, key, value FROM events WHERE session_id = %s"
        " ORDER BY id OFFSET %s LIMIT %s",
        (session_id, start, n),
    )
    return [(r["type"], r["at"], r["node"], r["key"], r["value"]) for r in rows]


def _ids(conn: Connection, session_id: str) -> list[int]:
    rows = conn.execute("SELECT id FROM events WHERE session_id = %s ORDER BY id", (session_id,))
    return [int(r["id"]) for r in rows]


def _set_aside(conn: Connection, session_id: str, positions: list[int]) -> None:
    ids = _ids(conn, session_id)
    chosen = [ids[p] for p in positions if 0 <= p < len(ids)]
    if chosen:
        conn.execute("UPDATE events SET dropped = 1 WHERE id = ANY(%s)", (chosen,))


def _rebased_already(conn: Connection, op: Op, session_id: str) -> bool:
    ids = _ids(conn, session_id)
    if len(ids) < op.base:
        return False
    flags = conn.execute(
        "SELECT dropped FROM events WHERE session_id = %s ORDER BY id", (session_id,)
    ).fetchall()
    return all(p < len(flags) and flags[p]["dropped"] for p in op.payload["drop"])
