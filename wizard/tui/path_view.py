"""The path panel: a line-API view that renders only the rows in sight.

The path is redrawn after every answer and grows all through an incident. As a
Static in a scroll box, every step re-wrapped and re-rendered every line of it,
a large share of each step with a long path (`benchmarks/tui_step.py`). Here
a line keeps its wrapped rows while it is unchanged, so a step wraps only the
lines that changed and renders only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events
from textual.content import Content, Span
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import Visual

# Content's == compares the text only; a line whose style changed (a step
# struck through when backtracked) must be wrapped again.
LineKey = tuple[str, tuple[Span, ...]]


def line_key(line: Content) -> LineKey:
    return (line.plain, tuple(line.spans))


class PathView(ScrollView):
    """Lines of `Content`, wrapped to the panel's width, kept scrolled to the end.

    Focusable (Tab), so the path can be scrolled from the keyboard alone; the
    next answer puts the focus back on the answers.
    """

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
        self._keys: tuple[LineKey, ...] = ()
        self._rows: list[Strip] = []
        # Each line's rows, for the width and style they were wrapped with.
        self._wrapped: dict[LineKey, list[Strip]] = {}
        self._wrapped_for: tuple[int, VisualStyle | None] = (0, None)

    @property
    def lines(self) -> tuple[Content, ...]:
        return self._lines

    @property
    def plain(self) -> str:
        """The panel's text, as a person reads it."""
        return "\n".join(line.plain for line in self._lines)

    def show(self, lines: Sequence[Content]) -> None:
        """Show these lines and scroll to the last; unchanged lines are not re-wrapped."""
        keys = tuple(line_key(line) for line in lines)
        if keys == self._keys:
            return
        self._lines = tuple(lines)
        self._keys = keys
        self._wrap(to_end=True)

    def rows_of(self, line: Content) -> list[Strip] | None:
        """The rows a line is shown as, if it is shown (for tests)."""
        return self._wrapped.get(line_key(line))

    def on_resize(self, event: events.Resize) -> None:
        self._wrap(to_end=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # Rows carry the colours they were rendered with. Focus and hover
        # change pseudo-classes too: those keep the rows and the position.
        wrapped_with = self._wrapped_for[1]
        if wrapped_with is not None and wrapped_with != self.visual_style:
            self._wrap(to_end=False)

    def _wrap(self, *, to_end: bool) -> None:
        """Wrap the lines to the width; `to_end` scrolls to the current step."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize wraps
        style = self.visual_style
        if self._wrapped_for != (width, style):
            self._wrapped_for = (width, style)
            self._wrapped = {}
        wrapped: dict[LineKey, list[Strip]] = {}
        rows: list[Strip] = []
        for line, key in zip(self._lines, self._keys, strict=True):
            strips = wrapped.get(key)
            if strips is None:
                strips = self._wrapped.get(key)
                if strips is None:
                    strips = Visual.to_strips(self, line, width, None, style) or [Strip([])]
                wrapped[key] = strips
            rows.extend(strips)
        # Only the current lines are kept: a long walk does not grow the cache.
        self._wrapped = wrapped
        self._rows = rows
        self.virtual_size = Size(width, len(rows))
        if to_end:
            # force: Textual allows a scroll only once a layout has shown that
            # the rows overflow, which is after this; without it the first
            # overflow (and a resumed long path) would hide the current step.
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
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
