"""Validation findings as text, JSON or GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Sequence

from wizard.model import Finding, Pos
from wizard.sanitize import strip_controls


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


def summary_line(findings: Sequence[Finding], files_checked: int) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    return (
        f"{files_checked} file{'s' if files_checked != 1 else ''} checked:"
        f" {errors} error{'s' if errors != 1 else ''},"
        f" {warnings} warning{'s' if warnings != 1 else ''}"
    )
