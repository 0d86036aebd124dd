"""Reachability

Every node must be reachable from some tree's start, directly or through
links (`E207`), and from every node some resolution or escalation must be
reachable (`E205`).

Findings that follow from another are not repeated. A tree whose `start` is
missing (`E202`) does not also report every node unreachable. A node is not
reported as having no way forward when its trouble is already reported
elsewhere: when it sits in a cycle (`E208`), failed to load, has a way
forward to a missing node (`E202`, `E203`), or can reach a node like that.
What `E205` is left to say is that every way from the node runs into a loop
it can never leave.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import TERMINAL_KINDS, Finding
from wizard.rules.analysis import closure
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

NO_WAY_FORWARD = Code(
    "E205",
    "error",
    "No way forward: no resolution or escalation can be reached from the node (every "
    "way leads into a cycle).",
)
UNREACHABLE = Code("E207", "error", "A node that cannot be reached from any tree's start.")
CODES = (NO_WAY_FORWARD, UNREACHABLE)


def check(analysis: Analysis) -> Iterator[Finding]:
    graph, trees = analysis.graph, analysis.trees
    reachable = analysis.reachable
    startless = {t.id for t in trees.values() if t.start not in t.nodes}
    nodes = graph.nodes
    for name in nodes:
        if name not in reachable and nodes[name]["tree"] not in startless:
            node = analysis.node(name)
            yield UNREACHABLE.at(
                node.pos, f"node '{node.id}' cannot be reached from the tree's start"
            )
    can_finish = closure(graph.pred, [n for n in nodes if nodes[n]["kind"] in TERMINAL_KINDS])
    explained = closure(
        graph.pred,
        [
            n
            for n in nodes
            if analysis.node(n).broken or any(c["target"] is None for c in nodes[n]["choices"])
        ],
    )
    in_cycles = analysis.in_cycles
    for name in nodes:
        if name not in can_finish and name not in explained and name not in in_cycles:
            node = analysis.node(name)
            yield NO_WAY_FORWARD.at(
                node.pos,
                f"node '{node.id}' has no way forward: no resolution or escalation"
                " can be reached from it",
            )
