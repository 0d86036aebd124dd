"""The rule reference of docs/validation.md, rendered from the registry.

The page is hand-written around one generated region, between `BEGIN` and
`END`: the table of every code, then one section per family, its title and
text taken from the family module's docstring. `docs/validation_regen.py`
rewrites the region; a test fails when the page on disk differs from what
`splice` makes of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from wizard.rules import CODES, FAMILIES
from wizard.rules.registry import Code, Family

BEGIN = "<!-- rules:begin: generated from wizard/rules/ by python docs/validation_regen.py -->"
END = "<!-- rules:end -->"


def table(codes: Sequence[Code] = CODES) -> list[str]:
    rows = ["| code | severity | rule |", "|---|---|---|"]
    rows += [f"| `{c.code}` | {c.severity} | {c.summary} |" for c in codes]
    return rows


def section(family: Family) -> list[str]:
    codes = ", ".join(f"`{c.code}`" for c in family.codes)
    lines = [f"### {family.title}", "", f"Codes: {codes}. Module: `{family.path}`."]
    if family.doc:
        lines += ["", family.doc]
    return lines


def rules_markdown(families: Sequence[Family] = FAMILIES) -> str:
    """The generated region, markers included."""
    lines = [BEGIN, "", *table()]
    for family in families:
        lines += ["", *section(family)]
    lines += ["", END]
    return "\n".join(lines)


def splice(page: str) -> str:
    """`page` with its generated region replaced by the registry's."""
    start = page.find(BEGIN)
    end = page.find(END, start)
    if start < 0 or end < 0:
        raise ValueError(f"the page has no generated region ({BEGIN} ... {END})")
    return page[:start] + rules_markdown() + page[end + len(END) :]
