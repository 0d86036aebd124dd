"""Path length

`W304` warns when a path from a tree's start is longer than 30 steps,
counting only the tree's own steps: a link hands the admin to another tree,
whose author answers for its length. (Counting through links made a change to
one tree warn on every tree that links to it.) The warning names the longest
path's length, at the tree's `start`.

Like the variable rules, this is a fact about every path, worked out in one
walk over the topological order without the cycles' edges: each node keeps
the longest path below it within its tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.graph import node_name
from wizard.model import Finding
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

MAX_PATH_STEPS = 30

LONG_PATH = Code(
    "W304",
    "warning",
    f"A path from the start longer than {MAX_PATH_STEPS} steps, counting only the tree's own"
    " steps: a link hands the admin to another tree, whose author answers for its length.",
)
CODES = (LONG_PATH,)


def check(analysis: Analysis) -> Iterator[Finding]:
    dag = analysis.dag
    steps: dict[str, int] = {}
    nodes = dag.nodes
    for name in reversed(analysis.order):
        data = nodes[name]
        own = 0 if data["kind"] == "link" else 1
        tree_id = data["tree"]
        inside = [n for n in dag.successors(name) if nodes[n]["tree"] == tree_id]
        steps[name] = own + max((steps[n] for n in inside), default=0)
    for tree in analysis.trees.values():
        start = node_name(tree.id, tree.start)
        if start in steps and steps[start] > MAX_PATH_STEPS:
            yield LONG_PATH.at(
                tree.start_pos or tree.pos,
                f"the longest path from start is {steps[start]} steps; keep paths to"
                f" {MAX_PATH_STEPS} or fewer",
            )
