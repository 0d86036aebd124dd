"""Hostile or odd input found in review: each gives a clean, positioned answer."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from wizard.catalog import load_files, tree_files
from wizard.cli import main
from wizard.export import note_text
from wizard.graph import build_graph
from wizard.session import AnswerError, BrokenTree, Session

GOOD = Path(__file__).parent.parent / "fixtures" / "good"
CHECKS = Path(__file__).parent.parent / "fixtures" / "checks"
HEAD = "title: T\nsummary: s\nversion: 1\n"


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(f"id: {name}\n{HEAD}{body}")
    return path


def findings(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["validate", "--format", "json", *argv])
    data = json.loads(capsys.readouterr().out)
    return code, [f"{f['code']} {f['line']}:{f['column']}" for f in data["findings"]]


RESOLUTION = "    kind: resolution\n    title: Fix\n    steps: [x]\n    sources: [inferred]\n"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("version: " + "9" * 5000, "E102"),
        ("pattern: 'a{99999999999}'", "E204"),
        ("pattern: '" + "(" * 2000 + ")" * 2000 + "'", "E204"),
    ],
)
def test_numbers_and_regexes_that_raise_in_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, code: str
) -> None:
    if value.startswith("version"):
        text = f"id: t\ntitle: T\nsummary: s\n{value}\nstart: f\nnodes:\n  f:\n{RESOLUTION}"
    else:
        text = (
            f"id: t\n{HEAD}start: i\nnodes:\n  i:\n    kind: input\n    text: X?\n    var: x\n"
            f"    {value}\n    next: f\n    sources: [inferred]\n  f:\n{RESOLUTION}"
        )
    path = tmp_path / "t.yaml"
    path.write_text(text)
    exit_code, got = findings(capsys, str(path))
    assert exit_code == 1
    assert [g.split()[0] for g in got] == [code]


def test_unicode_digits_are_not_answer_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--trees", str(GOOD), "walk", "demo-phone", "-a", "²"])
    assert code == 1
    assert "is not one of the answers" in capsys.readouterr().err


def test_a_label_wins_over_a_number(tmp_path: Path) -> None:
    write(
        tmp_path,
        "numbers",
        "start: q\nnodes:\n  q:\n    kind: question\n    text: How many?\n"
        "    answers:\n      - {label: '2', next: a}\n      - {label: '1', next: b}\n"
        f"  a:\n{RESOLUTION}  b:\n{RESOLUTION}",
    )
    trees = load_files(tree_files([tmp_path])).trees
    s = Session(build_graph(trees.values()), trees, "numbers")
    s.answer("1")
    assert s.current == "numbers/b"
    assert s.events[-1].value == "1"


def test_answers_are_logged_by_label_not_by_number() -> None:
    trees = load_files(tree_files([GOOD])).trees
    s = Session(build_graph(trees.values()), trees, "demo-phone")
    s.answer("3")
    assert s.events[-1].value == "Not sure"


def test_link_loops_stop_the_walk_instead_of_hanging(tmp_path: Path) -> None:
    write(tmp_path, "aa", "start: go\nnodes:\n  go:\n    kind: link\n    tree: bb\n")
    write(tmp_path, "bb", "start: go\nnodes:\n  go:\n    kind: link\n    tree: aa\n")
    trees = load_files(tree_files([tmp_path])).trees
    start = time.perf_counter()
    with pytest.raises(BrokenTree, match="loop"):
        Session(build_graph(trees.values()), trees, "aa")
    assert time.perf_counter() - start < 1


def test_error_by_hand_without_error_outcome_asks_pass_or_fail() -> None:
    trees = load_files(tree_files([CHECKS])).trees
    s = Session(build_graph(trees.values()), trees, "demo-checks")
    s.answer("error")
    assert s.view().manual and s.view().options == ["Pass", "Fail"]
    with pytest.raises(AnswerError):
        s.answer("error")
    note = note_text(s, "markdown")
    assert "Waiting for an answer" in note


def test_reader_error_position_counts_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes("id: x\ntitle: éééé\x01\n".encode())
    from wizard.loader import load_file

    _, found = load_file(path)
    assert [(f.code, f.pos.line, f.pos.col) for f in found] == [("E001", 2, 12)]


def test_validating_one_file_sees_links_into_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "aa", "start: go\nnodes:\n  go:\n    kind: link\n    tree: bb\n    node: x\n")
    bb = write(
        tmp_path,
        "bb",
        f"start: s\nnodes:\n  s:\n{RESOLUTION}  x:\n{RESOLUTION}".replace(
            "sources: [inferred]", "sources: [inferred]"
        ),
    )
    assert findings(capsys, "--trees", str(tmp_path), str(bb)) == (0, [])
    assert findings(capsys, "--trees", str(tmp_path)) == (0, [])


def test_a_file_named_twice_is_read_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert findings(capsys, str(GOOD), str(GOOD / "demo-edge.yaml")) == (0, [])


def test_link_to_a_node_that_failed_to_load_is_not_reported_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "aa", "start: go\nnodes:\n  go:\n    kind: link\n    tree: bb\n    node: x\n")
    write(tmp_path, "bb", f"start: s\nnodes:\n  s:\n{RESOLUTION}  x:\n    kind: resolutoin\n")
    _, got = findings(capsys, str(tmp_path))
    assert [g.split()[0] for g in got] == ["E105"]


def test_template_errors_point_at_the_list_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        "items",
        "start: f\nnodes:\n  f:\n    kind: resolution\n    title: Fix\n    steps:\n"
        "      - one\n      - two\n      - three {nope}\n    sources: [inferred]\n",
    )
    _, got = findings(capsys, str(tmp_path))
    assert got == ["E209 13:9"]


def test_walk_applies_defaults_of_facts_met_through_a_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "aa", "start: go\nnodes:\n  go:\n    kind: link\n    tree: bb\n")
    write(
        tmp_path,
        "bb",
        "facts:\n  - {var: host, prompt: Host, default: sbc.example}\nstart: f\nnodes:\n"
        "  f:\n    kind: resolution\n    title: Check {host}\n    steps: [x]\n"
        "    sources: [inferred]\n",
    )
    assert main(["--trees", str(tmp_path), "walk", "aa", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ending"]["title"] == "Check sbc.example"


def test_back_keeps_notes_with_the_abandoned_branch() -> None:
    trees = load_files(tree_files([GOOD])).trees
    s = Session(build_graph(trees.values()), trees, "demo-phone")
    s.answer("yes")
    s.note("written at the code question")
    s.back()
    s.answer("no")
    assert [n.text for n in s.path[0].notes] == ["written at the code question"]
    assert s.path[0].backtracked and s.path[1].notes == []


def test_findings_never_carry_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a\x1b[31mred.yaml"
    path.write_text("title: !<%1B]0;pwned%07%1B[2J> y\n")
    for fmt in ("text", "json", "github"):
        main(["validate", "--format", fmt, str(path)])
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
        assert "E004" in out


def test_many_broken_references_stay_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = "".join(f"      - {{label: a{i}, next: missing-{i}}}\n" for i in range(3000))
    nodes = "".join(f"  node-{i}:\n{RESOLUTION}" for i in range(3000))
    path = write(
        tmp_path,
        "broken",
        f"start: q\nnodes:\n  q:\n    kind: question\n    text: Q?\n    answers:\n{answers}{nodes}",
    )
    start = time.perf_counter()
    code, got = findings(capsys, str(path))
    assert time.perf_counter() - start < 10
    assert code == 1 and sum(g.startswith("E202") for g in got) == 3000


def test_trees_cannot_point_probes_at_local_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path,
        "ca",
        "start: c\nnodes:\n  c:\n    kind: check\n    text: TLS?\n    probe: tls\n"
        "    with: {host: example.com, ca_file: /etc/shadow}\n    outcomes: {pass: f, fail: f}\n"
        f"    sources: [inferred]\n  f:\n{RESOLUTION}",
    )
    code, got = findings(capsys, str(tmp_path))
    assert code == 1 and got == ["E211 11:31"]


def test_invisible_bidi_controls_are_stripped() -> None:
    from wizard.sanitize import strip_controls

    assert strip_controls("ok\u202eevil\u2066x\u200by") == "okevilxy"
    assert strip_controls("👩\u200d💻") == "👩\u200d💻"


def test_a_catastrophic_tree_regex_cannot_freeze_a_walk(tmp_path: Path) -> None:
    write(
        tmp_path,
        "redos",
        "start: i\nnodes:\n  i:\n    kind: input\n    text: Value?\n    var: v\n"
        "    pattern: '(a|aa)+$'\n    next: f\n    sources: [inferred]\n"
        f"  f:\n{RESOLUTION}",
    )
    trees = load_files(tree_files([tmp_path])).trees
    s = Session(build_graph(trees.values()), trees, "redos")
    start = time.perf_counter()
    with pytest.raises(BrokenTree, match="took too long"):
        s.answer("a" * 5000 + "!")
    assert time.perf_counter() - start < 3
    s.answer("aaaa")
    assert s.current == "redos/f"
