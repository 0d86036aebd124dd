"""Run every rule over the loaded trees and their graph, and collect what they find.

The rules live in `wizard.rules`, one module per family, each with its codes;
this module runs them in order over one `Analysis` (the graph and the facts
about it that several rules share, each computed once) and sorts the
findings by position. docs/validation.md describes every code.
"""

from __future__ import annotations

from dataclasses import dataclass

from wizard.catalog import Catalog
from wizard.model import Finding
from wizard.rules import CHECKS
from wizard.rules.analysis import Analysis


@dataclass
class Report:
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def validate_catalog(catalog: Catalog, report_files: set[str] | None = None) -> Report:
    """Run every rule. Only findings in `report_files` are kept, when given."""
    analysis = Analysis(catalog)
    findings = list(catalog.findings)
    for check in CHECKS:
        findings += check(analysis)
    if report_files is not None:
        findings = [f for f in findings if f.pos.file in report_files]
    # Stable: findings at one place with one code keep the order their rule
    # yielded them in.
    findings.sort(key=lambda f: (f.pos.file, f.pos.line, f.pos.col, f.code))
    return Report(findings)
