"""Small modal dialogs: the incident header (ticket, operator, facts), a note, the keys,
and the override of a check's measured outcome."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static

from wizard.sanitize import strip_controls
from wizard.tui import screen_text
from wizard.tui.fields import SubmitArea
from wizard.tui.painters import key_bar


class HeaderDialog(ModalScreen[dict[str, str] | None]):
    """Ticket id, operator and the tree's facts. Escape skips; the values are optional.

    Returns {"meta:ticket": ..., "fact:site": ...} with every field's value, or
    None when skipped. Escape after typing keeps what was typed: at 3 a.m. a
    reflex Escape must not throw away a ticket id.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "skip", "Skip", id="header-skip"),
        Binding("ctrl+s", "save", "Save", id="header-save"),
    ]

    def __init__(
        self,
        title: str,
        fields: list[tuple[str, str, str, bool]],
    ) -> None:
        """`fields`: (key, label, value, required) in display order."""
        super().__init__(id="header-dialog")
        self.heading = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(screen_text.styled(self.heading, "bold"), classes="dialog-title")
            with VerticalScroll(id="header-fields"):
                for n, (key, label, value, required) in enumerate(self.fields):
                    text = screen_text.plain(label + (" *" if required else ""))
                    yield Label(text, classes="field-label")
                    yield Input(
                        value=value,
                        id=f"field-{n}",
                        name=key,
                        compact=True,
                    )
            yield Static(
                # One line at 80 columns; Enter on the last field saves too.
                Content("Enter next field · Ctrl+S save · Esc skip (keeps what you typed)"),
                classes="dialog-hint",
            )
        # A key line instead of a Footer: the header is in the first frame, and
        # a Footer composes a widget per key, a large share of the start-up
        # (benchmarks/tui_startup.py). It also covers the incident screen's
        # key bar, whose keys do not apply here.
        yield Static(key_bar([("esc", "Skip"), ("^s", "Save")]), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#header-fields").can_focus = False
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        values = {str(i.name): strip_controls(i.value).strip() for i in self.query(Input)}
        self.dismiss(values)

    def action_skip(self) -> None:
        typed = any(
            i.value != value
            for i, (_, _, value, _) in zip(self.query(Input), self.fields, strict=True)
        )
        if typed:
            self.action_save()
        else:
            self.dismiss(None)


class NoteDialog(ModalScreen[tuple[bool, str]]):
    """A note on the current step: Enter saves, Ctrl+J starts a new line, Esc
    closes without saving. Either way the text comes back (saved, text), so the
    screen can keep an unsaved note as a draft rather than lose it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note-cancel"),
    ]

    def __init__(self, step: str, draft: str = "") -> None:
        super().__init__(id="note-dialog")
        self.step = step
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(screen_text.styled("Note on this step", "bold"), classes="dialog-title")
            yield Static(
                screen_text.plain(screen_text.shorten(self.step, 200)), classes="dialog-step"
            )
            yield SubmitArea(strip_controls(self.draft), id="note-field", soft_wrap=True)
            yield Static(
                Content("Enter saves · Ctrl+J new line · Esc closes (n brings the text back)"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        field = self.query_one(SubmitArea)
        # Esc must close the note, not just leave the field.
        field.action_leave = self.action_cancel  # type: ignore[method-assign]
        field.move_cursor(field.document.end)
        field.focus()

    def on_submit_area_submitted(self, event: SubmitArea.Submitted) -> None:
        event.stop()
        self.dismiss((True, strip_controls(event.value)))

    def action_cancel(self) -> None:
        self.dismiss((False, strip_controls(self.query_one(SubmitArea).text)))


class KeysDialog(ModalScreen[None]):
    """Every key binding of the screen below: key, what it does, and its id."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", id="keys-close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__(id="keys-dialog")
        self.rows = rows

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _, _ in self.rows), default=4) + 2
        lines = [screen_text.styled("Keys", "bold")]
        for key, description, binding_id in self.rows:
            lines.append(
                Content.assemble(
                    (key.ljust(width), "bold"),
                    description.ljust(30),
                    (binding_id, "dim"),
                )
            )
        lines.append(screen_text.styled("Esc closes", "dim"))
        with VerticalScroll(id="dialog"):
            yield Static(screen_text.lines(lines))

    def action_close(self) -> None:
        self.dismiss(None)


class OverrideDialog(ModalScreen[tuple[str, str] | None]):
    """Override a check's measured outcome: pick the outcome, give the reason.

    Returns (outcome, reason), or None when cancelled. A reason is required:
    it goes into the ticket note next to the evidence it contradicts.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="override-cancel"),
    ]
    WORDS: ClassVar[dict[str, str]] = {"pass": "Pass", "fail": "Fail", "error": "Error"}

    def __init__(self, measured: str, choices: list[str]) -> None:
        super().__init__(id="override-dialog")
        self.measured = measured
        self.choices = choices

    def compose(self) -> ComposeResult:
        from textual.widgets.option_list import Option

        measured = self.WORDS.get(self.measured, self.measured)
        with Vertical(id="dialog"):
            yield Static(
                screen_text.styled(f"Override the measured outcome ({measured})", "bold"),
                classes="dialog-title",
            )
            yield OptionList(
                *(
                    Option(
                        Content.assemble((f"{n}. ", "bold"), self.WORDS.get(c, c)),
                        id=f"override-{c}",
                    )
                    for n, c in enumerate(self.choices, 1)
                ),
                id="override-choices",
            )
            yield Label(Content("Reason (it goes into the ticket note)"), classes="field-label")
            yield Input(id="override-reason", compact=True)
            yield Static(id="override-error")
            yield Static(
                Content(
                    f"↑↓ or 1-{len(self.choices)} pick · Enter: to the reason"
                    " · Enter saves · Esc cancels"
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#override-error").display = False
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """A digit picks an outcome at once and moves on to the reason."""
        options = self.query_one(OptionList)
        digit = event.character or ""
        if self.focused is not options or not digit.isdigit():
            return
        index = int(digit) - 1
        if 0 <= index < len(self.choices):
            event.stop()
            options.highlighted = index
            self.query_one("#override-reason").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#override-reason").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = strip_controls(event.value).strip()
        if not reason:
            error = self.query_one("#override-error", Static)
            error.update(
                screen_text.styled("✗ A reason is needed for an override.", "bold $text-error")
            )
            error.display = True
            return
        index = self.query_one(OptionList).highlighted or 0
        self.dismiss((self.choices[index], reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
