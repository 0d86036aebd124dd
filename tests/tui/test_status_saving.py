"""The status line says when steps wait on this machine for a team's server."""

from __future__ import annotations

import pytest

from tests.tui.conftest import MakeApp, shown
from wizard.store import Store


async def test_the_status_line_says_steps_are_saved_locally(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app("demo-edge")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        assert "saved locally" not in shown(app, "#status")
        monkeypatch.setattr(Store, "saving", property(lambda self: "saved locally, 3 waiting"))
        await pilot.press("backspace")
        await pilot.pause()
        assert "saved locally, 3 waiting" in shown(app, "#status")
