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

from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.widgets import Static


class SettledStatic(Static):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class SettledVertical(Vertical):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class SettledVerticalScroll(VerticalScroll):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)


class SettledHorizontal(Horizontal):
    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)
