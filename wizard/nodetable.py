"""The walkable view of the trees: one frozen record per node, no networkx.

`build_graph` turns this table into the networkx DiGraph that validation,
exports and `edge-wizard graph` use; its nodes carry these records as
attribute dicts (`attributes`), which is what networkx and the graph formats
take. A session needs only the records, so the TUI can draw its first
question without importing networkx.

Records are keyed by their name, `<tree-id>/<node-id>`: that string is the
stable id events, notes and JSON use. Where the two halves are needed apart,
a record's `ref` (a `NodeRef`) has them; nothing splits the string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias

from wizard.model import (
    DEFAULT_VERIFY,
    Check,
    Escalation,
    Input,
    Link,
    Node,
    Question,
    Resolution,
    Tree,
)


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node by tree and id; `str()` gives the `<tree>/<node>` name."""

    tree: str
    node: str

    def __str__(self) -> str:
        return node_name(self.tree, self.node)


@dataclass(frozen=True, slots=True)
class Choice:
    """One way forward, in the order an admin sees them.

    `kind` is the edge kind (`answer`, `outcome`, `unresolved`, `route`,
    `default`, `link`); `target` is the node's name, or None where the target
    is missing (validation reports it). Routes keep their regex (`match`) and
    the parsed `field` it reads apart; `label` joins them for display."""

    kind: str
    label: str
    target: str | None
    match: str = ""
    field: str | None = None


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node as a walk reads it. Fields a kind does not have keep their empty
    default; `attributes` gives the DiGraph only the ones the kind has."""

    ref: NodeRef
    kind: str
    choices: tuple[Choice, ...]
    text: str = ""
    title: str = ""
    help: str = ""
    sources: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    col: int = 0
    # input
    var: str = ""
    pattern: str | None = None
    example: str | None = None
    parse: str | None = None
    # resolution
    steps: tuple[str, ...] = ()
    verify: str = DEFAULT_VERIFY
    # escalation
    collect: tuple[str, ...] = ()
    # link
    link_tree: str = ""
    link_node: str | None = None
    # check
    probe: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.ref)

    @property
    def tree(self) -> str:
        return self.ref.tree

    @property
    def id(self) -> str:
        return self.ref.node

    def choice(self, kind: str) -> Choice | None:
        """The first way forward of this kind (`link`, `default`, `unresolved`)."""
        return next((c for c in self.choices if c.kind == kind), None)


@dataclass
class NodeTable:
    nodes: dict[str, NodeRecord] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.nodes


class AttributeGraph(Protocol):
    """A networkx DiGraph whose nodes carry `attributes` dicts (`wizard.graph`)."""

    @property
    def nodes(self) -> Any: ...


# What a walk is given: the table, or the DiGraph built from one (tests and
# `edge-wizard walk` hold the graph already).
WalkGraph: TypeAlias = "NodeTable | AttributeGraph"


def node_table(graph: WalkGraph) -> NodeTable:
    """The records a walk reads, from a table or from a DiGraph's attributes."""
    if isinstance(graph, NodeTable):
        return graph
    nodes: Any = graph.nodes  # networkx's NodeView, called for (name, attributes)
    return NodeTable({name: from_attributes(data) for name, data in nodes(data=True)})


def node_name(tree_id: str, node_id: str) -> str:
    return f"{tree_id}/{node_id}"


def link_target(link: Link, trees: Mapping[str, Tree]) -> str | None:
    """The graph name a link leads to, or None when the tree or node is missing."""
    tree = trees.get(link.tree)
    if tree is None:
        return None
    node_id = link.node or tree.start
    if node_id not in tree.nodes:
        return None
    return node_name(tree.id, node_id)


def _choices(tree: Tree, node: Node, trees: Mapping[str, Tree]) -> tuple[Choice, ...]:
    def target(node_id: str | None) -> str | None:
        return node_name(tree.id, node_id) if node_id in tree.nodes else None

    if isinstance(node, Link):
        return (Choice("link", "link", link_target(node, trees)),)
    if isinstance(node, Input):
        routes = [
            Choice(
                "route",
                f"{r.field}: {r.match}" if r.field else r.match,
                target(r.next),
                match=r.match,
                field=r.field,
            )
            for r in node.routes
        ]
        if node.next is not None:
            routes.append(Choice("default", "default", target(node.next)))
        return tuple(routes)
    return tuple(Choice(e.kind, e.label, target(e.target)) for e in node.edges())


