"""A text field for values and notes: pasted multi-line text is fine, Enter submits."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

from wizard.sanitize import strip_controls


class SubmitArea(TextArea):
    """TextArea where Enter submits and Ctrl+J starts a new line.

    A paste keeps its line breaks (a log excerpt, a SIP header) but loses any
    control characters before it is shown, so an escape sequence in the
    clipboard never reaches the terminal.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j", "newline", "New line", id="field-newline"),
        Binding("escape", "leave", "Leave field", id="field-leave"),
    ]

    class Submitted(Message):
        def __init__(self, area: SubmitArea, value: str) -> None:
            super().__init__()
            self.area = area
            self.value = value

        @property
        def control(self) -> SubmitArea:
            return self.area

    async def _on_key(self, event: events.Key) -> None:
        # Runs before TextArea's own handler, which inserts a newline on Enter.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if self.read_only:
            return
        # Terminals send a paste's line breaks as CR (xterm, VTE, tmux), which
        # strip_controls would drop, running the lines of a SIP message together.
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")
        if result := self._replace_via_keyboard(strip_controls(text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()

    def action_newline(self) -> None:
        self._replace_via_keyboard("\n", *self.selection)

    def action_leave(self) -> None:
        self.screen.set_focus(None)
