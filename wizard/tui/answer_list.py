"""The list of answers under a step: an OptionList that scrolls only when its
answers are taller than its room.

The list grows to fit its answers in the layout after `set_options`, but
Textual decides the scrollbar as soon as the new answers are measured, against
the height the old ones had: with `overflow-y: auto` a list that grew showed a
scrollbar for one frame and took a second layout to hide it. Here the list
can scroll only while its answers are taller than its max-height, decided when
they are measured (new answers, a new width) and when its room changes (a
resize).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import OptionList


class AnswerList(OptionList):
    DEFAULT_CSS = """
    AnswerList {
        overflow-y: hidden;
    }
    """

    def watch_virtual_size(self, size: Size) -> None:
        self._fit_overflow(size)

    def on_resize(self) -> None:
        self._fit_overflow(self.virtual_size)

    def _fit_overflow(self, size: Size) -> None:
        room = self.styles.max_height
        if room is None or not size.height:
            return
        tall = size.height > room.resolve(self.container_size, self.app.size)
        overflow = "auto" if tall else "hidden"
        if self.styles.overflow_y != overflow:
            self.styles.overflow_y = overflow