def node_record(tree: Tree, node: Node, trees: Mapping[str, Tree]) -> NodeRecord:
    common: dict[str, Any] = {
        "ref": NodeRef(tree.id, node.id),
        "kind": node.kind,
        "choices": _choices(tree, node, trees),
        "help": node.help,
        "sources": tuple(str(s) for s in node.sources),
        "file": node.pos.file,
        "line": node.pos.line,
        "col": node.pos.col,
    }
    if isinstance(node, Question):
        return NodeRecord(**common, text=node.text)
    if isinstance(node, Input):
        return NodeRecord(
            **common,
            text=node.text,
            var=node.var,
            pattern=node.pattern,
            example=node.example,
            parse=node.parse,
        )
    if isinstance(node, Resolution):
        return NodeRecord(
            **common,
            title=node.title,
            text=node.text,
            steps=tuple(node.steps),
            verify=node.verify_question,
        )
    if isinstance(node, Escalation):
        return NodeRecord(**common, title=node.title, text=node.text, collect=tuple(node.collect))
    if isinstance(node, Link):
        return NodeRecord(**common, link_tree=node.tree, link_node=node.node)
    if isinstance(node, Check):
        return NodeRecord(**common, text=node.text, probe=node.probe, params=dict(node.params))
    return NodeRecord(**common)


def _choice_attributes(choice: Choice) -> dict[str, Any]:
    if choice.kind == "route":
        return {
            "kind": "route",
            "label": choice.label,
            "match": choice.match,
            "field": choice.field,
            "target": choice.target,
        }
    return {"kind": choice.kind, "label": choice.label, "target": choice.target}


# The keys each kind adds to the DiGraph's attribute dict, after the common ones.
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "input": ("var", "pattern", "example", "parse"),
    "resolution": ("verify",),
    "escalation": ("collect",),
    "link": ("link_tree", "link_node"),
    "check": ("probe", "params"),
}


def attributes(record: NodeRecord) -> dict[str, Any]:
    """The record as the DiGraph's node attribute dict (and `graph --format json`)."""
    attrs: dict[str, Any] = {
        "tree": record.tree,
        "id": record.id,
        "kind": record.kind,
        "text": record.text,
        "title": record.title,
        "steps": list(record.steps),
        "help": record.help,
        "sources": list(record.sources),
        "file": record.file,
        "line": record.line,
        "col": record.col,
    }
    for key in _KIND_KEYS.get(record.kind, ()):
        value = getattr(record, key)
        if isinstance(value, tuple):
            value = list(value)
        elif key == "params":
            value = dict(value)
        attrs[key] = value
    attrs["choices"] = [_choice_attributes(c) for c in record.choices]
    return attrs


def from_attributes(data: Mapping[str, Any]) -> NodeRecord:
    """A record back from a DiGraph's attribute dict (`attributes` inverted)."""
    choices = tuple(
        Choice(c["kind"], c["label"], c["target"], c.get("match", ""), c.get("field"))
        for c in data["choices"]
    )
    kind_fields: dict[str, Any] = {}
    for key in _KIND_KEYS.get(data["kind"], ()):
        value = data[key]
        kind_fields[key] = tuple(value) if isinstance(value, list) else value
    return NodeRecord(
        ref=NodeRef(data["tree"], data["id"]),
        kind=data["kind"],
        choices=choices,
        text=data["text"],
        title=data["title"],
        help=data["help"],
        sources=tuple(data["sources"]),
        file=data["file"],
        line=data["line"],
        col=data["col"],
        steps=tuple(data["steps"]),
        **kind_fields,
    )


def build_node_table(trees: Iterable[Tree]) -> NodeTable:
    by_id = {t.id: t for t in trees}
    table = NodeTable()
    for tree in by_id.values():
        for node in tree.nodes.values():
            table.nodes[node_name(tree.id, node.id)] = node_record(tree, node, by_id)
    return table
