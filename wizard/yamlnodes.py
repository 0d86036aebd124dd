"""Read YAML into positioned nodes, safely and within limits.

The tree format needs positions for every key and value, and must survive
hostile files, so this reads PyYAML's *event stream* and builds its own small
node tree with an explicit stack:

- nesting depth is checked event by event, before anything is composed (the C
  composer segfaults near depth 50,000; the pure one recurses out near 500);
- anchors, aliases and tags are refused as they appear, so alias bombs never
  expand and no object is ever constructed from a tag;
- duplicate keys are refused with both positions (PyYAML keeps the last one);
- scalars stay text: the schema decides types, so `No` stays "No".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader as _PyReader
from yaml.scanner import Scanner as _PyScanner

from wizard.model import Pos
from wizard.sanitize import CONTROL_CHARS, strip_controls


class PureParser(_PyReader, _PyScanner, _PyParser):
    """PyYAML's pure-Python event parser, for where libyaml is missing."""

    def __init__(self, stream: str) -> None:
        _PyReader.__init__(self, stream)
        _PyScanner.__init__(self)
        _PyParser.__init__(self)


try:
    from yaml._yaml import CParser

    HAVE_LIBYAML = True
    DEFAULT_PARSER: Any = CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    HAVE_LIBYAML = False
    DEFAULT_PARSER = PureParser

# Pos(...) goes through a Python-level __new__; tuple.__new__ builds the same
# NamedTuple in C, and this runs for every scalar of every tree.
new_pos = partial(tuple.__new__, Pos)

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64


