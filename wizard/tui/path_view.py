"""The path panel: a line-API view that renders only the rows in sight.

The path is redrawn after every answer and grows all through an incident. As a
Static in a scroll box, every step re-wrapped and re-rendered every line of it:
about 3 ms of an 8 ms step with a 30-line path (measured headless, 80x24). Here
a line keeps its wrapped rows while it is unchanged, so a step wraps only the
lines that changed and renders only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual


class PathView(ScrollView, can_focus=False):
    """Lines of `Content`, wrapped to the panel's width, kept scrolled to the end."""

    DEFAULT_CSS = """
    PathView {
        overflow-x: hidden;
        /* No scrollbar: refreshing one after each layout costs every answer a
           second frame. The top row says when there is more above instead. */
        scrollbar-size-vertical: 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: tuple[Content, ...] = ()
        self._rows: list[Strip] = []
        # Each line's rows, for the width and style they were wrapped with.
        self._wrapped: dict[Content, list[Strip]] = {}
        self._wrapped_for: tuple[int, VisualStyle | None] = (0, None)

    @property
    def lines(self) -> tuple[Content, ...]:
        return self._lines

    @property
    def plain(self) -> str:
        """The panel's text, as a person reads it (for tests and copying)."""
        return "\n".join(line.plain for line in self._lines)

    def show(self, lines: Sequence[Content]) -> None:
        """Show these lines and scroll to the last; unchanged lines are not re-wrapped."""
        new = tuple(lines)
        if new == self._lines:
            return
        self._lines = new
        self._wrap()

    def on_resize(self, event: events.Resize) -> None:
        self._wrap()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize wraps
        style = self.visual_style
        if self._wrapped_for != (width, style):
            self._wrapped_for = (width, style)
            self._wrapped = {}
        wrapped: dict[Content, list[Strip]] = {}
        rows: list[Strip] = []
        for line in self._lines:
            strips = wrapped.get(line)
            if strips is None:
                strips = self._wrapped.get(line)
                if strips is None:
                    strips = Visual.to_strips(self, line, width, None, style) or [Strip([])]
                wrapped[line] = strips
            rows.extend(strips)
        # Only the current lines are kept: a long walk does not grow the cache.
        self._wrapped = wrapped
        self._rows = rows
        self.virtual_size = Size(width, len(rows))
        self.scroll_end(animate=False, immediate=True, x_axis=False)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        style = self.visual_style
        above = self.scroll_offset.y
        if y == 0 and above:
            return self._more_above(above + 1, width, style)
        index = above + y
        if index >= len(self._rows):
            return Strip.blank(width, style.rich_style)
        return self._rows[index].crop_extend(0, width, style.rich_style)

    def _more_above(self, rows: int, width: int, style: VisualStyle) -> Strip:
        text = Content.styled(f"↑ {rows} more row{'s' if rows > 1 else ''} above", "dim italic")
        strips = Visual.to_strips(self, text, width, 1, style)
        return strips[0].crop_extend(0, width, style.rich_style)
