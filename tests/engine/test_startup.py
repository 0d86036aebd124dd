"""The entry point pauses the cyclic garbage collector until the first frame."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from wizard import cli, gcpause, startup


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_entry_point_runs_the_cli_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()) or 0)
    assert startup.main() == 0
    assert seen == [False]


def test_resume_freezes_what_is_alive_and_collects_again() -> None:
    gc.disable()
    gcpause.resume_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_resume_leaves_a_running_collector_alone() -> None:
    gcpause.resume_gc()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_commands_without_a_tui_collect_again_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    gc.disable()
    assert cli.main(["list"]) == 0
    assert gc.isenabled()
    assert "edge-offline" in capsys.readouterr().out


def test_the_console_script_enters_through_startup() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="edge-wizard")
    assert script.value == "wizard.startup:main"
