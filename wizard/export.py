"""The ticket note: the whole path of a session as Markdown, plain text or JSON.

`note_data` builds one structure; the three formats render it, so they never
disagree. Every string in it has had control characters removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from wizard.outcomes import FIXED_LABEL, IN_PROGRESS, NOT_FIXED_LABEL, OUTCOME_LABELS
from wizard.sanitize import strip_controls
from wizard.session import Note, Session, Step

Format = Literal["markdown", "text", "json"]
FORMATS: tuple[Format, ...] = ("markdown", "text", "json")
NOTE_SCHEMA = 1


def _time(at: datetime | None) -> str | None:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else None


def _notes(notes: list[Note]) -> list[dict[str, str]]:
    return [{"at": _time(n.at) or "", "text": strip_controls(n.text)} for n in notes]


def _clean(value: Any) -> Any:
    """Probe evidence comes from the network: strip controls at every depth."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, dict):
        return {strip_controls(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _step(
    session: Session, fill: Callable[[str], str], number: int | None, step: Step
) -> dict[str, Any]:
    record = session.nodes[step.node]
    extra: dict[str, Any] = {}
    if step.result is not None:
        extra["result"] = _clean(step.result)
    if step.fields:
        extra["parsed"] = {k: strip_controls(v) for k, v in step.fields.items() if v}
    if step.capture is not None:
        extra["capture"] = _clean(step.capture)
    if step.kind == "resolution":
        # The fix that was tried, so whoever takes over sees what was done.
        extra["title"] = str(fill(record.title))
        extra["steps"] = [str(fill(s)) for s in record.steps]
        extra["ticked"] = sorted(step.ticked)
    return extra | {
        "number": number,
        "tree": record.tree,
        "node": record.id,
        "kind": step.kind,
        "prompt": strip_controls(step.prompt),
        "answer": strip_controls(step.answer),
        "at": _time(step.at),
        "backtracked": step.backtracked,
        "notes": _notes(step.notes),
    }


def _evidence_lines(step: dict[str, Any]) -> list[str]:
    """Check evidence and parsed fields, one `name: value` per line."""
    lines = []
    result = step.get("result")
    if result:
        lines.append(f"{result.get('probe', 'probe')} → {result.get('target', '')}".strip())
        lines.append(f"{str(result.get('outcome', '')).upper()}: {result.get('summary', '')}")
        for key, value in (result.get("evidence") or {}).items():
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            lines.append(f"{key}: {shown}")
        if "duration" in result:
            lines.append(f"duration: {float(result['duration']):.3f} s")
    capture = step.get("capture")
    if capture:
        from wizard.capture.answer import finding_lines, summary

        return [f"capture {summary(capture)}", *finding_lines(capture)]
    for key, value in (step.get("parsed") or {}).items():
        lines.append(f"parsed {key}: {value}")
    return lines


LADDER_TITLE = "ladder (seconds from the capture's first packet):"


def _ladder(step: dict[str, Any]) -> list[str]:
    """A capture's ladder, for a step on the path (an abandoned one shows its findings only)."""
    capture = step.get("capture")
    if not capture or step["backtracked"]:
        return []
    from wizard.capture.answer import ladder_text

    return ladder_text(capture)


def _md_fenced(lines: list[str], indent: str) -> list[str]:
    """Lines as a fenced code block: a ladder keeps its columns, and nothing in
    it is read as Markdown. The fence is longer than any run of backticks in
    the lines, so no line can close it."""
    runs = [len(m) for line in lines for m in re.findall(r"`+", line)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return [f"{indent}{fence}", *(f"{indent}{line}".rstrip() for line in lines), f"{indent}{fence}"]


def _ending(session: Session) -> dict[str, Any] | None:
    view = session.view()
    if view.kind == "resolution":
        verification = {"fixed": FIXED_LABEL, "not-fixed": NOT_FIXED_LABEL}.get(
            session.outcome or "", "Not yet verified"
        )
        return {
            "kind": "resolution",
            "node": session.record.id,
            "tree": view.tree,
            "title": view.title,
            "text": view.text,
            "steps": [str(s) for s in view.steps],
            "ticked": sorted(session.ticked()),
            "verify": view.prompt,
            "verification": verification,
            "sources": view.sources,
        }
    if view.kind == "escalation":
        return {
            "kind": "escalation",
            "node": session.record.id,
            "tree": view.tree,
            "title": view.title,
            "text": view.text,
            "collect": view.collect,
            "sources": view.sources,
        }
    return None


def note_data(session: Session) -> dict[str, Any]:
    trees = []
    for tree_id in session.trees_seen:
        tree = session.trees[tree_id]
        trees.append(
            {
                "id": tree.id,
                "title": strip_controls(tree.title),
                "version": tree.version,
                "sha256": tree.content_hash,
            }
        )
    # The note's texts are filled with the session as it stands now.
    fill = session.filler()
    steps = [_step(session, fill, number, step) for number, step in session.numbered_steps()]
    if session.outcome in ("fixed", "not-fixed") and steps:
        # The resolution the walk ended on has a section of its own below.
        steps[-1]["ending"] = True
    record = session.record
    pending = None
    if not session.finished and record.kind in ("question", "input", "check"):
        view = session.view()
        pending = {"node": record.id, "tree": view.tree, "prompt": view.prompt}
    facts = {
        var: strip_controls(session.facts.get(var, ""))
        for var in (f.var for f in session.fact_specs())
    }
    facts |= {k: strip_controls(v) for k, v in session.facts.items() if k not in facts}
    return {
        "schema": NOTE_SCHEMA,
        "session": session.id,
        "tree": trees[0],
        "trees": trees,
        "ticket": strip_controls(session.meta.get("ticket", "")),
        "operator": strip_controls(session.meta.get("operator", "")),
        "started": _time(session.started_at),
        "ended": _time(session.ended_at),
        "outcome": session.outcome or IN_PROGRESS,
        "facts": facts,
        "steps": steps,
        "pending": pending,
        "ending": _ending(session),
        "end_notes": _notes(session.end_notes + session.pending_notes),
    }


def note_text(session: Session, fmt: Format) -> str:
    data = note_data(session)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return _markdown(data)
    return _text(data)


# Markdown structure a typed or authored text must not create. Inline: code,
# emphasis, strikethrough, links and images, HTML and autolinks. At the start of
# a line: quotes, headings, lists, setext underlines and tables. Anything else
# stays as typed, so the note reads cleanly where a ticket shows it as plain
# text ("Admin > Telephony > Edges", "edge_name").
_MD_INLINE = re.compile(
    r"[`*~\[]"
    r"|\\(?=[!-/:-@\[-`{-~])"
    r"|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"
    r"|<(?=[A-Za-z/!?])"
)
_MD_LINE_START = re.compile(r"^(?:[>#]|[-+=](?=\s|[-=]*$)|(\d{1,9})(?=[.)]))")


def _md(text: str, *, line_start: bool = False) -> str:
    """Keep untrusted text from turning into Markdown structure in a ticket field.

    `line_start` says the text begins a line of the note; each line after a
    newline in it always does."""
    lines = []
    rows = text.split("\n")
    for number, line in enumerate(rows):
        line = _MD_INLINE.sub(lambda m: "\\" + m.group(0), line)
        if len(rows) > 1:
            # Two lines can make a table (a header row, then |---|).
            line = line.replace("|", "\\|")
        if number or line_start:
            # Indentation would make a code block; the text is kept, not the indent.
            line = line.lstrip(" \t")
            line = _MD_LINE_START.sub(
                lambda m: m.group(1) + "\\" if m.group(1) else "\\" + m.group(0), line
            )
        lines.append(line)
    return "  \n".join(lines)


def _header(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The note's opening fields, in order, for both text renderings."""
    fields = [("Outcome", OUTCOME_LABELS.get(data["outcome"], data["outcome"]))]
    fields += [
        (label, data[key]) for label, key in (("Ticket", "ticket"), ("Operator", "operator"))
    ]
    fields = [f for f in fields if f[1]]
    fields += [
        ("Session", data["session"]),
        ("Started", data["started"]),
        ("Ended", data["ended"] or "not ended"),
    ]
    return fields


def _box(number: int, resolution: dict[str, Any]) -> str:
    """A checklist step's tick as it reads in any ticket field: [x] or [ ]."""
    return "[x]" if number in resolution["ticked"] else "[ ]"


def _md_tried(step: dict[str, Any]) -> list[str]:
    """A resolution on the path: its title, its steps with their ticks, and the
    verification as answered (or that it was left with back)."""
    title = f"Tried: {_md(step['title'])}"
    if step.get("ending"):
        lines = [f"{step['number']}. {title} → **{_md(step['answer'])}** (the resolution below)"]
    else:
        if step["backtracked"]:
            lines = [f"- ~~{title}~~ _(backtracked)_"]
        else:
            lines = [f"{step['number']}. {title}"]
        lines += [f"    - {_box(i, step)} {_md(s)}" for i, s in enumerate(step["steps"], 1)]
        if step["answer"]:
            lines.append(f"    - {_md(step['prompt'])} → **{_md(step['answer'])}**")
    for note in step["notes"]:
        lines.append(f"    - _Note ({note['at']}):_ {_md(note['text'])}")
    return lines


def _markdown(data: dict[str, Any]) -> str:
    tree = data["tree"]
    lines = [f"## edge-wizard: {_md(tree['title'])}", ""]
    for label, value in _header(data):
        lines.append(f"- **{label}:** {_md(value)}")
    for t in data["trees"]:
        lines.append(
            f"- **Tree:** {_md(t['title'])} (`{t['id']}` v{t['version']},"
            f" sha256 `{t['sha256'][:12]}`)"
        )
    if data["facts"]:
        lines += ["", "### Facts", ""]
        for var, value in data["facts"].items():
            lines.append(f"- {_md(var)}: {_md(value) if value else '_(not given)_'}")
    lines += ["", "### Path", ""]
    if not data["steps"]:
        lines.append("_(no steps yet)_")
    for step in data["steps"]:
        if step["kind"] == "link":
            if not step["backtracked"]:
                lines.append(f"- → {_md(step['prompt'])}")
            continue
        if step["kind"] == "resolution":
            lines += _md_tried(step)
            continue
        if step["backtracked"]:
            lines.append(f"- ~~{_md(step['prompt'])} → {_md(step['answer'])}~~ _(backtracked)_")
        else:
            lines.append(f"{step['number']}. {_md(step['prompt'])} → **{_md(step['answer'])}**")
        lines += [f"    - {_md(line)}" for line in _evidence_lines(step)]
        if ladder := _ladder(step):
            lines += [f"    - {_md(LADDER_TITLE)}", *_md_fenced(ladder, "      ")]
        for note in step["notes"]:
            lines.append(f"    - _Note ({note['at']}):_ {_md(note['text'])}")
    if data["pending"]:
        lines.append(f"- _Waiting for an answer:_ {_md(data['pending']['prompt'])}")
    ending = data["ending"]
    if ending and ending["kind"] == "resolution":
        lines += ["", f"### Resolution: {_md(ending['title'])}", ""]
        if ending["text"]:
            lines += [_md(ending["text"], line_start=True), ""]
        lines += [f"{i}. {_box(i, ending)} {_md(s)}" for i, s in enumerate(ending["steps"], 1)]
        lines += ["", f"**Verification:** {_md(ending['verify'])} → {ending['verification']}"]
    elif ending:
        lines += ["", f"### Escalation: {_md(ending['title'])}", ""]
        lines += [_md(ending["text"], line_start=True), ""]
        lines.append("Collect for support:")
        lines += [f"- [ ] {_md(c)}" for c in ending["collect"]]
    if data["end_notes"]:
        lines += ["", "### Notes", ""]
        lines += [f"- _({n['at']})_ {_md(n['text'])}" for n in data["end_notes"]]
    return "\n".join(lines) + "\n"


def _held(text: str, indent: str) -> str:
    """Typed text with every line after its first indented under its step: a
    pasted SIP message keeps its lines, and none of them starts a line of the
    note, where it could pass for a section (a line "RESOLUTION: ...")."""
    first, *rest = text.split("\n")
    return "\n".join([first, *(indent + line if line else "" for line in rest)])


def _text(data: dict[str, Any]) -> str:
    tree = data["tree"]
    lines = [f"edge-wizard: {tree['title']}"]
    lines += [f"{label}: {value}" for label, value in _header(data)]
    for t in data["trees"]:
        lines.append(f"Tree: {t['title']} ({t['id']} v{t['version']}, sha256 {t['sha256'][:12]})")
    if data["facts"]:
        lines += ["", "FACTS"]
        for var, value in data["facts"].items():
            lines.append(f"  {var}: {value or '(not given)'}")
    lines += ["", "PATH"]
    if not data["steps"]:
        lines.append("  (no steps yet)")
    for step in data["steps"]:
        if step["kind"] == "link":
            if not step["backtracked"]:
                lines.append(f"  -> {step['prompt']}")
            continue
        marker = "  x " if step["backtracked"] else f"  {step['number']}. "
        suffix = " (backtracked)" if step["backtracked"] else ""
        if step["kind"] == "resolution":
            if step.get("ending"):
                answer = f" -> {step['answer']} (the resolution below)"
                lines.append(f"{marker}Tried: {step['title']}{answer}")
            else:
                lines.append(f"{marker}Tried: {step['title']}{suffix}")
                lines += [
                    f"       {_box(i, step)} {i}. {s}" for i, s in enumerate(step["steps"], 1)
                ]
                if step["answer"]:
                    lines.append(f"       {step['prompt']} -> {_held(step['answer'], ' ' * 9)}")
            for note in step["notes"]:
                lines.append(f"       Note ({note['at']}): {_held(note['text'], ' ' * 9)}")
            continue
        answer = _held(step["answer"], " " * 7)
        lines.append(f"{marker}{step['prompt']} -> {answer}{suffix}")
        lines += [f"       {line}" for line in _evidence_lines(step)]
        if ladder := _ladder(step):
            lines += [f"       {LADDER_TITLE}", *(f"         {line}".rstrip() for line in ladder)]
        for note in step["notes"]:
            lines.append(f"       Note ({note['at']}): {_held(note['text'], ' ' * 9)}")
    if data["pending"]:
        lines.append(f"  Waiting for an answer: {data['pending']['prompt']}")
    ending = data["ending"]
    if ending and ending["kind"] == "resolution":
        lines += ["", f"RESOLUTION: {ending['title']}"]
        if ending["text"]:
            lines.append(ending["text"])
        lines += [f"  {_box(i, ending)} {i}. {s}" for i, s in enumerate(ending["steps"], 1)]
        lines.append(f"Verification: {ending['verify']} -> {ending['verification']}")
    elif ending:
        lines += ["", f"ESCALATION: {ending['title']}", ending["text"], "Collect for support:"]
        lines += [f"  - {c}" for c in ending["collect"]]
    if data["end_notes"]:
        lines += ["", "NOTES"]
        lines += [f"  ({n['at']}) {_held(n['text'], ' ' * 4)}" for n in data["end_notes"]]
    return "\n".join(lines) + "\n"
