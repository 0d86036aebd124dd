"""Removing terminal control characters from untrusted text.

Tree text and anything an admin types or pastes may carry escape sequences (an
OSC 52 clipboard write, a screen clear). Removing C0 (but tab and newline), DEL
and C1 defuses them all: every such sequence starts with ESC (0x1b) or a C1
introducer (0x9b CSI, 0x9d OSC). Invisible bidi and zero-width characters go
too, so that what an admin reads is what the text says.
"""

from __future__ import annotations

import re

CONTROL_CHARS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    # Bidi embeddings, overrides and isolates, directional marks and the zero
    # width space: invisible, and able to make a label read as another one
    # ("Trojan Source"). The zero-width joiner stays: emoji need it.
    "\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def strip_controls(text: str) -> str:
    return CONTROL_CHARS.sub("", text)
