"""Variables

A text may say `{var}` for a value the admin gives: a fact the tree asks for
up front, or what an input node reads. Each use must be set on every path to
the node that uses it: `E209` when no path sets it (with a "did you mean"
over the variables that some fact or input sets), `W301` when some paths do
and others do not. Each variable is reported once per node, at the first
text of the node that uses it; a node that no start reaches is reported as
`E207` instead.

Facts count as set from the start of their tree; an input's `var` (and, with
`parse:`, its `<var>_<field>` variables) is set for the nodes after it;
following a link adds the linked tree's facts.

These are facts about *every path* through the graph. The number of paths
grows exponentially with the size of a tree (a 121-node chain of diamonds has
2^40), so they are never enumerated. Instead the validator walks the nodes
once in topological order and keeps, per node, the variables set on every
path (the intersection over its predecessors) and on some path (the union).
The graph must be acyclic for that, which `E208` enforces; when a file has a
cycle, the path rules run on the graph with the cycle's edges removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from wizard.graph import node_name
from wizard.loader import parsed_variables
from wizard.model import Finding, Input, Link
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

NEVER_SET = Code(
    "E209", "error", "A `{var}` that no fact or input sets on any path to the node using it."
)
MAYBE_UNSET = Code("W301", "warning", "A `{var}` that is unset on some path to the node using it.")
CODES = (NEVER_SET, MAYBE_UNSET)


def check(analysis: Analysis) -> Iterator[Finding]:
    """Sets of variables are bitmasks over the variables some template uses: a
    tree may set thousands of variables, but only used ones matter, and int
    bit operations keep each node's state small and each merge cheap."""
    uses = analysis.uses
    if not uses:
        return
    trees, dag, order = analysis.trees, analysis.dag, analysis.order
    bit = {var: 1 << i for i, var in enumerate(sorted({v for p in uses.values() for _, v in p}))}

    def mask(names: Iterable[str]) -> int:
        total = 0
        for var in names:
            total |= bit.get(var, 0)
        return total

    facts = {t.id: mask(f.var for f in t.facts) for t in trees.values()}
    entry_state = {node_name(t.id, t.start): facts[t.id] for t in trees.values()}
    # What a node adds for the nodes after it: an input's var, a link's tree facts.
    gives: dict[str, int] = {}
    for name in order:
        node = analysis.node(name)
        if isinstance(node, Input):
            gives[name] = mask([node.var, *parsed_variables(node)])
        elif isinstance(node, Link) and node.tree in facts:
            gives[name] = facts[node.tree]

    always: dict[str, int] = {}
    maybe: dict[str, int] = {}
    for name in order:
        state = entry_state.get(name)
        incoming_always = state
        incoming_maybe = state or 0
        for pred in dag.pred[name]:
            if pred not in always:
                continue  # unreachable predecessor: reported as E207
            gained = gives.get(pred, 0)
            out_always = always[pred] | gained
            incoming_always = (
                out_always if incoming_always is None else incoming_always & out_always
            )
            incoming_maybe |= maybe[pred] | gained
        if incoming_always is not None:
            always[name], maybe[name] = incoming_always, incoming_maybe

    known: set[str] | None = None  # every settable variable, for suggestions
    for name in order:
        pairs = uses.get(name)
        if pairs is None or name not in always:
            continue
        node = analysis.node(name)
        reported: set[str] = set()
        for field_name, var in pairs:
            if always[name] & bit[var] or var in reported:
                continue
            reported.add(var)
            pos = node.field_pos.get(field_name, node.pos)
            if maybe[name] & bit[var]:
                yield MAYBE_UNSET.at(
                    pos,
                    f"'{{{var}}}' in {field_name} of node '{node.id}' is unset on some paths to it",
                )
                continue
            if known is None:
                known = _settable(analysis)
            yield NEVER_SET.at(
                pos,
                f"'{{{var}}}' in {field_name} of node '{node.id}' is set on no path"
                f" to it{analysis.suggest(var, known)}",
            )


def _settable(analysis: Analysis) -> set[str]:
    """Every variable some fact or input sets, in any tree."""
    known = {f.var for t in analysis.trees.values() for f in t.facts}
    for tree in analysis.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Input):
                known |= {node.var, *parsed_variables(node)}
    return known
