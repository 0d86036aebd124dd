"""Tree ids

A tree's `id` is how links and the picker name it, so two files may not use
the same one (`E201`). The first file read keeps the id; each later one is
reported at its `id`, naming the file that has it. (With PATHs, a checked
file simply takes the place of the configured tree with its id: it is meant
to replace it.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import Finding
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

DUPLICATE_ID = Code("E201", "error", "Two files use the same tree id.")
CODES = (DUPLICATE_ID,)


def check(analysis: Analysis) -> Iterator[Finding]:
    catalog = analysis.catalog
    for dup in catalog.duplicates:
        first = catalog.trees[dup.id]
        yield DUPLICATE_ID.at(
            dup.id_pos or dup.pos, f"tree id '{dup.id}' is already used by {first.path}"
        )
