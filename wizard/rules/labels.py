"""Answer labels

An admin chooses an answer by its label, so two answers of one question may
not read the same: `E206` compares labels ignoring case, and points at the
second, naming where the first is.

```yaml
answers:
  - {label: "Yes", next: fixed}
  - {label: "yes", next: escalate}   # E206, naming the line of "Yes"
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import Finding, Pos, Question
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

DUPLICATE_LABEL = Code(
    "E206", "error", "Two answers of a question have the same label, ignoring case."
)
CODES = (DUPLICATE_LABEL,)


def check(analysis: Analysis) -> Iterator[Finding]:
    for tree in analysis.trees.values():
        for node in tree.nodes.values():
            if not isinstance(node, Question):
                continue
            seen: dict[str, Pos] = {}
            for answer in node.answers:
                key = answer.label.casefold()
                first = seen.get(key)
                if first is None:
                    seen[key] = answer.pos
                    continue
                yield DUPLICATE_LABEL.at(
                    answer.pos,
                    f"answer label '{answer.label}' repeats the label at line {first.line},"
                    f" column {first.col} (labels are compared ignoring case)",
                )
