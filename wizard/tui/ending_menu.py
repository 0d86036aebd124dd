"""What the admin can do once the walk has ended, as numbered answers.

Each action but "back" is the app's to carry out: the screen posts the
message, so it never calls the app (wizard.tui.messages).
"""

from __future__ import annotations

from textual.content import Content
from textual.message import Message

from wizard.tui import messages
from wizard.tui.painters import numbered

END_ACTIONS: dict[str, str] = {
    "end-escalate": "Escalate: export the note for a support case",
    "end-export": "Export the ticket note",
    "end-back": "Back: change the last answer",
    "end-restart": "Start this tree again (new session)",
    "end-picker": "Pick another tree",
    "end-quit": "Quit",
}
BACK = "end-back"


def end_actions(outcome: str | None) -> list[str]:
    """Escalating is offered first when the fix did not work."""
    keys = list(END_ACTIONS)
    if outcome != "not-fixed":
        keys.remove("end-escalate")
    return keys


def end_options(outcome: str | None) -> list[tuple[Content, str]]:
    return [(numbered(n, END_ACTIONS[k]), k) for n, k in enumerate(end_actions(outcome), 1)]


def message_for(key: str) -> Message | None:
    """What the app is asked to do; None for back, which the screen does itself."""
    if key in ("end-export", "end-escalate"):
        return messages.OpenExport()
    if key == "end-restart":
        return messages.Restart()
    if key == "end-picker":
        return messages.OpenPicker()
    if key == "end-quit":
        return messages.QuitKept()
    return None
