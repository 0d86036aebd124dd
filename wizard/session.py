"""The walk engine: where an incident stands, derived from an append-only event log.

A session is its events (facts, answers, backs, notes). Everything else, the
current node, the path, the values for templates, is computed by applying them
in order to the graph. That makes persistence a matter of storing events, and
resume a replay: after a tree changed, events are applied by node id for as
long as they still fit.

This module is pure: no I/O, no UI. The TUI and `edge-wizard walk` both drive it.
What an answer means at each kind of node is `wizard.resolvers`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from wizard import templates
from wizard.model import FactSpec, Tree
from wizard.nodetable import NodeRecord, WalkNodes, node_name, node_table
from wizard.outcomes import FIXED_LABEL as FIXED_LABEL
from wizard.outcomes import NOT_FIXED_LABEL as NOT_FIXED_LABEL
from wizard.outcomes import Outcome as Outcome
from wizard.resolvers import CHECKS, INPUTS, RESOLVERS, Resolved
from wizard.routing import AnswerError as AnswerError
from wizard.routing import BrokenTree as BrokenTree
from wizard.routing import CaptureNeeded as CaptureNeeded
from wizard.sanitize import strip_controls
from wizard.steps import Event as Event
from wizard.steps import Note as Note
from wizard.steps import Step as Step
from wizard.steps import View as View

PROMPTING_KINDS = frozenset({"question", "input", "resolution", "check"})


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_id(now: datetime) -> str:
    """Sortable and short enough to read out on a call: 20261125-031502-7f3a."""
    # os.urandom is what secrets.token_hex uses; importing secrets (hmac,
    # hashlib) would add to every start-up.
    return f"{now:%Y%m%d-%H%M%S}-{os.urandom(2).hex()}"


class SessionEnded(RuntimeError):
    """An answer was given after the session reached its end."""


class Session:
    """One incident walk through the graph. Apply events; read the state."""

    def __init__(
        self,
        nodes: WalkNodes,
        trees: Mapping[str, Tree],
        tree_id: str,
        *,
        session_id: str | None = None,
        started_at: datetime | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if tree_id not in trees:
            raise KeyError(tree_id)
        self.nodes = node_table(nodes)
        self.trees = trees
        self.tree_id = tree_id
        self.clock = clock
        self.started_at = started_at or clock()
        self.id = session_id or new_session_id(self.started_at)
        self.events: list[Event] = []
        self.facts: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.path: list[Step] = []
        self.pending_notes: list[Note] = []
        self.end_notes: list[Note] = []
        self.outcome: Outcome | None = None
        self.ended_at: datetime | None = None
        # Ticked checklist steps per resolution node; a visit after a back
        # finds the ticks of the last one.
        self.ticks: dict[str, frozenset[int]] = {}
        tree = trees[tree_id]
        self.current: str = node_name(tree.id, tree.start)
        self._follow_links(self.started_at)
        self._settle(self.started_at)

    # -- reading -------------------------------------------------------------

    @property
    def tree(self) -> Tree:
        return self.trees[self.tree_id]

    @property
    def trees_seen(self) -> list[str]:
        """The trees the active path has been in, in order (backtracked links drop out)."""
        seen = [self.tree_id]
        for step in self.path:
            if step.automatic and not step.backtracked and step.answer not in seen:
                seen.append(step.answer)
        return seen

    @property
    def finished(self) -> bool:
        return self.outcome is not None

    @property
    def record(self) -> NodeRecord:
        """The current node's record."""
        return self.nodes[self.current]

    @property
    def kind(self) -> str:
        return self.nodes[self.current].kind

    def values(self) -> dict[str, str]:
        """Facts and the inputs on the active path, for templates."""
        values = {k: v for k, v in self.facts.items() if v}
        for step in self.path:
            if not step.backtracked and step.kind == "input":
                var = self.nodes[step.node].var
                if var:
                    values[var] = step.answer
                    values.update({f"{var}_{k}": v for k, v in step.fields.items() if v})
        return values

    def fallbacks(self) -> dict[str, str]:
        """What a text says for each fact not given: its `fallback`, else its
        `default`; a parsed field the pasted text did not have says so."""
        words: dict[str, str] = {}
        for step in self.path:
            if not step.backtracked and step.kind == "input" and step.fields:
                var = self.nodes[step.node].var
                where = "the pasted text" if step.capture is None else "the capture"
                for key in step.fields:
                    words[f"{var}_{key}"] = f"(no {key.replace('_', ' ')} in {where})"
        for fact in self.fact_specs():
            words[fact.var] = fact.fallback or fact.default or templates.not_given(fact.var)
        return words

    def fill(self, text: str) -> templates.Filled:
        """A tree text with its templates filled: values given, fallbacks for the rest."""
        return self.filler()(text)

    def filler(self) -> Callable[[str], templates.Filled]:
        """`fill` for many texts at once: the path and facts are read once."""
        values, words = self.values(), self.fallbacks()

        def fallback(name: str) -> str:
            return words.get(name) or templates.not_given(name)

        return lambda text: templates.fill(text, values, fallback)

    def fact_specs(self) -> list[FactSpec]:
        """Every fact of the trees this session entered, with choices and defaults."""
        details: dict[str, FactSpec] = {}
        for tree_id in self.trees_seen:
            for fact in self.trees[tree_id].facts:
                details.setdefault(fact.var, fact)
        return list(details.values())

    def active_steps(self) -> list[Step]:
        return [s for s in self.path if not s.backtracked]

    def numbered_steps(self) -> list[tuple[int | None, Step]]:
        """The path with each step's number as the note and the path panel show
        it: steps on the active path count from 1; backtracked and automatic
        (link) steps have none."""
        numbered: list[tuple[int | None, Step]] = []
        number = 0
        for step in self.path:
            if step.automatic or step.backtracked:
                numbered.append((None, step))
            else:
                number += 1
                numbered.append((number, step))
        return numbered

    def options(self) -> list[str]:
        resolver = RESOLVERS.get(self.kind)
        return resolver.options(self, self.record) if resolver else []

    def check_failed_to_run(self) -> dict[str, Any] | None:
        """At a check whose probe could not run (and the tree has no `error`
        outcome): the result, so the admin can be asked by hand instead."""
        active = self.active_steps()
        if self.kind != "check" or not active:
            return None
        last = active[-1]
        if last.node == self.current and last.stayed:
            return last.result or {}
        return None

    def check_params(self, fill: Callable[[str], templates.Filled] | None = None) -> dict[str, str]:
        """The current check's parameters, templates filled from facts and inputs."""
        params = self.record.params
        fill = fill or self.filler()
        return {key: fill(str(value)) for key, value in params.items()}

    def _prompt(self) -> str:
        record = self.record
        if record.kind == "resolution":
            return self.fill(record.verify)
        return self.fill(record.text) if record.kind in PROMPTING_KINDS else ""

    def view(self) -> View:
        record = self.record
        kind = record.kind
        prompt = record.verify if kind == "resolution" else record.text
        failed = self.check_failed_to_run() if kind == "check" else None
        fill = self.filler()
        return View(
            node=self.current,
            tree=record.tree,
            kind=kind,
            title=fill(record.title),
            prompt=fill(prompt) if kind in PROMPTING_KINDS else "",
            text=fill(record.text),
            help=fill(record.help),
            options=[strip_controls(o) for o in self.options()],
            example=strip_controls(record.example or ""),
            pattern=record.pattern,
            steps=[fill(s) for s in record.steps],
            collect=[fill(c) for c in record.collect],
            sources=list(record.sources),
            probe=record.probe,
            params=self.check_params(fill) if kind == "check" else {},
            manual=failed is not None,
            last_result=failed,
            parse=(record.parse or "") if kind == "input" else "",
        )

    # -- acting --------------------------------------------------------------

    def set_fact(self, var: str, value: str) -> None:
        self._record(Event("fact", self.clock(), key=var, value=strip_controls(value)))

    def set_meta(self, key: str, value: str) -> None:
        """Incident header fields that are not tree facts: ticket, operator."""
        self._record(Event("meta", self.clock(), key=key, value=strip_controls(value)))

    def note(self, text: str) -> None:
        self._record(Event("note", self.clock(), node=self.current, value=strip_controls(text)))

    def answer(self, text: str) -> None:
        """Answer the pending step: a label or 1-based number, a value, or yes/no."""
        resolved = self._resolve_answer(text)
        self._record(Event("answer", self.clock(), node=self.current, value=resolved.canonical))

    def answer_capture(self, record: Mapping[str, Any]) -> None:
        """Answer a `parse: pcap` input with a capture already read
        (`wizard.capture.answer.read_for_input`). The event keeps the record, so
        a replay needs no file; raises AnswerError (nothing recorded) if it does not fit."""
        resolved = self._resolve_capture(record)
        value = json.dumps(resolved.capture, ensure_ascii=False)
        self._record(Event("answer", self.clock(), node=self.current, key="capture", value=value))

    def record_check(
        self, result: Mapping[str, Any], outcome: str | None = None, reason: str = ""
    ) -> None:
        """Record a probe's result at the current check. `outcome` overrides the
        measured one; the override and its reason are kept with the evidence."""
        measured = str(result.get("outcome", "error"))
        final = outcome or measured
        payload = dict(result)
        if final != measured:
            payload["override"] = {"from": measured, "reason": strip_controls(reason)}
        self._record(
            Event("check", self.clock(), node=self.current, key=final, value=json.dumps(payload))
        )

    def tick(self, step: int, ticked: bool) -> None:
        """Tick (or untick) step `step` (1-based) of the current resolution's checklist."""
        self._record(
            Event(
                "tick", self.clock(), node=self.current, key=str(step), value="1" if ticked else ""
            )
        )

    def ticked(self) -> frozenset[int]:
        """The ticked steps of the current node's checklist."""
        return self.ticks.get(self.current, frozenset())

    def choose(self, index: int) -> None:
        """Pick the option at a 0-based index (questions and verification)."""
        options = self.options()
        if not 0 <= index < len(options):
            raise AnswerError(f"there is no option {index + 1}", options)
        self.answer(options[index])

    def back(self) -> bool:
        """Step back once. The abandoned step stays in the log, marked backtracked."""
        if not any(not s.backtracked and not s.automatic for s in self.path):
            return False
        self._record(Event("back", self.clock(), node=self.current))
        return True

    def validate_answer(self, text: str) -> None:
        """Raise AnswerError if `text` would not be accepted now (nothing is recorded)."""
        self._resolve_answer(text)

    # -- events --------------------------------------------------------------

    def _record(self, event: Event) -> None:
        self.apply(event)
        self.events.append(event)

    def apply(self, event: Event) -> None:
        """Apply one event. Raises AnswerError or SessionEnded if it does not fit."""
        if event.type == "fact":
            self.facts[event.key] = event.value
        elif event.type == "meta":
            self.meta[event.key] = event.value
        elif event.type == "note":
            note = Note(event.value, event.at)
            (self.end_notes if self.finished else self.pending_notes).append(note)
        elif event.type == "back":
            self._apply_back(event.at)
        elif event.type == "tick":
            self._apply_tick(event)
        elif event.type == "answer":
            if event.node and event.node != self.current:
                raise AnswerError(
                    f"this answer was for {event.node}, but the session is at {self.current}",
                    self.options(),
                )
            if event.key == "capture":
                self._apply_resolved(self._resolve_capture(event.value), event.at)
            else:
                self._apply_answer(event.value, event.at)
        elif event.type == "check":
            if event.node != self.current or self.kind != "check":
                raise AnswerError(
                    f"this check result was for {event.node}, but the session is at {self.current}",
                    self.options(),
                )
            resolved = CHECKS.from_result(self, self.record, event.key, json.loads(event.value))
            self._apply_resolved(resolved, event.at)

    def _apply_tick(self, event: Event) -> None:
        steps = len(self.record.steps)
        if event.node != self.current or self.kind != "resolution":
            raise AnswerError(
                f"this tick was for {event.node}, but the session is at {self.current}", []
            )
        if not (event.key.isascii() and event.key.isdigit() and 1 <= int(event.key) <= steps):
            raise AnswerError(f"this resolution has no step {event.key}", [])
        number = int(event.key)
        ticked = self.ticked()
        self.ticks[self.current] = ticked | {number} if event.value else ticked - {number}

    def _resolve_answer(self, text: str) -> Resolved:
        """What an answer text means at the current node."""
        if self.finished:
            raise SessionEnded("the session has ended")
        resolver = RESOLVERS.get(self.kind)
        if resolver is None:
            raise SessionEnded(f"a {self.kind} takes no answer")
        return resolver.resolve(self, self.record, strip_controls(text).strip())

    def _resolve_capture(self, record: Mapping[str, Any] | str) -> Resolved:
        """What a capture record (or its JSON, from an event) means at the current node."""
        if self.finished:
            raise SessionEnded("the session has ended")
        if self.kind != "input" or self.record.parse != "pcap":
            raise AnswerError("this step does not read a capture", self.options())
        # Imported here: only a few inputs read captures (the module does not load dpkt).
        from wizard.capture.answer import checked

        try:
            capture = checked(json.loads(record) if isinstance(record, str) else dict(record))
        except ValueError as exc:  # json.JSONDecodeError is one
            raise AnswerError(f"the capture's record cannot be used: {exc}", []) from None
        return INPUTS.resolve_capture(self.record, capture)

    def _apply_answer(self, text: str, at: datetime) -> None:
        self._apply_resolved(self._resolve_answer(text), at)

    def _apply_resolved(self, resolved: Resolved, at: datetime) -> None:
        target, outcome = resolved.target, resolved.outcome
        if outcome is None and target is None and not resolved.stay:
            raise AnswerError("this answer leads nowhere: the tree is broken here", self.options())
        step = Step(self.current, self.kind, self._prompt(), resolved.answer, at, target)
        step.result, step.fields, step.stayed = resolved.result, resolved.fields, resolved.stay
        step.capture, step.check = resolved.capture, resolved.check
        if step.kind == "resolution":
            step.ticked = self.ticked()
        step.notes, self.pending_notes = self.pending_notes, []
        self.path.append(step)
        if resolved.stay:
            return
        if outcome is not None:
            self.outcome, self.ended_at = outcome, at
            return
        assert target is not None
        self.current = target
        self._follow_links(at)
        self._settle(at)

    def _apply_back(self, at: datetime) -> None:
        if self.kind == "resolution" and not self.finished:
            # A fix shown and left with back may have been half carried out:
            # the note keeps it, as backtracked, with its ticks.
            step = Step(self.current, "resolution", self._prompt(), "", at, backtracked=True)
            step.ticked = self.ticked()
            step.notes, self.pending_notes = self.pending_notes, []
            self.path.append(step)
        self.outcome, self.ended_at = None, None
        self.pending_notes += self.end_notes
        self.end_notes = []
        for step in reversed(self.path):
            if step.backtracked:
                continue
            step.backtracked = True
            if not step.automatic:
                # Notes written where the walk now leaves stay with the
                # abandoned step, not with whatever is answered next.
                step.notes += self.pending_notes
                self.pending_notes = []
                self.current = step.node
                return

    def _follow_links(self, at: datetime) -> None:
        crossed: set[str] = set()
        while self.kind == "link":
            if self.current in crossed:
                raise BrokenTree(f"links loop back to {self.current}; run `edge-wizard validate`")
            crossed.add(self.current)
            record = self.record
            link = record.choice("link")
            target = link.target if link else None
            if target is None:
                raise BrokenTree(f"the link at {self.current} leads to a missing tree or node")
            tree_id = self.nodes[target].tree
            title = self.trees[tree_id].title if tree_id in self.trees else tree_id
            # A link's help says why the path crosses; the admin never sees the
            # link as a screen, so it travels with the step instead.
            reason = self.fill(record.help)
            prompt = f"Continue in: {title}" + (f" ({reason})" if reason else "")
            self.path.append(
                Step(
                    self.current,
                    "link",
                    prompt,
                    tree_id,
                    at,
                    target,
                    automatic=True,
                )
            )
            self.current = target

    def _settle(self, at: datetime) -> None:
        if self.kind == "escalation":
            self.outcome, self.ended_at = "escalated", at

    # -- replay --------------------------------------------------------------

    @classmethod
    def replay(
        cls,
        nodes: WalkNodes,
        trees: Mapping[str, Tree],
        tree_id: str,
        events: list[Event],
        *,
        session_id: str,
        started_at: datetime,
        clock: Callable[[], datetime] = utc_now,
    ) -> tuple[Session, int]:
        """Rebuild a session; returns it and how many events did not fit.

        Events are applied in order; the first answer that no longer fits (its
        node is gone, or the tree now asks something else) stops the replay and
        it and everything after it are dropped.
        """
        session = cls(
            nodes, trees, tree_id, session_id=session_id, started_at=started_at, clock=clock
        )
        for index, event in enumerate(events):
            try:
                session.apply(event)
            except (AnswerError, SessionEnded, KeyError):
                return session, len(events) - index
            session.events.append(event)
        return session, 0
