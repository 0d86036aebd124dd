"""Removing terminal control characters from untrusted text.

Tree text and anything an admin types or pastes may carry escape sequences (an
OSC 52 clipboard write, a screen clear). Removing C0 (but tab and newline), DEL
and C1 defuses them all: every such sequence starts with ESC (0x1b) or a C1
introducer (0x9b CSI, 0x9d OSC).
"""

from __future__ import annotations

import re

CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    return CONTROL_CHARS.sub("", text)


def has_controls(text: str) -> bool:
    return CONTROL_CHARS.search(text) is not None
