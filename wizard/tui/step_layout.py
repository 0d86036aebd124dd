"""Where each part of the step column goes, and when a list of answers is the same.

The incident screen mounts widgets lazily (fewer widgets make the first frame
sooner); these tables say where a late one goes so the column keeps its order.
"""

from __future__ import annotations

from textual.content import Content

# The step column has two parts. Above, what the step says (#main, which
# scrolls when long); below, what the admin answers with, always in view: at
# 80x24 a long help text or a long checklist must never push the answers off
# the screen. The answers are children of the screen itself, after #main, not
# of a container of their own: each container is one more layer that every
# step lays out and repaints. Each part lists its widgets top to bottom;
# COMPOSED are always there, the others are mounted in their place the first
# time a step needs them.
ANSWERS = "answers"
PARTS: dict[str, tuple[str, ...]] = {
    "#main": (
        "#kind",
        "#title",
        "#text",
        "#help",
        "#checklist",
        "#check",
        "#evidence",
        "#collect",
        "#notes",
    ),
    ANSWERS: ("#prompt", "#field", "#hint", "#options"),
}
PART_OF = {selector: part for part, selectors in PARTS.items() for selector in selectors}
COMPOSED = frozenset({"#kind", "#text", "#help", "#options"})
LAZY_STATICS = frozenset(
    {"#title", "#check", "#collect", "#prompt", "#hint", "#evidence", "#notes"}
)


def same_options(a: list[tuple[Content, str]], b: list[tuple[Content, str]]) -> bool:
    """Equal prompts (text and styles) and ids; Content's == compares text only."""
    return len(a) == len(b) and all(
        key_a == key_b and prompt_a.is_same(prompt_b)
        for (prompt_a, key_a), (prompt_b, key_b) in zip(a, b, strict=True)
    )
