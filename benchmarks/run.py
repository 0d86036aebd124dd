"""`make bench`: run every benchmark module's main() in turn.

Figures come with ratios against a baseline measured in the same run; these
machines are shared and noisy, so absolute numbers vary between runs.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE))
    only = set(sys.argv[1:])
    for path in sorted(HERE.glob("*.py")):
        if path.stem in {"run", "corpus"} or (only and path.stem not in only):
            continue
        module = importlib.import_module(path.stem)
        if hasattr(module, "main"):
            print(f"== {path.stem}")
            module.main()
            print()


if __name__ == "__main__":
    main()
