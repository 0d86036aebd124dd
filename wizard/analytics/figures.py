"""The figures `edge-wizard stats` reports, computed from ticket notes' data.

Every session comes in as the structure `wizard.export.note_data` builds (the
JSON note), whether it was replayed from a store or read from an exported
file, so both ways give the same figures by construction.

- **Per tree** (the tree a session started on): sessions; outcomes (fixed,
  not fixed, escalated, abandoned, in progress); the median time from the
  start to an ending, over the sessions that reached one.
- **Abandoned**: unfinished, and nothing recorded for `ABANDONED_AFTER`
  before the time the figures are made (`as_of`).
- **Per ending** (a resolution or escalation, in the tree it belongs to):
  sessions that reached it, and, for a resolution, sessions whose verify
  answer there was Fixed (an answer later taken back with Back does not count).
- **Backtracked**: per question (input or check too), how many times an answer
  given there was taken back with Back, most first.
- **Answers**: per question, how often each answer was chosen, counting the
  answers the walks kept (not those taken back).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

OUTCOMES = ("fixed", "not-fixed", "escalated", "abandoned", "in-progress")
ABANDONED_AFTER = timedelta(days=3)
NOTE_TIME = "%Y-%m-%d %H:%M:%S UTC"


def note_time(text: str | None) -> datetime | None:
    """A note's time ("2026-03-14 09:00:00 UTC"), or an ISO time; None if absent."""
    if not text:
        return None
    try:
        return datetime.strptime(text, NOTE_TIME).replace(tzinfo=UTC)
    except ValueError:
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(slots=True)
class Ending:
    node: str
    kind: str
    title: str
    reached: int = 0
    fixed: int = 0


@dataclass(slots=True)
class Question:
    node: str
    prompt: str
    answers: Counter[str] = field(default_factory=Counter)
    backtracked: int = 0


@dataclass(slots=True)
class TreeFigures:
    tree: str
    title: str
    outcomes: Counter[str] = field(default_factory=Counter)
    to_ending: list[float] = field(default_factory=list)
    endings: dict[str, Ending] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        return sum(self.outcomes.values())

    @property
    def median_to_ending(self) -> float | None:
        return statistics.median(self.to_ending) if self.to_ending else None


@dataclass(slots=True)
class Figures:
    as_of: datetime
    since: datetime | None
    tree: str | None
    trees: dict[str, TreeFigures] = field(default_factory=dict)

    @property
    def sessions(self) -> int:
        return sum(t.sessions for t in self.trees.values())


def last_activity(note: Mapping[str, Any]) -> datetime | None:
    """When anything was last recorded in the session, as far as its note shows."""
    times = [note_time(note.get("updated")), note_time(note.get("started"))]
    times.append(note_time(note.get("ended")))
    for step in note.get("steps") or []:
        times.append(note_time(step.get("at")))
        times += [note_time(n.get("at")) for n in step.get("notes") or []]
    times += [note_time(n.get("at")) for n in note.get("end_notes") or []]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def outcome(note: Mapping[str, Any], as_of: datetime) -> str:
    state = str(note.get("outcome") or "in-progress")
    if state != "in-progress":
        return state
    last = last_activity(note)
    return "abandoned" if last is not None and as_of - last > ABANDONED_AFTER else state


def _tree_id(note: Mapping[str, Any]) -> str:
    tree = note.get("tree")
    return str(tree.get("id", "")) if isinstance(tree, Mapping) else str(tree or "")


def _titles(note: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(t.get("id", "")): str(t.get("title", ""))
        for t in note.get("trees") or []
        if isinstance(t, Mapping)
    }


def compute(
    notes: Iterable[Mapping[str, Any]],
    *,
    as_of: datetime,
    since: datetime | None = None,
    tree: str | None = None,
) -> Figures:
    """The figures over `notes` (see the module docstring); `since` and `tree`
    keep the sessions started then or later, and on that tree."""
    figures = Figures(as_of, since, tree)

    def tree_of(tree_id: str, title: str = "") -> TreeFigures:
        if tree_id not in figures.trees:
            figures.trees[tree_id] = TreeFigures(tree_id, title)
        found = figures.trees[tree_id]
        found.title = found.title or title
        return found

    for note in notes:
        started = note_time(note.get("started"))
        start_tree = _tree_id(note)
        if since is not None and (started is None or started < since):
            continue
        if tree is not None and start_tree != tree:
            continue
        titles = _titles(note)
        figures_here = tree_of(start_tree, titles.get(start_tree, ""))
        state = outcome(note, as_of)
        figures_here.outcomes[state] += 1
        ended = note_time(note.get("ended"))
        if state in ("fixed", "not-fixed", "escalated") and started and ended:
            figures_here.to_ending.append((ended - started).total_seconds())
        _walk(note, titles, tree_of)
    if tree is not None:
        figures.trees = {k: v for k, v in figures.trees.items() if k == tree}
    return figures


def _walk(note: Mapping[str, Any], titles: Mapping[str, str], tree_of: Any) -> None:
    """The per-node figures of one session."""
    reached: set[str] = set()
    for step in note.get("steps") or []:
        kind = step.get("kind")
        node_tree = str(step.get("tree", ""))
        name = f"{node_tree}/{step.get('node', '')}"
        here = tree_of(node_tree, titles.get(node_tree, ""))
        if kind == "resolution":
            ending = here.endings.setdefault(
                name, Ending(name, "resolution", str(step.get("title") or step.get("prompt", "")))
            )
            if name not in reached:
                reached.add(name)
                ending.reached += 1
            if step.get("answer") == "Fixed" and not step.get("backtracked"):
                ending.fixed += 1
        elif kind in ("question", "input", "check"):
            question = here.questions.setdefault(name, Question(name, str(step.get("prompt", ""))))
            if step.get("backtracked"):
                question.backtracked += 1
            elif kind == "question":
                question.answers[str(step.get("answer", ""))] += 1
    final = note.get("ending")
    if isinstance(final, Mapping):
        node_tree = str(final.get("tree", ""))
        name = f"{node_tree}/{final.get('node', '')}"
        here = tree_of(node_tree, titles.get(node_tree, ""))
        kind = str(final.get("kind", "resolution"))
        ending = here.endings.setdefault(name, Ending(name, kind, str(final.get("title", ""))))
        if name not in reached:
            ending.reached += 1
