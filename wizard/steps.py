"""What a walk records and shows: events, the steps answered, notes, and the
pending step's view.

Plain records, kept apart from the engine (`wizard.session`, which re-exports
them) so the engine is its state and its events; the note, the store and the
TUI read these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from wizard.outcomes import CheckAnswer


@dataclass(slots=True)
class Event:
    type: Literal["fact", "answer", "back", "note", "meta", "check", "tick"]
    at: datetime
    node: str = ""
    key: str = ""
    value: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "type": self.type,
            "at": self.at.isoformat(),
            "node": self.node,
            "key": self.key,
            "value": self.value,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            type=data["type"],
            at=datetime.fromisoformat(data["at"]),
            node=data.get("node", ""),
            key=data.get("key", ""),
            value=data.get("value", ""),
        )


@dataclass(slots=True)
class Note:
    text: str
    at: datetime


@dataclass(slots=True)
class Step:
    """One screen answered, as the admin saw it."""

    node: str
    kind: str
    prompt: str
    answer: str
    at: datetime
    target: str | None = None
    notes: list[Note] = field(default_factory=list)
    backtracked: bool = False
    # Link steps are taken by the engine, not the admin; back skips them.
    automatic: bool = False
    # A check's result as recorded (probe, target, summary, evidence, ...).
    result: dict[str, Any] | None = None
    # A check's outcome and where it came from; `answer` is its `answer` text.
    check: CheckAnswer | None = None
    # Fields parsed from an input with `parse:` (e.g. status, q850).
    fields: dict[str, str] = field(default_factory=dict)
    # `parse: pcap`: the capture as read (`wizard.capture.answer.checked`).
    capture: dict[str, Any] | None = None
    # A check whose probe could not run: the walk stayed on the node to ask by hand.
    stayed: bool = False
    # A resolution's checklist as it stood when it was answered: the 1-based
    # numbers of the steps the admin ticked.
    ticked: frozenset[int] = frozenset()


@dataclass(slots=True)
class View:
    """What the pending step shows, with templates filled and text sanitised."""

    node: str
    tree: str
    kind: str
    title: str
    # What the admin answers now: the question, the input prompt, or the
    # resolution's verification question.
    prompt: str
    text: str
    help: str
    options: list[str]
    example: str = ""
    pattern: str | None = None
    steps: list[str] = field(default_factory=list)
    collect: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Checks: the probe, its parameters with templates filled, and whether the
    # probe could not run so the admin answers by hand (`last_result` says why).
    probe: str = ""
    params: dict[str, str] = field(default_factory=dict)
    manual: bool = False
    last_result: dict[str, Any] | None = None
    # An input's `parse:` (`sip`, `pcap`); a `pcap` input is answered with a file.
    parse: str = ""
