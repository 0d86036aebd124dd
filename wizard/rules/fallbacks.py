"""Fallbacks

A fact may be left blank when the session starts (the admin does not know the
Edge's name yet). A text that uses it as `{var}` then reads the fact's
`fallback` in its place, else its `default`, on the screen and in the ticket
note. `E212` reports a fact that some text uses but that has neither: left
blank, it would leave a hole in the sentence.

```yaml
facts:
  - var: edge_name
    prompt: Edge name
    fallback: the Edge      # "Restart {edge_name}" reads "Restart the Edge"
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from wizard.model import Finding
from wizard.rules.registry import Code

if TYPE_CHECKING:
    from wizard.rules.analysis import Analysis

NO_FALLBACK = Code(
    "E212",
    "error",
    "A fact that some text uses as `{var}` has neither a `fallback` nor a `default`. "
    "Left blank, it would leave a hole in a sentence on the screen and in the ticket "
    'note; `fallback` gives the words that read in its place ("the Edge").',
)
CODES = (NO_FALLBACK,)


def check(analysis: Analysis) -> Iterator[Finding]:
    used = {var for pairs in analysis.uses.values() for _, var in pairs}
    for tree in analysis.trees.values():
        for fact in tree.facts:
            if fact.var in used and not (fact.fallback or fact.default):
                yield NO_FALLBACK.at(
                    fact.pos,
                    f"fact '{fact.var}' is used in a text but has no fallback: add"
                    " `fallback:` with words that read in its place when it is not"
                    " given (e.g. 'the Edge')",
                )
