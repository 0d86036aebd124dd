"""A synthetic corpus shaped like real trees: questions, inputs with routes,
resolutions with steps and sources, facts and templates."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml


def make_tree(tree_id: str, size: int, rng: random.Random) -> dict[str, Any]:
    interior = int(size * 0.7)
    names = [f"step-{i}" for i in range(size)]
    nodes: dict[str, Any] = {}
    # Every node gets a parent two to six places before it: all are reachable,
    # and the longest path stays near half the tree, like a real tree's.
    children: list[set[int]] = [set() for _ in range(size)]
    for k in range(1, size):
        low, high = max(0, k - 6), min(k - 2 if k > 1 else 0, interior - 1)
        children[rng.randint(min(low, high), high)].add(k)
    for i in range(size):
        if i < interior:
            while len(children[i]) < 2:
                children[i].add(min(size - 1, i + rng.randint(2, 8)))
            picks = sorted(children[i])
            help_text = (
                "Admin > Telephony > Trunks > External Trunks > {site} > Media; "
                "compare the value with the carrier's documentation."
            )
            if i % 4 == 3:
                *routes, default = picks
                nodes[names[i]] = {
                    "kind": "input",
                    "text": f"Paste the SIP response code the carrier returned for {{site}} ({i}).",
                    "var": f"code_{i}",
                    "pattern": "^[1-6][0-9]{2}$",
                    "example": "503",
                    "routes": [
                        {"match": f"^{400 + j}$", "next": names[t]} for j, t in enumerate(routes)
                    ],
                    "next": names[default],
                    "help": help_text,
                    "sources": ["faq: Why are calls not recording?", "inferred"],
                }
            else:
                nodes[names[i]] = {
                    "kind": "question",
                    "text": f"Does Simulate Call for {{site}} match an outbound route ({i})?",
                    "help": help_text,
                    "answers": [
                        {"label": f"Answer {j}: the route matches case {t}", "next": names[t]}
                        for j, t in enumerate(picks)
                    ],
                    "sources": ["https://help.mypurecloud.com/articles/simulate-call/"],
                }
        elif i % 2:
            nodes[names[i]] = {
                "kind": "resolution",
                "title": f"Enable Line Recording on the trunk of {{site}} ({i})",
                "text": "Recording happens on the trunk the call used.",
                "steps": [
                    "Open Admin > Telephony > Trunks > External Trunks.",
                    "Select the trunk, then Media > Line Recording: Record calls on this trunk.",
                    "Save, and wait one minute for the Edge to take the change.",
                ],
                "verify": "Place a test call: is it recorded now?",
                "sources": ["faq: Why are calls not recording?"],
            }
        else:
            nodes[names[i]] = {
                "kind": "escalation",
                "title": "Open a case with Customer Care",
                "text": "Support needs these to trace the call for {site}.",
                "collect": ["The conversation ID", "The org ID", "Edge logs"],
                "sources": ["faq: How can I report an issue about PureCloud?"],
            }
    return {
        "id": tree_id,
        "title": f"Benchmark tree {tree_id}",
        "summary": "A synthetic tree for the validation benchmark.",
        "version": 1,
        "tags": ["bench", "synthetic"],
        "symptoms": ["calls fail", "no audio"],
        "facts": [{"var": "site", "prompt": "Site name", "required": True, "fallback": "the site"}],
        "start": names[0],
        "nodes": nodes,
    }


def write_corpus(folder: Path, count: int = 500, size: int = 50, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        tree_id = f"bench-{n:04d}"
        path = folder / f"{tree_id}.yaml"
        text = yaml.safe_dump(make_tree(tree_id, size, rng), sort_keys=False, width=100)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        paths.append(path)
    return paths
