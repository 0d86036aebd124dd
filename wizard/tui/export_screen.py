"""The ticket note: the same `wizard.export.note_text` as `edge-wizard export`, three formats."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from wizard.export import FORMATS, Format, note_text
from wizard.session import Session
from wizard.store import save_export
from wizard.tui import screen_text as show
from wizard.tui.key_bar import KeyBar

FORMAT_NAMES = {"markdown": "Markdown", "text": "Text", "json": "JSON"}
COPY_MESSAGE = (
    "Sent the {fmt} note to the terminal's clipboard (OSC 52). Some terminals ignore"
    " this: check by pasting, or save it to a file with s."
)


class ExportScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "next_format", "Switch format", id="export-format"),
        Binding("c", "copy", "Copy", id="export-copy"),
        Binding("s", "save", "Save to file", id="export-save"),
        Binding("escape,e", "close", "Close", id="export-close"),
    ]

    def __init__(self, session: Session, exports: Path, fmt: Format = "markdown") -> None:
        super().__init__(id="export")
        self.session = session
        self.exports = exports
        self.fmt: Format = fmt
        self.saved: Path | None = None

    def note(self) -> str:
        return note_text(self.session, self.fmt)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Static(id="export-title")
            with VerticalScroll(id="export-body"):
                yield Static(id="export-note")
            yield Static(id="export-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        tabs = []
        for fmt in FORMATS:
            name = FORMAT_NAMES[fmt]
            tabs.append((f" {name} ", "reverse bold") if fmt == self.fmt else (f" {name} ", ""))
        self.query_one("#export-title", Static).update(
            Content.assemble(("Ticket note ", "bold"), *tabs, ("  t switches", "dim"))
        )
        self.query_one("#export-note", Static).update(show.plain(self.note()))

    def _status(self, message: str) -> None:
        self.query_one("#export-status", Static).update(show.plain(message))

    def action_next_format(self) -> None:
        self.fmt = FORMATS[(FORMATS.index(self.fmt) + 1) % len(FORMATS)]
        self._show()

    def action_copy(self) -> None:
        # note_text() has stripped control characters, so the OSC 52 payload is
        # only the note; the terminal may still drop it, so never say it arrived.
        self.app.copy_to_clipboard(self.note())
        message = COPY_MESSAGE.format(fmt=FORMAT_NAMES[self.fmt])
        self._status(message)
        self.notify(message, markup=False)

    def action_save(self) -> None:
        try:
            path = save_export(self.exports, self.session.id, self.fmt, self.note())
        except OSError as exc:
            self._status(f"Could not save: {exc}")
            self.notify(f"Could not save: {exc}", severity="error", markup=False)
            return
        self.saved = path
        self._status(f"Saved to {path}")
        self.notify(f"Saved to {path}", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
