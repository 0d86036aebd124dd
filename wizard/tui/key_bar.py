"""The keys that apply now, on one line at the bottom of a screen.

Textual's Footer is a container with a widget per key (ten on the incident
screen), and every step lays them all out again (`benchmarks/tui_step_real.py`
measures a step). This is one widget, drawn like the Footer. It also fits the
width: where the Footer cut the last key in half at 80 columns ("? K"), whole
keys give way, and the key that lists every key (`?`) stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import events
from textual.color import Color
from textual.content import Content
from textual.screen import Screen

from wizard.tui.settled import SettledStatic

KEY_STYLE = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION_STYLE = "$footer-description-foreground on $footer-description-background"
# Binding id of the key that lists all keys: it stays when others give way.
KEYS_LIST = "keys"


@dataclass(frozen=True)
class Key:
    key: str  # what a click sends, as Textual names it ("ctrl+p")
    shown: str  # how the key is written on the bar ("^p")
    description: str
    enabled: bool = True
    binding_id: str | None = None


def key_piece(key: Key, *, compact: bool = False) -> Content:
    shown, description = (
        (key.shown, f" {key.description}") if compact else (f" {key.shown} ", f"{key.description} ")
    )
    piece = Content.assemble((shown, KEY_STYLE), (description, DESCRIPTION_STYLE))
    return piece if key.enabled else piece.stylize("dim")


@dataclass(frozen=True)
class KeyLine:
    """The bar's text, and which key each cell sends when clicked."""

    content: Content
    spans: tuple[tuple[int, int, Key], ...]  # start, end (cells), key

    def key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self.spans if start <= x < end), None)


def key_line(
    keys: Iterable[Key],
    width: int,
    palette: Key | None = None,
    rule_style: str = "",
    gives_way: tuple[str, ...] = (),
) -> KeyLine:
    """The keys left to right, the palette's key at the right edge after a
    thin rule, in `width` cells. Keys that do not fit give way: first those
    whose binding ids `gives_way` lists, in its order, then the others from
    the right, and the one that lists every key last."""
    pieces = [(key, key_piece(key)) for key in keys]
    right = Content("")
    if palette is not None:
        right = Content.assemble(("▏", rule_style), key_piece(palette, compact=True), " ")
        if right.cell_length > width:
            right, palette = Content(""), None
    room = width - right.cell_length

    def next_to_go() -> int:
        ids = [key.binding_id for key, _ in pieces]
        for binding_id in gives_way:
            if binding_id in ids:
                return ids.index(binding_id)
        others = [i for i, binding_id in enumerate(ids) if binding_id != KEYS_LIST]
        return others[-1] if others else len(pieces) - 1

    while pieces and sum(piece.cell_length for _, piece in pieces) > room:
        del pieces[next_to_go()]
    spans = []
    x = 0
    for key, piece in pieces:
        spans.append((x, x + piece.cell_length, key))
        x += piece.cell_length
    gap = max(0, width - x - right.cell_length)
    if palette is not None:
        spans.append((x + gap, x + gap + right.cell_length, palette))
    content = Content.assemble(*(piece for _, piece in pieces), " " * gap, right)
    return KeyLine(content, tuple(spans))


def active_keys(screen: Screen[object]) -> tuple[list[Key], Key | None]:
    """The keys a screen shows now, as Textual's Footer lists them: one per
    action, in binding order, with the command palette's apart."""
    app = screen.app
    seen: set[str] = set()
    keys = []
    for _node, binding, enabled, _tooltip in screen.active_bindings.values():
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        keys.append(
            Key(binding.key, app.get_key_display(binding), binding.description, enabled, binding.id)
        )
    palette = None
    if app.ENABLE_COMMAND_PALETTE:
        found = screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
        if found is not None:
            _node, binding, enabled, _tooltip = found
            palette = Key(binding.key, app.get_key_display(binding), binding.description, enabled)
    return keys, palette


class KeyBar(SettledStatic):
    """One line of the keys that apply, updated when the screen's bindings change.

    `gives_way`: binding ids of the keys that make room first when the line is
    too narrow (see `key_line`), so that a step's own keys stay in view.
    """

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    """

    def __init__(self, *, gives_way: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.gives_way = gives_way
        self._line = KeyLine(Content(""), ())

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._show()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self) -> None:
        self._show()

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self._show()

    def on_click(self, event: events.Click) -> None:
        key = self._line.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def _show(self) -> None:
        keys, palette = active_keys(self.screen)
        theme = self.app.theme_variables
        # The Footer's thin rule before the palette key: the foreground at 20%.
        rule = Color.parse(theme["footer-background"]) + Color.parse(
            theme["foreground"]
        ).with_alpha(0.2)
        width = self.size.width or self.app.size.width
        line = key_line(keys, width, palette, rule.hex, self.gives_way)
        # Content's == compares text only.
        if not line.content.is_same(self._line.content):
            self.update(line.content)
        self._line = line
