"""The core never imports Textual or Rich: CI validation stays headless and fast."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "wizard.model",
    "wizard.yamlnodes",
    "wizard.loader",
    "wizard.catalog",
    "wizard.graph",
    "wizard.graph_formats",
    "wizard.validate",
    "wizard.report",
    "wizard.session",
    "wizard.routing",
    "wizard.export",
    "wizard.templates",
    "wizard.sanitize",
    "wizard.cli",
    "wizard.nodetable",
    "wizard.probe_bridge",
    "wizard.treecache",
    "wizard.store",
    "wizard.commands",
    "wizard.commands.common",
    "wizard.commands.trees",
    "wizard.commands.walk",
    "wizard.commands.graphs",
    "wizard.commands.sessions",
    "wizard.commands.capture",
    "wizard.commands.probe",
    "wizard.launch",
    "wizard.walkable",
    "wizard.scripted",
    "wizard.gcpause",
    "wizard.hints",
    "wizard.session_lock",
    "wizard.startup",
    "wizard.probes",
    "wizard.sipparse",
    "wizard.capture",
    "wizard.capture.records",
    "wizard.capture.decode",
    "wizard.capture.sipwire",
    "wizard.capture.tcp",
    "wizard.capture.sdp",
    "wizard.capture.rtp",
    "wizard.capture.findings",
    "wizard.capture.calls",
    "wizard.capture.analyze",
    "wizard.capture.render",
    "wizard.capture.answer",
    "wizard.config",
    "wizard.userconfig",
]
UI_CHECK = (
    "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
    "print('UI-MODULES:' + ','.join(bad))\n"
)


def ui_modules_after(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + code + "\n" + UI_CHECK],
        capture_output=True,
        text=True,
        timeout=60,
    )
    marker = [line for line in result.stdout.splitlines() if line.startswith("UI-MODULES:")]
    assert marker, result.stderr
    return marker[-1].removeprefix("UI-MODULES:")


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui(module: str) -> None:
    assert ui_modules_after(f"import {module}") == ""


@pytest.mark.parametrize("command", ["validate", "list", "graph", "sessions", "probe"])
def test_headless_commands_import_no_ui(command: str) -> None:
    assert ui_modules_after(f"from wizard.cli import main\nmain([{command!r}])") == ""


def test_the_check_itself_sees_textual() -> None:
    assert "textual" in ui_modules_after("import textual.app")
