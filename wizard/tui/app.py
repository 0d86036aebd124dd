"""The edge-wizard Textual app and its one factory, used by the CLI and the tests alike."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from wizard.catalog import Catalog
from wizard.paths import exports_dir
from wizard.sanitize import strip_controls
from wizard.session import Session, new_session_id, utc_now
from wizard.session_lock import LOCK_WAIT, SessionLock, in_use, lock_session
from wizard.startup import resume_gc
from wizard.store import Recorder, SessionRow, Store, resume
from wizard.tui.incident import IncidentScreen
from wizard.userconfig import UserConfig, describe

if TYPE_CHECKING:
    from textual.command import Provider

    from wizard.nodetable import WalkGraph
    from wizard.tui.commands import PaletteCommand


def login_name() -> str:
    try:
        return strip_controls(getpass.getuser())
    except (KeyError, OSError):  # no passwd entry in some containers
        return ""


@dataclass
class Launch:
    """Everything the app needs, prepared headless by the CLI (or a test)."""

    catalog: Catalog
    graph: WalkGraph
    store: Store
    tree_id: str | None = None
    resume: SessionRow | None = None
    clock: Callable[[], datetime] = utc_now
    new_id: Callable[[datetime], str] = new_session_id
    operator: str = field(default_factory=login_name)
    exports: Path = field(default_factory=exports_dir)
    # The incident header at the start of a new session (Escape skips it).
    ask_header: bool = True
    # `run` and `resume` load only the trees the walk can reach; this loads
    # every tree, when the picker or the palette's tree list first needs them.
    load_all: Callable[[], Catalog] | None = None
    # The resumed session's lock, already taken by `edge-wizard resume`.
    lock: SessionLock | None = None
    # Shown as notifications once the first screen is up.
    notes: list[str] = field(default_factory=list)
    # The admin's theme and keymap (wizard.userconfig), none by default.
    user_config: UserConfig = field(default_factory=UserConfig)


def _commands_provider() -> type[Provider]:
    # Loaded when the palette first opens, not before the first frame.
    from wizard.tui.commands import WizardCommands

    return WizardCommands


class WizardApp(App[int]):
    CSS_PATH = "wizard.tcss"
    TITLE = "edge-wizard"
    # Textual's own commands (theme, keys, quit...) stay next to ours.
    COMMANDS: ClassVar = App.COMMANDS | {lambda: _commands_provider()}
    # Below 100 columns the path panel moves under the step (see wizard.tcss).
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it as an instance-or-None)
        (0, "-narrow"),
        (100, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit_kept", "Quit", id="quit"),
        Binding("question_mark", "keys", "Keys", id="keys"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="palette", priority=True),
        Binding("ctrl+q", "quit_kept", "Quit", show=False, priority=True, id="quit-now"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="ctrl-c"),
    ]

    def __init__(self, launch: Launch) -> None:
        super().__init__()
        self.launch = launch
        self.catalog = launch.catalog
        self.recorder: Recorder | None = None
        # The lock of the session this window shows (see wizard.session_lock).
        self._lock: SessionLock | None = launch.lock
        self._startup_notes: list[str] = list(launch.notes)
        self._problems: dict[str, str | None] = {}

    # -- state ----------------------------------------------------------------

    @property
    def session(self) -> Session | None:
        return self.recorder.session if self.recorder else None

    def all_trees(self) -> Catalog:
        """Every tree (loaded now if `run`/`resume` started with only some of them).

        Sessions already open keep the node table they were built on; new ones
        use the full one.
        """
        load_all, self.launch.load_all = self.launch.load_all, None
        if load_all is not None:
            from wizard.nodetable import build_node_table

            catalog = load_all()
            self.launch.catalog = self.catalog = catalog
            self.launch.graph = build_node_table(catalog.trees.values())
            self._problems.clear()
        return self.catalog

    def list_sessions(self) -> list[SessionRow]:
        return self.launch.store.sessions()

    def load_problem(self, tree_id: str) -> str | None:
        if tree_id not in self._problems:
            from wizard.session_commands import load_problem

            self._problems[tree_id] = load_problem(self.catalog, tree_id)
        return self._problems[tree_id]

    def _take_lock(self, session_id: str) -> SessionLock | None:
        """The lock for the session this window is about to show (the one it
        holds, if it is the same session), or None if another window has it."""
        if self._lock is not None and self._lock.session_id == session_id:
            return self._lock
        return lock_session(self.launch.store.path.parent, session_id, wait=LOCK_WAIT)

    def _keep_lock(self, lock: SessionLock) -> None:
        """The window now shows `lock`'s session: let go of the one before."""
        if self._lock is not None and self._lock is not lock:
            self._lock.release()
        self._lock = lock

    def open_elsewhere(self, session_id: str) -> bool:
        """Whether another window (not this one) has the session open."""
        if self._lock is not None and self._lock.session_id == session_id:
            return False
        return in_use(self.launch.store.path.parent, session_id)

    def _new_recorder(self, tree_id: str) -> Recorder:
        started = self.launch.clock()
        session = Session(
            self.launch.graph,
            self.catalog.trees,
            tree_id,
            session_id=self.launch.new_id(started),
            started_at=started,
            clock=self.launch.clock,
        )
        recorder = Recorder(self.launch.store, session)
        lock = self._take_lock(session.id)  # a new id: nobody else can hold it
        if lock is not None:
            self._keep_lock(lock)
        return recorder

    def _resumed_recorder(self, row: SessionRow) -> Recorder:
        resumed = resume(
            self.launch.store, row, self.launch.graph, self.catalog.trees, clock=self.launch.clock
        )
        notes = [f"Warning: {c}." for c in resumed.changes]
        if resumed.dropped:
            notes.append(
                f"{resumed.dropped} recorded event(s) no longer fit the changed tree;"
                " they are kept in the store, and the walk continues from the last step"
                " that still fits."
            )
        elif resumed.changes:
            notes.append("All recorded answers still fit; replayed by node id.")
        self._startup_notes += notes
        return resumed.recorder

    # -- start-up -------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        # The first screen is built here rather than pushed on mount: a push
        # costs Textual's screen-switch delay before the first question shows.
        launch = self.launch
        lock = self._take_lock(launch.resume.id) if launch.resume is not None else None
        if launch.resume is not None and lock is not None:
            self.recorder = self._resumed_recorder(launch.resume)
            self._keep_lock(lock)
            return IncidentScreen(self.recorder)
        if launch.resume is not None:  # opened in another window since `resume` checked
            self._startup_notes.append(
                f"Session {launch.resume.id} is open in another edge-wizard window."
            )
        if launch.tree_id is not None:
            self.recorder = self._new_recorder(launch.tree_id)
            return IncidentScreen(self.recorder)
        from wizard.tui.picker import PickerScreen

        return PickerScreen()

    def apply_user_config(self, config: UserConfig) -> list[str]:
        """Theme and keymap from the admin's own config file; the problems, as
        messages naming the file and line (never fatal mid-incident)."""
        problems = [describe(config, line, message) for line, message in config.problems]
        if config.theme:
            if config.theme in self.available_themes:
                self.theme = config.theme
            else:
                problems.append(
                    describe(
                        config,
                        config.line_of("theme"),
                        f"no theme '{config.theme}'; the themes are"
                        f" {', '.join(sorted(self.available_themes))}",
                    )
                )
        if config.keymap:
            known = binding_ids()
            keymap = {}
            for binding_id, keys in config.keymap.items():
                if binding_id in known:
                    keymap[binding_id] = keys
                    continue
                from wizard.loader import did_you_mean

                problems.append(
                    describe(
                        config,
                        config.line_of(binding_id),
                        f"no key binding '{binding_id}'{did_you_mean(binding_id, known)};"
                        " ? lists every binding with its id",
                    )
                )
            self.set_keymap(keymap)
        return problems

    def on_mount(self) -> None:
        for problem in self.apply_user_config(self.launch.user_config):
            self.notify(problem, severity="warning", timeout=15, markup=False)
        self.call_after_refresh(resume_gc)  # paused by wizard.startup until the first frame
        for note in self._startup_notes:
            self.notify(note, severity="warning", timeout=10, markup=False)
        self._startup_notes = []
        if self.launch.tree_id is not None and self.launch.resume is None:
            # In the first frame: a key pressed as soon as anything shows must
            # land where the admin sees it land, never in a header that opens
            # a moment later (nor answer a question the header then covers).
            self.edit_header(first=True)

    def on_unmount(self) -> None:
        # Closing this window frees its session for another at once (a test,
        # or a caller that keeps the process, would otherwise keep it held).
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    # -- navigation -----------------------------------------------------------

    def _incident_screen(self) -> IncidentScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, IncidentScreen):
                return screen
        return None

    def _pop_to(self, screen: Screen[Any]) -> None:
        for _ in range(len(self.screen_stack) - 1 - self.screen_stack.index(screen)):
            self.pop_screen()

    def _show(self, recorder: Recorder, *, ask_header: bool) -> None:
        # Screens are never switched or replaced (the base screen cannot be):
        # one incident screen is pushed once, then loaded in place; the picker
        # is either the base screen or pushed over the incident.
        self.recorder = recorder
        incident = self._incident_screen()
        if incident is None:
            self.push_screen(IncidentScreen(recorder))
        else:
            self._pop_to(incident)
            incident.load(recorder)
        for note in self._startup_notes:
            self.notify(note, severity="warning", timeout=10, markup=False)
        self._startup_notes = []
        if ask_header:
            self.edit_header(first=True)

    def start_tree(self, tree_id: str) -> None:
        problem = self.load_problem(tree_id)
        if problem:
            self.notify(f"Cannot start this tree: {problem}", severity="error", markup=False)
            return
        self._show(self._new_recorder(tree_id), ask_header=True)

    def resume_session(self, session_id: str) -> None:
        lock = self._take_lock(session_id)
        if lock is None:
            self.notify(
                f"Session {session_id} is open in another edge-wizard window; go on there,"
                " or quit it there (q) and resume it here.",
                severity="error",
                markup=False,
            )
            return
        try:
            recorder = self._resumed_recorder(self.launch.store.get(session_id))
        except BaseException:
            if lock is not self._lock:
                lock.release()
            raise
        self._keep_lock(lock)
        self._show(recorder, ask_header=False)

    def restart(self) -> None:
        if self.session is not None:
            self.notify(f"Session {self.session.id} kept; started a new one.", markup=False)
            self.start_tree(self.session.tree_id)

    def open_picker(self) -> None:
        from wizard.tui.picker import PickerScreen

        self.all_trees()
        base = self.screen_stack[0]
        if isinstance(base, PickerScreen):
            picker: PickerScreen = base
            self._pop_to(picker)
            picker.reload()
        else:
            self.push_screen(PickerScreen())

    def edit_header(self, *, first: bool) -> None:
        """The incident header: ticket, operator and facts; Escape skips."""
        from wizard.tui.dialogs import HeaderDialog

        recorder = self.recorder
        if recorder is None or (not self.launch.ask_header and first):
            return
        session = recorder.session
        operator = session.meta.get("operator") or (self.launch.operator if first else "")
        fields = [
            ("meta:ticket", "Ticket id", session.meta.get("ticket", ""), False),
            ("meta:operator", "Operator", operator, False),
        ]
        fields += [
            (f"fact:{var}", f"{prompt} ({var})", session.facts.get(var, ""), required)
            for var, prompt, required in session.fact_specs()
        ]
        title = "Incident header (Esc skips)" if first else "Ticket, operator and facts"

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            for key, value in values.items():
                kind, _, name = key.partition(":")
                if kind == "meta" and value != session.meta.get(name, ""):
                    session.set_meta(name, value)
                elif kind == "fact" and value != session.facts.get(name, ""):
                    session.set_fact(name, value)
            recorder.sync()
            if isinstance(self.screen, IncidentScreen):
                self.screen.refresh_view()

        self.push_screen(HeaderDialog(title, fields), done)

    def open_export(self) -> None:
        from wizard.tui.export_screen import ExportScreen

        if self.session is not None:
            self.push_screen(ExportScreen(self.session, self.launch.exports))

    def copy_note(self) -> None:
        from wizard.export import render
        from wizard.tui.export_screen import COPY_MESSAGE

        if self.session is not None:
            self.copy_to_clipboard(render(self.session, "markdown"))
            self.notify(COPY_MESSAGE.format(fmt="Markdown"), markup=False)

    # -- actions --------------------------------------------------------------

    def action_quit_kept(self) -> None:
        """Quit; every step is already stored, so the session can be resumed."""
        self.exit(0)

    def action_keys(self) -> None:
        from wizard.tui.dialogs import KeysDialog

        rows: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.system or key in seen:
                continue
            seen.add(key)
            rows.append(
                (
                    binding.key_display or self.get_key_display(binding),
                    binding.description or binding.action,
                    binding.id or "",
                )
            )
        self.push_screen(KeysDialog(rows))

    def palette_commands(self) -> list[PaletteCommand]:
        commands: list[PaletteCommand] = []
        if self.session is not None:
            title = self.catalog.trees[self.session.tree_id].title
            commands += [
                (
                    "Export the ticket note",
                    "Markdown, text or JSON; copy or save",
                    self.open_export,
                ),
                ("Copy the ticket note", "Markdown, to the terminal's clipboard", self.copy_note),
                (
                    f"Restart: {strip_controls(title)}",
                    "A new session; this one is kept",
                    self.restart,
                ),
            ]
        commands.append(("Open the tree picker", "Trees and unfinished sessions", self.open_picker))
        for tree in sorted(self.all_trees().trees.values(), key=lambda t: t.title.casefold()):
            commands.append(
                (
                    f"Jump to tree: {strip_controls(tree.title)}",
                    "Start a new session there; this one is kept",
                    partial(self.start_tree, tree.id),
                )
            )
        return commands


def binding_ids() -> set[str]:
    """The id of every key binding the wizard has, on any screen or dialog."""
    # Imported here: only a config file with a [keymap] needs them all.
    from textual.dom import DOMNode

    from wizard.tui.dialogs import HeaderDialog, KeysDialog, NoteDialog, OverrideDialog
    from wizard.tui.export_screen import ExportScreen
    from wizard.tui.fields import SubmitArea
    from wizard.tui.picker import PickerScreen

    classes: list[type[DOMNode]] = [WizardApp, IncidentScreen, PickerScreen, ExportScreen]
    classes += [SubmitArea, HeaderDialog, NoteDialog, KeysDialog, OverrideDialog]
    return {b.id for cls in classes for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def create_app(launch: Launch) -> WizardApp:
    """The one way to build the app, for `edge-wizard` and the tests alike."""
    return WizardApp(launch)
