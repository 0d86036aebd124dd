"""Property tests: nothing crashes the validator; generated valid trees are clean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.catalog import Catalog
from wizard.loader import load_bytes
from wizard.validate import validate_catalog


def validate_bytes(name: str, data: bytes) -> list[str]:
    tree, findings = load_bytes(name, data)
    catalog = Catalog(findings=findings)
    if tree is not None:
        catalog.trees[tree.id] = tree
    return [f"{f.code} {f.message}" for f in validate_catalog(catalog).findings]


scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)
)
KEYS = [
    "id", "title", "summary", "version", "start", "nodes", "kind", "text", "answers",
    "label", "next", "var", "pattern", "routes", "match", "steps", "verify", "unresolved",
    "collect", "tree", "node", "facts", "prompt", "required", "sources", "help",
]  # fmt: skip
KINDS = ["question", "input", "resolution", "escalation", "link", "check", "bogus"]
values = st.recursive(
    scalars | st.sampled_from(KINDS),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS), values, max_size=9))
def test_random_structures_never_crash(doc: dict[str, Any]) -> None:
    validate_bytes("random.yaml", yaml.safe_dump(doc, allow_unicode=True).encode())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bytes_never_crash(data: bytes) -> None:
    validate_bytes("bytes.yaml", data)


@st.composite
def valid_trees(draw: st.DrawFn) -> dict[str, Any]:
    interior = draw(st.integers(min_value=1, max_value=8))
    terminals = draw(st.integers(min_value=1, max_value=4))
    total = interior + terminals
    names = [f"n{i}" for i in range(total)]
    kinds = [draw(st.sampled_from(["question", "input"])) for _ in range(interior)]
    kinds += [draw(st.sampled_from(["resolution", "escalation"])) for _ in range(terminals)]
    targets: list[list[int]] = [[] for _ in range(interior)]
    # Every node after the first gets a parent before it, so all are reachable.
    for k in range(1, total):
        parent = draw(st.integers(min_value=0, max_value=min(k, interior) - 1))
        targets[parent].append(k)
    nodes: dict[str, Any] = {}
    for i in range(interior):
        minimum = 2 if kinds[i] == "question" else 1
        while len(targets[i]) < minimum:
            targets[i].append(draw(st.integers(min_value=i + 1, max_value=total - 1)))
        if kinds[i] == "question":
            nodes[names[i]] = {
                "kind": "question",
                "text": f"Question {i}?",
                "answers": [
                    {"label": f"Answer {j} to {t}", "next": names[t]}
                    for j, t in enumerate(targets[i])
                ],
                "sources": ["inferred"],
            }
        else:
            *routes, default = targets[i]
            nodes[names[i]] = {
                "kind": "input",
                "text": f"Value {i}?",
                "var": f"v{i}",
                "pattern": "^[a-z0-9]+$",
                "routes": [{"match": f"^r{j}$", "next": names[t]} for j, t in enumerate(routes)],
                "next": names[default],
                "sources": ["https://example.com/doc"],
            }
    for i in range(interior, total):
        if kinds[i] == "resolution":
            nodes[names[i]] = {
                "kind": "resolution",
                "title": f"Fix {i} at {{site}}",
                "steps": ["Do the thing."],
                "verify": "Fixed?",
                "sources": ["faq: Why are calls not recording?"],
            }
        else:
            nodes[names[i]] = {
                "kind": "escalation",
                "title": "Escalate",
                "text": "Call support for {site}.",
                "collect": ["The org ID"],
                "sources": ["inferred"],
            }
    return {
        "id": "generated",
        "title": "Generated",
        "summary": "A generated tree.",
        "version": 1,
        "facts": [{"var": "site", "prompt": "Site", "required": True, "fallback": "the site"}],
        "start": "n0",
        "nodes": nodes,
    }


@settings(max_examples=200, deadline=None)
@given(valid_trees())
def test_generated_valid_trees_validate_clean(doc: dict[str, Any]) -> None:
    data = yaml.safe_dump(doc, sort_keys=False).encode()
    assert validate_bytes(str(Path("generated.yaml")), data) == []
