"""`stats` as text (80 columns) and as JSON (`docs/team-store.md` describes its fields)."""

from __future__ import annotations

import json
from typing import Any

from wizard.analytics.figures import OUTCOMES, Figures, TreeFigures
from wizard.sanitize import strip_controls

SCHEMA = "edge-wizard-stats/1"
WIDTH = 80
TOP = 10
LABELS = {
    "fixed": "fixed",
    "not-fixed": "not fixed",
    "escalated": "escalated",
    "abandoned": "abandoned",
    "in-progress": "in progress",
}


def duration(seconds: float | None) -> str:
    """`1h 02m`, `12m 30s`, `45s`."""
    if seconds is None:
        return "-"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def _fit(text: str, width: int) -> str:
    """`text` on one line in `width` columns (cut with …), its indent kept."""
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(strip_controls(text).split())
    return text if len(text) <= width else text[: max(0, width - 1)].rstrip() + "…"


def _ordered(figures: Figures) -> list[TreeFigures]:
    # Trees sessions started on first, most sessions first; then trees only
    # reached through links.
    return sorted(figures.trees.values(), key=lambda t: (-t.sessions, t.tree))


def to_json(figures: Figures) -> dict[str, Any]:
    trees = []
    for t in _ordered(figures):
        trees.append(
            {
                "tree": t.tree,
                "title": t.title,
                "sessions": t.sessions,
                "outcomes": {o: t.outcomes.get(o, 0) for o in OUTCOMES},
                "ended": len(t.to_ending),
                "median_seconds_to_ending": t.median_to_ending,
                "endings": [
                    {
                        "node": e.node,
                        "kind": e.kind,
                        "title": e.title,
                        "reached": e.reached,
                        "verified_fixed": e.fixed if e.kind == "resolution" else None,
                    }
                    for e in sorted(t.endings.values(), key=lambda e: (-e.reached, e.node))
                ],
                "backtracked": [
                    {"node": q.node, "prompt": q.prompt, "times": q.backtracked}
                    for q in sorted(t.questions.values(), key=lambda q: (-q.backtracked, q.node))
                    if q.backtracked
                ],
                "questions": [
                    {
                        "node": q.node,
                        "prompt": q.prompt,
                        "answered": sum(q.answers.values()),
                        "answers": [
                            {"answer": a, "count": n}
                            for a, n in sorted(q.answers.items(), key=lambda i: (-i[1], i[0]))
                        ],
                    }
                    for q in sorted(t.questions.values(), key=lambda q: q.node)
                    if q.answers
                ],
            }
        )
    return {
        "schema": SCHEMA,
        "as_of": figures.as_of.isoformat(),
        "since": figures.since.isoformat() if figures.since else None,
        "tree": figures.tree,
        "sessions": figures.sessions,
        "trees": trees,
    }


def render_json(figures: Figures) -> str:
    return json.dumps(to_json(figures), indent=2, ensure_ascii=False) + "\n"


def _table(rows: list[tuple[str, ...]], widths: list[int]) -> list[str]:
    """Left-aligned first column cut to fit, right-aligned numbers after it."""
    lines = []
    for row in rows:
        first = _fit(row[0], widths[0]).ljust(widths[0])
        rest = "".join(cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True))
        lines.append(("  " + first + rest).rstrip())
    return lines


def render_text(figures: Figures) -> str:
    out: list[str] = []
    scope = []
    if figures.tree:
        scope.append(f"tree {figures.tree}")
    if figures.since:
        scope.append(f"since {figures.since:%Y-%m-%d}")
    started = [t for t in figures.trees.values() if t.sessions]
    head = f"{figures.sessions} session(s) on {len(started)} tree(s)"
    out.append(head + (f" ({', '.join(scope)})" if scope else ""))
    if not figures.sessions:
        return "\n".join(out) + "\n"
    for t in _ordered(figures):
        out.append("")
        title = f" - {t.title}" if t.title else ""
        out.append(_fit(f"{t.tree}{title}", WIDTH))
        if t.sessions:
            counts = ", ".join(f"{LABELS[o]} {t.outcomes[o]}" for o in OUTCOMES if t.outcomes[o])
            out.append(_fit(f"  {t.sessions} session(s): {counts}", WIDTH))
            ended = len(t.to_ending)
            out.append(
                f"  median time to an ending: {duration(t.median_to_ending)} ({ended} ended)"
            )
        else:
            out.append("  reached through links only")
        if t.endings:
            out.append("")
            rows: list[tuple[str, ...]] = [("Ending", "reached", "fixed")]
            for e in sorted(t.endings.values(), key=lambda e: (-e.reached, e.node)):
                fixed = str(e.fixed) if e.kind == "resolution" else "-"
                label = f"{e.node.split('/', 1)[-1]}: {e.title}" if e.title else e.node
                rows.append((label, str(e.reached), fixed))
            out += _table(rows, [WIDTH - 2 - 18, 9, 9])
        backs = sorted(
            (q for q in t.questions.values() if q.backtracked),
            key=lambda q: (-q.backtracked, q.node),
        )[:TOP]
        if backs:
            out.append("")
            rows = [("Most often backtracked from", "times")]
            rows += [(f"{q.node.split('/', 1)[-1]}: {q.prompt}", str(q.backtracked)) for q in backs]
            out += _table(rows, [WIDTH - 2 - 9, 9])
        asked = [q for q in sorted(t.questions.values(), key=lambda q: q.node) if q.answers]
        if asked:
            out.append("")
            out.append("  Answers chosen")
            for q in asked:
                total = sum(q.answers.values())
                out.append(_fit(f"  {q.node.split('/', 1)[-1]}: {q.prompt}", WIDTH))
                for answer, n in sorted(q.answers.items(), key=lambda i: (-i[1], i[0])):
                    share = f"{n:>4}  {100 * n / total:3.0f}%"
                    out.append("    " + _fit(answer, WIDTH - 4 - 12).ljust(WIDTH - 4 - 12) + share)
    return "\n".join(out) + "\n"
