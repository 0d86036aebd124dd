"""Every resolution and escalation of every shipped tree can be reached by a real walk.

For each ending, find one path from its tree's start in the graph, then carry
it out with the walk engine (`wizard.session.Session`) and check the walk
stops at that ending. Input nodes get a value that takes the wanted way out:
for a route, a value that matches that route's regex and none of the routes
before it; for the default `next`, a value that matches no route. A route on a
parsed field (`parse: sip`, `field: status`) gets a SIP status line or Reason
header whose parsed field matches; an input that reads a capture (`parse:
pcap`) gets a capture record whose findings match. Check nodes are answered
pass, fail or error by hand: no probe runs and nothing touches the network.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from wizard.capture.answer import checked
from wizard.capture.findings import FIELDS
from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph, node_name
from wizard.session import Session
from wizard.sipparse import parse_sip

TREES_DIR = Path(__file__).resolve().parents[2] / "trees"
ENDINGS = ("resolution", "escalation")


@cache
def _loaded() -> tuple[Any, dict[str, Any]]:
    catalog = load_files(tree_files([TREES_DIR]))
    assert not catalog.io_errors, catalog.io_errors
    return build_graph(catalog.trees.values()), catalog.trees


def walk_along(
    session: Session,
    graph: Any,
    path: list[str],
    before_each: Callable[[str], None] | None = None,
) -> None:
    """Answer each step so that the walk follows `path` (a path in the graph);
    `before_each(node)` runs on every step shown, before it is answered."""
    for here, there in itertools.pairwise(path):
        data = graph.nodes[here]
        if data["kind"] == "link":
            # The engine follows links by itself; it should already stand past it.
            continue
        assert session.current == here, f"walk is at {session.current}, expected {here}"
        if before_each is not None:
            before_each(here)
        if data["kind"] == "question":
            session.answer(next(c["label"] for c in data["choices"] if c["target"] == there))
        elif data["kind"] == "input" and data.get("parse") == "pcap":
            session.answer_capture(capture_for(data, there))
        elif data["kind"] == "input":
            session.answer(_value_for(data, there))
        elif data["kind"] == "check":
            session.answer(_check_word(data, there))
        elif data["kind"] == "resolution":
            assert any(c["kind"] == "unresolved" and c["target"] == there for c in data["choices"])
            session.answer("no")
        else:  # pragma: no cover - escalations have no way forward
            pytest.fail(f"path passes through the {data['kind']} {here}")


def _endings() -> list[tuple[str, str]]:
    graph, trees = _loaded()
    return sorted(
        (tree_id, name)
        for name, data in graph.nodes(data=True)
        for tree_id in [data["tree"]]
        if data["kind"] in ENDINGS and tree_id in trees
    )


def _path_to(graph: Any, start: str, goal: str) -> list[str]:
    """Shortest node path start..goal, following answers, routes, unresolved and links."""
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here == goal:
            break
        # Edges of a finished step (escalation) lead nowhere.
        for choice in graph.nodes[here].get("choices", []):
            target = choice["target"]
            if target is not None and target not in previous:
                previous[target] = here
                queue.append(target)
    if goal not in previous:
        return []
    path = [goal]
    while (step := previous[path[-1]]) is not None:
        path.append(step)
    return path[::-1]


_ASCII = st.characters(codec="ascii", exclude_categories=("Cc",))


def _answer_sdp(payloads: str, rtpmap: str) -> str:
    """A 200 OK whose SDP answers with `payloads` (codecs, dtmf)."""
    return (
        "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n"
        f"v=0\r\nc=IN IP4 203.0.113.9\r\nm=audio 30000 RTP/AVP {payloads}\r\n{rtpmap}"
    )


def _invite(headers: str) -> str:
    """An INVITE as it arrived, with these identity headers (caller ID fields)."""
    return f"INVITE sip:+13175550100@edge.example SIP/2.0\r\nCSeq: 1 INVITE\r\n{headers}"


_SDP_ANSWERS = [
    ("0 101", "a=rtpmap:101 telephone-event/8000\r\n"),  # PCMU with RFC 4733
    ("8", ""),  # PCMA, telephone-event not negotiated
    ("18", ""),  # G729, compressed, no telephone-event
    ("9 101", "a=rtpmap:101 telephone-event/8000\r\n"),  # G722 with RFC 4733
    ("18 101", "a=rtpmap:101 telephone-event/8000\r\n"),  # G729 with RFC 4733
]
_CALLERS = [
    "From: <sip:anonymous@anonymous.invalid>;tag=1\r\nPrivacy: id\r\n"
    "P-Asserted-Identity: <sip:+14155550123@carrier.example>\r\n",
    "From: <sip:+14155550123@carrier.example>;tag=1\r\n"
    "P-Asserted-Identity: <sip:+14155550199@carrier.example>\r\n",
    "From: <sip:+14155550123@carrier.example>;tag=1\r\n",
    "From: <sip:+14155550123@carrier.example>;tag=1\r\n"
    "Remote-Party-ID: <sip:+14155550123@carrier.example>;party=calling\r\n",
    "From: <sip:4155550123@carrier.example>;tag=1\r\nPrivacy: none\r\n",
]

# Candidate pastes for routes on parsed SIP fields, tried in order.
_SIP_SAMPLES = [
    *(f"SIP/2.0 {code} Reason" for code in (403, 404, 484, 408, 422, 488, 503, 480, 486, 603, 500)),
    *(
        f"SIP/2.0 500 Server Error\r\nReason: Q.850;cause={c}"
        for c in (21, 1, 2, 3, 28, 18, 102, 34, 17, 19, 20)
    ),
    "SIP/2.0 200 OK\r\nContact: <sip:edge@192.168.1.20:5060>\r\nCSeq: 1 INVITE",
    "SIP/2.0 200 OK\r\nMin-SE: 1800\r\nCSeq: 2 INVITE",
    *(_answer_sdp(payloads, rtpmap) for payloads, rtpmap in _SDP_ANSWERS),
    "INFO sip:edge SIP/2.0\r\nCSeq: 3 INFO\r\nContent-Type: application/dtmf-relay\r\n\r\n"
    "Signal=5\r\nDuration=160",
    *(_invite(headers) for headers in _CALLERS),
    "none",
    "000",
]


def _routes_to(data: dict[str, Any], value: str) -> str | None:
    """Where the engine's rule (first matching route, else the default) sends `value`."""
    fields = parse_sip(value).as_dict() if data.get("parse") == "sip" else {}
    for choice in data["choices"]:
        if choice["kind"] != "route":
            continue
        subject = fields.get(choice["field"], "") if choice.get("field") else value
        if re.search(choice["match"], subject):
            return str(choice["target"])
    default = next((c for c in data["choices"] if c["kind"] == "default"), None)
    return default["target"] if default else None


