"""Validation speed: edge-wizard validate vs yamllint vs a bare CSafeLoader parse.

All three run as fresh processes on the same 500 generated trees (about 50
nodes each), so interpreter start-up is in every figure. Each is run several
times and the median is reported. Targets: at least 10x faster than yamllint,
at most 2x the bare parse. Then one shipped tree file against `python -c pass`
(what a pre-commit run on one change costs), and one 100,000-node tree through
graph validation.
"""

from __future__ import annotations

import gc
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import make_tree, write_corpus  # noqa: E402

CORPUS = HERE / ".corpus" / "validate"
ROOT_TREES = HERE.parent / "trees"
BIN = Path(sys.executable).parent
RUNS = 5

BARE_PARSE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob('*.yaml')):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def median_seconds(argv: list[str], runs: int = RUNS, ok: tuple[int, ...] = (0,)) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in ok:
            raise SystemExit(f"{argv[0]} exited {result.returncode}: {result.stderr[-500:]}")
    return statistics.median(times)


def big_tree_validation(size: int = 100_000) -> tuple[float, float, int]:
    import random

    from wizard.catalog import Catalog
    from wizard.loader import TreeReader
    from wizard.model import Pos
    from wizard.validate import validate_catalog
    from wizard.yamlnodes import YMap, YNode, YScalar, YSeq

    # Files are capped at 1 MiB, so the big tree is built in memory: positioned
    # nodes -> the schema reader -> the graph rules, as the CLI would run them.
    data = make_tree("big-tree", size, random.Random(3))
    pos = Pos("big-tree.yaml", 1, 1)

    def to_y(value: object) -> YNode:
        if isinstance(value, dict):
            return YMap({str(k): (pos, to_y(v)) for k, v in value.items()}, pos)
        if isinstance(value, list):
            return YSeq([to_y(v) for v in value], pos)
        return YScalar(str(value).lower() if isinstance(value, bool) else str(value), pos, True)

    doc = to_y(data)
    gc.disable()  # as `edge-wizard validate` does
    start = time.perf_counter()
    tree = TreeReader("big-tree.yaml").tree(doc, "big-tree.yaml", "0" * 64)
    assert tree is not None
    loaded = time.perf_counter() - start
    catalog = Catalog()
    catalog.trees[tree.id] = tree
    start = time.perf_counter()
    report = validate_catalog(catalog)
    validated = time.perf_counter() - start
    return loaded, validated, report.errors


def main() -> None:
    files = write_corpus(CORPUS)
    size = sum(p.stat().st_size for p in files)
    print(f"corpus: {len(files)} trees, {size / 1e6:.1f} MB, in {CORPUS}")

    wizard = median_seconds([str(BIN / "edge-wizard"), "validate", str(CORPUS)])
    bare = median_seconds([sys.executable, "-c", BARE_PARSE, str(CORPUS)])
    print(f"edge-wizard validate: {wizard:6.2f} s (median of {RUNS})")
    print(
        f"bare CSafeLoader:     {bare:6.2f} s  -> edge-wizard is {wizard / bare:.2f}x the bare"
        " parse (target <= 2x)"
    )
    yamllint = shutil.which("yamllint", path=str(BIN)) or shutil.which("yamllint")
    if yamllint:
        lint = median_seconds([yamllint, "-d", "default", str(CORPUS)], runs=1, ok=(0, 1))
        print(
            f"yamllint:             {lint:6.2f} s  -> edge-wizard is {lint / wizard:.1f}x"
            " faster (target >= 10x)"
        )
    else:
        print("yamllint: not installed (pip install -e '.[bench]')")

    # One shipped tree, as pre-commit runs it on a change: start-up is the cost.
    one = ROOT_TREES / "fax.yaml"
    single = median_seconds([str(BIN / "edge-wizard"), "validate", str(one)], runs=9)
    empty = median_seconds([sys.executable, "-c", "pass"], runs=9)
    print(
        f"validate one tree file: {single * 1000:6.0f} ms; python -c pass {empty * 1000:.0f} ms"
        f" ({single / empty:.1f}x)"
    )

    loaded, validated, errors = big_tree_validation()
    print(
        f"100,000-node tree: schema {loaded:.2f} s, graph validation {validated:.2f} s"
        f" ({errors} errors)"
    )


if __name__ == "__main__":
    main()
