"""Session state as Textual `Content`: the only way tree and user text reach the screen.

Every string here is authored or typed, so it is built into `Content` as plain
text (never parsed as markup: `[TODO]` stays `[TODO]`) after removing control
characters (an escape sequence in a tree must never reach the terminal).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.cells import cell_len
from textual.content import Content, Span

from wizard.outcomes import OUTCOME_LABELS as OUTCOME_LABELS
from wizard.sanitize import strip_controls
from wizard.session import Session, View
from wizard.templates import Filled

# How a fact's fallback shows where its value was not given.
NOT_GIVEN = "dim italic"
PATH_PROMPT_WIDTH = 70
PATH_PANEL_LINES = 30
KIND_LABELS = {
    "question": "Question",
    "input": "Input",
    "check": "Check",
    "resolution": "Resolution",
    "escalation": "Escalation",
}


def plain(text: str) -> Content:
    """Text as it reads, never as markup. A filled template shows the words
    standing in for values not given (its fallbacks) dimmed: visibly not given."""
    if isinstance(text, Filled) and text.gaps:
        # fill() has already removed control characters, so the gaps still fit.
        return Content(str(text), [Span(start, end, NOT_GIVEN) for start, end in text.gaps])
    return Content(strip_controls(text))


def styled(text: str, style: str) -> Content:
    return Content.styled(strip_controls(text), style)


def lines(parts: list[Content]) -> Content:
    return Content("\n").join(parts)


def shorten(text: str, width: int = PATH_PROMPT_WIDTH) -> str:
    text = " ".join(strip_controls(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def elapsed(since: datetime, now: datetime) -> str:
    seconds = max(0, int((now - since) / timedelta(seconds=1)))
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def status_line(session: Session, view: View, width: int = 200, saving: str = "") -> Content:
    """Timer, tree and the whole session id, in `width` cells. The id is what a
    colleague resumes or exports by, so the title gives way first. `saving` is
    the store's word when steps wait on this machine for a team's server
    (`SessionStore.saving`, "saved locally, 3 waiting"): it comes after the id,
    in warning colours, and the title gives way to it too."""
    tree = session.trees[view.tree]
    timer = f"⏱ {elapsed(session.started_at, session.clock())}"
    title = " ".join(strip_controls(tree.title).split())
    version = f" v{tree.version}"
    sep, label = "  ·  ", "session "
    saved = f"{sep}{strip_controls(saving)}" if saving else ""
    if cell_len(timer + sep + title + version + sep + label + session.id + saved) > width:
        sep, label = " · ", ""
        saved = f"{sep}{strip_controls(saving)}" if saving else ""
    room = width - cell_len(timer + sep + version + sep + label + session.id + saved)
    if cell_len(title) > room:
        title = title[: max(0, room - 1)].rstrip() + "…" if room > 1 else ""
    return Content.assemble(
        (timer, "bold"),
        (sep, "dim"),
        (title, "bold"),
        version,
        (sep + label, "dim"),
        session.id,
        (saved, "bold $text-warning"),
    )


def path_lines(session: Session, view: View | None = None) -> list[Content]:
    """The steps so far, one Content a line: backtracked ones struck through,
    tree crossings marked."""
    # Lines are kept as (text, style, bold tail) and made into Content only
    # for the lines shown: a long walk must not make every step slower.
    out: list[tuple[str, str, str]] = []
    for number, step in session.numbered_steps():
        if step.automatic:
            out.append((f"↪ {shorten(step.prompt)}", "bold italic", ""))
            continue
        answer = shorten(step.answer, 40)
        detail = ""
        if step.check is not None:
            # The outcome on the step's line, the override or "checked by
            # hand" on its own line.
            answer, detail = step.check.label, step.check.detail
            if step.stayed and step.result is not None:
                # The probe could not run and the tree has no `error` way on:
                # the walk stayed on the check to ask it by hand.
                detail = f"could not run ({step.result.get('summary', '')}): asked by hand"
        if number is None:
            out.append((f"  ✗ {shorten(step.prompt)} → {answer} (backtracked)", "dim strike", ""))
        else:
            out.append((f"{number:>2}. {shorten(step.prompt)} → ", "", answer))
        if detail:
            style = "dim strike" if step.backtracked else "italic"
            out.append((f"      {shorten(detail, 60)}", style, ""))
        for note in step.notes:
            out.append((f"      ✎ {shorten(note.text, 60)}", "italic", ""))
    if not session.finished:
        view = view or session.view()
        out.append((f" ▶ {shorten(view.prompt or view.title)}", "bold", ""))
    elif session.outcome:
        out.append((f" ■ {OUTCOME_LABELS[session.outcome]}", "bold", ""))
    if not out:
        out.append(("(no steps yet)", "dim", ""))
    # The panel shows the end of the path. The note keeps it all.
    shown: list[Content] = [styled("Path", "bold underline")]
    if len(out) > PATH_PANEL_LINES:
        hidden = len(out) - PATH_PANEL_LINES
        shown.append(styled(f"  … {hidden} earlier line(s): see the note (e)", "dim"))
        out = out[-PATH_PANEL_LINES:]
    for text, style, tail in out:
        if tail:
            shown.append(Content.assemble(strip_controls(text), (strip_controls(tail), "bold")))
        else:
            shown.append(styled(text, style) if style else plain(text))
    return shown


def gathered(session: Session) -> Content:
    """Facts and inputs gathered so far, for the escalation screen."""
    specs = {fact.var: fact.prompt for fact in session.fact_specs()}
    values = session.values()
    rows: list[Content] = []
    for var in [*specs, *(v for v in values if v not in specs)]:
        value = values.get(var, "")
        rows.append(
            Content.assemble(
                f"  {strip_controls(var)}: ",
                (strip_controls(value), "bold") if value else ("(not given)", "dim italic"),
            )
        )
    for key in ("ticket", "operator"):
        if session.meta.get(key):
            rows.append(Content.assemble(f"  {key}: ", (strip_controls(session.meta[key]), "bold")))
    return lines(rows) if rows else styled("  (nothing gathered yet)", "dim")
