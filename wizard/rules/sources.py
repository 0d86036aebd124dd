"""Sources

Each fix a tree gives should say where it comes from, so a reviewer can check
it and an admin can read more: a `faq:` entry of the seed FAQ, a URL, or
`inferred` for engineering judgement that no source states. `W303` warns
about a resolution with no `sources`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import Finding, Resolution
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

UNSOURCED = Code("W303", "warning", "A resolution that cites no source.")
CODES = (UNSOURCED,)


def check(analysis: Analysis) -> Iterator[Finding]:
    for tree in analysis.trees.values():
        for node in tree.nodes.values():
            if isinstance(node, Resolution) and not node.sources:
                yield UNSOURCED.at(node.pos, f"resolution '{node.id}' cites no source")
