"""Reading YAML

A tree file is read from PyYAML's event stream, with its limits checked as it
goes and before anything is built from it (`wizard/yamlnodes.py`). A file
with one of these errors stops at the first one, at its position, and none of
its tree is loaded; `W010` is the exception: the text is kept, without the
characters.

Anchors, aliases and tags are refused outright rather than limited: trees
have no use for them, and refusing them means an alias bomb never expands
and no object is ever built from a tag. Scalars stay text until the schema
gives them a type, so YAML 1.1's guesses (`No`, `on`, `1.10`) cannot change a
label.

These checks run while a file is read, not over the graph; the codes are
declared here so that the one table of codes holds them too.
"""

from __future__ import annotations

from wizard.rules.registry import Code
from wizard.yamlnodes import MAX_BYTES, MAX_DEPTH

SYNTAX = Code("E001", "error", "YAML syntax error, or a character YAML does not allow.")
DUPLICATE_KEY = Code("E002", "error", "Duplicate key; the message gives the first key's position.")
ANCHOR_OR_ALIAS = Code(
    "E003", "error", "Anchor or alias (`&a`, `*a`): refused, so alias bombs cannot expand."
)
TAG = Code(
    "E004",
    "error",
    "A tag (`!!python/object`, `!foo`): nothing is ever constructed from a tree.",
)
TOO_DEEP = Code(
    "E005",
    "error",
    f"Nesting deeper than {MAX_DEPTH} levels (checked while reading, before anything is built).",
)
TOO_LARGE = Code("E006", "error", f"File larger than {MAX_BYTES // 2**20} MiB.")
NOT_UTF8 = Code("E007", "error", "Bytes that are not UTF-8; the position of the first bad byte.")
NOT_A_MAPPING = Code("E008", "error", "Empty file, or a top level that is not a mapping.")
TWO_DOCUMENTS = Code("E009", "error", "More than one YAML document in a file.")
CONTROL_CHARS = Code(
    "W010",
    "warning",
    "Control characters (C0 but tab and newline, DEL, C1) removed from a text.",
)
CODES = (
    SYNTAX,
    DUPLICATE_KEY,
    ANCHOR_OR_ALIAS,
    TAG,
    TOO_DEEP,
    TOO_LARGE,
    NOT_UTF8,
    NOT_A_MAPPING,
    TWO_DOCUMENTS,
    CONTROL_CHARS,
)
