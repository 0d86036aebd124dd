"""SettledStatic keeps the rows it wrapped for the layout's height and draws
them, and SettledVerticalScroll draws one row of its own for all: what they
show must be exactly what Textual's own Static and VerticalScroll show."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Static

from wizard.tui.settled import SettledStatic, SettledVerticalScroll

HELP = Content(
    "Open Admin > Telephony > Trunks, pick the trunk the call used, and look at"
    " Protocol > SIP Access Control. The Edge named the Edge must be listed.\n\n"
    "A second paragraph, wrapped too.",
    [Span(95, 103, "dim italic")],
)
CSS = """
Static { color: $text-muted; border-left: outer $secondary; padding-left: 1; margin-bottom: 1; }
"""


class Pair(App[None]):
    CSS = CSS

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="plain")
        yield SettledStatic(HELP, id="settled")


def rows(widget: Widget, crop: Region | None = None) -> list[list[tuple[str, object]]]:
    strips = widget.render_lines(widget.region.reset_offset if crop is None else crop)
    return [[(seg.text, seg.style) for seg in strip] for strip in strips]


@pytest.mark.parametrize("width", [24, 41, 80])
async def test_draws_what_a_static_draws(width: int) -> None:
    app = Pair()
    async with app.run_test(size=(width, 40)) as pilot:
        await pilot.pause()
        plain = app.query_one("#plain", Static)
        settled = app.query_one("#settled", SettledStatic)
        assert settled.size == plain.size
        assert rows(settled) == rows(plain)
        # Updated text is wrapped again, not taken from the rows kept before.
        for widget in (plain, settled):
            widget.update(Content("Short now."))
        await pilot.pause()
        assert settled.size == plain.size
        assert rows(settled) == rows(plain)
        assert "Short now." in "".join(text for text, _ in rows(settled)[0])


async def test_the_rows_made_for_the_height_are_the_rows_drawn() -> None:
    app = Pair()
    async with app.run_test(size=(41, 40)) as pilot:
        await pilot.pause()
        settled = app.query_one("#settled", SettledStatic)
        kept = settled._rows
        assert kept is not None
        settled.refresh()
        await pilot.pause()
        settled.render_lines(settled.region.reset_offset)
        assert settled._rows is kept  # drawn from the rows the layout measured


def cells(widget: Widget, crop: Region | None = None) -> list[list[tuple[str, object]]]:
    """Each row as its cells: a padding row is one segment where a content
    row is three, and the screen shows the same."""
    return [[(char, style) for text, style in row for char in text] for row in rows(widget, crop)]


class Scrolls(App[None]):
    CSS = """
    VerticalScroll { height: 9; padding: 1 2; background: $panel; }
    .bordered { border-left: outer $secondary; }
    """

    def __init__(self, classes: str) -> None:
        super().__init__()
        self.classes_given = classes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="plain", classes=self.classes_given):
            yield Static("inside")
        with SettledVerticalScroll(id="settled", classes=self.classes_given):
            yield Static("inside")


@pytest.mark.parametrize("classes", ["", "bordered"])
@pytest.mark.parametrize("size", [(30, 12), (81, 25)])
async def test_a_container_draws_what_a_vertical_scroll_draws(
    classes: str, size: tuple[int, int]
) -> None:
    app = Scrolls(classes)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        plain = app.query_one("#plain", VerticalScroll)
        settled = app.query_one("#settled", SettledVerticalScroll)
        assert settled.size == plain.size
        assert cells(settled) == cells(plain)
        # A crop below the first row, as the compositor asks for a dirty region.
        crop = Region(0, 2, plain.size.width, 3)
        assert cells(settled, crop) == cells(plain, crop)


async def test_a_container_draws_one_row_for_all() -> None:
    app = Scrolls("")
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        settled = app.query_one("#settled", SettledVerticalScroll)
        strips = settled.render_lines(settled.region.reset_offset)
        assert len(strips) == settled.region.height
        assert all(strip is strips[0] for strip in strips)
