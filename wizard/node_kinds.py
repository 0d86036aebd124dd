"""Each kind of node read from its mapping: the keys it takes, and a builder.

A builder gets the node's mapping and a `ShapeReader` to read it with (so its
findings land with the rest of the file's) and returns the model node; the
loader checks the keys against `NODE_KEYS` first and adds what every node
has (help, sources). A new kind of node is one key table and one builder here.
"""

from __future__ import annotations

from collections.abc import Callable

from wizard.capture.findings import FIELDS as CAPTURE_FIELDS
from wizard.hints import did_you_mean
from wizard.model import (
    Answer,
    Check,
    Escalation,
    Input,
    Link,
    Node,
    Question,
    Resolution,
    Route,
)
from wizard.shapes import ShapeReader, type_name
from wizard.yamlnodes import YMap, YScalar

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


def parsed_variables(node: Input) -> list[str]:
    """Variables an input with `parse:` sets besides its own: `<var>_<field>`."""
    if node.parse is None or not node.var:
        return []
    return [f"{node.var}_{field}" for field in PARSERS[node.parse]]


Builder = Callable[[ShapeReader, str, YMap, str], Node]


def question(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    return Question(
        node_id, ynode.pos, text=r.text(ynode, "text", what), answers=_answers(r, ynode, what)
    )


def _answers(r: ShapeReader, ynode: YMap, what: str) -> list[Answer]:
    maps = r.seq_of_maps(ynode, "answers", what)
    if maps is None:
        return []
    answers = []
    for ymap in maps:
        r.keys(ymap, {"label": True, "next": True}, f"an answer of {what}")
        label = r.string(ymap, "label", f"an answer of {what}")
        nxt = r.string(ymap, "next", f"an answer of {what}")
        if label and nxt:
            answers.append(Answer(label[0], nxt[0], label[1], nxt[1]))
    entry = ynode.items.get("answers")
    if entry is not None and len(maps) < 2:
        r.error(entry[1].pos, "E104", f"{what} needs at least 2 answers")
    return answers


def input_(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    node = Input(node_id, ynode.pos, text=r.text(ynode, "text", what))
    var = r.identifier(ynode, "var", what)
    node.var = var[0] if var else ""
    pattern = r.string(ynode, "pattern", what)
    if pattern:
        node.pattern, node.pattern_pos = pattern
        r.regex(pattern[0], pattern[1], f"the pattern of {what}")
    node.example = r.text(ynode, "example", what)
    parse = r.string(ynode, "parse", what)
    if parse and parse[0] not in PARSERS:
        r.error(
            parse[1],
            "E104",
            f"'parse' of {what} must be one of {', '.join(PARSERS)}, not '{parse[0]}'"
            f"{did_you_mean(parse[0], PARSERS)}",
        )
    elif parse:
        node.parse = parse[0]
        if parse[0] in FILE_PARSERS and node.pattern_pos is not None:
            r.error(
                node.pattern_pos,
                "E104",
                f"{what} reads a capture file ('parse: {parse[0]}'): a 'pattern'"
                " has no text to check; route on its fields instead",
            )
    node.routes = _routes(r, ynode, what, node.parse)
    nxt = r.string(ynode, "next", what)
    if nxt:
        node.next, node.next_pos = nxt
    return node


def _routes(r: ShapeReader, ynode: YMap, what: str, parse: str | None) -> list[Route]:
    routes = []
    for ymap in r.seq_of_maps(ynode, "routes", what) or []:
        r.keys(ymap, {"match": True, "next": True, "field": False}, f"a route of {what}")
        match = r.string(ymap, "match", f"a route of {what}")
        nxt = r.string(ymap, "next", f"a route of {what}")
        field = r.string(ymap, "field", f"a route of {what}")
        if match:
            r.regex(match[0], match[1], f"the route match of {what}")
        if field and parse is None:
            r.error(field[1], "E104", f"a route of {what} has 'field' but the input has no 'parse'")
            field = None
        elif field and parse is not None and field[0] not in PARSERS[parse]:
            r.error(
                field[1],
                "E104",
                f"'{field[0]}' is not a field of 'parse: {parse}'"
                f"{did_you_mean(field[0], PARSERS[parse])};"
                f" the fields are {', '.join(PARSERS[parse])}",
            )
            field = None
        if match and "field" not in ymap.items and parse in FILE_PARSERS:
            r.error(
                match[1],
                "E104",
                f"a route of {what} needs 'field': 'parse: {parse}' reads a file,"
                f" so only its fields ({', '.join(PARSERS[parse])}) can be matched",
            )
        if match and nxt:
            routes.append(Route(match[0], nxt[0], match[1], nxt[1], field[0] if field else None))
    return routes


def resolution(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    node = Resolution(node_id, ynode.pos, title=r.text(ynode, "title", what))
    node.text = r.text(ynode, "text", what)
    steps = r.string_list(ynode, "steps", what, min_items=1)
    node.steps = [s for s, _ in steps]
    node.field_pos |= {f"step {i}": p for i, (_, p) in enumerate(steps, 1)}
    node.verify = r.text(ynode, "verify", what)
    unresolved = r.string(ynode, "unresolved", what)
    if unresolved:
        node.unresolved, node.unresolved_pos = unresolved
    return node


def escalation(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    collect = r.string_list(ynode, "collect", what, min_items=1)
    node = Escalation(
        node_id,
        ynode.pos,
        title=r.text(ynode, "title", what),
        text=r.text(ynode, "text", what),
        collect=[c for c, _ in collect],
    )
    node.field_pos |= {f"collect item {i}": p for i, (_, p) in enumerate(collect, 1)}
    return node


def link(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    node = Link(node_id, ynode.pos)
    tree = r.string(ynode, "tree", what)
    if tree:
        node.tree, node.tree_pos = tree
    target = r.string(ynode, "node", what)
    if target:
        node.node = target[0]
    return node


def check(r: ShapeReader, node_id: str, ynode: YMap, what: str) -> Node:
    node = Check(node_id, ynode.pos)
    node.text = r.text(ynode, "text", what)
    probe = r.string(ynode, "probe", what)
    if probe:
        node.probe, node.probe_pos = probe
    entry = ynode.items.get("with")
    if entry is not None:
        kpos, params = entry
        if not isinstance(params, YMap):
            r.error(kpos, "E102", f"'with' in {what} must be a mapping, not {type_name(params)}")
        else:
            for key, (ppos, value) in params.items.items():
                if isinstance(value, YScalar) and not (
                    value.plain and value.value in ("", "~", "null")
                ):
                    node.params[key] = value.value
                    node.param_pos[key] = ppos
                    node.field_pos[f"with {key}"] = value.pos
                else:
                    r.error(value.pos, "E102", f"parameter '{key}' in {what} must be a plain value")
    entry = ynode.items.get("outcomes")
    if entry is not None:
        kpos, outcomes = entry
        if not isinstance(outcomes, YMap):
            r.error(kpos, "E102", f"'outcomes' in {what} must be a mapping of pass, fail, error")
            return node
        schema = {"pass": True, "fail": True, "error": False}
        r.keys(outcomes, schema, f"the outcomes of {what}")
        for name in schema:
            got = r.string(outcomes, name, f"the outcomes of {what}")
            if got:
                node.outcomes[name], node.outcome_pos[name] = got
    return node


BUILDERS: dict[str, Builder] = {
    "question": question,
    "input": input_,
    "resolution": resolution,
    "escalation": escalation,
    "link": link,
    "check": check,
}
