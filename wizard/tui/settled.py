"""Widgets that do not ask for a second layout after every step.

When a layout gives a widget a new size, Textual's `_size_updated` also sets
its `virtual_size` reactive, which asks for another full layout of the screen
at once. For the step column that meant two layouts per answer whenever the
new question or its help had a different number of lines (on the shipped
trees: nearly always), and a layout with the whole screen re-rendered is most
of a step's cost. These widgets take the size the layout just computed as
settled. A scrollbar that appears or goes still asks for its own layout
(`show_vertical_scrollbar` is a layout reactive), so text is re-wrapped to the
narrower width when it must be. (Textual's ScrollView, and so OptionList, never
had the second layout.)
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import Visual
from textual.widget import _RenderCache
from textual.widgets import Static


class SettledStatic(Static):
    """A Static that also wraps its text once per step instead of twice.

    Textual wraps a Static's content to measure its height for the layout, then
    wraps it again to draw it. Here the rows made for the height are kept and
    drawn, while the content, width and style are those they were made with.
    """

    _rows: tuple[Visual, int, Style, list[Strip]] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def _rows_for(self, width: int) -> list[Strip]:
        visual = self._render()
        style = self.visual_style
        kept = self._rows
        if kept is not None and kept[0] is visual and kept[1] == width and kept[2] == style:
            return kept[3]
        rows = Visual.to_strips(self, visual, width, None, style)
        self._rows = (visual, width, style, rows)
        return rows

    @property
    def _drawn_as_measured(self) -> bool:
        # A selection is drawn into the rows, and alignment needs the final
        # height: both take Textual's own way.
        return self.text_selection is None and self.styles.content_align == ("left", "top")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not width or not self._drawn_as_measured:
            return super().get_content_height(container, viewport, width)
        return len(self._rows_for(width))

    def _render_content(self) -> None:
        if not self._drawn_as_measured:
            super()._render_content()
            return
        # _RenderCache is Textual's own (private) holder of drawn rows; textual
        # is pinned exactly, and tests/tui/test_settled.py compares the result
        # with a plain Static's.
        self._render_cache = _RenderCache(self.size, self._rows_for(self.size.width))
        self._dirty_regions.clear()


class SettledVerticalScroll(VerticalScroll):
    """A VerticalScroll that takes its size as settled and draws one row of its
    own for all of them.

    A container's own rows are only its background under its children, but
    when its size changes (on most steps, as the answers under it change)
    Textual re-renders each of them through its styles. With no border, every
    row is the same: one is drawn and repeated. (Textual's `BLANK` does the
    same, but its blank row also carries the foreground colour, which changes
    nothing on screen and every snapshot.)
    """

    def render_lines(self, crop: Region) -> list[Strip]:
        bordered = any(edge not in ("", "none", "hidden") for edge, _ in self.styles.border)
        if bordered or self.border_title or self.border_subtitle:
            return super().render_lines(crop)
        first = super().render_lines(Region(crop.x, crop.y, crop.width, 1))
        return first * crop.height

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)
