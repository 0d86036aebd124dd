"""Every way into each ending of a tree, for authors (`edge-wizard endings`).

An ending reached by several paths must be true on all of them: a resolution
that says "the other Edge carries the calls meanwhile" is false for the admin
who answered "this is the only Edge". Which paths reach an ending is hard to
see in YAML, so this lists, for every resolution and escalation, each step
that leads straight to it (the question and answer, the route, the check
outcome, the fix that did not work, or a link from another tree). Reading the
ending once per way in is the check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wizard.graph import Graph
from wizard.sanitize import strip_controls

ENDING_KINDS = ("resolution", "escalation")


@dataclass(slots=True)
class WayIn:
    """One step that leads straight to an ending."""

    node: str  # the graph name, tree/node
    kind: str
    text: str  # the question, the fix's title, or the link's reason
    label: str  # the answer, route, outcome, "unresolved" or "link"


@dataclass(slots=True)
class Ending:
    node: str
    kind: str
    title: str
    ways: list[WayIn] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "node": self.node,
            "kind": self.kind,
            "title": self.title,
            "ways_in": [
                {"from": w.node, "kind": w.kind, "text": w.text, "label": w.label}
                for w in self.ways
            ],
        }


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text).split())


def endings(graph: Graph, tree_id: str) -> list[Ending]:
    """The tree's endings in file order, each with every way in.

    A link that lands on an ending counts through the steps that lead to the
    link: the admin never sees a link as a step of its own."""
    found = []
    for name, data in graph.nodes(data=True):
        if data["tree"] != tree_id or data["kind"] not in ENDING_KINDS:
            continue
        ending = Ending(name, data["kind"], _one_line(data.get("title", "")))
        for source in graph.predecessors(name):
            ending.ways += _ways_from(graph, source, graph.edges[source, name])
        found.append(ending)
    return found


def _ways_from(graph: Graph, source: str, edge: dict[str, Any]) -> list[WayIn]:
    data = graph.nodes[source]
    if data["kind"] != "link":
        text = data.get("title") if data["kind"] == "resolution" else data.get("text")
        label = "Not fixed" if edge["kind"] == "unresolved" else edge["label"]
        return [WayIn(source, data["kind"], _one_line(text or ""), _one_line(label))]
    reason = _one_line(data.get("help", ""))
    ways = []
    for before in graph.predecessors(source):
        for way in _ways_from(graph, before, graph.edges[before, source]):
            way.label += f" (then the link {source}{': ' + reason if reason else ''})"
            ways.append(way)
    return ways


def render_text(found: list[Ending]) -> str:
    lines = []
    for ending in found:
        count = len(ending.ways)
        lines.append(f"{ending.node} ({ending.kind}): {ending.title}")
        if count > 1:
            lines.append(f"  {count} ways in: read the ending once for each.")
        for way in ending.ways:
            lines.append(f"  <- {way.node} ({way.kind}) {way.text}")
            lines.append(f"       answered: {way.label}")
        lines.append("")
    return "\n".join(lines)
