"""Reading positioned YAML (`wizard.yamlnodes`) by shape: a mapping's keys,
text, lists of text, lists of mappings, identifiers and regexes.

Each reader reports what does not fit as a finding with its position and
returns what did, so the loader goes on and one run shows an author every
problem. Nothing here knows what a tree or a node is: that is `wizard.loader`
(the tree) and `wizard.node_kinds` (each kind of node).
"""

from __future__ import annotations

import re

import regex

from wizard.hints import did_you_mean
from wizard.model import Finding, Pos
from wizard.yamlnodes import YMap, YNode, YScalar, YSeq

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def type_name(node: YNode) -> str:
    if isinstance(node, YMap):
        return "a mapping"
    if isinstance(node, YSeq):
        return "a list"
    return "empty" if node.plain and node.value in ("", "~", "null") else "text"


class ShapeReader:
    """Reads mappings of one file by shape, collecting findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.findings.append(Finding(pos, "error", code, message))

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
                f"'{key}' in {what} must be text, not {type_name(value)}",
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
            self.error(kpos, "E102", f"'{key}' in {what} must be a list, not {type_name(value)}")
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
            self.error(kpos, "E102", f"'{key}' in {what} must be a list, not {type_name(value)}")
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
