"""The incident screen: one screen for the whole walk, updated in place.

Textual 8 spends about 50 ms on every screen switch, so questions, inputs,
resolutions and escalations are not screens of their own: each answer updates
the widgets of this one screen. Every action goes through the core `Session`,
is committed by the `Recorder`, and only then is the screen redrawn.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.session import AnswerError, Session, SessionEnded, View
from wizard.store import Recorder
from wizard.tui import check_panel, ending_menu, messages, painters, screen_text
from wizard.tui.answer_list import AnswerList
from wizard.tui.capture_input import CaptureInput
from wizard.tui.check_panel import CheckPanelActions, CheckRun, CheckState, step_key
from wizard.tui.path_view import PathView
from wizard.tui.settled import SettledStatic, SettledVerticalScroll
from wizard.tui.step_layout import ANSWERS, COMPOSED, LAZY_STATICS, PART_OF, PARTS, same_options

if TYPE_CHECKING:
    from textual.widget import Widget
    from textual.widgets import SelectionList, TextArea

    from wizard.tui.fields import SubmitArea


# At 80 columns not every key fits: these make room first (quitting is on
# ^q too, and ? lists every key), so that a check's keys and Ctrl+O stay.
GIVE_WAY = ("quit", "export", "facts", "toggle-help", "note")


class IncidentScreen(CheckPanelActions, CaptureInput):
    """Question, input, resolution and escalation of one session."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"choose({n - 1})",
                "Answer",
                key_display="1-9",
                show=n == 1,
                id=f"answer-{n}",
            )
            for n in range(1, 10)
        ),
        Binding("backspace", "back", "Back", id="back"),
        Binding("n", "note", "Note", id="note"),
        Binding("f", "facts", "Facts", id="facts"),
        Binding("h", "toggle_help", "Help", id="toggle-help"),
        Binding("e", "export", "Export", id="export"),
        Binding("r", "run_check", "Run check", id="check-run"),
        Binding("o", "override_check", "Override", id="check-override"),
        Binding("escape", "cancel_check", "Cancel check", id="check-cancel"),
        Binding("ctrl+o", "choose_capture", "Choose file", id="capture-choose"),
    ]

    def __init__(self, recorder: Recorder) -> None:
        super().__init__(id="incident")
        self.recorder = recorder
        self.show_help = True
        self._error = ""
        self._shown: dict[str, Content] = {}
        self._widgets: dict[str, Widget] = {}
        self._options: list[tuple[Content, str]] = []
        self._check = CheckRun()
        self._bindings_state = "none/False"
        # The step the input field was last emptied for.
        self._field_step: tuple[str, str, int] | None = None
        # A path panel update is waiting for the frame with the new step.
        self._path_pending = False
        # Notes closed with Esc before they were saved, per step they were for.
        self._note_drafts: dict[tuple[str, str, int], str] = {}
        # The capture file being read for the step it was given at.
        self._reading: tuple[tuple[str, str, int], str] | None = None

    @property
    def session(self) -> Session:
        return self.recorder.session

    def compose(self) -> ComposeResult:
        yield SettledStatic(id="status")
        with SettledVerticalScroll(id="main"):
            yield SettledStatic(id="kind")
            yield SettledStatic(id="text")
            yield SettledStatic(id="help")
        yield AnswerList(id="options")
        # The path panel and the key bar come just after the first frame
        # (_mount_later): the question is on screen sooner.

    def on_mount(self) -> None:
        self.refresh_view()
        self.set_interval(1.0, self._tick)
        self.call_after_refresh(self._mount_later)

    def on_screen_suspend(self) -> None:
        # A dialog over this screen (the incident header is in the first
        # frame): the path panel and key bar it mostly covers come after that
        # frame, as they do without a dialog.
        self.call_after_refresh(self._mount_later)

    async def _mount_later(self) -> None:
        if "#path" in self._widgets:
            return
        from wizard.tui.key_bar import KeyBar  # not needed for the first frame

        path = PathView(id="path")
        with self.app.batch_update():
            mounted = self.mount(KeyBar(gives_way=GIVE_WAY), path)
            self._widgets["#path"] = path
            self._show_path()
        # The key bar shows the keys once the bindings are published after it mounts.
        await mounted
        self.refresh_bindings()

    # -- drawing -------------------------------------------------------------

    def _tick(self) -> None:
        session = self.recorder.session
        self._static("#status").update(self._status(session, session.view()))

    def load(self, recorder: Recorder) -> None:
        """Show another session on this same screen (restart, jump to a tree)."""
        self.recorder = recorder
        self._error = ""
        self.refresh_view()

    # Widgets by selector: a query walks the whole screen, and a step makes a
    # dozen lookups. Widgets mounted later (field, checklist, check panel)
    # are registered here when mounted.
    def _widget(self, selector: str) -> Widget:
        widget = self._widgets.get(selector)
        if widget is None:
            widget = self._widgets[selector] = self.query_one(selector)
        return widget

    def _static(self, selector: str) -> Static:
        return cast(Static, self._widget(selector))

    def _mount_main(self, widget: Widget, selector: str) -> None:
        """Mount a widget of the step column in its place (see PARTS)."""
        part = PART_OF[selector]
        order = PARTS[part]
        before = [s for s in order[: order.index(selector)] if s in COMPOSED or s in self._widgets]
        if part == ANSWERS:
            self.mount(widget, after=self._widget(before[-1] if before else "#main"))
        elif before:
            self._widget(part).mount(widget, after=self._widget(before[-1]))
        else:
            self._widget(part).mount(widget, before=0)
        self._widgets[selector] = widget

    def _put(self, selector: str, content: Content, display: bool = True) -> None:
        """Update a Static only when its content changes: every update costs a layout.

        The main column's occasional parts (LAZY_STATICS) are mounted the first
        time they have something to show: fewer widgets make the first frame sooner.
        """
        if selector in LAZY_STATICS and selector not in self._widgets:
            if not display:
                return
            self._mount_main(SettledStatic(id=selector[1:]), selector)
        widget = self._static(selector)
        shown = self._shown.get(selector)
        # Content's == compares text only; a change of style alone must show too.
        if shown is None or not shown.is_same(content):
            self._shown[selector] = content
            widget.update(content)
        if widget.display != display:
            widget.display = display

    def refresh_view(self) -> None:
        # One batch: the terminal gets a single frame with the new step.
        with self.app.batch_update():
            self._refresh_view()

    def _refresh_view(self) -> None:
        session = self.recorder.session
        if self._check.stale(session):
            self._check.drop()  # the walk moved on (back, another session)
        view = session.view()
        kind = view.kind
        ended = session.outcome
        self._put("#status", self._status(session, view))
        self._put("#kind", painters.kind(view, ended))
        self._widget("#kind").set_class(bool(ended), "-ended")
        self._put("#title", screen_text.plain(view.title), bool(view.title))
        body = painters.body(view, ended)
        self._put("#text", screen_text.plain(body), bool(body))

        show_help = bool(view.help) and self.show_help and not ended
        self._put("#help", screen_text.plain(view.help), show_help)

        self._show_checklist(view.node, view.steps if kind == "resolution" else [])
        check_state = self._check_state()
        self._show_check(check_state)

        collect = painters.collect(session, view, ended)
        self._put("#collect", collect or Content(""), collect is not None)

        is_verify = kind == "resolution" and not ended
        prompt = screen_text.plain(view.prompt if is_verify else "").stylize_before("bold")
        self._put("#prompt", prompt, is_verify)

        is_input = kind == "input" and not ended
        field = self._field(create=is_input)
        if field is not None:
            if field.display != is_input:
                field.display = is_input
            # Emptied for a new step only: a redraw (help, a note, the facts)
            # must never wipe a half-typed value.
            step = self._step_key()
            new_step = is_input and self._field_step != step
            if new_step:
                self._field_step = step
                if field.text:
                    field.load_text("")
        self._show_hint(view.example if is_input else "", view.help)

        options = cast(OptionList, self._widget("#options"))
        if ended:
            wanted = ending_menu.end_options(ended)
        elif kind == "check":
            wanted = check_panel.options(view.options, check_state, self._check)
        else:
            wanted = [
                (painters.numbered(n, o), f"answer-{n}") for n, o in enumerate(view.options, 1)
            ]
        if not same_options(wanted, self._options):
            self._options = wanted
            # set_options lays the list out once (clear + add would do it twice)
            options.set_options(Option(prompt, id=key) for prompt, key in wanted)
            if wanted:
                # A list just reset is scrolled to its top: highlight its first
                # option without the watcher's scroll and OptionHighlighted message.
                options.set_reactive(OptionList.highlighted, 0)
        elif wanted and options.highlighted != 0:
            options.highlighted = 0
        if options.display != bool(wanted):
            options.display = bool(wanted)

        notes = painters.notes(session)
        self._put("#notes", notes or Content(""), notes is not None)

        # The path panel follows in the next frame: the admin waits for the
        # next question, not for the record of the last answer (wrapping and
        # drawing the panel was a third of a step on the shipped trees).
        if not self._path_pending:
            self._path_pending = True
            self.call_after_refresh(self._show_path_later)
        main = self._widget("#main")
        if main.scroll_y:
            main.scroll_home(animate=False)
        if field is not None and is_input:
            if new_step:
                # A field mounted just now takes focus once it is in the layout;
                # after that a redraw leaves the focus where the admin put it.
                self.call_after_refresh(field.focus)
        elif kind == "resolution" and not ended and view.steps:
            # The steps are what the admin works through: arrows move along
            # them (the pane scrolls), Space ticks, 1 and 2 still answer.
            checklist = self._widgets.get("#checklist")
            if checklist is not None and not checklist.has_focus:
                checklist.focus()
        elif wanted:
            options.focus()
        # The key bar shows only the keys that apply: the check's, and Ctrl+O on a capture input.
        bindings_state = f"{check_state.value}/{is_input and view.parse}"
        if bindings_state != self._bindings_state:
            self._bindings_state = bindings_state
            self.refresh_bindings()

    def _status(self, session: Session, view: View) -> Content:
        # The status line has one cell of padding on each side.
        return screen_text.status_line(session, view, self.app.size.width - 2, self.recorder.saving)

    def on_resize(self) -> None:
        session = self.recorder.session
        self._put("#status", self._status(session, session.view()))

    def _show_path_later(self) -> None:
        self._path_pending = False
        self._show_path()

    def _show_path(self, view: View | None = None) -> None:
        path = self._widgets.get("#path")
        if isinstance(path, PathView):  # mounted after the first frame
            path.show(screen_text.path_lines(self.recorder.session, view))

    def _step_key(self) -> tuple[str, str, int]:
        return step_key(self.recorder.session)

    def _show_hint(self, example: str, help_text: str) -> None:
        kind = self.recorder.session.kind
        if kind != "input" or self.recorder.session.finished:
            extra = "" if self.show_help or not help_text else "h shows help"
            self._put("#hint", screen_text.styled(extra, "dim"), bool(extra))
            return
        reading = self._reading[1] if self._reading and self._reading[0] == self._step_key() else ""
        self._put(
            "#hint", painters.field_hint(example, reading, self._error, self._reads_capture())
        )

    # The text field and the checklist are mounted when first needed: most
    # walks start on a question, and fewer widgets make the first frame sooner.
    def _field(self, *, create: bool) -> SubmitArea | None:
        found = self._widgets.get("#field")
        if found is not None or not create:
            # Not imported before it is needed: TextArea costs ~30 ms to import.
            return cast("SubmitArea | None", found)
        from wizard.tui.fields import SubmitArea

        field = SubmitArea(id="field", soft_wrap=True, show_line_numbers=False)
        self._mount_main(field, "#field")
        return field

    def _show_checklist(self, node: str, steps: list[str]) -> None:
        found = self._widgets.get("#checklist")
        if not steps and found is None:
            return
        from wizard.tui.checklist import Checklist

        if isinstance(found, Checklist):
            checklist = found
        else:
            checklist = Checklist(id="checklist")
            self._mount_main(checklist, "#checklist")
        if not steps and not checklist.option_count:
            checklist.display = False
            return
        checklist.display = bool(steps)
        checklist.load(steps, set(self.recorder.session.ticked()) if steps else set())

    # -- acting --------------------------------------------------------------

    def _commit(self) -> bool:
        """Save what the session recorded; the screen is redrawn only after this."""
        try:
            self.recorder.sync()
        except sqlite3.Error as exc:
            # The events stay in memory and the next sync retries them.
            self.notify(f"Could not save the session yet: {exc}", severity="error", markup=False)
            return False
        return True

    def _after(self) -> None:
        self._commit()
        self.refresh_view()

    def action_choose(self, index: int) -> None:
        session = self.recorder.session
        if session.finished:
            actions = ending_menu.end_actions(session.outcome)
            if index < len(actions):
                self.end_action(actions[index])
            return
        if session.kind == "input":
            return
        if self._check_state() in (CheckState.RUNNING, CheckState.RESULT):
            self.app.bell()
            self.notify(
                "Enter goes on with the measured outcome; o overrides it; Esc cancels a run."
            )
            return
        try:
            session.choose(index)
        except (AnswerError, SessionEnded):
            self.app.bell()
            return
        self._after()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id or ""
        if key == "check-run":
            self.action_run_check()
        elif key == "check-continue":
            self.action_continue_check()
        elif key == "check-override":
            self.action_override_check()
        elif key.startswith("answer-"):
            self.action_choose(int(key.removeprefix("answer-")) - 1)
        else:
            self.action_choose(event.option_index)

    def on_submit_area_submitted(self, event: SubmitArea.Submitted) -> None:
        event.stop()
        session = self.recorder.session
        if self._reads_capture():
            self._read_capture(event.value)
            return
        try:
            session.answer(event.value)
        except AnswerError as exc:
            self._error = str(exc)
            self._show_hint(session.view().example, "")
            return
        except SessionEnded:
            return
        self._error = ""
        self._after()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Inline validation: the core's own check, without recording anything."""
        session = self.recorder.session
        if session.kind != "input" or session.finished:
            return
        value = event.text_area.text
        self._error = ""
        if value.strip() and not self._reads_capture():
            try:
                session.validate_answer(value)
            except AnswerError as exc:
                self._error = str(exc)
        self._show_hint(session.view().example, "")

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[int]) -> None:
        event.stop()
        from wizard.tui.checklist import Checklist

        if isinstance(event.selection_list, Checklist):
            event.selection_list.show_ticks()
        session = self.recorder.session
        selected = set(event.selection_list.selected)
        before = session.ticked()
        for step in sorted(before ^ selected):
            session.tick(step, step in selected)
        self._commit()

    def action_back(self) -> None:
        if self.recorder.session.back():
            self._error = ""
            self._after()
        else:
            self.notify("Nothing to go back to: this is the first step.")

    def action_toggle_help(self) -> None:
        self.show_help = not self.show_help
        self.refresh_view()

    def action_note(self) -> None:
        from wizard.tui.dialogs import NoteDialog

        session = self.recorder.session
        step = (session.id, session.current, len(session.path))

        def done(result: tuple[bool, str] | None) -> None:
            saved, text = result or (False, "")
            if saved and text.strip():
                self._note_drafts.pop(step, None)
                self.recorder.session.note(text.strip())
                self._after()
                self.notify("Note saved on this step.")
            elif text.strip():
                # Typed and closed with Esc: kept, never lost; `n` brings it back.
                self._note_drafts[step] = text
                self.notify("Note not saved; n brings back what you typed.", markup=False)
            else:
                self._note_drafts.pop(step, None)

        draft = self._note_drafts.get(step, "")
        self.app.push_screen(NoteDialog(session.view().prompt, draft), done)

    def action_facts(self) -> None:
        self.post_message(messages.EditHeader())

    def action_export(self) -> None:
        self.post_message(messages.OpenExport())

    def end_action(self, key: str) -> None:
        message = ending_menu.message_for(key)
        if message is not None:
            self.post_message(message)
        elif key == ending_menu.BACK:
            self.action_back()
