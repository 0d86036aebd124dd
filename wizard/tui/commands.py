"""The command palette (Ctrl+P): jump to a tree, export, restart, copy the note."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp

PaletteCommand = tuple[str, str, Callable[[], object]]


class WizardCommands(Provider):
    """Commands come from the app (`palette_commands`), so they follow its state."""

    def _commands(self) -> list[PaletteCommand]:
        app: WizardApp = self.app  # type: ignore[assignment]
        return app.palette_commands()

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(callback), text=name, help=help_text
                )
