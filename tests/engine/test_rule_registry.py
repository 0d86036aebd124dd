"""The rule registry: one table of codes, docs generated from it, shared graph facts.

Every code is declared once, by the family module it belongs to, and
docs/validation.md's rule reference is rendered from those declarations; a
change to a rule's summary or docstring without `python
docs/validation_regen.py` fails here.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import wizard
from wizard import rules
from wizard.catalog import load_files
from wizard.rules import BY_CODE, CHECKS, CODES, FAMILIES
from wizard.rules.doc import BEGIN, END, splice
from wizard.validate import validate_catalog

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "validation.md"
REGEN = ROOT / "docs" / "validation_regen.py"
PACKAGE = Path(wizard.__file__).parent
CODE_LITERAL = re.compile(r"[EW]\d{3}")


def test_the_page_is_generated_from_the_registry() -> None:
    page = PAGE.read_text(encoding="utf-8")
    assert splice(page) == page, "docs/validation.md is stale: run python docs/validation_regen.py"


def test_regen_check_finds_a_stale_page_and_rewrites_it(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    stale = tmp_path / "validation.md"
    stale.write_text(page.replace("| `E201` | error |", "| `E201` | warning |"), encoding="utf-8")

    def regen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(REGEN), *args, str(stale)], capture_output=True, text=True
        )

    checked = regen("--check")
    assert checked.returncode == 1
    assert "stale" in checked.stderr
    assert stale.read_text(encoding="utf-8") != page  # --check changes nothing
    assert regen().returncode == 0
    assert stale.read_text(encoding="utf-8") == page
    assert regen("--check").returncode == 0


def test_the_hand_written_prose_around_the_region_survives() -> None:
    page = PAGE.read_text(encoding="utf-8")
    before, _, rest = page.partition(BEGIN)
    _, _, after = rest.partition(END)
    edited = before + BEGIN + "\nold table\n" + END + after
    assert splice(edited) == page


def test_every_code_is_declared_once_by_one_family() -> None:
    declared = Counter(c.code for f in FAMILIES for c in f.codes)
    assert [code for code, n in declared.items() if n > 1] == []
    assert [c.code for c in CODES] == sorted(declared, key=lambda code: int(code[1:]))
    assert set(BY_CODE) == set(declared)


def test_every_family_documents_itself_in_markdown() -> None:
    for family in FAMILIES:
        assert family.title and family.doc, family.name
        assert family.codes, family.name
        # Markdown, not reST: no ``literal`` and no :role:`name`.
        assert "``" not in family.doc.replace("```", ""), family.name
        assert not re.search(r":\w+:`", family.doc), family.name
        assert (PACKAGE / "rules" / f"{family.name}.py").is_file()
    # Graph rules run in the order of FAMILIES; reading, schema and
    # suppressions are checked where files and settings are read.
    assert len(CHECKS) == sum(1 for f in FAMILIES if f.check is not None)
    assert {f.name for f in FAMILIES if f.check is None} == {"reading", "schema", "suppressions"}


def _code_literals(path: Path) -> list[tuple[int, str, bool]]:
    """(line, code, declared) for each string literal that is a code; `declared`
    when it is the first argument of `Code(...)`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    declared = {
        id(node.args[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Code"
        and node.args
    }
    return [
        (node.lineno, node.value, id(node) in declared)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE_LITERAL.fullmatch(node.value)
    ]


def test_every_code_the_package_names_is_in_the_table() -> None:
    unknown = [
        f"{path.relative_to(PACKAGE)}:{line}: {code}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, code, _ in _code_literals(path)
        if code not in BY_CODE
    ]
    assert unknown == []


def test_rules_name_their_codes_by_constant() -> None:
    # A rule yields `CONSTANT.at(pos, message)`, so its severity is the
    # table's; a literal code in a rule module is a second source.
    literals = [
        f"{path.name}:{line}: {code}"
        for path in [*sorted((PACKAGE / "rules").glob("*.py")), PACKAGE / "validate.py"]
        for line, code, declared in _code_literals(path)
        if not declared
    ]
    assert literals == []


def test_shared_graph_facts_are_computed_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import networkx as nx

    calls: Counter[str] = Counter()

    def counted(name: str) -> Any:
        real = getattr(nx, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    for name in ("strongly_connected_components", "topological_sort"):
        monkeypatch.setattr(nx, name, counted(name))
    catalog = load_files(sorted((ROOT / "tests" / "fixtures" / "rules").glob("e20*.yaml")))
    report = validate_catalog(catalog)
    assert {"E208", "E209", "E205"} <= {f.code for f in report.findings}
    assert calls == {"strongly_connected_components": 1, "topological_sort": 1}


def test_the_registry_is_the_table_its_readers_use() -> None:
    from wizard import codes, config

    assert codes.CODES is rules.CODES
    assert frozenset(BY_CODE) == config.KNOWN
