"""A walk whose answers are all given up front: what `edge-wizard walk` does.

Each step takes the next answer: a question a label or its number, an input
its value (a capture's path for `parse: pcap`), a check `pass`, `fail` or
`error`, or, with `run_checks`, the probe's own result. Links are followed,
facts the trees declare take their defaults as the walk reaches them, and
nothing ever prompts. The walk stops at an ending, when the answers run out,
or at the first answer that does not fit; `Walked` says which, and the
caller decides what to print and how to exit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from wizard.model import Tree
from wizard.nodetable import WalkNodes
from wizard.sanitize import strip_controls
from wizard.session import AnswerError, Session, View

Say = Callable[[str], None]


def _quiet(line: str) -> None:
    pass


@dataclass(frozen=True)
class Misfit:
    """The answer the walk stopped at: it did not fit its step."""

    number: int  # 1-based, as the admin counts the answers
    answer: str
    reason: str
    step: View
    # What would have fitted a question; empty for an input.
    options: list[str] = field(default_factory=list)
    # The step reads a capture, and this file could not be read as one.
    unreadable: bool = False


@dataclass(frozen=True)
class Walked:
    session: Session
    used: int  # answers taken
    misfit: Misfit | None = None
    # Facts given that no tree on the walk declares (a typo, or the wrong tree).
    unused_facts: list[str] = field(default_factory=list)


def answer_with_capture(session: Session, text: str, *, call_id: str | None = None) -> str:
    """Read the capture at `text` and answer the session's `parse: pcap` input with it.

    Returns `summary` of what was read. Raises `CaptureError` when the file
    cannot be read and `AnswerError` when the step takes no capture; either
    way the session is unchanged."""
    # Imported here: dpkt and the reader load only for a capture.
    from wizard.capture.answer import read_for_input, summary

    record = read_for_input(text, call_id=call_id)
    session.answer_capture(record)
    return summary(record)


def walk(
    nodes: WalkNodes,
    trees: Mapping[str, Tree],
    tree_id: str,
    answers: Sequence[str],
    *,
    facts: Mapping[str, str] | None = None,
    meta: Mapping[str, str] | None = None,
    run_checks: bool = False,
    call_id: str | None = None,
    progress: Say = _quiet,
    notice: Say = _quiet,
) -> Walked:
    """Walk `tree_id` with `answers`. `progress` hears each check as it runs,
    `notice` what was read from each capture; `call_id` picks the call in a
    capture that holds several."""
    session = Session(nodes, trees, tree_id)
    for key, value in (meta or {}).items():
        if value:
            session.set_meta(key, value)
    for var, value in (facts or {}).items():
        session.set_fact(var, value)

    def apply_defaults() -> None:
        # Trees entered through a link bring their own facts and defaults.
        for fact in session.fact_specs():
            if fact.var not in session.facts and fact.default:
                session.set_fact(fact.var, fact.default)

    apply_defaults()
    known = {fact.var for fact in session.fact_specs()}
    used = 0
    while not session.finished:
        view = session.view()
        if view.kind == "check" and run_checks and not view.manual:
            # Imported here: only a walk that runs its checks loads the probes.
            from wizard.probe_bridge import describe, run_current

            progress(f"running {view.probe}: {describe(session)} ...")
            result = run_current(session)
            progress(f"  {result['outcome']}: {strip_controls(result['summary'])}")
            session.record_check(result)
            continue
        if used >= len(answers):
            break
        answer = answers[used]
        used += 1
        try:
            if view.kind == "input" and view.parse == "pcap":
                # The walk reads the file; the session keeps what was read.
                # Imported here: only a step that reads a capture loads the reader.
                from wizard.capture.records import CaptureError

                try:
                    notice("read " + answer_with_capture(session, answer, call_id=call_id))
                except CaptureError as exc:
                    return Walked(session, used, Misfit(used, answer, str(exc), view, [], True))
            else:
                session.answer(answer)
        except AnswerError as exc:
            return Walked(session, used, Misfit(used, answer, str(exc), view, exc.options))
        known |= {fact.var for fact in session.fact_specs()}
        apply_defaults()
    return Walked(session, used, unused_facts=sorted(set(session.facts) - known))
