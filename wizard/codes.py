"""Every validation code, its severity and its one-line summary.

The table is the rule registry's (`wizard.rules.CODES`): each family module in
wizard/rules/ declares its own codes, and docs/validation.md is generated from
them. This module is where the table's readers take it from: SARIF's rule
descriptions (`report`) and the check of suppressed codes (`config`).
Summaries are Markdown (backticks); `Code.plain()` gives them as text.
"""

from __future__ import annotations

from wizard.rules import BY_CODE, CODES
from wizard.rules.registry import Code

__all__ = ["BY_CODE", "CODES", "Code"]
