"""Load tree files into the model, reporting every schema problem with a position.

The loader never stops at the first problem: it reports what it can and still
returns the parts of the tree that made sense, so one run of the validator
shows an author everything to fix.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import regex

from wizard import yamlnodes
from wizard.capture.findings import FIELDS as CAPTURE_FIELDS
from wizard.model import (
    NODE_KINDS,
    TREE_ROLES,
    Answer,
    Check,
    Escalation,
    FactSpec,
    Finding,
    Input,
    Link,
    Node,
    Pos,
    Question,
    Resolution,
    Route,
    Source,
    Tree,
)
from wizard.yamlnodes import YMap, YNode, YScalar, YSeq

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
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
COMMON_NODE_KEYS = {"kind": True, "help": False, "sources": False}
NODE_KEYS: dict[str, dict[str, bool]] = {
    "question": {"text": True, "answers": True},
    "input": {
        "text": True,
        "var": True,
        "pattern": False,
        "example": False,
        "routes": False,
        "next": True,
        "parse": False,
    },
    "resolution": {
        "title": True,
        "text": False,
        "steps": True,
        "verify": False,
        "unresolved": False,
    },
    "escalation": {"title": True, "text": True, "collect": True},
    "link": {"tree": True, "node": False},
    "check": {"text": True, "probe": True, "with": False, "outcomes": True},
}
# What `parse:` on an input understands, and the fields its routes may match.
PARSERS: dict[str, tuple[str, ...]] = {
    "sip": (
        "status",
        "status_class",
        "reason",
        "method",
        "q850",
        "q850_text",
        "session_expires",
        "refresher",
        "min_se",
        "private_contact",
        "private_via",
        "private_sdp",
        "messages",
        "codecs",
        "dtmf",
        "from_user",
        "pai",
        "rpid",
        "privacy",
        "anonymous",
    ),
    # A capture file's findings for one call (docs/capture.md).
    "pcap": CAPTURE_FIELDS,
}
# Inputs whose value is a file, not text: a pattern has nothing to check, and
# every route must name a field.
FILE_PARSERS = frozenset({"pcap"})


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _type_name(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return "empty" if node.plain and node.value in ("", "~", "null") else "text"


@dataclass
class LoadResult:
    trees: list[Tree] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class _SchemaReader:
    """Reads one document against the schema, collecting findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.findings.append(Finding(pos, "error", code, message))

    # -- shapes --------------------------------------------------------------

    def keys(self, ymap: YMap, schema: dict[str, bool], what: str) -> bool:
        """Report unknown and missing keys; True when all required keys exist."""
        ok = True
        for key, (kpos, _) in ymap.items.items():
            if key not in schema:
                self.error(
                    kpos, "E103", f"unknown key '{key}' in {what}{did_you_mean(key, schema)}"
                )
        for key, required in schema.items():
            if required and key not in ymap.items:
                self.error(ymap.pos, "E101", f"{what} is missing the required key '{key}'")
                ok = False
        return ok

    def string(self, ymap: YMap, key: str, what: str) -> tuple[str, Pos] | None:
        entry = ymap.items.get(key)
        if entry is None:
            return None
        kpos, value = entry
        if not isinstance(value, YScalar) or (value.plain and value.value in ("", "~", "null")):
            self.error(
                value.pos if isinstance(value, YScalar) else kpos,
                "E102",
                f"'{key}' in {what} must be text, not {_type_name(value)}",
            )
            return None
        if not value.value.strip():
            self.error(value.pos, "E102", f"'{key}' in {what} must not be blank")
            return None
        return value.value, value.pos

    def text(self, ymap: YMap, key: str, what: str) -> str:
        got = self.string(ymap, key, what)
        return got[0] if got else ""

    def string_list(
        self, ymap: YMap, key: str, what: str, min_items: int = 0
    ) -> list[tuple[str, Pos]]:
        entry = ymap.items.get(key)
        if entry is None:
            return []
        kpos, value = entry
        if not isinstance(value, YSeq):
            self.error(kpos, "E102", f"'{key}' in {what} must be a list, not {_type_name(value)}")
            return []
        out: list[tuple[str, Pos]] = []
        for item in value.items:
            if not isinstance(item, YScalar) or (item.plain and item.value in ("", "~", "null")):
                self.error(item.pos, "E102", f"each entry of '{key}' in {what} must be text")
                continue
            out.append((item.value, item.pos))
        if len(value.items) < min_items:
            self.error(
                value.pos,
                "E104",
                f"'{key}' in {what} needs at least {min_items}"
                f" entr{'y' if min_items == 1 else 'ies'}",
            )
        return out

    def seq_of_maps(self, ymap: YMap, key: str, what: str) -> list[YMap] | None:
        entry = ymap.items.get(key)
        if entry is None:
            return None
        kpos, value = entry
        if not isinstance(value, YSeq):
            self.error(kpos, "E102", f"'{key}' in {what} must be a list, not {_type_name(value)}")
            return None
        maps = []
        for item in value.items:
            if isinstance(item, YMap):
                maps.append(item)
            else:
                self.error(item.pos, "E102", f"each entry of '{key}' in {what} must be a mapping")
        return maps

    def identifier(self, ymap: YMap, key: str, what: str) -> tuple[str, Pos] | None:
        got = self.string(ymap, key, what)
        if got and not IDENTIFIER.match(got[0]):
            self.error(
                got[1],
                "E104",
                f"'{key}' in {what} must be an identifier (letters, digits, _), not '{got[0]}'",
            )
            return None
        return got

    def regex(self, text: str, pos: Pos, what: str) -> None:
        # Compiled by the engine that runs it in a walk (`regex`, for its timeout).
        try:
            regex.compile(text)
        except (regex.error, OverflowError, RecursionError, ValueError) as exc:
            self.error(pos, "E204", f"{what} is not a valid regular expression: {exc}")

    # -- tree ----------------------------------------------------------------

    def tree(self, doc: YNode, path: str, content_hash: str) -> Tree | None:
        if not isinstance(doc, YMap):
            self.error(doc.pos, "E008", f"the top level must be a mapping, not {_type_name(doc)}")
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
                self.error(kpos, "E102", f"'nodes' must be a mapping, not {_type_name(nodes)}")
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

    # -- nodes ---------------------------------------------------------------

    def node(self, node_id: str, npos: Pos, ynode: YNode) -> Node | None:
        if not KEBAB.match(node_id):
            self.error(npos, "E104", f"node id '{node_id}' must be kebab-case, like 'check-dns'")
        if not isinstance(ynode, YMap):
            self.error(npos, "E102", f"node '{node_id}' must be a mapping, not {_type_name(ynode)}")
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
        node = self.build(kind, node_id, ynode, what)
        node.help = self.text(ynode, "help", what)
        node.sources = self.sources(ynode, what)
        node.broken = not complete or len(self.findings) > before
        node.field_pos |= {key: value.pos for key, (_, value) in ynode.items.items()}
        return node

    def build(self, kind: str, node_id: str, ynode: YMap, what: str) -> Node:
        pos = ynode.pos
        if kind == "question":
            return Question(
                node_id, pos, text=self.text(ynode, "text", what), answers=self.answers(ynode, what)
            )
        if kind == "input":
            node = Input(node_id, pos, text=self.text(ynode, "text", what))
            var = self.identifier(ynode, "var", what)
            node.var = var[0] if var else ""
            pattern = self.string(ynode, "pattern", what)
            if pattern:
                node.pattern, node.pattern_pos = pattern
                self.regex(pattern[0], pattern[1], f"the pattern of {what}")
            node.example = self.text(ynode, "example", what)
            parse = self.string(ynode, "parse", what)
            if parse and parse[0] not in PARSERS:
                self.error(
                    parse[1],
                    "E104",
                    f"'parse' of {what} must be one of {', '.join(PARSERS)}, not '{parse[0]}'"
                    f"{did_you_mean(parse[0], PARSERS)}",
                )
            elif parse:
                node.parse = parse[0]
                if parse[0] in FILE_PARSERS and node.pattern_pos is not None:
                    self.error(
                        node.pattern_pos,
                        "E104",
                        f"{what} reads a capture file ('parse: {parse[0]}'): a 'pattern'"
                        " has no text to check; route on its fields instead",
                    )
            node.routes = self.routes(ynode, what, node.parse)
            nxt = self.string(ynode, "next", what)
            if nxt:
                node.next, node.next_pos = nxt
            return node
        if kind == "resolution":
            node_r = Resolution(node_id, pos, title=self.text(ynode, "title", what))
            node_r.text = self.text(ynode, "text", what)
            steps = self.string_list(ynode, "steps", what, min_items=1)
            node_r.steps = [s for s, _ in steps]
            node_r.field_pos |= {f"step {i}": p for i, (_, p) in enumerate(steps, 1)}
            node_r.verify = self.text(ynode, "verify", what)
            unresolved = self.string(ynode, "unresolved", what)
            if unresolved:
                node_r.unresolved, node_r.unresolved_pos = unresolved
            return node_r
        if kind == "escalation":
            collect = self.string_list(ynode, "collect", what, min_items=1)
            escalation = Escalation(
                node_id,
                pos,
                title=self.text(ynode, "title", what),
                text=self.text(ynode, "text", what),
                collect=[c for c, _ in collect],
            )
            escalation.field_pos |= {f"collect item {i}": p for i, (_, p) in enumerate(collect, 1)}
            return escalation
        if kind == "check":
            check = Check(node_id, pos)
            self.check(check, ynode, what)
            return check
        link = Link(node_id, pos)
        tree = self.string(ynode, "tree", what)
        if tree:
            link.tree, link.tree_pos = tree
        target = self.string(ynode, "node", what)
        if target:
            link.node = target[0]
        return link

    def answers(self, ynode: YMap, what: str) -> list[Answer]:
        maps = self.seq_of_maps(ynode, "answers", what)
        if maps is None:
            return []
        answers = []
        for ymap in maps:
            self.keys(ymap, {"label": True, "next": True}, f"an answer of {what}")
            label = self.string(ymap, "label", f"an answer of {what}")
            nxt = self.string(ymap, "next", f"an answer of {what}")
            if label and nxt:
                answers.append(Answer(label[0], nxt[0], label[1], nxt[1]))
        entry = ynode.items.get("answers")
        if entry is not None and len(maps) < 2:
            self.error(entry[1].pos, "E104", f"{what} needs at least 2 answers")
        return answers

    def routes(self, ynode: YMap, what: str, parse: str | None) -> list[Route]:
        routes = []
        for ymap in self.seq_of_maps(ynode, "routes", what) or []:
            self.keys(ymap, {"match": True, "next": True, "field": False}, f"a route of {what}")
            match = self.string(ymap, "match", f"a route of {what}")
            nxt = self.string(ymap, "next", f"a route of {what}")
            field = self.string(ymap, "field", f"a route of {what}")
            if match:
                self.regex(match[0], match[1], f"the route match of {what}")
            if field and parse is None:
                self.error(
                    field[1], "E104", f"a route of {what} has 'field' but the input has no 'parse'"
                )
                field = None
            elif field and parse is not None and field[0] not in PARSERS[parse]:
                self.error(
                    field[1],
                    "E104",
                    f"'{field[0]}' is not a field of 'parse: {parse}'"
                    f"{did_you_mean(field[0], PARSERS[parse])};"
                    f" the fields are {', '.join(PARSERS[parse])}",
                )
                field = None
            if match and "field" not in ymap.items and parse in FILE_PARSERS:
                self.error(
                    match[1],
                    "E104",
                    f"a route of {what} needs 'field': 'parse: {parse}' reads a file,"
                    f" so only its fields ({', '.join(PARSERS[parse])}) can be matched",
                )
            if match and nxt:
                routes.append(
                    Route(match[0], nxt[0], match[1], nxt[1], field[0] if field else None)
                )
        return routes

    def check(self, node: Check, ynode: YMap, what: str) -> None:
        node.text = self.text(ynode, "text", what)
        probe = self.string(ynode, "probe", what)
        if probe:
            node.probe, node.probe_pos = probe
        entry = ynode.items.get("with")
        if entry is not None:
            kpos, params = entry
            if not isinstance(params, YMap):
                self.error(
                    kpos, "E102", f"'with' in {what} must be a mapping, not {_type_name(params)}"
                )
            else:
                for key, (ppos, value) in params.items.items():
                    if isinstance(value, YScalar) and not (
                        value.plain and value.value in ("", "~", "null")
                    ):
                        node.params[key] = value.value
                        node.param_pos[key] = ppos
                        node.field_pos[f"with {key}"] = value.pos
                    else:
                        self.error(
                            value.pos, "E102", f"parameter '{key}' in {what} must be a plain value"
                        )
        entry = ynode.items.get("outcomes")
        if entry is not None:
            kpos, outcomes = entry
            if not isinstance(outcomes, YMap):
                self.error(
                    kpos, "E102", f"'outcomes' in {what} must be a mapping of pass, fail, error"
                )
                return
            schema = {"pass": True, "fail": True, "error": False}
            self.keys(outcomes, schema, f"the outcomes of {what}")
            for name in schema:
                got = self.string(outcomes, name, f"the outcomes of {what}")
                if got:
                    node.outcomes[name], node.outcome_pos[name] = got

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


def parsed_variables(node: Input) -> list[str]:
    """Variables an input with `parse:` sets besides its own: `<var>_<field>`."""
    if node.parse is None or not node.var:
        return []
    return [f"{node.var}_{field}" for field in PARSERS[node.parse]]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_bytes(path: str, data: bytes) -> tuple[Tree | None, list[Finding]]:
    """Load one tree from its bytes. `path` is used for positions only."""
    reader = _SchemaReader(path)
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
