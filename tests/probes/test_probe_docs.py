"""docs/probes.md documents every probe and every parameter."""

from __future__ import annotations

import re
from pathlib import Path

from wizard.probes import PROBES

DOC = Path(__file__).resolve().parents[2] / "docs" / "probes.md"


def test_every_probe_and_parameter_is_documented() -> None:
    text = DOC.read_text()
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    by_name = {s.split("\n", 1)[0].strip(): s for s in sections[1:]}
    for name, spec in PROBES.items():
        assert name in by_name, f"docs/probes.md has no section for {name}"
        body = by_name[name]
        for p in spec.params:
            assert f"| `{p.name}` | {p.type.__name__} |" in body, (name, p.name)
        for word in ("**pass**", "**fail**", "**error**", "**evidence**", "**on the wire**"):
            assert word in body, (name, word)
