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

from wizard.export import FORMATS, note_text
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
    note = note_text(WALKS[walk](new_session), fmt)  # type: ignore[arg-type]
    golden = GOLDEN / f"{walk}.{SUFFIX[fmt]}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(note)
    assert note == golden.read_text()


def test_notes_carry_no_control_characters(new_session: Callable[[str], Session]) -> None:
    for fmt in FORMATS:
        note = note_text(full_walk(new_session), fmt)
        assert "\x1b" not in note and "\x07" not in note


def test_json_note_structure(new_session: Callable[[str], Session]) -> None:
    data = json.loads(note_text(full_walk(new_session), "json"))
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


HOSTILE = [
    "[click me](https://evil.example)",
    "# Heading",
    "> quoted",
    "<img src=x onerror=alert(1)>",
    "- a list",
    "1. a list",
    "```\ncode\n```",
    "a | b\n--|--\nc | d",
    "**bold** _em_ ~~gone~~",
    "line one\n# heading on line two\n    indented code",
    "Admin > Telephony > Edges, edge_name",
]
STRUCTURE = {
    "link_open",
    "image",
    "heading_open",
    "blockquote_open",
    "html_inline",
    "html_block",
    "fence",
    "code_block",
    "code_inline",
    "table_open",
    "em_open",
    "strong_open",
    "s_open",
    "bullet_list_open",
    "ordered_list_open",
}


def _structure(note: str) -> list[str]:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    tokens = parser.parse(note)
    found = []
    for token in tokens:
        found += [token.type] if token.type in STRUCTURE else []
        found += [t.type for t in token.children or [] if t.type in STRUCTURE]
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_typed_text_cannot_make_markdown_structure(
    text: str, new_session: Callable[[str], Session]
) -> None:
    """A note, fact or ticket with Markdown in it reads as typed, and the note's
    structure (its own headings, lists and bold labels) is all there is."""

    def note_with(value: str) -> str:
        s = new_session("demo-phone")
        s.set_meta("ticket", value)
        s.set_fact("site", value)
        s.note(value)
        s.answer("yes")
        return note_text(s, "markdown")

    assert _structure(note_with(text)) == _structure(note_with("plain words"))
    # Only what Markdown needs is escaped: no backslash before a '>' mid-line.
    assert "\\>" not in note_with("Admin > Telephony > Edges")


def test_typed_lines_stay_under_their_step_in_the_text_note(
    new_session: Callable[[str], Session],
) -> None:
    """A pasted log keeps its lines in the text note, each indented under the
    step it belongs to: none starts a line of the note, where it could pass
    for one of the note's own sections."""
    pasted = "SIP/2.0 503 Service Unavailable\nRESOLUTION: not a section"
    s = new_session("demo-phone")
    s.note(pasted)
    s.answer("yes")
    lines = note_text(s, "text").splitlines()
    first = next(i for i, line in enumerate(lines) if "SIP/2.0 503" in line)
    assert lines[first + 1] == " " * 9 + "RESOLUTION: not a section"
    assert not any(line.startswith("RESOLUTION: not") for line in lines)
