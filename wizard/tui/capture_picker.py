"""Choosing a capture file for a `parse: pcap` input without typing its path.

Admins download the PCAP from SIP Diagnostics or copy one off an SBC; typing
`~/Downloads/7f3c…pcapng` at 3 a.m. is where mistakes happen. The picker
lists folders and capture files only, starting from the folder of what was
typed (or the current folder), and can climb to the parent.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from wizard.capture.answer import capture_path
from wizard.tui import screen_text
from wizard.tui.painters import key_bar

# What SIP Diagnostics, tcpdump, Wireshark and dumpcap save.
CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap", ".dmp")


def is_capture_name(path: Path) -> bool:
    return path.name.lower().endswith(CAPTURE_SUFFIXES)


def start_folder(typed: str, fallback: Path) -> Path:
    """The folder to open: the one typed, or the folder of a file typed, if it exists."""
    if typed.strip():
        path = capture_path(typed)
        for candidate in (path, path.parent):
            if candidate.is_dir():
                return candidate.resolve()
    return fallback.resolve()


def listed(paths: Iterable[Path]) -> list[Path]:
    """Folders and capture files; dot-files stay out of the way."""
    shown = []
    for path in paths:
        if path.name.startswith("."):
            continue
        try:
            if path.is_dir() or (path.is_file() and is_capture_name(path)):
                shown.append(path)
        except OSError:
            continue  # a dangling link or a folder we may not read
    return shown


class CaptureTree(DirectoryTree):
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return listed(paths)


class CapturePicker(ModalScreen[Path | None]):
    """Returns the capture file chosen, or None when the admin backs out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="capture-cancel"),
        Binding("backspace", "parent", "Parent folder", id="capture-parent"),
    ]

    def __init__(self, folder: Path) -> None:
        super().__init__(id="capture-picker")
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled("Choose the capture file", "bold"), classes="dialog-title")
            yield Static(screen_text.plain(str(self.folder)), id="capture-folder")
            yield CaptureTree(self.folder, id="capture-tree")
            yield Static(
                Content("Folders and .pcap, .pcapng, .cap files only."), classes="dialog-hint"
            )
        keys = [("enter", "Open / read"), ("⌫", "Parent folder"), ("esc", "Cancel")]
        yield Static(key_bar(keys), classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(CaptureTree).focus()

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(event.path)

    def action_parent(self) -> None:
        parent = self.folder.parent
        if parent == self.folder:
            self.app.bell()
            return
        self.folder = parent
        self.query_one("#capture-folder", Static).update(screen_text.plain(str(parent)))
        self.query_one(CaptureTree).path = parent
