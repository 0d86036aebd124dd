"""No screen text and no note ever shows a raw `{name}`, on any shipped tree.

Every ending of every tree is walked with no facts given (the admin skipped
the incident header), and at each step every text the screen shows is read:
a fact not given must read as its fallback, never as `{edge_name}`.
"""

from __future__ import annotations

import re

import pytest

from tests.trees.test_endings_reachable import _endings, _loaded, _path_to, walk_along
from wizard.export import FORMATS, note_text
from wizard.graph import node_name
from wizard.session import Session, View

RAW = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


def screen_texts(view: View) -> list[str]:
    return [
        view.title,
        view.prompt,
        view.text,
        view.help,
        *view.steps,
        *view.collect,
        *view.params.values(),
    ]


@pytest.mark.parametrize(("tree_id", "ending"), _endings())
def test_no_raw_placeholder_on_the_way_to(tree_id: str, ending: str) -> None:
    graph, trees = _loaded()
    path = _path_to(graph, node_name(tree_id, trees[tree_id].start), ending)
    session = Session(graph, trees, tree_id)

    def no_raw_text(here: str) -> None:
        for text in screen_texts(session.view()):
            assert not RAW.search(text), f"{here}: {text}"

    walk_along(session, graph, path, no_raw_text)
    no_raw_text(ending)
    for fmt in FORMATS:
        note = note_text(session, fmt)
        assert not RAW.search(note.replace("\\", "")), f"{fmt} note:\n{note}"
