"""`validate`'s conventions for CI: SARIF 2.1.0, `auto` output, `-` for stdin, `-q`.

The SARIF output is validated against the official schema in shared/data; the
code table that describes its rules must agree with docs/validation.md.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from wizard import cli, report
from wizard.catalog import display_path
from wizard.cli import main
from wizard.codes import CODES
from wizard.commands import trees

ROOT = Path(__file__).parents[2]
RULES = ROOT / "tests" / "fixtures" / "rules"
TREES = ROOT / "trees"
SARIF_SCHEMA = ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json"
E103 = RULES / "e103-unknown-key.yaml"
W303 = RULES / "w303-unsourced.yaml"


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # These tests may themselves run under GitHub Actions; `auto` must not
    # pick its output from the runner's environment.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- the code table -----------------------------------------------------------


def documented_codes() -> list[tuple[str, str, str]]:
    rows = []
    for line in (ROOT / "docs" / "validation.md").read_text().splitlines():
        if line.startswith("| `"):
            code, severity, summary = (cell.strip() for cell in line.strip("|").split("|", 2))
            rows.append((code.strip("`"), severity, summary.rstrip("|").strip()))
    return rows


def test_code_table_agrees_with_the_docs() -> None:
    assert documented_codes() == [(c.code, c.severity, c.summary) for c in CODES]


def test_code_table_severity_follows_the_code_letter() -> None:
    for c in CODES:
        assert c.severity == ("error" if c.code.startswith("E") else "warning"), c.code


# -- SARIF --------------------------------------------------------------------


def sarif(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = run(capsys, "--format", "sarif", *argv)
    assert err == ""  # stdout is the whole document; no summary line on the side
    return code, json.loads(out)


def test_sarif_validates_against_the_official_schema(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text())
    spaced = tmp_path / "a tree 100%.yaml"
    spaced.write_text(W303.read_text())
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    for argv in ([str(E103), str(W303), str(spaced)], [str(TREES)]):
        _, document = sarif(capsys, *argv)
        errors = sorted(validator.iter_errors(document), key=str)
        assert not errors, errors[0]


def test_sarif_schema_check_can_fail() -> None:
    """The schema really constrains: a result without a message is refused."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert not jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).is_valid(broken)


def test_sarif_one_result_per_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = sarif(capsys, str(E103), str(W303))
    assert code == 1
    (run_,) = document["runs"]
    assert document["version"] == "2.1.0"
    assert run_["columnKind"] == "unicodeCodePoints"
    got = [
        (
            r["ruleId"],
            r["level"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"],
        )
        for r in run_["results"]
    ]
    assert got == [
        ("E103", "error", display_path(E103), {"startLine": 11, "startColumn": 5}),
        ("W303", "warning", display_path(W303), {"startLine": 9, "startColumn": 5}),
    ]
    assert run_["results"][0]["message"]["text"] == (
        "unknown key 'stpes' in node 'a' (did you mean 'steps'?)"
    )
    # Each result points at the rule that describes it.
    rules = run_["tool"]["driver"]["rules"]
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_driver_describes_every_code_from_the_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, document = sarif(capsys, str(TREES))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "edge-wizard"
    assert driver["version"] == cli.__version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert list(rules) == [c.code for c in CODES]
    e003 = rules["E003"]
    assert e003["shortDescription"] == {
        "text": "Anchor or alias (&a, *a): refused, so alias bombs cannot expand.",
        "markdown": "Anchor or alias (`&a`, `*a`): refused, so alias bombs cannot expand.",
    }
    assert rules["W304"]["defaultConfiguration"] == {"level": "warning"}
    assert document["runs"][0]["results"] == []


def test_sarif_information_uri_comes_from_the_package_metadata(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    meta = Message()
    meta["Name"] = "edge-wizard"
    meta["Project-URL"] = "Source, https://example.org/edge-wizard"
    meta["Project-URL"] = "Documentation, https://example.org/edge-wizard/docs"
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: meta)
    _, document = sarif(capsys, str(W303))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://example.org/edge-wizard/docs"


def test_sarif_without_urls_leaves_information_uri_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: Message())
    _, document = sarif(capsys, str(W303))
    assert "informationUri" not in document["runs"][0]["tool"]["driver"]


