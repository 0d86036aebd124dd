"""Check nodes and parsed SIP inputs through the session, `walk` and the probes."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.catalog import load_files, tree_files
from wizard.cli import main
from wizard.export import note_text
from wizard.graph import build_graph
from wizard.probe_bridge import describe, run_current
from wizard.session import AnswerError, Session

CHECKS = Path(__file__).parent.parent / "fixtures" / "checks"
RULES = Path(__file__).parent.parent / "fixtures" / "rules"


def session(host: str = "127.0.0.1", port: str = "9") -> Session:
    trees = load_files(tree_files([CHECKS])).trees
    s = Session(build_graph(trees.values()), trees, "demo-checks")
    s.set_fact("host", host)
    s.set_fact("port", port)
    return s


@pytest.fixture
def listening_port() -> Iterator[int]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return int(port)


def test_view_shows_probe_and_exact_target_before_running() -> None:
    s = session(port="5061")
    view = s.view()
    assert (view.kind, view.probe) == ("check", "tcp")
    assert view.params == {"host": "127.0.0.1", "port": "5061", "timeout": "2"}
    assert view.prompt == "Can this workstation open TCP 5061 on 127.0.0.1?"
    assert "127.0.0.1" in describe(s) and "5061" in describe(s)
    assert s.events[-1].type == "fact"  # nothing ran


def test_manual_answers_route_by_outcome() -> None:
    s = session()
    s.answer("fail")
    assert s.view().title == "Open TCP 9 to 127.0.0.1"
    assert s.path[-1].answer == "Fail (checked by hand)"


def test_error_without_error_outcome_asks_by_hand() -> None:
    s = session()
    s.record_check({"outcome": "error", "summary": "name did not resolve", "evidence": {}})
    view = s.view()
    assert view.kind == "check" and view.manual
    assert view.options == ["Pass", "Fail"]
    assert view.last_result is not None and view.last_result["summary"] == "name did not resolve"
    with pytest.raises(AnswerError):
        s.answer("error")
    s.answer("pass")
    assert s.view().kind == "input"
    assert [st.answer for st in s.path] == ["Error", "Pass (checked by hand)"]
    s.back()
    assert s.view().manual  # back to the by-hand question, the error step still counts


def test_real_probe_pass_and_fail(listening_port: int, closed_port: int) -> None:
    s = session(port=str(listening_port))
    result = run_current(s)
    assert result["outcome"] == "pass" and result["probe"] == "tcp"
    s.record_check(result)
    assert s.view().kind == "input"
    assert s.path[0].result is not None and s.path[0].result["evidence"]

    s = session(port=str(closed_port))
    result = run_current(s)
    assert result["outcome"] == "fail"
    s.record_check(result)
    assert s.view().kind == "resolution"


def test_override_is_recorded_with_reason(closed_port: int) -> None:
    s = session(port=str(closed_port))
    s.record_check(run_current(s), outcome="pass", reason="port is open from the Edge's subnet")
    step = s.path[0]
    assert step.answer == "Pass (override of fail: port is open from the Edge's subnet)"
    assert step.result is not None and step.result["override"]["from"] == "fail"
    note = note_text(s, "markdown")
    assert "override of fail" in note and "FAIL:" in note


def test_parsed_sip_routes_by_field() -> None:
    s = session()
    s.answer("pass")
    s.answer("12:00:01 <-- SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 10.0.0.5:5060\n")
    view = s.view()
    assert view.title == "Fix the number format (404 Not Found)"
    s = session()
    s.answer("pass")
    s.answer('SIP/2.0 503 Service Unavailable\r\nReason: Q.850;cause=34;text="No circuit"\r\n')
    assert s.view().kind == "escalation"
    data = json.loads(note_text(s, "json"))
    assert data["steps"][1]["parsed"]["q850"] == "34"


def test_walk_with_answers_and_with_real_checks(
    listening_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--trees", str(CHECKS), "walk", "demo-checks", "--fact", "host=127.0.0.1"]
    code = main([*base, "--fact", "port=1", "-a", "fail", "--format", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["ending"]["title"] == "Open TCP 1 to 127.0.0.1"

    code = main([*base, "--fact", f"port={listening_port}", "--run-checks", "-a", "SIP/2.0 403"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "running tcp" in err
    assert "Fix the number format (403" in out
    assert "tcp → " in out and "PASS:" in out


def test_trees_cannot_run_anything_but_registered_probes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a tree made the wizard start a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr("os.system", refuse)
    monkeypatch.setattr("os.execv", refuse)
    trees = load_files([RULES / "e210-unknown-probe.yaml"]).trees
    s = Session(build_graph(trees.values()), trees, "e210-unknown-probe")
    s.answer("pass")  # to the `sh` check
    assert s.view().probe == "sh"
    result = run_current(s)
    assert result["outcome"] == "error"
    assert "unknown probe 'sh'" in result["summary"]
    assert "cannot run" in describe(s)
    marker = tmp_path / "pwned"
    s2 = session(host=f"$(touch {marker})", port="`touch {marker}`")
    assert run_current(s2)["outcome"] == "error"
    assert not marker.exists()


def test_fact_choices_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    s = session()
    host = next(f for f in s.fact_specs() if f.var == "host")
    assert host.choices == ["127.0.0.1", "localhost"]
    code = main(["--trees", str(CHECKS), "walk", "demo-checks", "--fact", "host=h", "-a", "fail"])
    assert code == 0
    assert "Open TCP 5060 to h" in capsys.readouterr().out
