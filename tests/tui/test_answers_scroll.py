"""The answers scroll only when they are taller than their room, and a list
that grows never shows a scrollbar for a frame on the way."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from tests.tui.conftest import MakeApp
from wizard.tui.incident import IncidentScreen

LONG = "a long answer that wraps onto a second line at eighty columns, as some do"
TREE = f"""\
id: many-answers
title: Many answers
summary: A short question, then one with more answers than fit at 80x24.
version: 1
start: short
nodes:
  short:
    kind: question
    text: Two answers first?
    answers:
      - {{label: "Yes", next: many}}
      - {{label: "No", next: done}}
    sources: [inferred]
  many:
    kind: question
    text: Nine long answers now?
    answers:
{"".join(f'      - {{label: "{n}: {LONG}", next: done}}{chr(10)}' for n in range(1, 10))}\
    sources: [inferred]
  done:
    kind: resolution
    title: Done
    steps: [Nothing.]
    sources: [inferred]
"""


def write_tree(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "many.yaml").write_text(TREE, encoding="utf-8")
    return folder


async def test_a_growing_list_shows_no_scrollbar_until_it_is_taller_than_its_room(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app("many-answers", dirs=(write_tree(tmp_path / "trees"),))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        options = screen.query_one("#options", OptionList)
        assert not options.show_vertical_scrollbar
        # At 160x50 the nine answers (one line each) fit in max-height 12:
        # right after the answer, before any layout, and after it.
        await pilot.press("1")
        assert not options.show_vertical_scrollbar
        await pilot.pause()
        assert options.option_count == 9
        assert not options.show_vertical_scrollbar
        assert options.styles.overflow_y == "hidden"


async def test_a_list_taller_than_its_room_scrolls(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app("many-answers", dirs=(write_tree(tmp_path / "trees"),))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        options = screen.query_one("#options", OptionList)
        await pilot.press("1")
        await pilot.pause()
        await pilot.pause()
        # Eighteen lines of answers in at most 40% of 24 rows.
        assert options.virtual_size.height > options.size.height
        assert options.styles.overflow_y == "auto"
        assert options.show_vertical_scrollbar
        # The keyboard reaches the last answer, and it is scrolled into view.
        for _ in range(8):
            await pilot.press("down")
        await pilot.pause()
        assert options.highlighted == 8
        assert options.scroll_y > 0
        # Back to two answers: no scrollbar again.
        await pilot.press("backspace")
        await pilot.pause()
        await pilot.pause()
        assert options.option_count == 2
        assert not options.show_vertical_scrollbar


async def test_a_list_that_no_longer_fits_after_a_resize_scrolls(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app("many-answers", dirs=(write_tree(tmp_path / "trees"),))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        options = app.screen.query_one("#options", OptionList)
        assert not options.show_vertical_scrollbar
        # Narrower and shorter: the answers wrap to two lines each, in 40% of 24 rows.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert options.virtual_size.height > options.size.height
        assert options.show_vertical_scrollbar
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        await pilot.pause()
        assert not options.show_vertical_scrollbar
