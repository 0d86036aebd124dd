"""Tree files

A tree's `id` should be its file's name without `.yaml` (`W302`), so that the
file an id names is easy to find. (A tree read from standard input has no
file name, and `W302` does not apply to it.)

A tree with `role: follow-up` is one that other trees lead to; the picker
lists it under its second heading. `W305` warns when no tree links to it: an
admin would find it only there. Make it an incident (`role: incident`, the
default), or link to it from the trees that lead to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.model import Finding, Link
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

NAME_DIFFERS = Code("W302", "warning", "The tree id differs from the file name.")
FOLLOW_UP_NOT_LINKED = Code(
    "W305",
    "warning",
    "A tree with `role: follow-up` that no tree links to: an admin would find it only"
    " under the picker's second heading.",
)
CODES = (NAME_DIFFERS, FOLLOW_UP_NOT_LINKED)


def check(analysis: Analysis) -> Iterator[Finding]:
    trees = analysis.trees
    linked = {
        node.tree
        for tree in trees.values()
        for node in tree.nodes.values()
        if isinstance(node, Link)
    }
    for tree in trees.values():
        if tree.role == "follow-up" and tree.id not in linked:
            yield FOLLOW_UP_NOT_LINKED.at(
                tree.role_pos or tree.pos,
                f"tree '{tree.id}' is a follow-up, but no tree links to it: make it an"
                " incident (role: incident), or link to it from the trees that lead here",
            )
        stem = Path(tree.path).stem
        if tree.id != stem:
            yield NAME_DIFFERS.at(
                tree.id_pos or tree.pos,
                f"tree id '{tree.id}' differs from the file name '{stem}'",
            )
