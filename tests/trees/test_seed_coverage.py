"""The trees cover the telephony scope of the seed FAQ, and cite it exactly.

The seed lives outside the repository: CI clones the repo next to a copy of
`shared/`, so it is found relative to this file. Without it the tests skip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TREES_DIR = REPO / "trees"
SEED_DIR = REPO.parent / "shared" / "seed"
SCOPE_FILE = SEED_DIR / "telephony-scope.txt"
FAQ_FILE = SEED_DIR / "000_1ec8a232004aa402.txt"
BULLET = "•"


def _need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"seed file not found: {path} (expected a copy of shared/ next to the repo)")
    return path


def _scope_lines() -> list[str]:
    text = _need(SCOPE_FILE).read_text(encoding="utf-8")
    return [line.rstrip("\r\n") for line in text.splitlines() if line.strip()]


def _seed_questions() -> set[str]:
    """The FAQ's questions: the outermost bullet lines (nested bullets are answer text)."""
    lines = _need(FAQ_FILE).read_text(encoding="utf-8").splitlines()
    bullets = [line for line in lines if line.lstrip().startswith(BULLET)]
    assert bullets, f"no bullet lines in {FAQ_FILE}"
    outer = min(len(line) - len(line.lstrip()) for line in bullets)
    return {
        line.strip()[len(BULLET) :].strip()
        for line in bullets
        if len(line) - len(line.lstrip()) == outer
    }


def _citations() -> list[tuple[str, str, str]]:
    """(tree file, node id, question) for every `faq:` source in trees/."""
    found = []
    for path in sorted(TREES_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node_id, node in (data.get("nodes") or {}).items():
            for source in node.get("sources") or []:
                if isinstance(source, str) and source.startswith("faq:"):
                    found.append((path.name, node_id, source[len("faq:") :].strip()))
    return found


def test_scope_file_has_the_expected_questions() -> None:
    lines = _scope_lines()
    assert len(lines) == len(set(lines)), "scope lines repeat"
    assert len(lines) >= 41


def test_every_scope_question_is_cited() -> None:
    cited = {question for _, _, question in _citations()}
    missing = [line for line in _scope_lines() if line not in cited]
    assert not missing, "scope questions no node cites as `faq: <line>`:\n" + "\n".join(missing)


def test_every_scope_question_is_a_seed_question() -> None:
    questions = _seed_questions()
    strays = [line for line in _scope_lines() if line not in questions]
    assert not strays, "scope lines that are not seed questions:\n" + "\n".join(strays)


def test_every_faq_citation_is_an_exact_seed_question() -> None:
    questions = _seed_questions()
    bad = [
        f"{tree}: {node}: faq: {question}"
        for tree, node, question in _citations()
        if question not in questions
    ]
    assert not bad, "faq citations that are not exact seed questions:\n" + "\n".join(bad)


def test_nodes_citing_the_seed_say_something() -> None:
    """A node that cites an FAQ entry carries text, help or steps that use it."""
    for path in sorted(TREES_DIR.glob("*.yaml")):
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node_id, node in (data.get("nodes") or {}).items():
            cites = any(
                isinstance(s, str) and s.startswith("faq:") for s in node.get("sources") or []
            )
            if cites and node.get("kind") != "link":
                body = [node.get(k) for k in ("text", "help", "steps", "collect")]
                assert any(body), f"{path.name}: {node_id} cites the FAQ but says nothing"
