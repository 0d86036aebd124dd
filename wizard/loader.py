"""Load tree files into the model, reporting every schema problem with a position.

The loader never stops at the first problem: it reports what it can and still
returns the parts of the tree that made sense, so one run of the validator
shows an author everything to fix. The tree's own keys, its facts and what
every node has are read here; each kind of node is `wizard.node_kinds`, and
reading mappings by shape is `wizard.shapes`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from wizard import yamlnodes
from wizard.hints import did_you_mean
from wizard.model import NODE_KINDS, TREE_ROLES, FactSpec, Finding, Node, Pos, Source, Tree
from wizard.node_kinds import BUILDERS as BUILDERS
from wizard.node_kinds import COMMON_NODE_KEYS as COMMON_NODE_KEYS
from wizard.node_kinds import FILE_PARSERS as FILE_PARSERS
from wizard.node_kinds import NODE_KEYS as NODE_KEYS
from wizard.node_kinds import PARSERS as PARSERS
from wizard.node_kinds import parsed_variables as parsed_variables
from wizard.shapes import IDENTIFIER as IDENTIFIER
from wizard.shapes import ShapeReader, type_name
from wizard.yamlnodes import YMap, YNode, YScalar

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
# Nine digits at most: int() of a 5,000-digit string raises, and no tree needs more.
DECIMAL = re.compile(r"^[+-]?[0-9]{1,9}$")

TREE_KEYS = {
    "id": True,
    "title": True,
    "summary": True,
    "version": True,
    "tags": False,
    "symptoms": False,
    "role": False,
    "facts": False,
    "start": True,
    "nodes": True,
}


class TreeReader(ShapeReader):
    """Reads one document against the tree format, collecting findings."""

    def tree(self, doc: YNode, path: str, content_hash: str) -> Tree | None:
        if not isinstance(doc, YMap):
            self.error(doc.pos, "E008", f"the top level must be a mapping, not {type_name(doc)}")
            return None
        self.keys(doc, TREE_KEYS, "the tree")
        id_ = self.string(doc, "id", "the tree")
        if id_ and not KEBAB.match(id_[0]):
            self.error(
                id_[1], "E104", f"tree id '{id_[0]}' must be kebab-case, like 'edge-offline'"
            )
        version = 0
        entry = doc.items.get("version")
        if entry is not None:
            _, value = entry
            if isinstance(value, YScalar) and value.plain and DECIMAL.match(value.value):
                version = int(value.value)
            else:
                self.error(value.pos, "E102", "'version' must be a whole number, like 3")
        start = self.string(doc, "start", "the tree")
        tree = Tree(
            id=id_[0] if id_ else Path(path).stem,
            title=self.text(doc, "title", "the tree"),
            summary=self.text(doc, "summary", "the tree"),
            version=version,
            start=start[0] if start else "",
            path=path,
            pos=doc.pos,
            content_hash=content_hash,
            tags=[t for t, _ in self.string_list(doc, "tags", "the tree")],
            symptoms=[s for s, _ in self.string_list(doc, "symptoms", "the tree")],
            start_pos=start[1] if start else None,
            id_pos=id_[1] if id_ else None,
        )
        tree.facts = self.facts(doc)
        role = self.string(doc, "role", "the tree")
        if role:
            tree.role, tree.role_pos = role
            if role[0] not in TREE_ROLES:
                self.error(
                    role[1],
                    "E104",
                    f"'role' must be {' or '.join(TREE_ROLES)}, not '{role[0]}'"
                    f"{did_you_mean(role[0], TREE_ROLES)}",
                )
        nodes_entry = doc.items.get("nodes")
        if nodes_entry is not None:
            kpos, nodes = nodes_entry
            if isinstance(nodes, YMap):
                for node_id, (npos, ynode) in nodes.items.items():
                    node = self.node(node_id, npos, ynode)
                    if node is not None:
                        tree.nodes[node_id] = node
                    else:
                        tree.unloaded.add(node_id)
            else:
                self.error(kpos, "E102", f"'nodes' must be a mapping, not {type_name(nodes)}")
        return tree

    def facts(self, doc: YMap) -> list[FactSpec]:
        facts: list[FactSpec] = []
        for ymap in self.seq_of_maps(doc, "facts", "the tree") or []:
            self.keys(
                ymap,
                {
                    "var": True,
                    "prompt": True,
                    "required": False,
                    "choices": False,
                    "default": False,
                    "fallback": False,
                },
                "a fact",
            )
            var = self.identifier(ymap, "var", "a fact")
            required = False
            entry = ymap.items.get("required")
            if entry is not None:
                _, value = entry
                if (
                    isinstance(value, YScalar)
                    and value.plain
                    and value.value.lower()
                    in (
                        "true",
                        "false",
                    )
                ):
                    required = value.value.lower() == "true"
                else:
                    self.error(value.pos, "E102", "'required' must be true or false")
            if var and any(f.var == var[0] for f in facts):
                self.error(var[1], "E104", f"fact '{var[0]}' is declared twice")
            elif var:
                fact = FactSpec(var[0], self.text(ymap, "prompt", "a fact"), required, var[1])
                fact.choices = [c for c, _ in self.string_list(ymap, "choices", "a fact")]
                fact.default = self.text(ymap, "default", "a fact")
                fact.fallback = self.text(ymap, "fallback", "a fact")
                facts.append(fact)
        return facts

    def node(self, node_id: str, npos: Pos, ynode: YNode) -> Node | None:
        if not KEBAB.match(node_id):
            self.error(npos, "E104", f"node id '{node_id}' must be kebab-case, like 'check-dns'")
        if not isinstance(ynode, YMap):
            self.error(npos, "E102", f"node '{node_id}' must be a mapping, not {type_name(ynode)}")
            return None
        what = f"node '{node_id}'"
        kind_got = self.string(ynode, "kind", what)
        if kind_got is None:
            if "kind" not in ynode.items:
                self.error(ynode.pos, "E101", f"{what} is missing the required key 'kind'")
            return None
        kind, kind_pos = kind_got
        if kind not in NODE_KINDS:
            self.error(
                kind_pos,
                "E105",
                f"unknown node kind '{kind}'{did_you_mean(kind, NODE_KINDS)};"
                f" the kinds are {', '.join(NODE_KINDS)}",
            )
            return None
        before = len(self.findings)
        complete = self.keys(ynode, {**COMMON_NODE_KEYS, **NODE_KEYS[kind]}, what)
        node = BUILDERS[kind](self, node_id, ynode, what)
        node.help = self.text(ynode, "help", what)
        node.sources = self.sources(ynode, what)
        node.broken = not complete or len(self.findings) > before
        node.field_pos |= {key: value.pos for key, (_, value) in ynode.items.items()}
        return node

    def sources(self, ynode: YMap, what: str) -> list[Source]:
        sources = []
        for text, pos in self.string_list(ynode, "sources", what):
            stripped = text.strip()
            if stripped.startswith("faq:"):
                question = stripped[4:].strip()
                if question:
                    sources.append(Source("faq", question, pos))
                    continue
            elif stripped == "inferred":
                sources.append(Source("inferred", stripped, pos))
                continue
            elif URL.match(stripped):
                sources.append(Source("url", stripped, pos))
                continue
            self.error(
                pos,
                "E104",
                f"source '{text}' in {what} must be 'faq: <question>', an http(s) URL,"
                " or 'inferred'",
            )
        return sources


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_bytes(path: str, data: bytes) -> tuple[Tree | None, list[Finding]]:
    """Load one tree from its bytes. `path` is used for positions only."""
    reader = TreeReader(path)
    try:
        text = yamlnodes.decode(path, data)
        doc = yamlnodes.parse(path, text)
    except yamlnodes.YamlError as exc:
        return None, [Finding(exc.pos, "error", exc.code, exc.message)]
    findings = [
        Finding(pos, "warning", "W010", "control characters removed from this text")
        for pos in doc.stripped
    ]
    tree = reader.tree(doc.root, path, content_hash(data))
    return tree, findings + reader.findings


def load_file(path: Path, display: str | None = None) -> tuple[Tree | None, list[Finding]]:
    """Load one tree file. Raises OSError when the file cannot be read."""
    name = display or str(path)
    with path.open("rb") as handle:
        data = handle.read(yamlnodes.MAX_BYTES + 1)
        if len(data) > yamlnodes.MAX_BYTES:
            # Report the true size without reading the rest into memory.
            size = path.stat().st_size
            return None, [
                Finding(
                    Pos(name, 1, 1),
                    "error",
                    "E006",
                    f"file is {size:,} bytes; the limit is {yamlnodes.MAX_BYTES:,}",
                )
            ]
    return load_bytes(name, data)
