"""The walk engine: where an incident stands, derived from an append-only event log.

A session is its events (facts, answers, backs, notes). Everything else, the
current node, the path, the values for templates, is computed by applying them
in order to the graph. That makes persistence a matter of storing events, and
resume a replay: after a tree changed, events are applied by node id for as
long as they still fit.

This module is pure: no I/O, no UI. The TUI and `edge-wizard walk` both drive it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from wizard import templates
from wizard.model import DEFAULT_VERIFY, FactSpec, Tree
from wizard.nodetable import WalkGraph, node_name
from wizard.routing import AnswerError as AnswerError
from wizard.routing import BrokenTree as BrokenTree
from wizard.routing import CaptureNeeded as CaptureNeeded
from wizard.routing import route, tree_search
from wizard.sanitize import strip_controls

Outcome = Literal["fixed", "not-fixed", "escalated"]
FIXED_LABEL = "Fixed"
NOT_FIXED_LABEL = "Not fixed"
PROMPTING_KINDS = frozenset({"question", "input", "resolution", "check"})
CHECK_WORDS = {"pass": "Pass", "fail": "Fail", "error": "Error"}
_YES = {"yes", "y", "fixed", "1", "true"}
_NO = {"no", "n", "not fixed", "not-fixed", "2", "false"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_id(now: datetime) -> str:
    """Sortable and short enough to read out on a call: 20261125-031502-7f3a."""
    # os.urandom is what secrets.token_hex uses; importing secrets (hmac,
    # hashlib) cost ~1.5 ms of every start-up.
    return f"{now:%Y%m%d-%H%M%S}-{os.urandom(2).hex()}"


class SessionEnded(RuntimeError):
    """An answer was given after the session reached its end."""


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


@dataclass(slots=True)
class _Resolved:
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


class Session:
    """One incident walk through the graph. Apply events; read the state."""

    def __init__(
        self,
        graph: WalkGraph,
        trees: Mapping[str, Tree],
        tree_id: str,
        *,
        session_id: str | None = None,
        started_at: datetime | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        if tree_id not in trees:
            raise KeyError(tree_id)
        self.graph = graph
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
    def kind(self) -> str:
        return str(self.graph.nodes[self.current]["kind"])

    def values(self) -> dict[str, str]:
        """Facts and the inputs on the active path, for templates."""
        values = {k: v for k, v in self.facts.items() if v}
        for step in self.path:
            if not step.backtracked and step.kind == "input":
                var = self.graph.nodes[step.node].get("var")
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
                var = self.graph.nodes[step.node].get("var")
                where = "the pasted text" if step.capture is None else "the capture"
                for key in step.fields:
                    words[f"{var}_{key}"] = f"(no {key.replace('_', ' ')} in {where})"
        for fact in self.fact_details():
            words[fact.var] = fact.fallback or fact.default or templates.not_given(fact.var)
        return words

    def render(self, text: str) -> templates.Filled:
        """A tree text with its templates filled: values given, fallbacks for the rest."""
        return self.renderer()(text)

    def renderer(self) -> Callable[[str], templates.Filled]:
        """`render` for many texts at once: the path and facts are read once."""
        values, words = self.values(), self.fallbacks()

        def fallback(name: str) -> str:
            return words.get(name) or templates.not_given(name)

        return lambda text: templates.fill(text, values, fallback)

    def fact_specs(self) -> list[tuple[str, str, bool]]:
        """(var, prompt, required) of every tree this session has entered."""
        return [(f.var, f.prompt, f.required) for f in self.fact_details()]

    def fact_details(self) -> list[FactSpec]:
        """Every fact of the trees this session entered, with choices and defaults."""
        details: dict[str, FactSpec] = {}
        for tree_id in self.trees_seen:
            for fact in self.trees[tree_id].facts:
                details.setdefault(fact.var, fact)
        return list(details.values())

    def active_steps(self) -> list[Step]:
        return [s for s in self.path if not s.backtracked]

    def options(self) -> list[str]:
        kind = self.kind
        if kind == "question":
            return [c["label"] for c in self.graph.nodes[self.current]["choices"]]
        if kind == "resolution":
            return [FIXED_LABEL, NOT_FIXED_LABEL]
        if kind == "check":
            # "Error" by hand only where the tree says what an error means;
            # elsewhere it would just lead back to this question.
            outcomes = {c["label"] for c in self.graph.nodes[self.current]["choices"]}
            words = ["Pass", "Fail"]
            if "error" in outcomes and self.check_failed_to_run() is None:
                words.append("Error")
            return words
        return []

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

    def check_params(
        self, render: Callable[[str], templates.Filled] | None = None
    ) -> dict[str, str]:
        """The current check's parameters, templates filled from facts and inputs."""
        params = self.graph.nodes[self.current].get("params") or {}
        render = render or self.renderer()
        return {key: render(str(value)) for key, value in params.items()}

    def _prompt(self) -> str:
        data = self.graph.nodes[self.current]
        if self.kind == "resolution":
            return self.render(data.get("verify", DEFAULT_VERIFY))
        return self.render(data["text"]) if self.kind in PROMPTING_KINDS else ""

    def view(self) -> View:
        data = self.graph.nodes[self.current]
        kind = self.kind
        prompt = data.get("verify", DEFAULT_VERIFY) if kind == "resolution" else data["text"]
        failed = self.check_failed_to_run() if kind == "check" else None
        render = self.renderer()
        return View(
            node=self.current,
            tree=data["tree"],
            kind=kind,
            title=render(data.get("title", "")),
            prompt=render(prompt) if kind in PROMPTING_KINDS else "",
            text=render(data.get("text", "")),
            help=render(data.get("help", "")),
            options=[strip_controls(o) for o in self.options()],
            example=strip_controls(data.get("example") or ""),
            pattern=data.get("pattern"),
            steps=[render(s) for s in data.get("steps", [])],
            collect=[render(c) for c in data.get("collect", [])],
            sources=list(data.get("sources", [])),
            probe=str(data.get("probe") or ""),
            params=self.check_params(render) if kind == "check" else {},
            manual=failed is not None,
            last_result=failed,
            parse=str(data.get("parse") or "") if kind == "input" else "",
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
            self._apply_resolved(self._resolve_check(event.key, json.loads(event.value)), event.at)

    def _apply_tick(self, event: Event) -> None:
        steps = len(self.graph.nodes[self.current].get("steps", ()))
        if event.node != self.current or self.kind != "resolution":
            raise AnswerError(
                f"this tick was for {event.node}, but the session is at {self.current}", []
            )
        if not (event.key.isascii() and event.key.isdigit() and 1 <= int(event.key) <= steps):
            raise AnswerError(f"this resolution has no step {event.key}", [])
        number = int(event.key)
        ticked = self.ticked()
        self.ticks[self.current] = ticked | {number} if event.value else ticked - {number}

    def _resolve_check(self, outcome: str, result: dict[str, Any] | None) -> _Resolved:
        if outcome not in CHECK_WORDS:
            raise AnswerError(f"'{outcome}' is not pass, fail or error", list(CHECK_WORDS))
        choices = {c["label"]: c["target"] for c in self.graph.nodes[self.current]["choices"]}
        word = CHECK_WORDS[outcome]
        if result is None:
            word += " (checked by hand)"
        elif "override" in result:
            override = result["override"]
            word += f" (override of {override['from']}: {override['reason'] or 'no reason given'})"
        if outcome == "error" and "error" not in choices:
            if self.check_failed_to_run() is not None:
                raise AnswerError("the check could not run: answer pass or fail", ["pass", "fail"])
            return _Resolved(word, None, outcome, result=result, stay=True)
        return _Resolved(word, choices.get(outcome), outcome, result=result)

    def _resolve_answer(self, text: str) -> _Resolved:
        """What an answer text means at the current node."""
        if self.finished:
            raise SessionEnded("the session has ended")
        data = self.graph.nodes[self.current]
        kind = self.kind
        cleaned = strip_controls(text).strip()
        if kind == "question":
            choices = data["choices"]
            labels = [c["label"] for c in choices]
            wanted = cleaned.casefold()
            chosen = next((c for c in choices if c["label"].casefold() == wanted), None)
            # isdigit() alone admits "²" and 5,000-digit strings that int() rejects.
            if chosen is None and cleaned.isascii() and cleaned.isdigit() and len(cleaned) < 4:
                number = int(cleaned)
                chosen = choices[number - 1] if 1 <= number <= len(choices) else None
            if chosen is None:
                raise AnswerError(f"'{cleaned}' is not one of the answers", labels)
            return _Resolved(chosen["label"], chosen["target"], chosen["label"])
        if kind == "input":
            if data.get("parse") == "pcap":
                raise CaptureNeeded(
                    "this step reads a capture file (pcap or pcapng); give its path", []
                )
            value = cleaned
            if not value:
                raise AnswerError("a value is needed", [data.get("example") or ""])
            pattern = data.get("pattern")
            if pattern and not tree_search(pattern, value):
                example = data.get("example") or ""
                hint = f"; for example: {example}" if example else ""
                raise AnswerError(f"'{value}' does not have the expected form{hint}", [example])
            fields = {}
            if data.get("parse") == "sip":
                # Imported here: only a few inputs parse SIP, and start-up counts.
                from wizard.sipparse import parse_sip

                fields = parse_sip(value).as_dict()
            return _Resolved(value, route(data, value, fields), value, fields=fields)
        if kind == "resolution":
            word = cleaned.casefold()
            if word in _YES:
                return _Resolved(FIXED_LABEL, None, "yes", outcome="fixed")
            if word in _NO:
                unresolved = next((c for c in data["choices"] if c["kind"] == "unresolved"), None)
                if unresolved and unresolved["target"]:
                    return _Resolved(NOT_FIXED_LABEL, unresolved["target"], "no")
                return _Resolved(NOT_FIXED_LABEL, None, "no", outcome="not-fixed")
            raise AnswerError(f"'{cleaned}' is not yes or no", ["yes", "no"])
        if kind == "check":
            word = {"1": "pass", "2": "fail", "3": "error"}.get(cleaned, cleaned.casefold())
            if word not in CHECK_WORDS:
                raise AnswerError(f"'{cleaned}' is not pass, fail or error", self.options())
            return self._resolve_check(word, None)
        raise SessionEnded(f"a {kind} takes no answer")

    def _resolve_capture(self, record: Mapping[str, Any] | str) -> _Resolved:
        """What a capture record (or its JSON, from an event) means at the current node."""
        if self.finished:
            raise SessionEnded("the session has ended")
        data = self.graph.nodes[self.current]
        if self.kind != "input" or data.get("parse") != "pcap":
            raise AnswerError("this step does not read a capture", self.options())
        # Imported here: only a few inputs read captures (the module does not load dpkt).
        from wizard.capture.answer import answer_text, checked

        try:
            capture = checked(json.loads(record) if isinstance(record, str) else dict(record))
        except ValueError as exc:  # json.JSONDecodeError is one
            raise AnswerError(f"the capture's record cannot be used: {exc}", []) from None
        fields, text = capture["findings"], answer_text(capture)
        return _Resolved(text, route(data, text, fields), text, fields=fields, capture=capture)

    def _apply_answer(self, text: str, at: datetime) -> None:
        self._apply_resolved(self._resolve_answer(text), at)

    def _apply_resolved(self, resolved: _Resolved, at: datetime) -> None:
        target, outcome = resolved.target, resolved.outcome
        if outcome is None and target is None and not resolved.stay:
            raise AnswerError("this answer leads nowhere: the tree is broken here", self.options())
        step = Step(self.current, self.kind, self._prompt(), resolved.answer, at, target)
        step.result, step.fields, step.stayed = resolved.result, resolved.fields, resolved.stay
        step.capture = resolved.capture
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
            data = self.graph.nodes[self.current]
            target = next((c["target"] for c in data["choices"] if c["kind"] == "link"), None)
            if target is None:
                raise BrokenTree(f"the link at {self.current} leads to a missing tree or node")
            tree_id = self.graph.nodes[target]["tree"]
            title = self.trees[tree_id].title if tree_id in self.trees else tree_id
            # A link's help says why the path crosses; the admin never sees the
            # link as a screen, so it travels with the step instead.
            reason = self.render(data.get("help", ""))
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
        graph: WalkGraph,
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
            graph, trees, tree_id, session_id=session_id, started_at=started_at, clock=clock
        )
        for index, event in enumerate(events):
            try:
                session.apply(event)
            except (AnswerError, SessionEnded, KeyError):
                return session, len(events) - index
            session.events.append(event)
        return session, 0
