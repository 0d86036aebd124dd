"""A ticket note saved to a file: `exports/<session id>.<md|txt|json>`.

The TUI's export screen saves here, so that a terminal that ignores the
clipboard (OSC 52) still leaves the admin a note to paste. One file per session
and format: saving again replaces it, atomically and private (`wizard.atomic`).
"""

from __future__ import annotations

from pathlib import Path

from wizard.atomic import write_atomic

EXPORT_SUFFIXES = {"markdown": ".md", "text": ".txt", "json": ".json"}


def save_export(folder: Path, session_id: str, fmt: str, text: str) -> Path:
    """Write a note as `<folder>/<session id>.<suffix>`; returns the absolute path."""
    path = (folder / f"{session_id}{EXPORT_SUFFIXES[fmt]}").resolve()
    write_atomic(path, text)
    return path