def _parsed_value_for(data: dict[str, Any], target: str) -> str:
    pattern = data.get("pattern")
    example = data.get("example") or ""
    candidates = [*_SIP_SAMPLES, *(c.strip() for c in re.split(r",\s*|\s+or\s+", example))]
    for value in candidates:
        if (
            value
            and (not pattern or re.search(pattern, value))
            and _routes_to(data, value) == target
        ):
            return value
    pytest.fail(f"no sample SIP text for {data['tree']}/{data['id']} reaches {target}")


# Candidate findings for routes on a capture's fields, tried in order; a field
# not listed is tried as "" (the capture cannot tell) only.
_FINDINGS: dict[str, tuple[str, ...]] = {
    "status": (
        "",
        "487",
        "200",
        "401",
        "402",
        "403",
        "404",
        "408",
        "410",
        "480",
        "486",
        "488",
        "500",
        "502",
        "503",
        "603",
    ),
    "q850": ("", "16", "1", "17", "18", "19", "21", "22", "34", "65", "102"),
    "ack_after_200": ("", "yes", "no"),
    "refresh_answered": ("", "yes", "no"),
    "private_sdp": ("no", "yes"),
    "one_way_audio": ("", "no", "yes"),
    "telephone_event": ("", "no", "yes"),
    "codec": ("", "PCMU", "G729"),
    "dtmf": ("", "none", "rfc4733", "sip-info"),
    "rtp_idle_s": ("", "0.4", "25.0"),
}


def _routes_findings(data: dict[str, Any], findings: dict[str, str]) -> str | None:
    for choice in data["choices"]:
        if choice["kind"] == "route" and re.search(choice["match"], findings[choice["field"]]):
            return str(choice["target"])
    default = next((c for c in data["choices"] if c["kind"] == "default"), None)
    return default["target"] if default else None


def capture_for(data: dict[str, Any], target: str) -> dict[str, Any]:
    """A capture record (as `wizard.capture.answer.read_for_input` makes one)
    whose findings the engine routes to `target`: one or two fields set, the
    rest as a capture that cannot tell."""
    blank = {name: _FINDINGS.get(name, ("",))[0] for name in FIELDS}
    singles = [{name: v} for name, values in _FINDINGS.items() for v in values]
    for first, second in itertools.product([{}, *singles], repeat=2):
        findings = blank | first | second
        if _routes_findings(data, findings) == target:
            return checked({"file": "test.pcap", "call_id": "test@x", "findings": findings})
    pytest.fail(f"no capture findings for {data['tree']}/{data['id']} reach {target}")


