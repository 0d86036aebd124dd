"""Validation findings as text, JSON, GitHub Actions annotations or SARIF 2.1.0."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from wizard import __version__
from wizard.codes import BY_CODE, CODES
from wizard.model import Finding, Pos
from wizard.sanitize import strip_controls

FORMATS = ("text", "json", "github", "sarif")
# `auto`, as yamllint has it: annotations where GitHub Actions reads them from
# the log, text for a person everywhere else.
AUTO = "auto"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# Where the run's findings came from, for code scanning: relative artifact URIs
# are resolved against the checkout, which the uploader knows.
SRCROOT = "%SRCROOT%"


def resolve_format(fmt: str, environ: Mapping[str, str] | None = None) -> str:
    """The concrete format for `fmt`; `auto` looks at GITHUB_ACTIONS."""
    if fmt != AUTO:
        return fmt
    env = os.environ if environ is None else environ
    return "github" if env.get("GITHUB_ACTIONS") == "true" else "text"


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def render_findings(findings: Sequence[Finding], fmt: str, files_checked: int) -> str:
    # File names and messages quote the file (a key, a tag): no control
    # character may reach the terminal or the CI log, in any format.
    findings = [
        Finding(
            Pos(strip_controls(f.pos.file), f.pos.line, f.pos.col),
            f.severity,
            f.code,
            strip_controls(f.message).replace("\n", " "),
        )
        for f in findings
    ]
    if fmt == "json":
        payload = {
            "files": files_checked,
            "errors": sum(1 for f in findings if f.severity == "error"),
            "warnings": sum(1 for f in findings if f.severity == "warning"),
            "findings": [
                {
                    "file": f.pos.file,
                    "line": f.pos.line,
                    "column": f.pos.col,
                    "severity": f.severity,
                    "code": f.code,
                    "message": f.message,
                }
                for f in findings
            ],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(_sarif(findings), indent=2, ensure_ascii=False) + "\n"
    if fmt == "github":
        lines = []
        for f in findings:
            command = "error" if f.severity == "error" else "warning"
            props = ",".join(
                [
                    f"file={_github_property(f.pos.file)}",
                    f"line={f.pos.line}",
                    f"col={f.pos.col}",
                    f"title={_github_property('edge-wizard ' + f.code)}",
                ]
            )
            lines.append(f"::{command} {props}::{_github_data(f.message)}")
        return "".join(line + "\n" for line in lines)
    return "".join(
        f"{f.pos.file}:{f.pos.line}:{f.pos.col}: {f.severity} {f.code} {f.message}\n"
        for f in findings
    )


def information_uri() -> str | None:
    """The project's URL from the installed package's metadata, if it declares one.

    Read from `project.urls` rather than written here, so the SARIF driver
    names the same page as the package index does; without an installed
    distribution, or without URLs, SARIF leaves `informationUri` out (it is
    optional) rather than name a page that may not exist.
    """
    # Imported here: only SARIF needs it, and `validate` stays quick to start.
    from importlib import metadata

    try:
        urls: list[str] = metadata.metadata("edge-wizard").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    by_label: dict[str, str] = {}
    for entry in urls:
        label, _, url = str(entry).partition(",")
        by_label[label.strip().lower()] = url.strip()
    for label in ("documentation", "homepage", "source", "repository"):
        if label in by_label:
            return by_label[label]
    return next(iter(by_label.values()), None)


def _artifact_location(file: str) -> dict[str, str]:
    path = PurePath(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    # A URI reference, not a path: spaces, `%` and `<stdin>`'s brackets are
    # percent-encoded; `/` stays a separator on every platform.
    return {"uri": quote(path.as_posix()), "uriBaseId": SRCROOT}


def _sarif(findings: Sequence[Finding]) -> dict[str, Any]:
    # Every rule, not only those that fired: the index of a rule then never
    # changes between runs, and code scanning can show a rule with no results.
    index = {c.code: i for i, c in enumerate(CODES)}
    rules = [
        {
            "id": c.code,
            "shortDescription": {"text": c.plain(), "markdown": c.summary},
            "defaultConfiguration": {"level": c.severity},
        }
        for c in CODES
    ]
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact_location(f.pos.file),
                        "region": {"startLine": f.pos.line, "startColumn": f.pos.col},
                    }
                }
            ],
        }
        if f.code in BY_CODE:
            result["ruleIndex"] = index[f.code]
        results.append(result)
    driver: dict[str, Any] = {"name": "edge-wizard", "version": __version__}
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = rules
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                # Columns are counted in characters, as PyYAML's marks count
                # them; SARIF's default would be UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def summary_line(findings: Sequence[Finding], files_checked: int) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return (
        f"{files_checked} file{'s' if files_checked != 1 else ''} checked:"
        f" {errors} error{'s' if errors != 1 else ''},"
        f" {warnings} warning{'s' if warnings != 1 else ''}"
    )
