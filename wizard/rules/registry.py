"""The records of the rule registry: a `Code` per finding kind, a `Family` per rule module.

A family module declares `CODES`, a tuple of `Code`, and, when it checks the
graph, a generator `check(analysis)`. Its docstring is its documentation: the
first line is the section title in docs/validation.md, the rest the section.
`wizard.rules` turns each module into a `Family` with `family()`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from wizard.model import Finding, Pos, Severity

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

Check = Callable[["Analysis"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Code:
    """A stable code, its severity and its one-line summary (Markdown)."""

    code: str
    severity: Severity
    summary: str

    def plain(self) -> str:
        """The summary without Markdown code spans, for plain-text readers."""
        return self.summary.replace("`", "")

    def at(self, pos: Pos, message: str) -> Finding:
        """A finding of this code; its severity is always the table's."""
        return Finding(pos, self.severity, self.code, message)

    @property
    def number(self) -> int:
        """E202 -> 202: the table is ordered by number, whatever the letter."""
        return int(self.code[1:])


@dataclass(frozen=True, slots=True)
class Family:
    """One rule module: its name, its documentation, its codes and its check."""

    name: str
    title: str
    doc: str
    codes: tuple[Code, ...]
    check: Check | None

    @property
    def path(self) -> str:
        return f"wizard/rules/{self.name}.py"


def family(module: ModuleType) -> Family:
    """The family a rule module declares."""
    text = inspect.cleandoc(module.__doc__ or "")
    title, _, body = text.partition("\n")
    return Family(
        name=module.__name__.rpartition(".")[2],
        title=title.strip().rstrip("."),
        doc=body.strip(),
        codes=tuple(module.CODES),
        check=getattr(module, "check", None),
    )