def _check_word(data: dict[str, Any], target: str) -> str:
    """The outcome (pass, fail, error) of a check node that leads to `target`."""
    return next(c["label"] for c in data["choices"] if c["target"] == target)


def _value_for(data: dict[str, Any], target: str) -> str:
    """A value for an input node that the engine routes to `target`."""
    if data.get("parse"):
        return _parsed_value_for(data, target)
    pattern = data.get("pattern")
    routes = [c for c in data["choices"] if c["kind"] == "route"]
    index = next((i for i, c in enumerate(routes) if c["target"] == target), None)
    if index is not None:
        wanted = routes[index]["label"]
        earlier = [c["label"] for c in routes[:index]]
        source = wanted
    else:
        wanted = None
        earlier = [c["label"] for c in routes]
        source = pattern or r".+"

    def fits(value: str) -> bool:
        if value != value.strip() or not value:
            return False
        if pattern and not re.search(pattern, value):
            return False
        if wanted is not None and not re.search(wanted, value):
            return False
        return not any(re.search(r, value) for r in earlier)

    # Hand-picked first: the candidates the input's example names.
    example = data.get("example") or ""
    for candidate in re.split(r",\s*|\s+or\s+", example):
        if fits(candidate.strip()) and candidate.strip() == candidate:
            return candidate
    try:
        return find(
            st.from_regex(source, fullmatch=True, alphabet=_ASCII),
            fits,
            settings=settings(
                database=None,
                max_examples=2000,
                suppress_health_check=list(HealthCheck),
                deadline=None,
            ),
        )
    except NoSuchExample:  # pragma: no cover - a tree bug, reported below
        pytest.fail(f"no value for {data['tree']}/{data['id']} reaches {target}")


@pytest.mark.parametrize(("tree_id", "ending"), _endings())
def test_ending_is_reachable_by_a_walk(tree_id: str, ending: str) -> None:
    graph, trees = _loaded()
    start = node_name(tree_id, trees[tree_id].start)
    path = _path_to(graph, start, ending)
    assert path, f"{ending} cannot be reached from {start}"

    session = Session(graph, trees, tree_id)
    walk_along(session, graph, path)

    assert session.current == ending
    kind = graph.nodes[ending]["kind"]
    if kind == "escalation":
        assert session.finished and session.outcome == "escalated"
    else:
        assert not session.finished
        assert session.view().kind == "resolution"
        view = session.view()
        assert view.steps, f"{ending} has no steps"
        assert view.prompt, f"{ending} has no verify question"


def test_every_tree_has_endings() -> None:
    _graph, trees = _loaded()
    assert trees, f"no trees found in {TREES_DIR}"
    for tree_id in trees:
        assert any(t == tree_id for t, _ in _endings()), tree_id


@pytest.mark.parametrize(
    "tree_id",
    [
        "edge-offline",
        "calls-not-recording",
        "calls-blocked",
        "did-not-ringing",
        "call-disconnects",
        "bad-audio",
        "acd-no-calls",
        "caller-id",
        "dtmf",
        "transfer-conference",
        "emergency-calls",
    ],
)
def test_main_trees_meet_the_bar(tree_id: str) -> None:
    """At least 15 nodes and 6 endings, one of them an escalation."""
    _, trees = _loaded()
    tree = trees[tree_id]
    kinds = [node.kind for node in tree.nodes.values()]
    assert len(kinds) >= 15
    assert sum(k in ENDINGS for k in kinds) >= 6
    assert "escalation" in kinds


def _links() -> list[tuple[str, str]]:
    graph, trees = _loaded()
    return sorted(
        (data["tree"], name)
        for name, data in graph.nodes(data=True)
        if data["kind"] == "link" and data["tree"] in trees
    )


@pytest.mark.parametrize(("tree_id", "link"), _links())
def test_links_are_followed_by_a_walk(tree_id: str, link: str) -> None:
    """Walking up to a link lands on the linked tree's node, with the walk still going."""
    graph, trees = _loaded()
    path = _path_to(graph, node_name(tree_id, trees[tree_id].start), link)
    assert path, f"{link} cannot be reached"
    target = next(c["target"] for c in graph.nodes[link]["choices"] if c["kind"] == "link")
    assert target is not None, f"{link} points at a missing tree or node"
    session = Session(graph, trees, tree_id)
    walk_along(session, graph, path)
    assert session.current == target
    assert graph.nodes[target]["tree"] == graph.nodes[link]["link_tree"]
    assert not session.finished
