"""Whether a tree can be walked: the one answer `walk`, `run` and the TUI share.

A tree can be walked when the validator finds no error in it, nor in any tree
a walk from its start can link into. `walk` and `run` refuse any other before
anything starts, and the picker shows why instead of offering it: a tree with
a missing node or a cycle would otherwise fail mid-incident.

The validator imports networkx and every rule, which an incident's start-up
must not wait for. So the verdicts are worked out once per loaded catalog and
kept on it (`Catalog.unwalkable`), and the tree cache saves them with the
trees: a start-up from the cache reads them instead of validating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.catalog import Catalog

if TYPE_CHECKING:
    from wizard.graph import Graph
    from wizard.model import Finding, Tree


def walk_problem(catalog: Catalog, tree_id: str) -> str | None:
    """Why `tree_id` cannot be walked (its first error, and how many), or None."""
    return settle(catalog).get(tree_id)


def settle(catalog: Catalog) -> dict[str, str]:
    """Why each tree that cannot be walked cannot; worked out the first time."""
    if catalog.unwalkable is None:
        catalog.unwalkable = _verdicts(catalog)
    return catalog.unwalkable


def _verdicts(catalog: Catalog) -> dict[str, str]:
    # Imported here: a start-up whose verdicts come from the tree cache never
    # loads networkx or the rules.
    from wizard.graph import build_graph
    from wizard.validate import validate_catalog

    errors = [f for f in validate_catalog(catalog).findings if f.severity == "error"]
    if not errors:
        return {}
    graph = build_graph(catalog.trees.values())
    verdicts = {}
    for tree in catalog.trees.values():
        files = {catalog.trees[t].path for t in _trees_reachable(graph, tree)}
        bad = [f for f in errors if f.pos.file in files]
        if bad:
            verdicts[tree.id] = _problem(bad)
    return verdicts


def _problem(bad: list[Finding]) -> str:
    first = bad[0]
    return (
        f"{first.pos}: {first.code} {first.message}"
        f" ({len(bad)} error{'s' if len(bad) != 1 else ''};"
        " run `edge-wizard validate` for all of them)"
    )


def _trees_reachable(graph: Graph, tree: Tree) -> list[str]:
    """The tree and every tree a walk from its start can link into."""
    # Imported here for the reason `_verdicts` gives.
    import networkx as nx

    from wizard.graph import node_name

    start = node_name(tree.id, tree.start)
    if start not in graph:
        return [tree.id]
    names = {start} | nx.descendants(graph, start)
    return sorted({str(graph.nodes[n]["tree"]) for n in names})