def test_sarif_uris_are_encoded(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spaced = tmp_path / "a tree 100%.yaml"
    spaced.write_text(W303.read_text())
    _, document = sarif(capsys, str(spaced))
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    # Outside the working directory the path stays absolute: a file URI.
    assert location["artifactLocation"] == {"uri": spaced.as_uri()}
    assert "%20" in location["artifactLocation"]["uri"]
    assert "%25" in location["artifactLocation"]["uri"]


# -- auto ---------------------------------------------------------------------


def test_auto_is_text_outside_github_actions(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([str(W303)], ["--format", "auto", str(W303)]):
        code, out, err = run(capsys, *argv)
        assert code == 0
        assert out.endswith(":9:5: warning W303 resolution 'fix' cites no source\n")
        assert "1 file checked" in err


@pytest.mark.parametrize("explicit", [False, True])
def test_auto_is_github_under_github_actions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, explicit: bool
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = run(capsys, *(["--format", "auto"] if explicit else []), str(W303))
    assert code == 0
    assert out.startswith(f"::warning file={display_path(W303)},line=9,col=5,")


def test_an_explicit_format_wins_under_github_actions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(capsys, "--format", "text", str(W303))
    assert out.startswith(f"{display_path(W303)}:9:5: warning W303")


def test_resolve_format() -> None:
    assert report.resolve_format("auto", {"GITHUB_ACTIONS": "true"}) == "github"
    # GitHub sets exactly "true"; anything else is not GitHub Actions.
    assert report.resolve_format("auto", {"GITHUB_ACTIONS": "false"}) == "text"
    assert report.resolve_format("auto", {}) == "text"
    assert report.resolve_format("json", {"GITHUB_ACTIONS": "true"}) == "json"


def test_cli_offers_every_report_format() -> None:
    assert (report.AUTO, *report.FORMATS) == trees.REPORT_FORMATS


# -- standard input -----------------------------------------------------------


def feed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_is_named_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, E103.read_bytes())
    code, out, err = run(capsys, "-")
    assert code == 1
    assert (
        out == "<stdin>:11:5: error E103 unknown key 'stpes' in node 'a' (did you mean 'steps'?)\n"
    )
    assert err.startswith("1 file checked: 1 error")


def test_stdin_shipped_tree_is_clean_under_strict(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No W302: standard input has no file name for the id to differ from. And
    # its links resolve against the configured (built-in) trees.
    feed(monkeypatch, (TREES / "calls-not-recording.yaml").read_bytes())
    code, out, _ = run(capsys, "--strict", "--format", "json", "-")
    assert (code, json.loads(out)["findings"]) == (0, [])


def test_stdin_with_files(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, E103.read_bytes())
    code, out, _ = run(capsys, "--format", "json", str(W303), "-")
    data = json.loads(out)
    assert code == 1
    assert data["files"] == 2
    assert [(f["file"], f["code"]) for f in data["findings"]] == [
        ("<stdin>", "E103"),
        (display_path(W303), "W303"),
    ]


def test_stdin_too_large(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    feed(monkeypatch, b"#" * (1024 * 1024 + 1))
    code, out, _ = run(capsys, "-")
    assert code == 1
    assert out.startswith("<stdin>:1:1: error E006 ")


def test_stdin_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "-", "-")
    assert code == 2
    assert "'-'" in err


def test_stdin_through_the_real_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "validate", "--format", "json", "-"],
        input=E103.read_bytes(),
        capture_output=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
    )
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == ("<stdin>", 11, 5)


# -- quiet --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_prints_nothing(capsys: pytest.CaptureFixture[str], fmt: str, flag: str) -> None:
    assert run(capsys, flag, "--format", fmt, str(E103)) == (1, "", "")
    assert run(capsys, flag, "--format", fmt, str(W303)) == (0, "", "")
    assert run(capsys, flag, "--strict", "--format", fmt, str(W303)) == (1, "", "")


def test_quiet_still_explains_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # As `grep -q` does: the exit code alone would not say which path is wrong.
    code, out, err = run(capsys, "-q", "no/such/file.yaml")
    assert (code, out) == (2, "")
    assert "no such file or folder" in err


# -- layering -----------------------------------------------------------------


def test_sarif_validation_imports_no_ui_and_no_jsonschema() -> None:
    code = (
        "import sys\nfrom wizard.cli import main\n"
        f"main(['validate', '-q', '--format', 'sarif', {str(TREES)!r}])\n"
        "import wizard.codes, wizard.schema\n"
        "bad = sorted(m for m in sys.modules"
        " if m.split('.')[0] in ('textual', 'rich', 'jsonschema'))\n"
        "print('BAD:' + ','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "BAD:\n" in result.stdout, result.stdout + result.stderr
