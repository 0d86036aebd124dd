"""The validation rules, one module per family, and the one table of their codes.

Each family module declares its codes (`CODES`, of `registry.Code`: code,
severity, summary) and, when it checks the graph, a generator
`check(analysis)` that yields findings; its docstring is its section of
docs/validation.md. The families that have no `check` (reading, schema,
suppressions) are checked where files and settings are read, and are here so
that every code has one entry in one table: `CODES` is what SARIF describes
its rules with, what suppressions are checked against, and what
docs/validation.md is generated from (`python docs/validation_regen.py`).

A new rule goes in the family it belongs to, or in a new module added to
`FAMILIES`, with a fixture under tests/fixtures/rules/. Its number says what
it is about: E0xx/W0xx reading a file or the settings, E1xx the schema, E2xx
the structure of the trees and their graph, W3xx warnings about it.
"""

from __future__ import annotations

from wizard.rules import (
    checks,
    cycles,
    duplicates,
    fallbacks,
    labels,
    path_length,
    reachability,
    reading,
    references,
    schema,
    sources,
    suppressions,
    trees,
    variables,
)
from wizard.rules.registry import Check, Code, Family, family

__all__ = ["BY_CODE", "CHECKS", "CODES", "FAMILIES", "Code", "Family"]

# The order the checks run in, and the order of the sections in the docs:
# reading a file comes before its schema, the schema before the graph.
# References run before variables, which share their budget of suggestions.
FAMILIES: tuple[Family, ...] = tuple(
    family(module)
    for module in (
        reading,
        schema,
        suppressions,
        duplicates,
        references,
        labels,
        checks,
        cycles,
        reachability,
        variables,
        path_length,
        fallbacks,
        trees,
        sources,
    )
)
CHECKS: tuple[Check, ...] = tuple(f.check for f in FAMILIES if f.check is not None)
# By number, the order the table has always had, so SARIF's rule indexes do not move.
CODES: tuple[Code, ...] = tuple(
    sorted((c for f in FAMILIES for c in f.codes), key=lambda c: c.number)
)
BY_CODE: dict[str, Code] = {c.code: c for c in CODES}
