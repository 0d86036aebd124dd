"""The ticket note in all three formats, against golden files.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/engine/test_export.py`
and review the diff like any other change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.export import FORMATS, render
from wizard.session import Session

GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"markdown": "md", "text": "txt", "json": "json"}


def full_walk(make: Callable[[str], Session]) -> Session:
    s = make("demo-phone")
    s.set_meta("ticket", "INC-4711")
    s.set_meta("operator", "ops [bold]admin[/bold]")
    s.set_fact("site", "HQ *London*")
    s.note("Caller: `Ann` <ann@example.com>")
    s.answer("Yes")
    s.answer("500")  # crosses into demo-edge
    s.back()
    s.answer("403")
    s.tick(2, True)
    s.back()  # the fix is left half done: the note keeps it, backtracked
    s.answer("403")
    s.tick(1, True)
    s.note("carrier \x1b[2J confirmed")
    s.answer("no")  # not fixed -> unresolved -> escalation
    return s


def resolved_walk(make: Callable[[str], Session]) -> Session:
    s = make("demo-phone")
    s.set_fact("site", "HQ")
    s.answer("1")
    s.answer("500")
    s.answer("No")
    s.answer("yes")
    return s


def in_progress_walk(make: Callable[[str], Session]) -> Session:
    s = make("demo-phone")
    s.answer("yes")
    return s


WALKS = {"escalated": full_walk, "fixed": resolved_walk, "in-progress": in_progress_walk}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("walk", sorted(WALKS))
def test_golden_note(walk: str, fmt: str, new_session: Callable[[str], Session]) -> None:
    note = render(WALKS[walk](new_session), fmt)  # type: ignore[arg-type]
    golden = GOLDEN / f"{walk}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(note)
    assert note == golden.read_text()


def test_notes_carry_no_control_characters(new_session: Callable[[str], Session]) -> None:
    for fmt in FORMATS:
        note = render(full_walk(new_session), fmt)
        assert "\x1b" not in note and "\x07" not in note


def test_json_note_structure(new_session: Callable[[str], Session]) -> None:
    data = json.loads(render(full_walk(new_session), "json"))
    assert data["outcome"] == "escalated"
    # The walk crossed into demo-edge and backed out: only the active path counts.
    assert [t["id"] for t in data["trees"]] == ["demo-phone"]
    # The fix left with back is kept, backtracked, with the step ticked on it.
    backtracked = [s["backtracked"] for s in data["steps"]]
    assert backtracked == [False, True, True, True, True, False, False]
    left = data["steps"][4]
    assert (left["kind"], left["title"], left["ticked"]) == (
        "resolution",
        "Fix the ACL for HQ *London*",
        [2],
    )
    assert data["steps"][6]["ticked"] == [1, 2]
    assert data["ending"]["collect"] == ["The conversation ID", "The dialled number at HQ *London*"]
    assert len(data["tree"]["sha256"]) == 64
