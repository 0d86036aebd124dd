"""Every validation rule, triggered by a fixture, at its exact code, line and column.

Fixtures under tests/fixtures/rules/ state what they must produce in
`# expect: CODE line:col` comments; the findings must match them exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main

RULES = Path(__file__).parent.parent / "fixtures" / "rules"
MULTI = Path(__file__).parent.parent / "fixtures" / "rules-multi"
GOOD = Path(__file__).parent.parent / "fixtures" / "good"


def findings(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["validate", "--format", "json", *argv])
    data = json.loads(capsys.readouterr().out)
    return code, sorted(f"{f['code']} {f['line']}:{f['column']}" for f in data["findings"])


@pytest.mark.parametrize("fixture", sorted(RULES.glob("*.yaml")), ids=lambda p: p.stem)
def test_rule_fixture(fixture: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = sorted(
        line.removeprefix("# expect: ").strip()
        for line in fixture.read_text().splitlines()
        if line.startswith("# expect: ")
    )
    assert expected, "a rule fixture must say what it expects"
    code, got = findings(capsys, str(fixture))
    assert got == expected
    has_error = any(item.startswith("E") for item in expected)
    assert code == (1 if has_error else 0)


def test_every_rule_code_has_a_fixture_or_a_test() -> None:
    documented = {
        line.split("|")[1].strip().strip("`")
        for line in (Path(__file__).parents[2] / "docs" / "validation.md").read_text().splitlines()
        if line.startswith("| `")
    }
    in_fixtures = {p.stem.split("-")[0].upper() for p in RULES.glob("*.yaml")}
    generated = {"E005", "E006", "E007", "E201", "E203", "W304", "E205"}
    assert documented == in_fixtures | generated


def test_duplicate_ids_and_missing_links(capsys: pytest.CaptureFixture[str]) -> None:
    code, got = findings(capsys, "--trees", str(GOOD), str(MULTI))
    assert code == 1
    assert got == ["E201 1:5", "E203 10:11", "E203 9:11", "W302 1:5"]


def test_link_to_a_configured_tree_resolves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = tmp_path / "new-tree.yaml"
    new.write_text(
        "id: new-tree\ntitle: New\nsummary: Links to a configured tree.\nversion: 1\n"
        "start: go\nnodes:\n  go:\n    kind: link\n    tree: demo-edge\n    node: dhcp\n"
        "    sources: [inferred]\n"
    )
    code, got = findings(capsys, "--trees", str(GOOD), str(new))
    assert (code, got) == (0, [])
    # Without the folder that holds demo-edge, the same file fails.
    code, got = findings(capsys, str(new))
    assert (code, got) == (1, ["E203 9:11"])


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    fixture = str(RULES / "w303-unsourced.yaml")
    assert main(["validate", fixture]) == 0
    assert main(["validate", "--strict", fixture]) == 1
    capsys.readouterr()


def chain_tree(tree_id: str, length: int, last: str) -> str:
    """A tree of `length` questions in a row; the last one leads to `last`
    (YAML for its final node), the others can also stop."""
    nodes = []
    for i in range(length):
        following = f"q{i + 1}" if i + 1 < length else "last"
        nodes.append(
            f"  q{i}:\n    kind: question\n    text: Step {i}?\n    sources: [inferred]\n"
            f"    answers:\n      - {{label: Go on, next: {following}}}\n"
            f"      - {{label: Stop, next: end}}\n"
        )
    nodes.append(f"  last:\n{last}")
    nodes.append("  end:\n    kind: resolution\n    title: End\n    steps: [x]\n")
    nodes.append("    sources: [inferred]\n")
    return (
        f"id: {tree_id}\ntitle: Long\nsummary: Steps.\nversion: 1\nstart: q0\nnodes:\n"
        + "".join(nodes)
    )


DONE = "    kind: resolution\n    title: Done\n    steps: [x]\n    sources: [inferred]\n"


def test_long_path_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "long-path.yaml"
    path.write_text(chain_tree("long-path", 30, DONE))
    code, got = findings(capsys, str(path))
    assert (code, got) == (0, ["W304 5:8"])


def test_long_path_warning_counts_only_the_trees_own_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "short-a.yaml").write_text(
        chain_tree("short-a", 3, "    kind: link\n    tree: long-b\n    sources: [inferred]\n")
    )
    (tmp_path / "long-b.yaml").write_text(chain_tree("long-b", 30, DONE))
    code = main(["validate", "--format", "json", str(tmp_path)])
    messages = {
        Path(f["file"]).stem: f["message"] for f in json.loads(capsys.readouterr().out)["findings"]
    }
    assert code == 0
    # long-b is 31 steps; short-a's 3 questions and the link into long-b are its own 3.
    assert messages == {
        "long-b": "the longest path from start is 31 steps; keep paths to 30 or fewer"
    }


def test_good_fixtures_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert findings(capsys, "--strict", str(GOOD)) == (0, [])


def test_text_format_is_path_line_col(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(RULES / "e207-unreachable.yaml")])
    out = capsys.readouterr().out.strip()
    assert out.endswith(
        "e207-unreachable.yaml:14:5: error E207 node 'orphan' cannot be reached"
        " from the tree's start"
    )


def test_github_format_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a,b:c.yaml"
    path.write_text("id: x\ntitle: 100%\n")
    main(["validate", "--format", "github", str(path)])
    out = capsys.readouterr().out
    assert out.startswith("::error file=")
    assert "a%2Cb%3Ac.yaml" in out  # , and : escaped in properties
    for line in out.splitlines():
        assert line.count("::") == 2


def test_missing_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/file.yaml"]) == 2
    assert "no such file or folder" in capsys.readouterr().err
