"""A JSON Schema (draft-07) of the tree format, for editors.

Made at run time from the loader's own tables (which keys each part of a tree
has and which are required, the node kinds, the roles, the `parse:` fields,
the id patterns), so the schema and the loader cannot drift: a key added to
the loader is in the next `edge-wizard schema`, and it ships in the wheel with
the code. What the tables do not say, the type of each key's value, is in
VALUES below; a key with no entry there makes `tree_schema()` raise, so a new
key cannot be forgotten (tests/engine/test_schema.py runs it).

The schema is for an editor's help as the author types. It cannot say what
needs the whole tree or other trees (a `next` that names no node, a cycle, a
`{var}` never set, probe parameters), nor YAML-level rules (anchors, duplicate
keys); `edge-wizard validate` remains the check.

YAML readers guess types (`label: No` is false, `next: 404` a number) where the
loader reads every scalar as text, so a text value here accepts any scalar but
null.
"""

from __future__ import annotations

from typing import Any

from wizard import yamlnodes
from wizard.loader import (
    COMMON_NODE_KEYS,
    IDENTIFIER,
    KEBAB,
    NODE_KEYS,
    PARSERS,
    TREE_KEYS,
    URL,
    TreeReader,
)
from wizard.model import NODE_KINDS, TREE_ROLES
from wizard.yamlnodes import YMap, YSeq

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

Schema = dict[str, Any]

# A value the loader reads as text: a scalar, not null, not blank.
TEXT: Schema = {"type": ["string", "number", "boolean"], "pattern": r"\S"}


def _text_list(min_items: int = 0) -> Schema:
    schema: Schema = {"type": "array", "items": TEXT}
    if min_items:
        schema["minItems"] = min_items
    return schema


IDENT: Schema = {"type": "string", "pattern": IDENTIFIER.pattern}
KEBAB_ID: Schema = {**TEXT, "pattern": KEBAB.pattern}
SOURCE: Schema = {
    "type": "string",
    "anyOf": [
        {"pattern": r"^\s*faq:\s*\S"},
        {"pattern": r"^\s*inferred\s*$"},
        {"pattern": URL.pattern},
    ],
}

# Keys whose value is itself one of the loader's tables: `tree_schema()` builds
# them from those tables.
STRUCTURAL = frozenset({"facts", "nodes", "answers", "routes", "outcomes"})

# The value of each other key, wherever the key appears.
VALUES: dict[str, Schema] = {
    "id": KEBAB_ID,
    "title": TEXT,
    "summary": TEXT,
    "version": {"type": "integer"},
    "tags": _text_list(),
    "symptoms": _text_list(),
    "role": {"enum": list(TREE_ROLES)},
    "start": TEXT,
    # A fact.
    "var": IDENT,
    "prompt": TEXT,
    "required": {"type": "boolean"},
    "choices": _text_list(),
    "default": TEXT,
    "fallback": TEXT,
    # Every node.
    "kind": {"enum": list(NODE_KINDS)},
    "help": TEXT,
    "sources": {"type": "array", "items": SOURCE},
    # Node kinds.
    "text": TEXT,
    "pattern": TEXT,
    "example": TEXT,
    "parse": {"enum": list(PARSERS)},
    "next": TEXT,
    "steps": _text_list(1),
    "verify": TEXT,
    "unresolved": TEXT,
    "collect": _text_list(1),
    "tree": TEXT,
    "node": TEXT,
    "probe": TEXT,
    "with": {
        "type": "object",
        "additionalProperties": {"type": ["string", "number", "boolean"]},
    },
    # An answer, a route, a check's outcomes.
    "label": TEXT,
    "match": TEXT,
    "field": {"enum": sorted({f for fields in PARSERS.values() for f in fields})},
    "pass": TEXT,
    "fail": TEXT,
    "error": TEXT,
}

# A tree that takes every branch of the loader which checks keys, so that
# `_KeyRecorder` sees each table the loader passes to `keys()`.
_SAMPLE = """\
id: sample
title: t
summary: s
version: 1
start: q
facts:
  - {var: v, prompt: p}
nodes:
  q:
    kind: question
    text: t
    answers: [{label: a, next: i}, {label: b, next: c}]
  i: {kind: input, text: t, var: x, routes: [{match: m, next: q}], next: q}
  c: {kind: check, text: t, probe: tcp, outcomes: {pass: q, fail: q}}
"""


class _KeyRecorder(TreeReader):
    """The loader's reader, noting the key table it checks each mapping with.

    The tables of a fact, an answer, a route and a check's outcomes are written
    inside the loader's methods, not at module level; reading them off a run of
    the real reader is how the schema gets them without a copy that could
    drift. The mappings are told apart by identity, not by message wording.
    """

    def __init__(self) -> None:
        super().__init__("<schema>")
        self.tables: dict[int, dict[str, bool]] = {}

    def keys(self, ymap: YMap, schema: dict[str, bool], what: str) -> bool:
        self.tables[id(ymap)] = dict(schema)
        return super().keys(ymap, schema, what)


