"""All loaded trees as one networkx DiGraph, which validation, exports and
`edge-wizard graph` use.

Graph nodes are named `<tree-id>/<node-id>` and carry the records of
`wizard.nodetable` as attribute dicts (`nodetable.node_attributes`: tree,
id, kind, texts, sources, position, choices). Edges carry
`label` (the answer label, the route regex, `default`, `link` or
`unresolved`), `kind` and `order` (the position among the node's ways forward,
which is the order an admin sees). Two answers may lead to the same node; the
one edge then keeps every label in `labels`, and `label` joins them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from wizard.model import Tree
from wizard.nodetable import NodeTable, build_node_table, link_target, node_name

if TYPE_CHECKING:
    Graph = nx.DiGraph[str]
else:
    Graph = nx.DiGraph

__all__ = ["Graph", "build_graph", "graph_from_table", "link_target", "node_name"]


def graph_from_table(table: NodeTable) -> Graph:
    graph: Graph = nx.DiGraph()
    graph.add_nodes_from(table.attributes.items())
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for source, attrs in table.attributes.items():
        for order, choice in enumerate(attrs["choices"]):
            target = choice["target"]
            if target is None:
                continue
            data = edges.get((source, target))
            if data is None:
                edges[(source, target)] = {
                    "label": choice["label"],
                    "labels": [choice["label"]],
                    "kind": choice["kind"],
                    "order": order,
                }
            else:
                data["labels"].append(choice["label"])
                data["label"] = " / ".join(data["labels"])
    graph.add_edges_from((s, t, d) for (s, t), d in edges.items())
    return graph


def build_graph(trees: Iterable[Tree]) -> Graph:
    return graph_from_table(build_node_table(trees))
