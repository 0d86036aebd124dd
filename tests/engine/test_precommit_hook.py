"""The shipped .pre-commit-hooks.yaml, run by pre-commit itself on scratch repositories.

pre-commit would install a `language: python` hook into a fresh virtualenv
from the hook repository, which needs the package index and a build of this
project: too slow for a unit test, and not offline. So the scratch hook
repository carries the shipped hook with `language: system` and the
interpreter of this test run as its entry; every other key (`files`, `types`,
`args`, `require_serial`) is the shipped file's, and those are what decide
which files the validator sees and how.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[2]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
GOOD = ROOT / "tests" / "fixtures" / "good"
W303 = ROOT / "tests" / "fixtures" / "rules" / "w303-unsourced.yaml"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="pre-commit needs git, which is not installed"
)


def shipped_hook() -> dict[str, Any]:
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert isinstance(hook, dict)
    return hook


def test_hook_conventions() -> None:
    hook = shipped_hook()
    # One process for every file, so cross-file rules see all of them.
    assert hook["require_serial"] is True
    # Strictness in args, where a repository can override it, not in entry.
    assert hook["entry"] == "edge-wizard validate"
    assert "--strict" in hook["args"]
    assert hook["files"] == r"^trees/.*\.ya?ml$"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    pytest.importorskip("pre_commit")
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    environ.pop("GITHUB_ACTIONS", None)
    home = tmp_path / "home"
    home.mkdir()
    environ |= {
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    return environ


def git(repo: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)


@pytest.fixture
def hook_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A repository that ships the hook, run with this interpreter (see the docstring)."""
    repo = tmp_path / "hook-repo"
    repo.mkdir()
    hook = shipped_hook() | {
        "language": "system",
        "entry": f"{sys.executable} -m wizard validate",
    }
    (repo / ".pre-commit-hooks.yaml").write_text(yaml.safe_dump([hook], sort_keys=False))
    git(repo, env, "init", "-q")
    git(repo, env, "add", ".")
    git(repo, env, "commit", "-q", "-m", "hook")
    return repo


@pytest.fixture
def trees_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """A repository of trees, with YAML beside them that is not a tree."""
    repo = tmp_path / "trees-repo"
    (repo / "trees").mkdir(parents=True)
    for tree in GOOD.glob("*.yaml"):
        shutil.copy(tree, repo / "trees" / tree.name)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yaml").write_text("on: push\njobs: {}\n")
    git(repo, env, "init", "-q")
    git(repo, env, "add", ".")
    git(repo, env, "commit", "-q", "-m", "trees")
    return repo


def pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def try_repo(
    trees: Path, hooks: Path, env: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    return pre_commit(trees, env, "try-repo", str(hooks), "edge-wizard-validate", *args)


def test_trees_pass_and_other_yaml_is_not_checked(
    trees_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    # The workflow file would fail validation (not a tree) if it were passed.
    result = try_repo(trees_repo, hook_repo, env, "--all-files", "--verbose")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_a_warning_fails_under_the_default_strict_args(
    trees_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    shutil.copy(W303, trees_repo / "trees" / "w303-unsourced.yaml")
    git(trees_repo, env, "add", ".")
    result = try_repo(trees_repo, hook_repo, env, "--all-files")
    assert result.returncode == 1
    assert "W303" in result.stdout


def test_a_change_linking_to_an_unchanged_sibling_tree_passes(
    trees_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    # Only the staged file is passed; `--trees trees` in args loads the rest.
    (trees_repo / "trees" / "new-tree.yaml").write_text(
        "id: new-tree\ntitle: New\nsummary: Links to a sibling.\nversion: 1\n"
        "start: go\nnodes:\n  go:\n    kind: link\n    tree: demo-edge\n    node: dhcp\n"
        "    sources: [inferred]\n"
    )
    git(trees_repo, env, "add", "trees/new-tree.yaml")
    result = try_repo(trees_repo, hook_repo, env, "--verbose")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "new-tree.yaml" not in result.stdout  # no finding names it


def test_duplicate_ids_are_found_across_many_files(
    trees_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    # Enough files that pre-commit, without require_serial, would split them
    # across processes (at least 4 a process, one process per core).
    demo = (GOOD / "demo-edge.yaml").read_text()
    for i in range(12):
        tree_id = f"tree-{i:02d}"
        (trees_repo / "trees" / f"{tree_id}.yaml").write_text(
            demo.replace("id: demo-edge", f"id: {tree_id}", 1)
        )
    # The last file, sorted, takes the first file's id.
    last = trees_repo / "trees" / "tree-11.yaml"
    last.write_text(last.read_text().replace("id: tree-11", "id: demo-edge", 1))
    git(trees_repo, env, "add", ".")
    result = try_repo(trees_repo, hook_repo, env, "--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "E201" in result.stdout


def test_a_repository_overrides_files_and_args(
    trees_repo: Path, hook_repo: Path, env: dict[str, str]
) -> None:
    (trees_repo / "trees").rename(trees_repo / "decision-trees")
    shutil.copy(W303, trees_repo / "decision-trees" / "w303-unsourced.yaml")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=hook_repo, env=env, capture_output=True, text=True
    ).stdout.strip()
    config = {
        "repos": [
            {
                "repo": str(hook_repo),
                "rev": sha,
                "hooks": [
                    {
                        "id": "edge-wizard-validate",
                        "files": r"^decision-trees/",
                        "args": ["--trees", "decision-trees"],
                    }
                ],
            }
        ]
    }
    (trees_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(trees_repo, env, "add", "-A")
    result = pre_commit(trees_repo, env, "run", "--all-files", "--verbose")
    # Without --strict the warning is printed and the hook still passes.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "W303" in result.stdout
