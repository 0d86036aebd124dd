"""The command palette (Ctrl+P): jump to a tree, export, restart, copy the note."""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.message import Message

# A palette entry: its name, its help line, and what choosing it asks of the app.
PaletteCommand = tuple[str, str, Message]


class PaletteSource(Protocol):
    """What the palette reads from the app: the entries that fit its state now."""

    def palette_commands(self) -> list[PaletteCommand]: ...


class WizardCommands(Provider):
    """Entries come from the app, so they follow its state; choosing one posts
    its message to the app (`wizard.tui.messages`)."""

    def _commands(self) -> list[PaletteCommand]:
        return cast(PaletteSource, self.app).palette_commands()

    async def discover(self) -> Hits:
        for name, help_text, message in self._commands():
            yield DiscoveryHit(name, partial(self.app.post_message, message), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, message in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(self.app.post_message, message),
                    text=name,
                    help=help_text,
                )
