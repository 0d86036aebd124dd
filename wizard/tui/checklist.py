"""The resolution's steps as a checklist whose ticks read without colour.

Textual's SelectionList draws the same "X" box for ticked and unticked items
and tells them apart only by colour, which is lost on a monochrome terminal
(or to a colour-blind admin). Here the box is not drawn; each step's label
starts with `[x]` or `[ ]` instead, as plain text.
"""

from __future__ import annotations

from textual.containers import ScrollableContainer
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.selection_list import Selection

from wizard.tui import screen_text

TICKED = "[x] "
UNTICKED = "[ ] "


def label(number: int, step: str, ticked: bool) -> Content:
    mark = (TICKED, "bold") if ticked else (UNTICKED, "")
    return Content.assemble(mark, f"{number}. ", screen_text.plain(step))


class Checklist(SelectionList[int]):
    """Steps numbered from 1 (the value); Space or a click ticks the highlighted one."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.steps: dict[int, str] = {}

    def load(self, steps: list[str], ticked: set[int]) -> None:
        self.steps = dict(enumerate(steps, 1))
        with self.prevent(SelectionList.SelectedChanged):
            self.clear_options()
            self.add_options(
                Selection(label(n, s, n in ticked), n, n in ticked) for n, s in self.steps.items()
            )
            if steps:
                self.highlighted = 0

    def show_ticks(self) -> None:
        """Rewrite every label's mark after a tick changed."""
        selected = set(self.selected)
        for index in range(self.option_count):
            number = self.get_option_at_index(index).value
            text = self.steps.get(number, "")
            self.replace_option_prompt_at_index(index, label(number, text, number in selected))

    def scroll_to_highlight(self, top: bool = False) -> None:
        # The list is as tall as its steps (each wrapped in full), so the step
        # pane around it is what must scroll to keep the highlighted step in view.
        super().scroll_to_highlight(top)
        highlighted, pane = self.highlighted, self.parent
        if highlighted is None or not isinstance(pane, ScrollableContainer):
            return
        y = self._index_to_line.get(highlighted)
        if y is None:
            return
        region = Region(0, self.virtual_region.y + y, self.size.width, self._heights[highlighted])
        pane.scroll_to_region(region, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        # The option line as OptionList draws it: no colour-only box in front.
        return OptionList.render_line(self, y)
