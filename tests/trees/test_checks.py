"""Every check node in trees/ names a built-in probe with valid parameters, and
its target, once facts and inputs are filled, is exact and shown without
touching the network.

No probe runs here: `wizard.probe_bridge.describe` only formats the target, and the
socket layer is made to fail loudly for the whole of the describe test.
"""

from __future__ import annotations

import socket
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from test_endings_reachable import _path_to, walk_along

from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph, node_name
from wizard.probe_bridge import describe
from wizard.probes import PROBES, coerce_params
from wizard.session import Session
from wizard.validate import validate_catalog

TREES_DIR = Path(__file__).resolve().parents[2] / "trees"

# Facts without a default get a sample; the ones a probe needs are documentation names.
SAMPLE_FACTS = {
    "carrier_host": "sip.carrier.example",
    "edge_name": "EDGE-1",
    "site_name": "Indianapolis",
    "trunk_name": "Carrier-A",
    "dialed_number": "+13175550100",
    "conversation_id": "8f3c2a10-5a7e-4c39-9d0b-1e2f3a4b5c6d",
}


@cache
def _loaded() -> tuple[Any, dict[str, Any]]:
    catalog = load_files(tree_files([TREES_DIR]))
    assert not catalog.io_errors, catalog.io_errors
    return build_graph(catalog.trees.values()), catalog.trees


def _checks() -> list[tuple[str, str]]:
    graph, trees = _loaded()
    return sorted(
        (data["tree"], name)
        for name, data in graph.nodes(data=True)
        if data["kind"] == "check" and data["tree"] in trees
    )


def test_trees_have_checks() -> None:
    probes = {_loaded()[0].nodes[name]["probe"] for _, name in _checks()}
    assert {"dns", "tcp", "tls", "ntp", "sip-options", "websocket", "stun"} <= probes


def test_validate_finds_no_probe_errors() -> None:
    catalog = load_files(tree_files([TREES_DIR]))
    report = validate_catalog(catalog)
    codes = [f.code for f in report.findings]
    assert not [c for c in codes if c in ("E210", "E211")], report.findings
    assert not codes, report.findings


@pytest.mark.parametrize(("tree_id", "check"), _checks())
def test_check_names_a_registered_probe_and_has_pass_and_fail(tree_id: str, check: str) -> None:
    graph, _ = _loaded()
    data = graph.nodes[check]
    assert data["probe"] in PROBES
    outcomes = {c["label"]: c["target"] for c in data["choices"]}
    assert outcomes.get("pass") and outcomes.get("fail"), outcomes
    assert "timeout" in data["params"], f"{check} should bound its probe with a timeout"


def _facts(session: Session, tree_ids: list[str]) -> None:
    _, trees = _loaded()
    for tree_id in tree_ids:
        for fact in trees[tree_id].facts:
            value = fact.default or SAMPLE_FACTS.get(fact.var) or f"sample-{fact.var}"
            session.set_fact(fact.var, value)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a test tried to use the network: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)


@pytest.mark.parametrize(("tree_id", "check"), _checks())
@pytest.mark.usefixtures("no_network")
def test_check_target_is_described_after_filling(tree_id: str, check: str) -> None:
    graph, trees = _loaded()
    path = _path_to(graph, node_name(tree_id, trees[tree_id].start), check)
    assert path, f"{check} cannot be reached"
    session = Session(graph, trees, tree_id)
    _facts(session, sorted({graph.nodes[n]["tree"] for n in path}))
    walk_along(session, graph, path)
    assert session.current == check and session.kind == "check"

    params = session.check_params()
    for key, value in params.items():
        assert "{" not in value, f"{check}: {key}={value!r} still has a template"
    coerce_params(graph.nodes[check]["probe"], params)  # raises on a bad value

    target = describe(session)
    assert target and "unknown probe" not in target
    assert "{" not in target
    host = params.get("host") or params.get("name") or params.get("url", "")
    host = host.split("://")[-1].split("/")[0].split(":")[0]
    assert host and host in target, (target, params)
    view = session.view()
    assert "{" not in view.prompt, view.prompt
