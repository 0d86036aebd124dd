"""Where trees come from: the built-in set, `$EDGE_WIZARD_TREES` and `--trees`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wizard.model import Finding, Tree

TREE_SUFFIXES = (".yaml", ".yml")
ENV_TREES = "EDGE_WIZARD_TREES"


def builtin_tree_dir() -> Path:
    """The shipped trees: inside the package in a wheel, at the top of a checkout."""
    package_dir = Path(__file__).resolve().parent
    bundled = package_dir / "trees"
    if bundled.is_dir():
        return bundled
    return package_dir.parent / "trees"


def configured_dirs(extra: Sequence[Path] = (), env: dict[str, str] | None = None) -> list[Path]:
    """Built-in trees first, then `$EDGE_WIZARD_TREES`, then `--trees`, without repeats."""
    environ = os.environ if env is None else env
    dirs = [builtin_tree_dir()]
    dirs += [Path(p) for p in environ.get(ENV_TREES, "").split(os.pathsep) if p]
    dirs += list(extra)
    unique: list[Path] = []
    seen: set[Path] = set()
    for d in dirs:
        key = d.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(d)
    return unique


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working directory if inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class MissingPath(Exception):
    """A path given on the command line does not exist (a usage error)."""


def tree_files(paths: Iterable[Path], strict: bool = False) -> list[Path]:
    """Files named directly, plus the `*.yaml`/`*.yml` files in named folders, sorted.

    With `strict`, a path that does not exist raises MissingPath; otherwise it is
    skipped (a configured folder that is not there is not an error).
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in TREE_SUFFIXES and p.is_file())
        elif path.is_file():
            files.append(path)
        elif strict:
            raise MissingPath(str(path))
    # A file named twice (`validate trees trees/x.yaml`) is read once, not
    # reported as a duplicate of itself.
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


@dataclass
class Catalog:
    """Loaded trees keyed by id, in load order, and the findings of loading them."""

    trees: dict[str, Tree] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # Trees whose id another file already took, kept so validation can report them.
    duplicates: list[Tree] = field(default_factory=list)
    io_errors: list[str] = field(default_factory=list)
    # Why each tree that cannot be walked cannot, once `wizard.walkable` has
    # worked it out; the tree cache keeps it with the trees.
    unwalkable: dict[str, str] | None = None


def load_files(files: Iterable[Path]) -> Catalog:
    # Imported here: the loader brings PyYAML, which a cached start-up skips.
    from wizard.loader import load_file

    catalog = Catalog()
    for path in files:
        name = display_path(path)
        try:
            tree, findings = load_file(path, name)
        except OSError as exc:
            catalog.io_errors.append(f"{name}: cannot read: {exc.strerror or exc}")
            continue
        catalog.findings += findings
        if tree is None:
            continue
        if tree.id in catalog.trees:
            catalog.duplicates.append(tree)
        else:
            catalog.trees[tree.id] = tree
    return catalog
