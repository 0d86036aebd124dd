from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from wizard.catalog import load_files, tree_files
from wizard.graph import Graph, build_graph
from wizard.model import Tree
from wizard.session import Session

GOOD = Path(__file__).parent.parent / "fixtures" / "good"


@pytest.fixture
def catalog_trees() -> dict[str, Tree]:
    catalog = load_files(tree_files([GOOD]))
    assert not catalog.findings
    return catalog.trees


@pytest.fixture
def graph(catalog_trees: dict[str, Tree]) -> Graph:
    return build_graph(catalog_trees.values())


def ticking_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that moves one minute per reading, so notes are deterministic."""
    moments: Iterator[datetime] = (start + timedelta(minutes=i) for i in range(10_000))
    return lambda: next(moments)


@pytest.fixture
def new_session(graph: Graph, catalog_trees: dict[str, Tree]) -> Callable[[str], Session]:
    def make(tree_id: str) -> Session:
        clock = ticking_clock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
        return Session(
            graph, catalog_trees, tree_id, session_id="20261125-030000-abcd", clock=clock
        )

    return make
