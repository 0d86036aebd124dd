"""The key bar: the keys that apply, fitted to the width, each one clickable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui.checktrees import write_tcp_tree
from tests.tui.conftest import MakeApp
from tests.tui.test_capture_input import TREE, TREES, to_the_capture_input
from wizard.tui.dialogs import NoteDialog
from wizard.tui.key_bar import KEYS_LIST, Key, KeyBar, key_line

KEYS = [
    Key("1", "1-9", "Answer"),
    Key("backspace", "⌫", "Back"),
    Key("n", "n", "Note"),
    Key("question_mark", "?", "Keys", binding_id=KEYS_LIST),
    Key("q", "q", "Quit"),
]
PALETTE = Key("ctrl+p", "^p", "Commands")


@pytest.mark.parametrize("width", [80, 40, 31, 12])
def test_the_line_fills_the_width_exactly(width: int) -> None:
    line = key_line(KEYS, width, PALETTE)
    assert line.content.cell_length == width
    # The palette's key keeps the right edge while it fits at all.
    assert line.content.plain.endswith("▏^p Commands ") == (width >= len("▏^p Commands "))


def test_keys_give_way_from_the_right_but_the_keys_list_stays() -> None:
    wide = key_line(KEYS, 80, PALETTE).content.plain
    assert "q Quit" in wide and "? Keys" in wide
    narrow = key_line(KEYS, 46, PALETTE).content.plain
    assert "q Quit" not in narrow
    assert "? Keys" in narrow
    assert " 1-9 Answer " in narrow
    # Whole keys only: never a key cut in half.
    for plain in (wide, narrow, key_line(KEYS, 33, PALETTE).content.plain):
        for key in KEYS:
            piece = f" {key.shown} {key.description} "
            assert piece in plain or f" {key.shown} " not in plain


def test_each_cell_knows_the_key_it_sends() -> None:
    line = key_line(KEYS, 80, PALETTE)
    plain = line.content.plain
    note = plain.index("Note")
    assert line.key_at(note) == KEYS[2]
    assert line.key_at(plain.index("Commands")) == PALETTE
    gap = plain.index("Quit") + len("Quit ") + 2
    assert line.key_at(gap) is None


async def test_at_80_columns_the_bar_shows_whole_keys_and_the_keys_list(
    make_app: MakeApp,
) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        plain = str(bar.render())
        assert len(plain) == 80
        assert "? Keys" in plain
        assert "? K▏" not in plain
        assert plain.endswith("▏^p Commands ")


async def test_clicking_a_key_sends_it(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        x = str(bar.render()).index("Note")
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)


async def test_the_bar_follows_the_keys_that_apply(make_app: MakeApp) -> None:
    app = make_app(TREE, dirs=(TREES,))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert "Choose file" not in str(app.screen.query_one(KeyBar).render())
        await to_the_capture_input(app, pilot)
        await pilot.pause()
        assert "^o Choose file" in str(app.screen.query_one(KeyBar).render())


def test_the_keys_named_to_give_way_go_first() -> None:
    keys = [
        Key("1", "1-9", "Answer", binding_id="answer-1"),
        Key("n", "n", "Note", binding_id="note"),
        Key("e", "e", "Export", binding_id="export"),
        Key("r", "r", "Run check", binding_id="check-run"),
        Key("question_mark", "?", "Keys", binding_id=KEYS_LIST),
        Key("q", "q", "Quit", binding_id="quit"),
    ]
    plain = key_line(keys, 52, PALETTE, gives_way=("quit", "export", "note")).content.plain
    assert "r Run check" in plain and "? Keys" in plain and "1-9 Answer" in plain
    assert "q Quit" not in plain and "e Export" not in plain


async def test_on_a_check_at_80_columns_its_keys_stay(make_app: MakeApp, tmp_path: Path) -> None:
    folder = write_tcp_tree(tmp_path / "trees", 5060)
    app = make_app("tui-checks", dirs=(folder,))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        plain = str(app.screen.query_one(KeyBar).render())
        assert "r Run check" in plain
        assert "? Keys" in plain
