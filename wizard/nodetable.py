"""The walkable view of the trees: one attribute record per node, no networkx.

`build_graph` turns this table into the networkx DiGraph that validation,
exports and `edge-wizard graph` use; its nodes carry exactly these records.
A session needs only the records, so the TUI can draw its first question
without paying for importing networkx (about 0.15 s here, against a 0.25 s
bare Textual start-up).

Records are keyed `<tree-id>/<node-id>`. Each carries `tree`, `id`, `kind`, the
texts of its node (`text`, `title`, `steps`, `help`, ...), `sources`, its
position (`file`, `line`, `col`), and `choices`: its ways forward in the order
an admin sees them, as `{kind, label, target}`; `target` is None where the
target is missing (validation reports it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from wizard.model import Check, Escalation, Input, Link, Node, Question, Resolution, Tree


class WalkGraph(Protocol):
    """What a walk needs: node records by name. A networkx DiGraph is one."""

    @property
    def nodes(self) -> Mapping[str, Mapping[str, Any]]: ...


@dataclass
class NodeTable:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.nodes


def node_name(tree_id: str, node_id: str) -> str:
    return f"{tree_id}/{node_id}"


def link_target(link: Link, trees: dict[str, Tree]) -> str | None:
    """The graph name a link leads to, or None when the tree or node is missing."""
    tree = trees.get(link.tree)
    if tree is None:
        return None
    node_id = link.node or tree.start
    if node_id not in tree.nodes:
        return None
    return node_name(tree.id, node_id)


def node_attributes(tree: Tree, node: Node) -> dict[str, Any]:
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
        attrs.update(
            text=node.text,
            var=node.var,
            pattern=node.pattern,
            example=node.example,
            parse=node.parse,
        )
    elif isinstance(node, Resolution):
        attrs.update(
            title=node.title, text=node.text, steps=list(node.steps), verify=node.verify_question
        )
    elif isinstance(node, Escalation):
        attrs.update(title=node.title, text=node.text, collect=list(node.collect))
    elif isinstance(node, Link):
        attrs.update(link_tree=node.tree, link_node=node.node)
    elif isinstance(node, Check):
        attrs.update(text=node.text, probe=node.probe, params=dict(node.params))
    return attrs


def _choices(tree: Tree, node: Node, trees: dict[str, Tree]) -> list[dict[str, Any]]:
    if isinstance(node, Link):
        return [{"kind": "link", "label": "link", "target": link_target(node, trees)}]
    if isinstance(node, Input):
        # Routes keep their regex and field apart; the label joins them for display.
        routes = [
            {
                "kind": "route",
                "label": f"{r.field}: {r.match}" if r.field else r.match,
                "match": r.match,
                "field": r.field,
                "target": node_name(tree.id, r.next) if r.next in tree.nodes else None,
            }
            for r in node.routes
        ]
        if node.next is not None:
            target = node_name(tree.id, node.next) if node.next in tree.nodes else None
            routes.append({"kind": "default", "label": "default", "target": target})
        return routes
    return [
        {
            "kind": edge.kind,
            "label": edge.label,
            "target": node_name(tree.id, edge.target) if edge.target in tree.nodes else None,
        }
        for edge in node.edges()
    ]


def build_node_table(trees: Iterable[Tree]) -> NodeTable:
    by_id = {t.id: t for t in trees}
    table = NodeTable()
    for tree in by_id.values():
        for node in tree.nodes.values():
            attrs = node_attributes(tree, node)
            attrs["choices"] = _choices(tree, node, by_id)
            table.nodes[node_name(tree.id, node.id)] = attrs
    return table
