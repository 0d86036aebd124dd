"""Keep the developer's own trees and sessions out of every test."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EDGE_WIZARD_TREES", raising=False)
    # The developer's own theme and keymap stay out of the tests.
    monkeypatch.setenv("EDGE_WIZARD_CONFIG", str(tmp_path / "no-user-config.toml"))
    # `validate` writes GitHub annotations by itself under GitHub Actions.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("EDGE_WIZARD_HOME", str(tmp_path / "home"))
    # A developer's team store stays out too: every test starts on SQLite.
    monkeypatch.delenv("EDGE_WIZARD_STORE", raising=False)
