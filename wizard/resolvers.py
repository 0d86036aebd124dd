"""What an answer means at each kind of node: one resolver per kind.

A resolver gives the options a node offers and turns an answer (a label, a
number, a value, yes/no, a check outcome) into where the walk goes and what
the event log keeps. `wizard.session` looks the resolver up by the node's
kind, so a new kind of node is one class here and one entry in `RESOLVERS`.
Nothing here records anything: the session applies what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from wizard.nodetable import NodeRecord
from wizard.outcomes import (
    CHECK_LABELS,
    CHECK_OUTCOMES,
    FIXED_LABEL,
    NOT_FIXED_LABEL,
    CheckAnswer,
    CheckOutcome,
    Outcome,
)
from wizard.routing import AnswerError, CaptureNeeded, route, tree_search

_YES = {"yes", "y", "fixed", "1", "true"}
_NO = {"no", "n", "not fixed", "not-fixed", "2", "false"}
_CHECK_NUMBERS: dict[str, CheckOutcome] = {"1": "pass", "2": "fail", "3": "error"}


@dataclass(slots=True)
class Resolved:
    answer: str
    target: str | None
    # What the event log records: the label, the cleaned value, yes/no or the
    # check outcome, never a number that means something else after a change.
    canonical: str = ""
    outcome: Outcome | None = None
    fields: dict[str, str] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    stay: bool = False  # a check that could not run: ask the same node by hand
    capture: dict[str, Any] | None = None
    check: CheckAnswer | None = None


class Walk(Protocol):
    """What a resolver may ask of the session it resolves for."""

    def check_failed_to_run(self) -> dict[str, Any] | None: ...


class Resolver(Protocol):
    def options(self, walk: Walk, record: NodeRecord) -> list[str]: ...

    def resolve(self, walk: Walk, record: NodeRecord, cleaned: str) -> Resolved: ...


class QuestionResolver:
    def options(self, walk: Walk, record: NodeRecord) -> list[str]:
        return [c.label for c in record.choices]

    def resolve(self, walk: Walk, record: NodeRecord, cleaned: str) -> Resolved:
        choices = record.choices
        wanted = cleaned.casefold()
        chosen = next((c for c in choices if c.label.casefold() == wanted), None)
        # isdigit() alone admits "²" and 5,000-digit strings that int() rejects.
        if chosen is None and cleaned.isascii() and cleaned.isdigit() and len(cleaned) < 4:
            number = int(cleaned)
            chosen = choices[number - 1] if 1 <= number <= len(choices) else None
        if chosen is None:
            raise AnswerError(f"'{cleaned}' is not one of the answers", self.options(walk, record))
        return Resolved(chosen.label, chosen.target, chosen.label)


class InputResolver:
    def options(self, walk: Walk, record: NodeRecord) -> list[str]:
        return []

    def resolve(self, walk: Walk, record: NodeRecord, cleaned: str) -> Resolved:
        if record.parse == "pcap":
            raise CaptureNeeded(
                "this step reads a capture file (pcap or pcapng); give its path", []
            )
        value = cleaned
        example = record.example or ""
        if not value:
            raise AnswerError("a value is needed", [example])
        if record.pattern and not tree_search(record.pattern, value):
            hint = f"; for example: {example}" if example else ""
            raise AnswerError(f"'{value}' does not have the expected form{hint}", [example])
        fields = {}
        if record.parse == "sip":
            # Imported here: only a few inputs parse SIP, and start-up counts.
            from wizard.sipparse import parse_sip

            fields = parse_sip(value).as_dict()
        return Resolved(value, route(record, value, fields), value, fields=fields)

    def resolve_capture(self, record: NodeRecord, capture: dict[str, Any]) -> Resolved:
        """A capture already checked (`wizard.capture.answer.checked`)."""
        from wizard.capture.answer import answer_text

        fields, text = capture["findings"], answer_text(capture)
        return Resolved(text, route(record, text, fields), text, fields=fields, capture=capture)


class ResolutionResolver:
    def options(self, walk: Walk, record: NodeRecord) -> list[str]:
        return [FIXED_LABEL, NOT_FIXED_LABEL]

    def resolve(self, walk: Walk, record: NodeRecord, cleaned: str) -> Resolved:
        word = cleaned.casefold()
        if word in _YES:
            return Resolved(FIXED_LABEL, None, "yes", outcome="fixed")
        if word in _NO:
            unresolved = record.choice("unresolved")
            if unresolved and unresolved.target:
                return Resolved(NOT_FIXED_LABEL, unresolved.target, "no")
            return Resolved(NOT_FIXED_LABEL, None, "no", outcome="not-fixed")
        raise AnswerError(f"'{cleaned}' is not yes or no", ["yes", "no"])


class CheckResolver:
    def options(self, walk: Walk, record: NodeRecord) -> list[str]:
        # "Error" by hand only where the tree says what an error means;
        # elsewhere it would just lead back to this question.
        words = [CHECK_LABELS["pass"], CHECK_LABELS["fail"]]
        has_error = any(c.label == "error" for c in record.choices)
        if has_error and walk.check_failed_to_run() is None:
            words.append(CHECK_LABELS["error"])
        return words

    def resolve(self, walk: Walk, record: NodeRecord, cleaned: str) -> Resolved:
        word = _CHECK_NUMBERS.get(cleaned, cleaned.casefold())
        if word not in CHECK_OUTCOMES:
            raise AnswerError(f"'{cleaned}' is not pass, fail or error", self.options(walk, record))
        return self.from_result(walk, record, word, None)

    def from_result(
        self, walk: Walk, record: NodeRecord, outcome: str, result: dict[str, Any] | None
    ) -> Resolved:
        """A check's outcome, with the probe's result (None: answered by hand)."""
        if outcome not in CHECK_OUTCOMES:
            raise AnswerError(f"'{outcome}' is not pass, fail or error", list(CHECK_OUTCOMES))
        final: CheckOutcome = outcome
        if result is None:
            check = CheckAnswer(final, by_hand=True)
        elif "override" in result:
            override = result["override"]
            check = CheckAnswer(final, measured=override["from"], reason=override["reason"])
        else:
            check = CheckAnswer(final)
        choices = {c.label: c.target for c in record.choices}
        if outcome == "error" and "error" not in choices:
            if walk.check_failed_to_run() is not None:
                raise AnswerError("the check could not run: answer pass or fail", ["pass", "fail"])
            return Resolved(check.answer, None, outcome, result=result, stay=True, check=check)
        return Resolved(check.answer, choices.get(outcome), outcome, result=result, check=check)


INPUTS = InputResolver()
CHECKS = CheckResolver()
RESOLVERS: dict[str, Resolver] = {
    "question": QuestionResolver(),
    "input": INPUTS,
    "resolution": ResolutionResolver(),
    "check": CHECKS,
}
