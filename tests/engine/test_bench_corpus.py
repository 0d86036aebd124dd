"""The benchmark corpus is valid trees: `make bench` times validating them, and
a corpus that fails validation stops the benchmark (as a new rule once did)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_corpus_trees_validate_clean(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from wizard.catalog import load_files
    from wizard.validate import validate_catalog

    files = write_corpus(tmp_path, count=5)
    report = validate_catalog(load_files(files), {str(p) for p in files})
    assert [f for f in report.findings if f.pos.file in {str(p) for p in files}] == []
