"""Where an answer leads: the errors an answer can raise, tree regexes bounded
in time, and an input's routes.

Kept apart from `session` so the walk engine stays one screen of state and
events; `wizard.session` re-exports the errors, which is where callers import
them from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.nodetable import NodeRecord


class AnswerError(ValueError):
    """An answer that does not fit the pending step. `options` lists what would."""

    def __init__(self, message: str, options: list[str]) -> None:
        super().__init__(message)
        self.options = options


class CaptureNeeded(AnswerError):
    """The pending input reads a capture file (`parse: pcap`): the caller reads it
    (`wizard.capture.answer.read_for_input`) and calls `Session.answer_capture`."""


class BrokenTree(AnswerError):
    """The tree cannot be walked here (links in a loop, a link to nowhere).
    `edge-wizard validate` reports these; a walk stops cleanly on them."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [])


# Tree regexes are untrusted: a catastrophic pattern must not freeze a walk.
REGEX_TIMEOUT = 0.3


def tree_search(pattern: str, text: str) -> bool:
    """`re.search` semantics for a tree's regex, bounded in time."""
    import regex  # not before the first question: start-up is measured

    try:
        return regex.search(pattern, text, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        raise BrokenTree(
            f"the tree's pattern {pattern!r} took too long on this value; report the tree"
        ) from None
    except (regex.error, OverflowError, RecursionError, ValueError) as exc:
        raise BrokenTree(f"the tree's pattern {pattern!r} is invalid: {exc}") from None


def route(record: NodeRecord, value: str, fields: Mapping[str, str]) -> str | None:
    """An input's way on: the first route whose regex matches the value (or its
    parsed `field`), else the default `next`."""
    for choice in record.choices:
        if choice.kind != "route":
            continue
        subject = fields.get(choice.field, "") if choice.field else value
        if tree_search(choice.match, subject):
            return choice.target
    default = record.choice("default")
    return default.target if default else None
