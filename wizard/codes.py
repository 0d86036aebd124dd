"""Every validation code, its severity and its one-line summary.

The table below is what `validate --format sarif` describes its rules with. It
is the table of docs/validation.md, held in the package because the wheel does
not ship docs/; tests/engine/test_report_formats.py fails when the two differ,
so a new rule or a reworded summary must change both. Summaries are written as
in the docs, in Markdown (backticks); `plain()` gives them as text.
"""

from __future__ import annotations

from typing import NamedTuple

from wizard.model import Severity


class Code(NamedTuple):
    code: str
    severity: Severity
    summary: str

    def plain(self) -> str:
        """The summary without Markdown code spans, for plain-text readers."""
        return self.summary.replace("`", "")


CODES: tuple[Code, ...] = (
    Code("E001", "error", "YAML syntax error, or a character YAML does not allow."),
    Code("E002", "error", "Duplicate key; the message gives the first key's position."),
    Code("E003", "error", "Anchor or alias (`&a`, `*a`): refused, so alias bombs cannot expand."),
    Code(
        "E004",
        "error",
        "A tag (`!!python/object`, `!foo`): nothing is ever constructed from a tree.",
    ),
    Code(
        "E005",
        "error",
        "Nesting deeper than 64 levels (checked while reading, before anything is built).",
    ),
    Code("E006", "error", "File larger than 1 MiB."),
    Code("E007", "error", "Bytes that are not UTF-8; the position of the first bad byte."),
    Code("E008", "error", "Empty file, or a top level that is not a mapping."),
    Code("E009", "error", "More than one YAML document in a file."),
    Code(
        "W010",
        "warning",
        "Control characters (C0 but tab and newline, DEL, C1) removed from a text.",
    ),
    Code(
        "E013",
        "error",
        "A suppression (`# edge-wizard: disable=...`, or `disable` and `per-file-ignores` in the"
        " settings) names a code that does not exist.",
    ),
    Code("E101", "error", "A required key is missing."),
    Code("E102", "error", "A value of the wrong type (text, list, mapping, number, true/false)."),
    Code("E103", "error", 'Unknown key, with a "did you mean".'),
    Code(
        "E104",
        "error",
        "A bad value: a `role` other than `incident` or `follow-up`, id not kebab-case, "
        "var not an identifier, too few answers or steps, a source that is not `faq: "
        "...`, a URL or `inferred`, an unknown `parse:` or route `field`.",
    ),
    Code("E105", "error", 'Unknown node kind, with a "did you mean".'),
    Code("E201", "error", "Two files use the same tree id."),
    Code(
        "E202",
        "error",
        '`start`, `next`, a route or `unresolved` points at a missing node, with a "did you mean".',
    ),
    Code("E203", "error", "A link points at a missing tree or node."),
    Code("E204", "error", "A `pattern` or route `match` that is not a valid regular expression."),
    Code(
        "E205",
        "error",
        "No way forward: no resolution or escalation can be reached from the node (every "
        "way leads into a cycle).",
    ),
    Code("E206", "error", "Two answers of a question have the same label, ignoring case."),
    Code("E207", "error", "A node that cannot be reached from any tree's start."),
    Code("E208", "error", "A cycle, including one that runs through links between trees."),
    Code("E209", "error", "A `{var}` that no fact or input sets on any path to the node using it."),
    Code("E210", "error", 'A check names a probe that is not built in, with a "did you mean".'),
    Code(
        "E211",
        "error",
        'A check\'s parameters: unknown (with a "did you mean"), missing, ill-typed or out'
        " of range. A value holding a `{var}` is checked when the probe runs.",
    ),
    Code(
        "E212",
        "error",
        "A fact that some text uses as `{var}` has neither a `fallback` nor a `default`. "
        "Left blank, it would leave a hole in a sentence on the screen and in the ticket "
        'note; `fallback` gives the words that read in its place ("the Edge").',
    ),
    Code("W301", "warning", "A `{var}` that is unset on some path to the node using it."),
    Code("W302", "warning", "The tree id differs from the file name."),
    Code("W303", "warning", "A resolution that cites no source."),
    Code(
        "W304",
        "warning",
        "A path from the start longer than 30 steps, counting only the tree's own steps: "
        "a link hands the admin to another tree, whose author answers for its length.",
    ),
    Code(
        "W305",
        "warning",
        "A tree with `role: follow-up` that no tree links to: an admin would find it only"
        " under the picker's second heading.",
    ),
)

BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
