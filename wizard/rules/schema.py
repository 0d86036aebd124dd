"""Schema

`wizard/loader.py` checks each file against the tree format
(`docs/tree-format.md`) and reports every problem it finds, each at its
position, instead of stopping at the first: one run shows an author
everything to fix. What it could read is still loaded, and a node with a
schema error is marked, so the graph rules do not report what follows from it
(a missing target, no way forward) a second time.

Unknown keys and node kinds come with a "did you mean". `edge-wizard schema`
prints the same format as a JSON Schema for editors.
"""

from __future__ import annotations

from wizard.rules.registry import Code

MISSING_KEY = Code("E101", "error", "A required key is missing.")
WRONG_TYPE = Code(
    "E102", "error", "A value of the wrong type (text, list, mapping, number, true/false)."
)
UNKNOWN_KEY = Code("E103", "error", 'Unknown key, with a "did you mean".')
BAD_VALUE = Code(
    "E104",
    "error",
    "A bad value: a `role` other than `incident` or `follow-up`, id not kebab-case, "
    "var not an identifier, too few answers or steps, a source that is not `faq: "
    "...`, a URL or `inferred`, an unknown `parse:` or route `field`.",
)
UNKNOWN_KIND = Code("E105", "error", 'Unknown node kind, with a "did you mean".')
BAD_REGEX = Code(
    "E204", "error", "A `pattern` or route `match` that is not a valid regular expression."
)
CODES = (MISSING_KEY, WRONG_TYPE, UNKNOWN_KEY, BAD_VALUE, UNKNOWN_KIND, BAD_REGEX)
