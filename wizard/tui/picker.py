"""The tree picker: unfinished sessions first, then every tree; typing filters (fuzzy)."""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard.catalog import Catalog
from wizard.model import Tree
from wizard.sanitize import strip_controls
from wizard.store.base import SessionRow
from wizard.tui import screen_text
from wizard.tui.key_bar import KeyBar
from wizard.tui.messages import ResumeSession, StartTree

TREE_GROUPS = (
    ("incident", "Incidents"),
    ("follow-up", "Where the incidents lead (start here only if you know it is this)"),
)


def tree_score(matcher: Matcher, tree: Tree) -> float:
    """How well a tree matches: the best of its title, summary, symptoms and tags."""
    fields = [tree.title, tree.summary, *tree.symptoms, *tree.tags, tree.id]
    # Title hits rank a little above the same hit in the summary or a symptom.
    weights = [1.0, 0.9] + [0.95] * (len(fields) - 2)
    return max(matcher.match(strip_controls(f)) * w for f, w in zip(fields, weights, strict=True))


def tree_option(tree: Tree, problem: str | None) -> Option:
    tags = ", ".join(tree.tags)
    first = Content.assemble(
        (strip_controls(tree.title), "bold"),
        (f"  v{tree.version} · {len(tree.nodes)} nodes", "dim"),
        (f"  [{strip_controls(tags)}]" if tags else "", "italic"),
    )
    second = screen_text.plain(f"   {tree.summary}")
    parts = [first, second]
    if problem:
        parts.append(screen_text.styled(f"   cannot start: {problem}", "bold $error"))
    return Option(screen_text.lines(parts), id=f"tree:{tree.id}", disabled=problem is not None)


def session_option(row: SessionRow, tree: Tree | None, *, elsewhere: bool = False) -> Option:
    """An unfinished session. One another window has open is marked, not
    disabled: that window may close any moment, and opening checks again."""
    title = tree.title if tree else f"{row.tree_id} (tree not loaded)"
    first = Content.assemble(
        ("▶ Resume: ", "bold $accent"),
        (strip_controls(title), "bold"),
        (f"  {row.steps} step{'s' if row.steps != 1 else ''}", "dim"),
    )
    ticket = f" · ticket {row.ticket}" if row.ticket else ""
    second = screen_text.plain(
        f"   session {row.id} · started {row.started:%Y-%m-%d %H:%M}{ticket}"
    )
    parts = [first, second]
    if elsewhere:
        parts.append(screen_text.styled("   open in another edge-wizard window", "italic $warning"))
    return Option(screen_text.lines(parts), id=f"session:{row.id}", disabled=tree is None)


class PickerSource(Protocol):
    """What the picker shows, read from the app each time it fills its list."""

    catalog: Catalog

    def list_sessions(self) -> list[SessionRow]: ...

    def open_elsewhere(self, session_id: str) -> bool: ...

    def walk_problem(self, tree_id: str) -> str | None: ...


class PickerScreen(Screen[None]):
    """Choosing a tree or a session posts `StartTree` or `ResumeSession` to the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Down", show=False, id="picker-down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker-up"),
        Binding("pagedown", "move(5)", "Page down", show=False, id="picker-page-down"),
        Binding("pageup", "move(-5)", "Page up", show=False, id="picker-page-up"),
        Binding("escape", "leave", "Clear / back", id="picker-leave"),
    ]

    def __init__(self, source: PickerSource) -> None:
        super().__init__(id="picker")
        self.source = source
        self.unfinished: list[SessionRow] = []

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                ("edge-wizard", "bold"),
                # Fits 80 columns. Typing goes to the filter, so `q` cannot
                # quit here: say what does.
                " · pick an incident or resume one · type to filter · Ctrl+Q quits",
            ),
            id="picker-title",
        )
        yield Input(placeholder="Filter: title, summary, symptoms, tags", id="filter")
        yield OptionList(id="choices")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.unfinished = [r for r in self.source.list_sessions() if not r.finished]
        filter_ = self.query_one("#filter", Input)
        self.fill(filter_.value)
        filter_.focus()

    def fill(self, query: str) -> None:
        trees = self.source.catalog.trees
        options: list[Option] = []
        query = query.strip()
        matcher = Matcher(query) if query else None
        elsewhere = {r.id for r in self.unfinished if self.source.open_elsewhere(r.id)}
        for row in self.unfinished:
            tree = trees.get(row.tree_id)
            if matcher:
                text = " ".join([tree.title if tree else row.tree_id, row.ticket, row.id])
                if matcher.match(strip_controls(text)) <= 0:
                    continue
            options.append(session_option(row, tree, elsewhere=row.id in elsewhere))
        scored: list[tuple[float, Tree]] = []
        for tree in trees.values():
            score = tree_score(matcher, tree) if matcher else 1.0
            if score > 0:
                scored.append((score, tree))
        if matcher:
            scored.sort(key=lambda pair: -pair[0])
        else:
            scored.sort(key=lambda pair: pair[1].title.casefold())
        # Incidents first, where an admin starts; then the trees they lead to.
        for role, heading in TREE_GROUPS:
            group = [tree for _, tree in scored if tree.role == role]
            if group:
                options.append(
                    Option(screen_text.styled(heading, "bold $text-muted"), disabled=True)
                )
                options += [tree_option(tree, self.source.walk_problem(tree.id)) for tree in group]
        choices = self.query_one("#choices", OptionList)
        choices.clear_options()
        choices.add_options(options)
        if not options:
            choices.add_option(Option(screen_text.styled("No tree matches.", "dim"), disabled=True))
        for index, option in enumerate(options):
            if not option.disabled:
                choices.highlighted = index
                break

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None:
            self.open(choices.get_option_at_index(choices.highlighted))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(event.option)

    def action_move(self, delta: int) -> None:
        choices = self.query_one("#choices", OptionList)
        if delta > 0:
            for _ in range(delta):
                choices.action_cursor_down()
        else:
            for _ in range(-delta):
                choices.action_cursor_up()

    def action_leave(self) -> None:
        """Escape: clear the filter; with it empty, back to the incident underneath."""
        filter_ = self.query_one("#filter", Input)
        if filter_.value:
            filter_.value = ""
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.bell()

    def open(self, option: Option) -> None:
        if option.disabled or not option.id:
            return
        kind, _, value = option.id.partition(":")
        if kind == "tree":
            self.post_message(StartTree(value))
        else:
            self.post_message(ResumeSession(value))
