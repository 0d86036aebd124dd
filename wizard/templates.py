"""`{var}` templates: plain substitution, never str.format.

str.format would let a tree reach attributes (`{x.__class__}`) and raise on
stray braces; this only ever replaces a whole identifier in braces.

A value that was not given never shows as a raw `{var}`: the admin at 3 a.m.
and the engineer reading the ticket note both need a sentence, so the text
takes the fact's `fallback` ("the Edge") instead. `Filled` remembers where
such stand-ins are, so a screen can show them as visibly not given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from wizard.sanitize import strip_controls

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Filled(str):
    """A filled template. `gaps` are the (start, end) spans of the text that
    stand in for values not given; a plain `str` method returns a plain str."""

    gaps: tuple[tuple[int, int], ...] = ()


def variables(text: str) -> list[str]:
    """The variable names a text uses, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        if match.group(1):
            seen.setdefault(match.group(1))
    return list(seen)


def not_given(name: str) -> str:
    """The last resort for a variable with no fallback of its own (a tree that
    did not pass `edge-wizard validate`): readable, and plainly a gap."""
    return f"({name.replace('_', ' ')} not given)"


def _starts_sentence(before: list[str]) -> bool:
    """Whether a value placed after the pieces `before` begins a sentence."""
    text = "".join(before).rstrip(" \t")
    return not text or text.endswith((".", "!", "?", "\n"))


def fill(
    text: str,
    values: Mapping[str, str],
    fallback: Callable[[str], str] = not_given,
) -> Filled:
    """Replace `{var}` with its value, or with `fallback(var)` when it has none.

    Control characters are removed from each piece before the spans are
    counted, so `gaps` index the text exactly as it is shown."""
    pieces: list[str] = []
    gaps: list[tuple[int, int]] = []
    length = 0
    last = 0
    for match in _TOKEN.finditer(text):
        literal = strip_controls(text[last : match.start()])
        name = match.group(1)
        if name is None:
            literal += match.group(0)[0]
            value, missing = "", False
        else:
            value = values.get(name) or ""
            missing = not value
            value = strip_controls(fallback(name) if missing else value)
        pieces.append(literal)
        length += len(literal)
        if value:
            if missing:
                if _starts_sentence(pieces):
                    # "the Edge stays down" must read "The Edge stays down".
                    value = value[:1].upper() + value[1:]
                gaps.append((length, length + len(value)))
            pieces.append(value)
            length += len(value)
        last = match.end()
    pieces.append(strip_controls(text[last:]))
    filled = Filled("".join(pieces))
    filled.gaps = tuple(gaps)
    return filled
