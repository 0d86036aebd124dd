"""What each part of the step column says, as `Content`, from the session's view.

The incident screen decides which widget shows what and when; these say what
the words are. Everything comes from a tree or from the admin, so it goes
through `render` (plain text, never markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from wizard.tui import screen_text

if TYPE_CHECKING:
    from wizard.session import Session, View

NOT_FIXED_ESCALATION = (
    "The fix did not work and this tree has nowhere further to go. Open a case with"
    " Genesys Cloud Customer Care (or your carrier, for trunk problems) and attach the"
    " ticket note: it holds every answer given so far."
)
FIELD_KEYS = "Enter submits · Ctrl+J new line · Esc leaves the field"
CAPTURE_KEYS = "Enter reads the file · Ctrl+O chooses one · Esc leaves the field"


def key_bar(keys: list[tuple[str, str]]) -> Content:
    """A dialog's one-line list of keys, styled like the footer's."""
    return Content(" ").join(
        Content.assemble((f" {key} ", "bold $footer-key-foreground"), label) for key, label in keys
    )


def numbered(number: int, label: str) -> Content:
    return Content.assemble((f"{number}. ", "bold"), screen_text.plain(label))


def kind(view: View, ended: str | None) -> Content:
    label = screen_text.KIND_LABELS.get(view.kind, view.kind.title())
    if ended:
        label = f"{label} · {screen_text.OUTCOME_LABELS[ended]}"
    return Content.styled(label.upper(), "bold")


def body(view: View, ended: str | None) -> str:
    """The step's text. An escalation's reason comes after its list of what
    to collect (`collect`): at 80x24 the list must be in view without scrolling."""
    if ended == "not-fixed":
        return "\n\n".join(p for p in (view.text, NOT_FIXED_ESCALATION) if p)
    if view.kind == "resolution":
        return view.text
    return "" if view.kind == "escalation" else view.prompt


def collect(session: Session, view: View, ended: str | None) -> Content | None:
    """What support will ask for, on an escalation or a fix that did not work."""
    if view.kind != "escalation" and ended != "not-fixed":
        return None
    items = [Content.assemble("☐ ", screen_text.plain(c)) for c in view.collect]
    if ended == "not-fixed":
        items = [screen_text.plain(f"☐ {c}") for c in ("The ticket note", "Screenshots")]
    reason = (
        [Content(""), screen_text.plain(view.text)]
        if view.kind == "escalation" and view.text
        else []
    )
    return screen_text.lines(
        [
            screen_text.styled("Collect for support", "bold"),
            *items,
            *reason,
            Content(""),
            screen_text.styled("Gathered so far", "bold"),
            screen_text.gathered(session),
        ]
    )


def field_hint(example: str, reading: str, error: str, reads_capture: bool) -> Content:
    """Under an input's field: its example, a file being read, the last error, the keys."""
    parts: list[Content] = []
    if example:
        parts.append(Content.assemble(("Example: ", "bold"), screen_text.plain(example)))
    if reading:
        parts.append(screen_text.styled(f"Reading {reading} …", "italic"))
    if error:
        parts.append(screen_text.styled(f"✗ {error}", "bold $error"))
    parts.append(screen_text.styled(CAPTURE_KEYS if reads_capture else FIELD_KEYS, "dim"))
    return screen_text.lines(parts)


def notes(session: Session) -> Content | None:
    pending = session.pending_notes + session.end_notes
    if not pending:
        return None
    return screen_text.lines([screen_text.styled(f"✎ {n.text}", "italic") for n in pending])
