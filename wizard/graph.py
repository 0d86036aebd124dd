"""All loaded trees as one networkx DiGraph, which walks, validation and exports use.

Graph nodes are named `<tree-id>/<node-id>`. Each carries `tree`, `kind`, the
texts of its node (`text`, `title`, `steps`, `help`, ...), `sources`, and its
position (`file`, `line`, `col`). Edges carry `label` (the answer label, the
route regex, `default`, `link` or `unresolved`), `kind` and `order` (the
position among the node's ways forward, which is the order an admin sees).
Each node also keeps `choices`: its ways forward in the order an admin sees
them, as `{kind, label, target}`, because two answers may share one edge.
Edges whose target does not exist are left out (a choice's `target` is then
None); validation reports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from wizard.model import Escalation, Input, Link, Node, Question, Resolution, Tree

if TYPE_CHECKING:
    Graph = nx.DiGraph[str]
else:
    Graph = nx.DiGraph


def node_name(tree_id: str, node_id: str) -> str:
    return f"{tree_id}/{node_id}"


def split_name(name: str) -> tuple[str, str]:
    tree_id, _, node_id = name.partition("/")
    return tree_id, node_id


def link_target(link: Link, trees: dict[str, Tree]) -> str | None:
    """The graph name a link leads to, or None when the tree or node is missing."""
    tree = trees.get(link.tree)
    if tree is None:
        return None
    node_id = link.node or tree.start
    if node_id not in tree.nodes:
        return None
    return node_name(tree.id, node_id)


def _attributes(tree: Tree, node: Node) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "tree": tree.id,
        "id": node.id,
        "kind": node.kind,
        "text": "",
        "title": "",
        "steps": [],
        "help": node.help,
        "sources": [str(s) for s in node.sources],
        "file": node.pos.file,
        "line": node.pos.line,
        "col": node.pos.col,
    }
    if isinstance(node, Question):
        attrs["text"] = node.text
    elif isinstance(node, Input):
        attrs.update(text=node.text, var=node.var, pattern=node.pattern, example=node.example)
    elif isinstance(node, Resolution):
        attrs.update(
            title=node.title, text=node.text, steps=list(node.steps), verify=node.verify_question
        )
    elif isinstance(node, Escalation):
        attrs.update(title=node.title, text=node.text, collect=list(node.collect))
    elif isinstance(node, Link):
        attrs.update(link_tree=node.tree, link_node=node.node)
    return attrs


def build_graph(trees: Iterable[Tree]) -> Graph:
    by_id = {t.id: t for t in trees}
    graph: Graph = nx.DiGraph()
    for tree in by_id.values():
        for node in tree.nodes.values():
            graph.add_node(node_name(tree.id, node.id), **_attributes(tree, node))
    for tree in by_id.values():
        for node in tree.nodes.values():
            source = node_name(tree.id, node.id)
            choices: list[dict[str, Any]] = []
            if isinstance(node, Link):
                target = link_target(node, by_id)
                choices.append({"kind": "link", "label": "link", "target": target})
            else:
                for edge in node.edges():
                    exists = edge.target in tree.nodes
                    choices.append(
                        {
                            "kind": edge.kind,
                            "label": edge.label,
                            "target": node_name(tree.id, edge.target) if exists else None,
                        }
                    )
            graph.nodes[source]["choices"] = choices
            for order, choice in enumerate(choices):
                target = choice["target"]
                if target is None:
                    continue
                # Two answers may lead to the same node; a DiGraph keeps one edge
                # per pair, so the edge keeps every label and the node keeps the
                # full ordered list in `choices`.
                if graph.has_edge(source, target):
                    data = graph.edges[source, target]
                    data["labels"].append(choice["label"])
                    data["label"] = " / ".join(data["labels"])
                    continue
                graph.add_edge(
                    source,
                    target,
                    label=choice["label"],
                    labels=[choice["label"]],
                    kind=choice["kind"],
                    order=order,
                )
    return graph


def ordered_successors(graph: Graph, name: str) -> list[tuple[str, dict[str, Any]]]:
    """Successors in the order the admin sees them."""
    out = [(target, data) for _, target, data in graph.out_edges(name, data=True)]
    return sorted(out, key=lambda item: int(item[1].get("order", 0)))
