"""The walkable view of the trees: one record per node, no networkx.

Each node is stored as an attribute dict (`node_attributes`), which is what
the networkx DiGraph of `build_graph` carries for validation, exports and
`edge-wizard graph`; a walk reads it as a frozen `NodeRecord`, made the first
time the walk asks for that node, so neither a large validation nor a
start-up pays for records nobody reads. A session needs only the records, so
the TUI can draw its first question without importing networkx.

Records are keyed by their name, `<tree-id>/<node-id>`: that string is the
stable id events, notes and JSON use. Where the two halves are needed apart,
a record's `ref` (a `NodeRef`) has them; nothing splits the string.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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
    default (the attribute dict has only the ones the kind has)."""

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


class NodeTable(Mapping[str, NodeRecord]):
    """Records by node name, over the nodes' attribute dicts (a table's own,
    or a DiGraph's `nodes`)."""

    def __init__(self, attributes: Mapping[str, dict[str, Any]] | None = None) -> None:
        self.attributes: Mapping[str, dict[str, Any]] = {} if attributes is None else attributes
        self._records: dict[str, NodeRecord] = {}

    def __getitem__(self, name: str) -> NodeRecord:
        record = self._records.get(name)
        if record is None:
            record = self._records[name] = from_attributes(self.attributes[name])
        return record

    def __contains__(self, name: object) -> bool:
        return name in self.attributes

    def __iter__(self) -> Iterator[str]:
        return iter(self.attributes)

    def __len__(self) -> int:
        return len(self.attributes)


class AttributeGraph(Protocol):
    """A networkx DiGraph whose nodes carry `node_attributes` dicts (`wizard.graph`)."""

    @property
    def nodes(self) -> Any: ...


# The nodes a walk is given: the table, or the DiGraph built from one (tests
# and `edge-wizard walk` hold the graph already).
WalkNodes: TypeAlias = "NodeTable | AttributeGraph"


def node_table(nodes: WalkNodes) -> NodeTable:
    """The records a walk reads, from a table or from a DiGraph's attributes."""
    if isinstance(nodes, NodeTable):
        return nodes
    return NodeTable(nodes.nodes)


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


def _choices(tree: Tree, node: Node, trees: Mapping[str, Tree]) -> list[dict[str, Any]]:
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


# The fields of a record that only some kinds have, by kind (the rest keep
# their defaults).
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "input": ("var", "pattern", "example", "parse"),
    "resolution": ("verify",),
    "escalation": ("collect",),
    "link": ("link_tree", "link_node"),
    "check": ("probe", "params"),
}


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
    attributes: dict[str, dict[str, Any]] = {}
    for tree in by_id.values():
        for node in tree.nodes.values():
            attrs = node_attributes(tree, node)
            attrs["choices"] = _choices(tree, node, by_id)
            attributes[node_name(tree.id, node.id)] = attrs
    return NodeTable(attributes)
