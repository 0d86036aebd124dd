"""Shared set-up for the TUI tests: an isolated home, fixture trees, a frozen clock."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from wizard.catalog import Catalog, load_files, tree_files
from wizard.graph import build_graph
from wizard.launch import Launch
from wizard.nodetable import node_table
from wizard.store import Store
from wizard.tui.app import WizardApp, create_app
from wizard.tui.path_view import PathView

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = Path(__file__).parents[1] / "fixtures" / "good"
STARTED = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


class FrozenClock:
    """Time stands still unless a test moves it, so snapshots and notes are stable."""

    def __init__(self, now: datetime = STARTED) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the developer's own sessions, trees and terminal settings out."""
    home = tmp_path / "home"
    monkeypatch.setenv("EDGE_WIZARD_HOME", str(home))
    monkeypatch.delenv("EDGE_WIZARD_TREES", raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    return home


def fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter at the repository root: what it imports
    is then only what the code itself pulls in."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=False,
    )


def shown(app: WizardApp, selector: str) -> str:
    """What a widget of the current screen shows as text, or "" when it is hidden or absent."""
    widgets = app.screen.query(selector)
    if not widgets or not widgets.first().display:
        return ""
    widget = widgets.first()
    if isinstance(widget, PathView):
        return widget.plain
    assert isinstance(widget, Static)
    return str(widget.render())


def catalog_of(*dirs: Path) -> Catalog:
    return load_files(tree_files(list(dirs)))


@pytest.fixture
def store(isolated_home: Path) -> Iterator[Store]:
    s = Store(isolated_home / "sessions.sqlite3")
    yield s
    s.close()


MakeApp = Callable[..., WizardApp]


@pytest.fixture
def make_app(store: Store, isolated_home: Path) -> MakeApp:
    """Build the app as the CLI does, on fixture trees, with a frozen clock and fixed ids."""
    counter = iter(range(1, 1000))

    def build(
        tree_id: str | None = None,
        *,
        dirs: tuple[Path, ...] = (GOOD, FIXTURES),
        clock: FrozenClock | None = None,
        ask_header: bool = False,
        **kwargs: object,
    ) -> WizardApp:
        catalog = catalog_of(*dirs)
        launch = Launch(
            catalog=catalog,
            table=node_table(build_graph(catalog.trees.values())),
            store=store,
            tree_id=tree_id,
            clock=clock or FrozenClock(),
            new_id=lambda at: f"{at:%Y%m%d-%H%M%S}-{next(counter):04x}",
            operator="jdoe",
            exports=isolated_home / "exports",
            ask_header=ask_header,
            **kwargs,  # type: ignore[arg-type]
        )
        return create_app(launch)

    return build
