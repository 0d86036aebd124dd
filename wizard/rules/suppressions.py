"""Suppressions

Codes can be turned off in the settings (`disable`, `per-file-ignores`) and
in a tree file (`# edge-wizard: disable=...`, `disable-file=...`); see
"Settings and suppressions" below. `wizard/config.py` applies them after the
rules have run. A code there that does not exist is itself reported, as
`E013`, at the place that names it, so a typo never hides a finding
silently.
"""

from __future__ import annotations

from wizard.rules.registry import Code

UNKNOWN_CODE = Code(
    "E013",
    "error",
    "A suppression (`# edge-wizard: disable=...`, or `disable` and `per-file-ignores` in the"
    " settings) names a code that does not exist.",
)
CODES = (UNKNOWN_CODE,)
