"""The sessions `stats` counts, as note data: replayed from a store, or read from JSON notes.

A stored session is replayed on the trees loaded now (`wizard.store.replay`,
by node id, read only) and turned into its note's data (`wizard.export.note_data`), the
same structure `edge-wizard export --format json` writes, so a team without
a server can compute the same figures from the notes it saved. A session whose
tree is no longer loaded still counts by its row (tree, outcome, times),
without its steps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from wizard.catalog import Catalog
from wizard.export import NOTE_SCHEMA, note_data
from wizard.session import AnswerError
from wizard.store.base import SessionRow, SessionStore
from wizard.store.recording import replay


def _row_only(row: SessionRow) -> dict[str, Any]:
    return {
        "schema": NOTE_SCHEMA,
        "session": row.id,
        "tree": {"id": row.tree_id, "title": "", "version": row.version},
        "trees": [],
        "started": row.started.isoformat(),
        "ended": row.ended.isoformat() if row.ended else None,
        "updated": row.updated.isoformat(),
        "outcome": row.state,
        "steps": [],
        "ending": None,
    }


def from_store(store: SessionStore, catalog: Catalog) -> Iterator[dict[str, Any]]:
    """Each stored session's note data (see the module docstring)."""
    from wizard.nodetable import build_node_table

    graph = build_node_table(catalog.trees.values())
    for row in store.sessions():
        if row.tree_id not in catalog.trees:
            yield _row_only(row)
            continue
        try:
            session, _ = replay(store, row, graph, catalog.trees)
            data = note_data(session)
        except (AnswerError, KeyError, ValueError):  # a tree changed beyond replay
            yield _row_only(row)
            continue
        # The row knows the last time anything was recorded, facts included.
        data["updated"] = row.updated.isoformat()
        yield data


class NotesError(ValueError):
    """A file given to `stats` is not an edge-wizard JSON note."""


def from_files(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """The notes in JSON files (one note, or a list of them, per file), each
    session once: a session exported twice counts as its later note."""
    seen: dict[str, dict[str, Any]] = {}
    loose: list[dict[str, Any]] = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise NotesError(f"{path}: not a JSON note ({exc})") from None
        for note in data if isinstance(data, list) else [data]:
            if not isinstance(note, Mapping) or "steps" not in note or "started" not in note:
                raise NotesError(f"{path}: not an edge-wizard JSON note (`export --format json`)")
            note = dict(note)
            key = str(note.get("session") or "")
            if not key:
                loose.append(note)
            elif key not in seen or len(note.get("steps") or []) >= len(
                seen[key].get("steps") or []
            ):
                seen[key] = note
    yield from seen.values()
    yield from loose
