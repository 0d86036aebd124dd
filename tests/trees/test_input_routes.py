"""Hand-picked values for the routed inputs land where an engineer expects."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.session import AnswerError, Session

TREES_DIR = Path(__file__).resolve().parents[2] / "trees"


@cache
def _loaded() -> tuple[Any, dict[str, Any]]:
    catalog = load_files(tree_files([TREES_DIR]))
    return build_graph(catalog.trees.values()), catalog.trees


def _at_input(tree_id: str, answers: list[str]) -> Session:
    graph, trees = _loaded()
    session = Session(graph, trees, tree_id)
    for answer in answers:
        session.answer(answer)
    assert session.kind == "input"
    return session


DISCONNECTS_TO_TIMING = [
    "Phone calls",
    "Peer, Endpoint or Timeout",
    "Talking to a person, or on hold",
]


@pytest.mark.parametrize(
    ("value", "node"),
    [
        ("hold", "nat-binding"),
        ("silence", "nat-binding"),
        ("30", "missing-ack"),
        ("32", "missing-ack"),
        ("32s", "missing-ack"),
        ("15m", "session-timer"),
        ("30m", "session-timer"),
        ("900", "session-timer"),
        ("1800s", "session-timer"),
        ("5", "random-drops"),
        ("300", "random-drops"),
        ("45m", "random-drops"),
    ],
)
def test_drop_time_routes(value: str, node: str) -> None:
    session = _at_input("call-disconnects", DISCONNECTS_TO_TIMING)
    session.answer(value)
    assert session.current == f"call-disconnects/{node}"


BLOCKED_TO_SIP_CODE = ["Everyone, to this number or this kind of number", "3", "1"]


@pytest.mark.parametrize(
    ("value", "node"),
    [
        ("403", "who-sent-403"),
        ("404", "e164"),
        ("484", "e164"),
        ("408", "fix-408"),
        ("488", "fix-488"),
        ("503", "fix-503"),
        ("480", "far-end"),
        ("486", "far-end"),
        ("603", "far-end"),
        ("000", "ring-timeout"),
        ("500", "ring-timeout"),
    ],
)
def test_sip_code_routes(value: str, node: str) -> None:
    session = _at_input("calls-blocked", BLOCKED_TO_SIP_CODE)
    session.answer(value)
    assert session.current == f"calls-blocked/{node}"


@pytest.mark.parametrize("value", ["4031", "40", "forbidden", "403 Forbidden"])
def test_sip_code_rejects_malformed_values(value: str) -> None:
    session = _at_input("calls-blocked", BLOCKED_TO_SIP_CODE)
    with pytest.raises(AnswerError):
        session.answer(value)
