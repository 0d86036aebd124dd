"""Cycles

A walk must always move on towards a resolution or an escalation, so the graph
of all trees together may hold no cycle (`E208`), including one that runs
through links from tree to tree. Each cycle is reported once, at its first
node by file and line, with the cycle spelled out; "(and no way out of it)"
is added when no node of the cycle leads anywhere else.

```yaml
  retry:
    kind: question
    text: Did the restart help?
    answers:
      - {label: "No", next: restart}   # restart leads back to retry: E208
```

To offer "try again", end the attempt in a resolution whose `unresolved`
leads on to the next thing to try, not back to the start.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import networkx as nx

from wizard.model import TERMINAL_KINDS, Finding
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

CYCLE = Code("E208", "error", "A cycle, including one that runs through links between trees.")
CODES = (CYCLE,)


def check(analysis: Analysis) -> Iterator[Finding]:
    graph = analysis.graph
    for component in analysis.cycles:
        first = min(component, key=lambda n: (analysis.node(n).pos.file, analysis.node(n).pos.line))
        cycle = nx.find_cycle(graph.subgraph(component), source=first)
        path = " -> ".join([cycle[0][0], *(edge[1] for edge in cycle)])
        exits = any(
            graph.nodes[t]["kind"] in TERMINAL_KINDS or t not in component
            for n in component
            for t in graph.successors(n)
        )
        trap = "" if exits else " (and no way out of it)"
        yield CYCLE.at(analysis.node(first).pos, f"cycle: {path}{trap}")
