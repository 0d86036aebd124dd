"""What a screen asks the app to do, as Textual messages.

The app owns the session, the store, the locks and the screen stack; a screen
or the palette only says what the admin chose, by posting one of these, and
the app's handler does it. So no screen imports the app or calls its methods,
and a screen can be tested by the messages it posts.
"""

from __future__ import annotations

from textual.message import Message


class StartTree(Message):
    """A new session on this tree; the one shown now is kept."""

    def __init__(self, tree_id: str) -> None:
        super().__init__()
        self.tree_id = tree_id


class ResumeSession(Message):
    """Open this stored session here, if no other window has it."""

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id


class Restart(Message):
    """A new session on the current session's tree; the current one is kept."""


class OpenPicker(Message):
    """The tree picker, over the incident or as the base screen."""


class OpenExport(Message):
    """The ticket note's export screen."""


class CopyNote(Message):
    """The Markdown note to the terminal's clipboard."""


class EditHeader(Message):
    """The incident header (ticket, operator, facts), as the admin asked for it."""


class QuitKept(Message):
    """Quit, keeping the session for a resume."""