def _child(ymap: YMap, key: str) -> Any:
    return ymap.items[key][1]


def _nested_tables() -> dict[str, dict[str, bool]]:
    root = yamlnodes.parse("<schema>", _SAMPLE).root
    assert isinstance(root, YMap)
    recorder = _KeyRecorder()
    recorder.tree(root, "<schema>", "")
    nodes = _child(root, "nodes")
    facts = _child(root, "facts")
    answers = _child(_child(nodes, "q"), "answers")
    routes = _child(_child(nodes, "i"), "routes")
    outcomes = _child(_child(nodes, "c"), "outcomes")
    assert isinstance(facts, YSeq) and isinstance(answers, YSeq) and isinstance(routes, YSeq)
    found = {
        "fact": recorder.tables.get(id(facts.items[0])),
        "answer": recorder.tables.get(id(answers.items[0])),
        "route": recorder.tables.get(id(routes.items[0])),
        "outcomes": recorder.tables.get(id(outcomes)),
    }
    missing = sorted(name for name, table in found.items() if table is None)
    if missing:
        raise RuntimeError(f"the loader no longer checks the keys of: {', '.join(missing)}")
    return {name: table for name, table in found.items() if table is not None}


def _object(table: dict[str, bool], overrides: dict[str, Schema] | None = None) -> Schema:
    """A closed object of the table's keys: unknown keys are E103 to the loader."""
    overrides = overrides or {}
    properties = {}
    for key in table:
        if key in overrides:
            properties[key] = overrides[key]
        elif key in VALUES:
            properties[key] = VALUES[key]
        else:
            raise KeyError(f"schema.VALUES has no type for the loader's key '{key}'")
    schema: Schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    required = [key for key, needed in table.items() if needed]
    if required:
        schema["required"] = required
    return schema


def _node_kind(kind: str, nested: dict[str, dict[str, bool]]) -> Schema:
    table = {**COMMON_NODE_KEYS, **NODE_KEYS[kind]}
    overrides: dict[str, Schema] = {}
    extra: list[Schema] = []
    if kind == "question":
        overrides["answers"] = {
            "type": "array",
            "items": _object(nested["answer"]),
            "minItems": 2,
        }
    if kind == "input":
        route = _object(nested["route"])
        overrides["routes"] = {"type": "array", "items": route}
        # A route's `field` names a field of the input's `parse:`, and needs one.
        no_field = {"type": "array", "items": {"not": {"required": ["field"]}}}
        extra.append(
            {
                "if": {"not": {"required": ["parse"]}},
                "then": {"properties": {"routes": no_field}},
            }
        )
        for parser, fields in PARSERS.items():
            extra.append(
                {
                    "if": {"required": ["parse"], "properties": {"parse": {"const": parser}}},
                    "then": {
                        "properties": {
                            "routes": {
                                "type": "array",
                                "items": {"properties": {"field": {"enum": list(fields)}}},
                            }
                        }
                    },
                }
            )
    if kind == "check":
        overrides["outcomes"] = _object(nested["outcomes"])
    schema = _object(table, overrides)
    schema["properties"]["kind"] = {"const": kind}
    if extra:
        schema["allOf"] = extra
    return schema


def tree_schema() -> Schema:
    """The JSON Schema of one tree file."""
    nested = _nested_tables()
    node: Schema = {
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": VALUES["kind"]},
        # One branch per kind: each lists its own keys, since a closed object
        # (additionalProperties) cannot see keys named in another branch.
        "allOf": [
            {
                "if": {"required": ["kind"], "properties": {"kind": {"const": kind}}},
                "then": {"$ref": f"#/definitions/{kind}"},
            }
            for kind in NODE_KINDS
        ],
    }
    facts = {"type": "array", "items": _object(nested["fact"])}
    nodes = {
        "type": "object",
        "propertyNames": {"pattern": KEBAB.pattern},
        "additionalProperties": {"$ref": "#/definitions/node"},
    }
    schema = _object(TREE_KEYS, {"facts": facts, "nodes": nodes})
    return {
        "$schema": DRAFT_07,
        "title": "edge-wizard decision tree (format version 1)",
        "description": "One tree file; docs/tree-format.md describes every key."
        " `edge-wizard validate` checks what a schema cannot: links, cycles, variables.",
        **schema,
        "definitions": {
            "node": node,
            **{kind: _node_kind(kind, nested) for kind in NODE_KINDS},
        },
    }


def value_keys_in_use() -> set[str]:
    """Every key of the loader's tables, for the test that VALUES has no stale entry."""
    keys = set(TREE_KEYS) | set(COMMON_NODE_KEYS)
    for table in NODE_KEYS.values():
        keys |= set(table)
    for table in _nested_tables().values():
        keys |= set(table)
    return keys
