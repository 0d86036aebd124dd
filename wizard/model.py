"""The tree model: plain dataclasses, no I/O, no YAML, no UI.

Every element keeps the position it was read from so that any finding about
it can name the file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from wizard.outcomes import CHECK_OUTCOMES

Severity = Literal["error", "warning"]


class Pos(NamedTuple):
    """A 1-based position in a source file.

    A NamedTuple rather than a frozen dataclass: the reader makes one per YAML
    scalar, and tuple construction is several times cheaper.
    """

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation result. `code` is stable per rule; see docs/validation.md."""

    pos: Pos
    severity: Severity
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where a claim comes from: a seed FAQ question, a URL, or `inferred`."""

    kind: Literal["faq", "url", "inferred"]
    value: str
    pos: Pos

    def __str__(self) -> str:
        if self.kind == "faq":
            return f"faq: {self.value}"
        return self.value


@dataclass(frozen=True, slots=True)
class Edge:
    """A way forward from a node. `label` is what an admin or a check chose."""

    kind: Literal["answer", "route", "default", "unresolved", "link", "outcome"]
    label: str
    target: str
    pos: Pos


@dataclass(slots=True)
class FactSpec:
    """A fact the tree asks for up front (ticket facts such as the Edge name)."""

    var: str
    prompt: str
    required: bool
    pos: Pos
    # Suggested values (e.g. the region hosts); the admin may still type another.
    choices: list[str] = field(default_factory=list)
    default: str = ""
    # What a text says in place of the value when it was not given ("the
    # Edge"), so no screen or note ever shows a raw `{var}`.
    fallback: str = ""


@dataclass(slots=True)
class Node:
    """Fields shared by every node kind."""

    id: str
    pos: Pos
    help: str = ""
    sources: list[Source] = field(default_factory=list)
    # Set by the loader when the node had schema errors, so graph rules do not
    # pile consequential findings on top of the real one.
    broken: bool = False
    # Where each key's value starts, for findings about one field.
    field_pos: dict[str, Pos] = field(default_factory=dict)

    kind = "node"

    def edges(self) -> list[Edge]:
        return []

    def texts(self) -> list[tuple[str, str]]:
        """(field, text) pairs that may hold `{var}` templates. A field names one
        item of a list ("step 2") so that `field_pos` can point at it."""
        return [("help", self.help)] if self.help else []


@dataclass(slots=True)
class Answer:
    """One choice of a question, and the node it leads to."""

    label: str
    next: str
    pos: Pos
    next_pos: Pos


@dataclass(slots=True)
class Question(Node):
    """A question answered by choosing one of its answers."""

    text: str = ""
    answers: list[Answer] = field(default_factory=list)

    kind = "question"

    def edges(self) -> list[Edge]:
        return [Edge("answer", a.label, a.next, a.next_pos) for a in self.answers]

    def texts(self) -> list[tuple[str, str]]:
        return [("text", self.text), *Node.texts(self)]


@dataclass(slots=True)
class Route:
    """Where an input goes when its value (or a parsed field) matches `match`."""

    match: str
    next: str
    pos: Pos
    next_pos: Pos
    # With `parse: sip` on the input, the route matches this parsed field
    # (e.g. `status`, `q850`) instead of the raw text.
    field: str | None = None


@dataclass(slots=True)
class Input(Node):
    """Free text typed or pasted by the admin, checked by `pattern` and routed."""

    text: str = ""
    var: str = ""
    pattern: str | None = None
    pattern_pos: Pos | None = None
    example: str = ""
    routes: list[Route] = field(default_factory=list)
    next: str | None = None
    next_pos: Pos | None = None
    parse: str | None = None

    kind = "input"

    def edges(self) -> list[Edge]:
        edges = [
            Edge("route", f"{r.field}: {r.match}" if r.field else r.match, r.next, r.next_pos)
            for r in self.routes
        ]
        if self.next is not None and self.next_pos is not None:
            edges.append(Edge("default", "default", self.next, self.next_pos))
        return edges

    def texts(self) -> list[tuple[str, str]]:
        return [("text", self.text), *Node.texts(self)]


DEFAULT_VERIFY = "Did this fix the problem?"


@dataclass(slots=True)
class Resolution(Node):
    """A fix: steps to take, then the `verify` question."""

    title: str = ""
    text: str = ""
    steps: list[str] = field(default_factory=list)
    verify: str = ""
    unresolved: str | None = None
    unresolved_pos: Pos | None = None

    kind = "resolution"

    @property
    def verify_question(self) -> str:
        return self.verify or DEFAULT_VERIFY

    def edges(self) -> list[Edge]:
        if self.unresolved is None or self.unresolved_pos is None:
            return []
        return [Edge("unresolved", "unresolved", self.unresolved, self.unresolved_pos)]

    def texts(self) -> list[tuple[str, str]]:
        pairs = [("title", self.title), ("text", self.text), ("verify", self.verify)]
        pairs += [(f"step {i}", step) for i, step in enumerate(self.steps, 1)]
        return [p for p in pairs if p[1]] + Node.texts(self)


@dataclass(slots=True)
class Escalation(Node):
    """The end of the tree: what to collect for the carrier or Customer Care."""

    title: str = ""
    text: str = ""
    collect: list[str] = field(default_factory=list)

    kind = "escalation"

    def texts(self) -> list[tuple[str, str]]:
        pairs = [("title", self.title), ("text", self.text)]
        pairs += [(f"collect item {i}", item) for i, item in enumerate(self.collect, 1)]
        return [p for p in pairs if p[1]] + Node.texts(self)


@dataclass(slots=True)
class Link(Node):
    """A jump into another tree (at its start, or at `node`)."""

    tree: str = ""
    node: str | None = None
    tree_pos: Pos | None = None

    kind = "link"

    def edges(self) -> list[Edge]:
        # The target is resolved against the other tree by the graph builder,
        # which knows that tree's `start`.
        return []


@dataclass(slots=True)
class Check(Node):
    """A built-in probe answers the question. Trees name a probe and give it
    parameters; they can never say what runs."""

    text: str = ""
    probe: str = ""
    probe_pos: Pos | None = None
    params: dict[str, str] = field(default_factory=dict)
    param_pos: dict[str, Pos] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    outcome_pos: dict[str, Pos] = field(default_factory=dict)

    kind = "check"

    def edges(self) -> list[Edge]:
        return [
            Edge("outcome", name, self.outcomes[name], self.outcome_pos[name])
            for name in CHECK_OUTCOMES
            if name in self.outcomes
        ]

    def texts(self) -> list[tuple[str, str]]:
        pairs = [("text", self.text)] + [(f"with {k}", v) for k, v in self.params.items()]
        return pairs + Node.texts(self)


NODE_KINDS: dict[str, type[Node]] = {
    cls.kind: cls for cls in (Question, Input, Resolution, Escalation, Link, Check)
}
TERMINAL_KINDS = frozenset({"resolution", "escalation"})


TREE_ROLES = ("incident", "follow-up")


@dataclass(slots=True)
class Tree:
    """One decision tree as loaded from its YAML file."""

    id: str
    title: str
    summary: str
    version: int
    start: str
    path: str
    pos: Pos
    content_hash: str
    tags: list[str] = field(default_factory=list)
    symptoms: list[str] = field(default_factory=list)
    facts: list[FactSpec] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)
    # "incident": an admin starts here; "follow-up": other trees lead here.
    # The picker lists the incidents first.
    role: str = "incident"
    role_pos: Pos | None = None
    start_pos: Pos | None = None
    id_pos: Pos | None = None
    # Node ids present in the file but not loaded (reported by the loader), so
    # references to them are not reported a second time as missing.
    unloaded: set[str] = field(default_factory=set)
