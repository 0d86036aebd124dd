#!/usr/bin/env python3
"""Regenerate the rule reference in docs/validation.md from wizard/rules/.

Rewrites the text between `<!-- rules:begin ... -->` and `<!-- rules:end -->`
with the table of every code and a section per rule family, each from its
module's docstring (`wizard.rules.doc`). The rest of the page is written by
hand.

    python docs/validation_regen.py           # rewrite the page
    python docs/validation_regen.py --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "docs" / "validation.md"


def main(argv: list[str] | None = None) -> int:
    # The checkout's own package, whichever interpreter runs this; imported
    # after the path is set, so not at the top.
    sys.path.insert(0, str(REPO))
    from wizard.rules.doc import splice

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report a stale page, change nothing")
    parser.add_argument("page", nargs="?", type=Path, default=PAGE, help=f"default: {PAGE}")
    args = parser.parse_args(argv)
    current = args.page.read_text(encoding="utf-8")
    try:
        new = splice(current)
    except ValueError as exc:
        print(f"{args.page}: {exc}", file=sys.stderr)
        return 2
    if new == current:
        return 0
    if args.check:
        print(f"stale: {args.page}; run python docs/validation_regen.py", file=sys.stderr)
        return 1
    args.page.write_text(new, encoding="utf-8")
    print(f"updated: {args.page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
