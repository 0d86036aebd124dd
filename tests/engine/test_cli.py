"""`edge-wizard list`, `walk` and `graph`, through `main()` and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main

GOOD = str(Path(__file__).parent.parent / "fixtures" / "good")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--trees", GOOD, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["demo-phone"]["nodes"] == 5
    assert rows["demo-phone"]["version"] == 2
    assert rows["demo-phone"]["tags"] == ["demo", "phone"]
    assert rows["demo-phone"]["file"].endswith("demo-phone.yaml")


def test_walk_to_resolution_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "walk", "demo-phone", "-a", "yes", "-a", "404", "-a", "yes", "--fact", "site=HQ"
    )
    assert code == 0
    assert "### Resolution: Fix the ACL for HQ" in out
    assert "→ Fixed" in out


def test_walk_answer_that_fits_nothing_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "walk", "demo-phone", "-a", "perhaps")
    assert code == 1
    assert "1. Yes\n  2. No\n  3. Not sure" in err


def test_walk_out_of_answers_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "walk", "demo-phone", "-a", "1", "--format", "json")
    assert code == 3
    assert json.loads(out)["pending"]["node"] == "code"
    assert "Which SIP code does the carrier log show?" in err
    assert "for example: 404" in err


def test_walk_left_over_answers_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "walk", "demo-phone", "-a", "no", "-a", "extra")
    assert code == 1
    assert "left over" in err


def test_walk_unknown_tree_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "walk", "demo-phon")
    assert code == 2
    assert "did you mean 'demo-phone'" in err


def test_walk_bad_fact_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "walk", "demo-phone", "--fact", "site")
    assert code == 2 and "name=value" in err


def test_walk_refuses_a_broken_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.yaml").write_text(
        "id: broken\ntitle: B\nsummary: s\nversion: 1\nstart: a\nnodes:\n"
        "  a:\n    kind: question\n    text: Q?\n    answers:\n      - {label: A, next: x}\n"
        "      - {label: B, next: y}\n"
    )
    code = main(["--trees", str(tmp_path), "walk", "broken"])
    err = capsys.readouterr().err
    assert code == 2
    assert "broken.yaml:11:" in err and "E202" in err


def test_graph_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", "demo-phone", "--format", "json")
    data = json.loads(out)
    names = {n["id"] for n in data["nodes"]}
    assert code == 0
    assert names == {
        f"demo-phone/{n}" for n in ("reaches", "code", "fix-acl", "carrier", "offline")
    }
    node = next(n for n in data["nodes"] if n["id"] == "demo-phone/fix-acl")
    assert node["kind"] == "resolution" and node["steps"][0].startswith("Open Admin")
    labels = {(e["source"], e["target"]): e["label"] for e in data["links"]}
    assert labels[("demo-phone/code", "demo-phone/fix-acl")] == "^40[34]$"
    assert labels[("demo-phone/reaches", "demo-phone/carrier")] == "No / Not sure"
    assert labels[("demo-phone/fix-acl", "demo-phone/carrier")] == "unresolved"

    _, out, _ = run(capsys, "graph", "--format", "json")
    links = json.loads(out)["links"]
    assert {"source": "demo-phone/offline", "target": "demo-edge/lcd"}.items() <= next(
        e for e in links if e["source"] == "demo-phone/offline"
    ).items()

    _, out, _ = run(capsys, "graph", "demo-phone", "--format", "mermaid")
    assert out.startswith("flowchart TD\n")
    assert '-->|"No / Not sure"|' in out
    _, out, _ = run(capsys, "graph", "demo-phone", "--format", "dot")
    assert out.startswith("digraph") and '"demo-phone/code" -> "demo-phone/fix-acl"' in out


def test_trees_option_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--trees", GOOD, "--json"])
    assert code == 0
    assert "demo-edge" in capsys.readouterr().out


def test_env_trees_adds_folders(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EDGE_WIZARD_TREES", GOOD)
    assert main(["list", "--json"]) == 0
    assert "demo-edge" in capsys.readouterr().out


def test_python_m_wizard_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "walk", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "--answer" in result.stdout and "yes or no" in result.stdout


def test_tree_cache_reloads_when_a_tree_changes(tmp_path: Path) -> None:
    import shutil

    from wizard.treecache import cache_file, load_cached

    trees = tmp_path / "trees"
    shutil.copytree(GOOD, trees)
    home = tmp_path / "home"
    first = load_cached([trees], home)
    assert sorted(first.trees) == ["demo-edge", "demo-phone"]
    assert cache_file(home).exists()
    cached = load_cached([trees], home)
    assert cached.trees["demo-phone"].content_hash == first.trees["demo-phone"].content_hash
    path = trees / "demo-phone.yaml"
    path.write_text(path.read_text().replace("Demo phone does not ring", "Changed title"))
    assert load_cached([trees], home).trees["demo-phone"].title == "Changed title"
    # A damaged cache is ignored, not trusted.
    cache_file(home).write_bytes(b"not a pickle")
    assert load_cached([trees], home).trees["demo-phone"].title == "Changed title"


def test_tree_cache_others_can_write_is_never_unpickled(tmp_path: Path) -> None:
    """Unpickling runs code: a cache file or folder that another user could have
    written is ignored, whatever it holds."""
    import os
    import pickle
    import shutil

    from wizard import treecache

    trees = tmp_path / "trees"
    shutil.copytree(GOOD, trees)
    home = tmp_path / "home"
    treecache.load_cached([trees], home)
    path = treecache.cache_file(home)
    key = treecache.signature(treecache.tree_files([trees]))
    planted = tmp_path / "ran"
    path.write_bytes(pickle.dumps((key, Boom(str(planted)))))
    for target, mode in ((path, 0o666), (path.parent, 0o777)):
        original = target.stat().st_mode & 0o777
        target.chmod(mode)
        try:
            assert sorted(treecache.load_cached([trees], home).trees) == ["demo-edge", "demo-phone"]
        finally:
            target.chmod(original)
        assert not planted.exists()
    # The cache edge-wizard itself writes is private to this user.
    assert os.stat(path).st_mode & 0o022 == 0


class Boom:
    """A pickle that leaves a trace when it is loaded."""

    def __init__(self, trace: str) -> None:
        self.trace = trace

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (open, (self.trace, "w"))


def test_endings_lists_every_way_in(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "endings", "demo-phone", "--json")
    ways = {e["node"]: [(w["from"], w["label"]) for w in e["ways_in"]] for e in json.loads(out)}
    assert code == 0
    # The escalation is reached three ways: two answers, and a fix that did not work.
    assert sorted(ways["demo-phone/carrier"]) == [
        ("demo-phone/fix-acl", "Not fixed"),
        ("demo-phone/reaches", "No / Not sure"),
    ]
    assert ways["demo-phone/fix-acl"] == [("demo-phone/code", "^40[34]$")]
    code, out, _ = run(capsys, "endings", "demo-phone")
    assert "2 ways in: read the ending once for each." in out


def test_endings_follow_a_link_to_the_steps_before_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = "title: T\nsummary: s\nversion: 1\n"
    fix = "    kind: resolution\n    title: Fix\n    steps: [x]\n    sources: [inferred]\n"
    (tmp_path / "aa.yaml").write_text(
        f"id: aa\n{head}start: q\nnodes:\n  q:\n    kind: question\n    text: Q?\n"
        "    sources: [inferred]\n    answers:\n      - {label: Here, next: done}\n"
        "      - {label: There, next: go}\n  go:\n    kind: link\n    tree: bb\n"
        f"    node: fix\n    help: the fix lives there\n  done:\n{fix}"
    )
    (tmp_path / "bb.yaml").write_text(f"id: bb\n{head}start: fix\nnodes:\n  fix:\n{fix}")
    code = main(["--trees", str(tmp_path), "endings", "bb", "--json"])
    [ending] = json.loads(capsys.readouterr().out)
    assert code == 0
    assert ending["ways_in"] == [
        {
            "from": "aa/q",
            "kind": "question",
            "text": "Q?",
            "label": "There (then the link aa/go: the fix lives there)",
        }
    ]
