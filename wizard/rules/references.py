"""References

Every name a tree uses must exist: `start`, each answer's `next`, an input's
routes and `next`, a resolution's `unresolved`, a check's outcomes (`E202`),
and a link's `tree` and `node` (`E203`). A link without `node` enters the
other tree at its `start`. Each finding suggests the closest existing name,
up to 200 suggestions in a run (`E209` draws on the same budget): each one
compares the name with every candidate, which a file with thousands of broken
names would make quadratic.

A node that is in the file but failed to load is not also reported as a
missing target: its own schema error is the one to fix.

```yaml
start: chek-dhcp        # E202: (did you mean 'check-dhcp'?) when that node exists
nodes:
  handoff:
    kind: link
    tree: fax           # E203 when no tree has the id `fax`
    node: t38           # E203 when tree `fax` has no node `t38`
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import Edge, Finding, Link
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

MISSING_NODE = Code(
    "E202",
    "error",
    '`start`, `next`, a route or `unresolved` points at a missing node, with a "did you mean".',
)
MISSING_LINK_TARGET = Code("E203", "error", "A link points at a missing tree or node.")
CODES = (MISSING_NODE, MISSING_LINK_TARGET)


def _what(edge: Edge) -> str:
    """How a finding names the reference, as the author wrote it."""
    if edge.kind in ("answer", "route", "outcome"):
        return f"{edge.kind} '{edge.label}'"
    if edge.kind == "default":
        return "next"
    return edge.kind


def check(analysis: Analysis) -> Iterator[Finding]:
    # One pass in file order, E202 and E203 interleaved per node: the budget of
    # suggestions is spent in that order, so it decides which findings get one.
    trees, suggest = analysis.trees, analysis.suggest
    for tree in trees.values():
        known = tree.nodes.keys() | tree.unloaded
        if tree.start and tree.start not in known and tree.start_pos is not None:
            yield MISSING_NODE.at(
                tree.start_pos,
                f"start points at missing node '{tree.start}'{suggest(tree.start, tree.nodes)}",
            )
        for node in tree.nodes.values():
            for edge in node.edges():
                if edge.target not in known:
                    yield MISSING_NODE.at(
                        edge.pos,
                        f"{_what(edge)} of node '{node.id}' points at missing node"
                        f" '{edge.target}'{suggest(edge.target, tree.nodes)}",
                    )
            if isinstance(node, Link) and node.tree:
                yield from _link(analysis, node)


def _link(analysis: Analysis, link: Link) -> Iterator[Finding]:
    trees, suggest = analysis.trees, analysis.suggest
    pos = link.tree_pos or link.pos
    other = trees.get(link.tree)
    if other is None:
        yield MISSING_LINK_TARGET.at(
            pos,
            f"link of node '{link.id}' points at missing tree '{link.tree}'"
            f"{suggest(link.tree, trees)}",
        )
    elif link.node is not None and link.node not in other.nodes.keys() | other.unloaded:
        yield MISSING_LINK_TARGET.at(
            link.field_pos.get("node", pos),
            f"link of node '{link.id}' points at missing node '{link.node}' of tree"
            f" '{other.id}'{suggest(link.node, other.nodes)}",
        )
