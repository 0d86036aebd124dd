"""The edge-wizard Textual app and its one factory, used by the CLI and the tests alike.

The app owns the session, the store, the locks and the screen stack. Screens
and the palette ask it for things by posting `wizard.tui.messages`; what they
need to show they read through a small protocol of their own (the picker's
`PickerSource`, the palette's `PaletteSource`), so none of them imports this
module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from wizard.catalog import Catalog
from wizard.gcpause import resume_gc
from wizard.hints import did_you_mean
from wizard.launch import Launch
from wizard.nodetable import build_node_table
from wizard.sanitize import strip_controls
from wizard.session import Session
from wizard.session_lock import LOCK_WAIT, SessionLock, busy_message
from wizard.store import Recorder, SessionRow, resume
from wizard.tui import messages
from wizard.tui.incident import IncidentScreen
from wizard.userconfig import UserConfig, describe
from wizard.walkable import walk_problem

if TYPE_CHECKING:
    from textual.command import Provider

    from wizard.tui.commands import PaletteCommand


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
            catalog = load_all()
            self.launch.catalog = self.catalog = catalog
            self.launch.table = build_node_table(catalog.trees.values())
        return self.catalog

    def list_sessions(self) -> list[SessionRow]:
        return self.launch.store.sessions()

    def walk_problem(self, tree_id: str) -> str | None:
        """Why the tree cannot be walked, or None (`wizard.walkable`)."""
        return walk_problem(self.catalog, tree_id)

    def _take_lock(self, session_id: str) -> SessionLock | None:
        """The lock for the session this window is about to show (the one it
        holds, if it is the same session), or None if another window has it."""
        if self._lock is not None and self._lock.session_id == session_id:
            return self._lock
        return self.launch.store.locks.lock(session_id, wait=LOCK_WAIT)

    def _keep_lock(self, lock: SessionLock) -> None:
        """The window now shows `lock`'s session: let go of the one before."""
        if self._lock is not None and self._lock is not lock:
            self._lock.release()
        self._lock = lock

    def open_elsewhere(self, session_id: str) -> bool:
        """Whether another window (not this one) has the session open."""
        if self._lock is not None and self._lock.session_id == session_id:
            return False
        return self.launch.store.locks.in_use(session_id)

    def _new_recorder(self, tree_id: str) -> Recorder:
        started = self.launch.clock()
        session = Session(
            self.launch.table,
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
            self.launch.store, row, self.launch.table, self.catalog.trees, clock=self.launch.clock
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
        # Imported here: `run` and `resume` draw an incident first, not this.
        from wizard.tui.picker import PickerScreen

        return PickerScreen(self)

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
        problem = self.walk_problem(tree_id)
        if problem:
            self.notify(f"Cannot start this tree: {problem}", severity="error", markup=False)
            return
        self._show(self._new_recorder(tree_id), ask_header=True)

    def resume_session(self, session_id: str) -> None:
        lock = self._take_lock(session_id)
        if lock is None:
            refusal = busy_message(session_id, self.launch.store.locks.holder(session_id))
            # A toast reads as a sentence; `resume` prints the same words.
            self.notify(refusal[:1].upper() + refusal[1:], severity="error", markup=False)
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
        # Imported here, as in `get_default_screen`.
        from wizard.tui.picker import PickerScreen

        self.all_trees()
        base = self.screen_stack[0]
        if isinstance(base, PickerScreen):
            picker: PickerScreen = base
            self._pop_to(picker)
            picker.reload()
        else:
            self.push_screen(PickerScreen(self))

    def edit_header(self, *, first: bool) -> None:
        """The incident header: ticket, operator and facts; Escape skips."""
        # Imported here: a resumed session's first frame has no dialog.
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
            (f"fact:{f.var}", f"{f.prompt} ({f.var})", session.facts.get(f.var, ""), f.required)
            for f in session.fact_specs()
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
        # Imported here: the export screen and the note's formats load when a
        # note is first made.
        from wizard.tui.export_screen import ExportScreen

        if self.session is not None:
            self.push_screen(ExportScreen(self.session, self.launch.exports))

    def copy_note(self) -> None:
        # Imported here: the note's formats load when a note is first made.
        from wizard.export import note_text
        from wizard.tui.export_screen import COPY_MESSAGE

        if self.session is not None:
            self.copy_to_clipboard(note_text(self.session, "markdown"))
            self.notify(COPY_MESSAGE.format(fmt="Markdown"), markup=False)

    # -- actions --------------------------------------------------------------

    def action_quit_kept(self) -> None:
        """Quit; every step is already stored, so the session can be resumed."""
        self.exit(0)

    def action_keys(self) -> None:
        # Imported here, as in `edit_header`.
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
                    messages.OpenExport(),
                ),
                (
                    "Copy the ticket note",
                    "Markdown, to the terminal's clipboard",
                    messages.CopyNote(),
                ),
                (
                    f"Restart: {strip_controls(title)}",
                    "A new session; this one is kept",
                    messages.Restart(),
                ),
            ]
        commands.append(
            ("Open the tree picker", "Trees and unfinished sessions", messages.OpenPicker())
        )
        for tree in sorted(self.all_trees().trees.values(), key=lambda t: t.title.casefold()):
            commands.append(
                (
                    f"Jump to tree: {strip_controls(tree.title)}",
                    "Start a new session there; this one is kept",
                    messages.StartTree(tree.id),
                )
            )
        return commands

    # -- what the screens ask for (wizard.tui.messages) -------------------------

    def on_start_tree(self, message: messages.StartTree) -> None:
        self.start_tree(message.tree_id)

    def on_resume_session(self, message: messages.ResumeSession) -> None:
        self.resume_session(message.session_id)

    def on_restart(self, message: messages.Restart) -> None:
        self.restart()

    def on_open_picker(self, message: messages.OpenPicker) -> None:
        self.open_picker()

    def on_open_export(self, message: messages.OpenExport) -> None:
        self.open_export()

    def on_copy_note(self, message: messages.CopyNote) -> None:
        self.copy_note()

    def on_edit_header(self, message: messages.EditHeader) -> None:
        self.edit_header(first=False)

    def on_quit_kept(self, message: messages.QuitKept) -> None:
        self.action_quit_kept()


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
