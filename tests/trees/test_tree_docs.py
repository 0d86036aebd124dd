"""docs/trees/<id>.md exists for every tree and carries its current Mermaid diagram.

The diagram must be exactly what `edge-wizard graph <id> --format mermaid`
prints now, so a tree change without `python docs/trees/regen.py` fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TREES_DIR = REPO / "trees"
DOCS_DIR = REPO / "docs" / "trees"
MERMAID = re.compile(r"```mermaid\n(.*?)```", re.DOTALL)


def _tree_ids() -> list[str]:
    return sorted(
        yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in TREES_DIR.glob("*.yaml")
    )


def _cli_mermaid(tree_id: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "graph", tree_id, "--format", "mermaid"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_there_are_trees() -> None:
    assert _tree_ids()


@pytest.mark.parametrize("tree_id", _tree_ids())
def test_doc_has_current_mermaid(tree_id: str) -> None:
    doc = DOCS_DIR / f"{tree_id}.md"
    assert doc.is_file(), f"missing {doc}; run python docs/trees/regen.py"
    blocks = MERMAID.findall(doc.read_text(encoding="utf-8"))
    assert len(blocks) == 1, f"{doc} should have exactly one mermaid block"
    expected = _cli_mermaid(tree_id)
    assert expected.strip(), f"edge-wizard graph {tree_id} printed nothing"
    assert blocks[0] == expected, f"{doc} is stale; run python docs/trees/regen.py"


@pytest.mark.parametrize("tree_id", _tree_ids())
def test_doc_says_what_it_covers(tree_id: str) -> None:
    text = (DOCS_DIR / f"{tree_id}.md").read_text(encoding="utf-8")
    assert "## What it covers" in text
    assert "(Write this by hand.)" not in text, f"{tree_id}.md still has the template text"
    assert "<!-- sources:begin -->" in text
