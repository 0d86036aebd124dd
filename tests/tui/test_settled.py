"""SettledStatic keeps the rows it wrapped for the layout's height and draws
them: what it shows must be exactly what Textual's own Static shows."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.content import Content, Span
from textual.widgets import Static

from wizard.tui.settled import SettledStatic

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


def rows(widget: Static) -> list[list[tuple[str, object]]]:
    strips = widget.render_lines(widget.region.reset_offset)
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
