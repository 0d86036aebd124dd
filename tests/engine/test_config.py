"""Settings in pyproject.toml or .edge-wizard.toml, and `# edge-wizard:` suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.cli import main

UNSOURCED = """\
id: {id}
title: Unsourced
summary: A resolution without sources.
version: 1
start: fix
nodes:
  fix:
    kind: resolution{comment}
    title: Fix it
    steps: [one]
"""


def tree(folder: Path, tree_id: str, comment: str = "", name: str | None = None) -> Path:
    path = folder / f"{name or tree_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(UNSOURCED.format(id=tree_id, comment=comment))
    return path


def codes(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(["validate", "--format", "json", *argv])
    found = json.loads(capsys.readouterr().out)["findings"]
    return code, [f"{f['code']} {Path(f['file']).name}:{f['line']}" for f in found]


def test_no_settings_file_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tree(tmp_path, "plain")
    assert codes(capsys, str(path)) == (0, ["W303 plain.yaml:8"])


def test_a_comment_alone_covers_the_next_line_and_one_after_yaml_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    after = tree(tmp_path, "after", "  # edge-wizard: disable=W303")
    assert codes(capsys, str(after)) == (0, [])
    alone = tmp_path / "alone.yaml"
    alone.write_text(
        UNSOURCED.format(id="alone", comment="").replace(
            "    kind:", "    # edge-wizard: disable=W303, W301\n    kind:"
        )
    )
    assert codes(capsys, str(alone)) == (0, [])
    # A comment two lines above covers nothing.
    far = tmp_path / "far.yaml"
    far.write_text(
        UNSOURCED.format(id="far", comment="").replace(
            "nodes:", "# edge-wizard: disable=W303\nnodes:"
        )
    )
    assert codes(capsys, str(far)) == (0, ["W303 far.yaml:9"])


def test_disable_file_covers_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tree(tmp_path, "other-id", name="named-differently")
    path.write_text("# edge-wizard: disable-file=W302,W303\n" + path.read_text())
    assert codes(capsys, str(path)) == (0, [])


def test_pyproject_settings_strict_disable_and_per_file_ignores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    tree(project / "trees", "legacy-a")
    tree(project / "trees", "new-b")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.edge-wizard]\ntrees = ["trees"]\nstrict = true\n'
        '[tool.edge-wizard.per-file-ignores]\n"trees/legacy-*.yaml" = ["W303"]\n'
    )
    monkeypatch.chdir(project / "trees")  # found upward from the working directory
    code, found = codes(capsys, str(project / "trees"))
    assert (code, found) == (1, ["W303 new-b.yaml:8"])  # strict from the settings
    (project / "pyproject.toml").write_text('[tool.edge-wizard]\ndisable = ["W303"]\n')
    assert codes(capsys, str(project / "trees")) == (0, [])


def test_own_settings_file_wins_and_unknown_codes_are_reported_where_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.edge-wizard]\ndisable = ["W303"]\n')
    (tmp_path / ".edge-wizard.toml").write_text('strict = false\ndisable = ["W303", "W999"]\n')
    path = tree(tmp_path, "t")
    monkeypatch.chdir(tmp_path)
    code, found = codes(capsys, str(path))
    assert code == 1
    assert found == ["E013 .edge-wizard.toml:2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("strict = 'yes'\n", "'strict' must be true or false"),
        ("ignore = ['W303']\n", "unknown setting 'ignore'"),
        ("disable = 'W303'\n", "'disable' must be a list of strings"),
        ("disable = [\n", "not valid TOML"),
    ],
)
def test_a_bad_settings_file_is_a_usage_error_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    message: str,
) -> None:
    (tmp_path / ".edge-wizard.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(tree(tmp_path, "t"))]) == 2
    err = capsys.readouterr().err
    assert ".edge-wizard.toml" in err and message in err
