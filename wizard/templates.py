"""`{var}` templates: plain substitution, never str.format.

str.format would let a tree reach attributes (`{x.__class__}`) and raise on
stray braces; this only ever replaces a whole identifier in braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def variables(text: str) -> list[str]:
    """The variable names a text uses, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        if match.group(1):
            seen.setdefault(match.group(1))
    return list(seen)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace `{var}` with its value; an unset variable stays visible as `{var}`."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)[0]
        value = values.get(name)
        return match.group(0) if value is None or value == "" else value

    return _TOKEN.sub(substitute, text)
