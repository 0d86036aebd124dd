"""Check nodes

A `check` node names a built-in probe and gives it parameters. The probe must
exist (`E210`, with a "did you mean" and the list of probes), and its
parameters must be ones the probe takes, with every required one given, of
the right type and in range (`E211`). A parameter whose value holds a `{var}`
is checked when the probe runs, once the value is known.

`ca_file` is refused in a tree whatever its value: it makes the probe read a
local file, so only the person running `edge-wizard probe ... -p ca_file=...`
may give it. `docs/probes.md` lists the probes and their parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.hints import did_you_mean
from wizard.model import Check, Finding
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

UNKNOWN_PROBE = Code(
    "E210", "error", 'A check names a probe that is not built in, with a "did you mean".'
)
BAD_PARAMS = Code(
    "E211",
    "error",
    'A check\'s parameters: unknown (with a "did you mean"), missing, ill-typed or out'
    " of range. A value holding a `{var}` is checked when the probe runs.",
)
CODES = (UNKNOWN_PROBE, BAD_PARAMS)

# How check_params names the parameter a problem is about, so the finding can
# point at that parameter's line.
_PARAM_NAME = re.compile(r"parameter '([^']+)'")


def check(analysis: Analysis) -> Iterator[Finding]:
    checks = [n for t in analysis.trees.values() for n in t.nodes.values() if isinstance(n, Check)]
    if not checks:
        return
    # Imported only when a tree has checks: the registry loads every probe module.
    from wizard.probes import PROBES, check_params

    for node in checks:
        if not node.probe:
            continue
        probe_pos = node.probe_pos or node.pos
        if node.probe not in PROBES:
            yield UNKNOWN_PROBE.at(
                probe_pos,
                f"check '{node.id}' names unknown probe '{node.probe}'"
                f"{did_you_mean(node.probe, PROBES)}; the probes are {', '.join(PROBES)}",
            )
            continue
        if "ca_file" in node.params:
            yield BAD_PARAMS.at(
                node.param_pos["ca_file"],
                f"check '{node.id}': 'ca_file' reads a local file and may only be given"
                " on the command line (`edge-wizard probe ... -p ca_file=...`)",
            )
        for problem in check_params(node.probe, node.params):
            named = _PARAM_NAME.search(problem)
            pos = node.param_pos.get(named.group(1), probe_pos) if named else probe_pos
            yield BAD_PARAMS.at(pos, f"check '{node.id}': {problem}")
