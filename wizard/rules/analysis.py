"""What the graph rules share: each fact about the graph worked out once per run.

Several families ask the same questions of the graph. Reachability needs to
know which nodes sit in a cycle, which the cycle rule finds; the variable and
path-length rules both walk a topological order of the graph without its
cycles; the variable and fallback rules both need which `{var}` each node's
texts use. Each answer is a `cached_property` of one `Analysis` that
`validate_catalog` hands to every rule in turn: computed the first time a rule
asks, then kept, so no rule pays again for another's question.

`suggest` is shared for the same reason: its budget of "did you mean"s is one
per run, spent by the rules in the order they run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import networkx as nx

from wizard import templates
from wizard.catalog import Catalog
from wizard.graph import Graph, build_graph, node_name
from wizard.hints import did_you_mean
from wizard.model import Node, Tree


class Suggest:
    """ "Did you mean" over node, tree and variable names, within a budget.

    Each suggestion compares a name with every candidate; a hostile file with
    thousands of broken references would make that quadratic. After `budget`
    suggestions per run, findings go on without one.
    """

    def __init__(self, budget: int = 200) -> None:
        self.budget = budget

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        return did_you_mean(word, choices)


def closure(adjacency: Mapping[str, Iterable[str]], sources: Iterable[str]) -> set[str]:
    """Every node reachable from `sources` along `adjacency` (succ or pred), in one pass."""
    seen = set(sources)
    queue = list(seen)
    while queue:
        for neighbour in adjacency[queue.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen


class Analysis:
    """The catalog, its graph, and the facts about the graph that rules share."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.trees: dict[str, Tree] = catalog.trees
        self.graph: Graph = build_graph(self.trees.values())
        self.suggest = Suggest()

    def node(self, name: str) -> Node:
        """The model node behind a graph name `<tree>/<node>`."""
        data = self.graph.nodes[name]
        return self.trees[data["tree"]].nodes[data["id"]]

    @cached_property
    def entries(self) -> list[str]:
        """Each tree's start, where it names a node that exists."""
        return [node_name(t.id, t.start) for t in self.trees.values() if t.start in t.nodes]

    @cached_property
    def reachable(self) -> set[str]:
        """Every node some tree's start leads to, links included."""
        return closure(self.graph.succ, self.entries)

    @cached_property
    def cycles(self) -> list[set[str]]:
        """The strongly connected components that hold a cycle, in networkx's order.

        A component of one node is a cycle only with an edge to itself."""
        graph = self.graph
        found = []
        for component in nx.strongly_connected_components(graph):
            if len(component) == 1:
                (only,) = component
                if not graph.has_edge(only, only):
                    continue
            found.append(component)
        return found

    @cached_property
    def in_cycles(self) -> dict[str, int]:
        """Each node in a cycle, with the index of its cycle in `cycles`."""
        numbered: dict[str, int] = {}
        for number, component in enumerate(self.cycles):
            numbered |= dict.fromkeys(component, number)
        return numbered

    @cached_property
    def dag(self) -> Graph:
        """The graph without the edges inside each cycle.

        Edges between two different cycles stay: they are part of neither. The
        graph itself when it has no cycle, so an acyclic run copies nothing."""
        in_cycles = self.in_cycles
        if not in_cycles:
            return self.graph
        dag = self.graph.copy()
        dag.remove_edges_from(
            [
                (u, v)
                for u, v in self.graph.edges
                if u in in_cycles and in_cycles[u] == in_cycles.get(v)
            ]
        )
        return dag

    @cached_property
    def order(self) -> list[str]:
        """A topological order of `dag`: every node after all its predecessors."""
        return list(nx.topological_sort(self.dag))

    @cached_property
    def uses(self) -> dict[str, list[tuple[str, str]]]:
        """(field, var) for each `{var}` in a node's texts, for nodes that use one,
        in the graph's node order."""
        found: dict[str, list[tuple[str, str]]] = {}
        for name in self.graph.nodes:
            pairs = [
                (field_name, var)
                for field_name, text in self.node(name).texts()
                if "{" in text
                for var in templates.variables(text)
            ]
            if pairs:
                found[name] = pairs
        return found
