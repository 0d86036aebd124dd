"""The words a walk ends with and a check comes out as, and how each reads.

One vocabulary for the engine, the note and the TUI: the event log and JSON
keep the keys (`fixed`, `pass`), and every screen and note shows the labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["fixed", "not-fixed", "escalated"]
# A note of a session that has not ended says so in the outcome's place.
IN_PROGRESS = "in-progress"
OUTCOME_LABELS: dict[str, str] = {
    "fixed": "Fixed",
    "not-fixed": "Not fixed",
    "escalated": "Escalated",
    IN_PROGRESS: "In progress",
}
FIXED_LABEL = OUTCOME_LABELS["fixed"]
NOT_FIXED_LABEL = OUTCOME_LABELS["not-fixed"]

CheckOutcome = Literal["pass", "fail", "error"]
"""A check's outcome, measured by its probe (`wizard.probes`) or given by hand.

`pass`: the target answered and the answer is healthy.
`fail`: the network gave a definite unhealthy answer, *including silence*
(no answer within the timeout is a finding: a firewall dropping packets).
`error`: the probe could not ask its question (bad parameters, a name that
does not resolve for a probe other than `dns`, a local failure)."""
CHECK_OUTCOMES: tuple[CheckOutcome, ...] = ("pass", "fail", "error")
CHECK_LABELS: dict[str, str] = {"pass": "Pass", "fail": "Fail", "error": "Error"}


@dataclass(frozen=True, slots=True)
class CheckAnswer:
    """How a check step was answered: the outcome taken, and where it came from.

    `by_hand`: no probe result, the admin answered. `measured`: what the probe
    said, kept when the admin overrode it, with `reason`."""

    outcome: CheckOutcome
    by_hand: bool = False
    measured: CheckOutcome | None = None
    reason: str = ""

    @property
    def label(self) -> str:
        return CHECK_LABELS[self.outcome]

    @property
    def detail(self) -> str:
        """What the step's answer says besides the outcome, or ""."""
        if self.by_hand:
            return "checked by hand"
        if self.measured is not None:
            return f"override of {self.measured}: {self.reason or 'no reason given'}"
        return ""

    @property
    def answer(self) -> str:
        """The answer as a note shows it: `Fail (override of pass: reason)`."""
        return f"{self.label} ({self.detail})" if self.detail else self.label