class YamlError(Exception):
    """A file that cannot be read as a tree document. Carries a stable code."""

    def __init__(self, code: str, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.pos = pos


@dataclass(slots=True)
class YScalar:
    value: str
    pos: Pos
    plain: bool  # unquoted: only plain scalars may mean null, a number or a bool


@dataclass(slots=True)
class YSeq:
    items: list[YNode]
    pos: Pos


@dataclass(slots=True)
class YMap:
    items: dict[str, tuple[Pos, YNode]]
    pos: Pos


YNode = YScalar | YSeq | YMap


@dataclass(slots=True)
class Document:
    root: YNode
    # Positions where control characters were removed from a scalar.
    stripped: list[Pos] = field(default_factory=list)


def _pos(file: str, mark: Any) -> Pos:
    if mark is None:
        return Pos(file, 1, 1)
    return Pos(file, mark.line + 1, mark.column + 1)


def _position_of_offset(file: str, text: str, offset: int) -> Pos:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Pos(file, line, col)


def decode(file: str, data: bytes) -> str:
    """Bytes to text, refusing oversized or non-UTF-8 files with a position."""
    if len(data) > MAX_BYTES:
        raise YamlError(
            "E006",
            f"file is {len(data):,} bytes; the limit is {MAX_BYTES:,}",
            Pos(file, 1, 1),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace")
        pos = _position_of_offset(file, good, len(good))
        raise YamlError(
            "E007",
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot start or continue a character",
            pos,
        ) from None
    return text.removeprefix("\ufeff")


def _syntax_error(file: str, text: str, exc: yaml.YAMLError) -> YamlError:
    if isinstance(exc, yaml.reader.ReaderError):
        offset = exc.position
        if isinstance(exc.character, int):
            # libyaml reports a byte offset (and the byte); the pure reader a
            # character offset (and the character).
            offset = len(text.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        pos = _position_of_offset(file, text, offset)
        char = exc.character
        code = ord(char) if isinstance(char, str) else int(char)
        shown = f"#x{code:04x}"
        return YamlError("E001", f"character {shown} is not allowed in YAML", pos)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if "maximum nesting depth" in problem:
            # libyaml 0.2.5+ stops at its own flow-depth limit before our check.
            return YamlError("E005", f"nesting is deeper than {MAX_DEPTH} levels", _pos(file, mark))
        context = f" {exc.context}" if exc.context else ""
        return YamlError("E001", f"YAML syntax: {problem}{context}".strip(), _pos(file, mark))
    return YamlError("E001", f"YAML syntax: {exc}", Pos(file, 1, 1))


def _refuse_anchor_and_tag(file: str, event: Any) -> None:
    pos = _pos(file, event.start_mark)
    if event.anchor is not None:
        raise YamlError(
            "E003",
            f"anchor '&{event.anchor}' is not allowed: trees may not use anchors or aliases",
            pos,
        )
    # repr: a tag's %-escapes are decoded by the scanner and may hold anything.
    raise YamlError("E004", f"tag {event.tag!r} is not allowed: trees may not use tags", pos)


def parse(file: str, text: str, parser_class: Any = None) -> Document:
    """Parse one YAML document into positioned nodes, or raise YamlError.

    This loop runs once per YAML event of every tree, so it is written for
    speed: dispatch on the event class, positions as tuples, no helper calls
    on the common path.
    """
    stack: list[YSeq | YMap] = []
    # Per open mapping: the key waiting for its value, or None.
    pending: list[tuple[str, Pos] | None] = []
    root: YNode | None = None
    stripped: list[Pos] = []
    documents = 0
    find_control = CONTROL_CHARS.search
    parser = None
    try:
        parser = (parser_class or DEFAULT_PARSER)(text)
        get_event = parser.get_event
        while True:
            event = get_event()
            cls = event.__class__
            if cls is ScalarEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_anchor_and_tag(file, event)
                mark = event.start_mark
                pos = new_pos((file, mark.line + 1, mark.column + 1))
                value = event.value
                # Raw control characters are refused by the YAML reader; these
                # came in through escapes such as "\e" or "\x9b".
                if find_control(value):
                    value = strip_controls(value)
                    stripped.append(pos)
                if not stack:
                    root = YScalar(value, pos, bool(event.implicit[0]))
                    continue
                parent = stack[-1]
                if isinstance(parent, YSeq):
                    parent.items.append(YScalar(value, pos, bool(event.implicit[0])))
                    continue
                key = pending[-1]
                if key is None:
                    if value in parent.items:
                        first = parent.items[value][0]
                        raise YamlError(
                            "E002",
                            f"duplicate key '{value}' (first defined at line {first.line},"
                            f" column {first.col})",
                            pos,
                        )
                    pending[-1] = (value, pos)
                else:
                    # Without a tag, only a plain (unquoted) scalar is implicit
                    # in the first slot.
                    node = YScalar(value, pos, bool(event.implicit[0]))
                    parent.items[key[0]] = (key[1], node)
                    pending[-1] = None
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    _refuse_anchor_and_tag(file, event)
                mark = event.start_mark
                pos = new_pos((file, mark.line + 1, mark.column + 1))
                container: YSeq | YMap = (
                    YMap({}, pos) if cls is MappingStartEvent else YSeq([], pos)
                )
                if stack:
                    parent = stack[-1]
                    if isinstance(parent, YSeq):
                        parent.items.append(container)
                    else:
                        key = pending[-1]
                        if key is None:
                            raise YamlError(
                                "E001",
                                "a mapping key must be a plain value, not a list or mapping",
                                pos,
                            )
                        parent.items[key[0]] = (key[1], container)
                        pending[-1] = None
                else:
                    root = container
                if len(stack) >= MAX_DEPTH:
                    raise YamlError("E005", f"nesting is deeper than {MAX_DEPTH} levels", pos)
                stack.append(container)
                pending.append(None)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                stack.pop()
                pending.pop()
            elif cls is AliasEvent:
                raise YamlError(
                    "E003",
                    f"alias '*{event.anchor}' is not allowed: trees may not use anchors or aliases",
                    _pos(file, event.start_mark),
                )
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise YamlError(
                        "E009",
                        "a tree file holds exactly one YAML document",
                        _pos(file, event.start_mark),
                    )
            elif cls is StreamEndEvent:
                break
    except yaml.YAMLError as exc:
        raise _syntax_error(file, text, exc) from None
    finally:
        dispose = getattr(parser, "dispose", None) if parser is not None else None
        if dispose is not None:
            dispose()
    if root is None:
        raise YamlError("E008", "the file is empty: a tree is a YAML mapping", Pos(file, 1, 1))
    return Document(root, stripped)
