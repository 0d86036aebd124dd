"""The incident screen: one screen for the whole walk, updated in place.

Textual 8 spends about 50 ms on every screen switch, so questions, inputs,
resolutions and escalations are not screens of their own: each answer updates
the widgets of this one screen. Every action goes through the core `Session`,
is committed by the `Recorder`, and only then is the screen redrawn.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from wizard.session import AnswerError, Session, SessionEnded, View
from wizard.store import Recorder
from wizard.tui import messages, render
from wizard.tui.path_view import PathView
from wizard.tui.settled import (
    SettledHorizontal,
    SettledStatic,
    SettledVertical,
    SettledVerticalScroll,
)

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.widget import Widget
    from textual.widgets import SelectionList, TextArea
    from textual.worker import Worker

    from wizard.tui.fields import SubmitArea

# What the admin can do once the walk has ended, as numbered options.
END_ACTIONS: dict[str, str] = {
    "end-escalate": "Escalate: export the note for a support case",
    "end-export": "Export the ticket note",
    "end-back": "Back: change the last answer",
    "end-restart": "Start this tree again (new session)",
    "end-picker": "Pick another tree",
    "end-quit": "Quit",
}
NOT_FIXED_ESCALATION = (
    "The fix did not work and this tree has nowhere further to go. Open a case with"
    " Genesys Cloud Customer Care (or your carrier, for trunk problems) and attach the"
    " ticket note: it holds every answer given so far."
)


# The step column has two parts. Above, what the step says (it scrolls when
# long); below, what the admin answers with, always in view: at 80x24 a long
# help text or a long checklist must never push the answers off the screen.
# Each part lists its widgets top to bottom; COMPOSED are always there, the
# others are mounted in their place the first time a step needs them.
PARTS: dict[str, tuple[str, ...]] = {
    "#main": (
        "#kind",
        "#title",
        "#text",
        "#help",
        "#checklist",
        "#check",
        "#evidence",
        "#collect",
        "#notes",
    ),
    "#answers": ("#prompt", "#field", "#hint", "#options"),
}
PART_OF = {selector: part for part, selectors in PARTS.items() for selector in selectors}
COMPOSED = frozenset({"#kind", "#text", "#help", "#options"})
LAZY_STATICS = frozenset(
    {"#title", "#check", "#collect", "#prompt", "#hint", "#evidence", "#notes"}
)


def same_options(a: list[tuple[Content, str]], b: list[tuple[Content, str]]) -> bool:
    """Equal prompts (text and styles) and ids; Content's == compares text only."""
    return len(a) == len(b) and all(
        key_a == key_b and prompt_a.is_same(prompt_b)
        for (prompt_a, key_a), (prompt_b, key_b) in zip(a, b, strict=True)
    )


class IncidentScreen(Screen[None]):
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
        # A check being run or just measured, for the step it was started on
        # (session id, node, path length): anything else makes it stale.
        self._check_at: tuple[str, str, int] | None = None
        self._check_result: dict[str, Any] | None = None
        self._check_started: float | None = None
        self._check_worker: Worker[None] | None = None
        self._spinner: Timer | None = None
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
        with SettledHorizontal(id="body"), SettledVertical(id="step"):
            with SettledVerticalScroll(id="main"):
                yield SettledStatic(id="kind")
                yield SettledStatic(id="text")
                yield SettledStatic(id="help")
            with SettledVertical(id="answers"):
                yield OptionList(id="options")
        # The path panel and the footer come just after the first frame
        # (_mount_later): the question is on screen sooner.

    def on_mount(self) -> None:
        self.refresh_view()
        self.set_interval(1.0, self._tick)
        self.call_after_refresh(self._mount_later)

    def on_screen_suspend(self) -> None:
        # A dialog over this screen (the incident header is in the first
        # frame): the path panel and footer it mostly covers come after that
        # frame, as they do without a dialog.
        self.call_after_refresh(self._mount_later)

    async def _mount_later(self) -> None:
        if "#path" in self._widgets:
            return
        path = PathView(id="path")
        with self.app.batch_update():
            self._widget("#body").mount(path)
            mounted = self.mount(Footer())
            self._widgets["#path"] = path
            self._show_path()
        # A footer shows the keys once the bindings are published after it mounts.
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
        if before:
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
        if self._check_at is not None and self._check_at != self._step_key():
            self._drop_check()  # the walk moved on (back, another session)
        view = session.view()
        kind = view.kind
        ended = session.outcome
        self._put("#status", self._status(session, view))

        label = render.KIND_LABELS.get(kind, kind.title())
        if ended:
            label = f"{label} · {render.OUTCOME_LABELS[ended]}"
        self._put("#kind", Content.styled(label.upper(), "bold"))
        self._widget("#kind").set_class(bool(ended), "-ended")

        self._put("#title", render.plain(view.title), bool(view.title))

        # An escalation's list of what to collect is what the admin needs from
        # it; at 80x24 its reason comes after the list (in #collect), so the
        # list is in view without scrolling.
        body = view.text if kind == "resolution" else "" if kind == "escalation" else view.prompt
        if ended == "not-fixed":
            body = "\n\n".join(p for p in (view.text, NOT_FIXED_ESCALATION) if p)
        self._put("#text", render.plain(body), bool(body))

        show_help = bool(view.help) and self.show_help and not ended
        self._put("#help", render.plain(view.help), show_help)

        self._show_checklist(view.node, view.steps if kind == "resolution" else [])
        check_state = self._check_state()
        self._show_check(check_state)

        if kind == "escalation" or ended == "not-fixed":
            items = [Content.assemble("☐ ", render.plain(c)) for c in view.collect]
            if ended == "not-fixed":
                items = [render.plain(f"☐ {c}") for c in ("The ticket note", "Screenshots")]
            reason = (
                [Content(""), render.plain(view.text)] if kind == "escalation" and view.text else []
            )
            collect = render.lines(
                [
                    render.styled("Collect for support", "bold"),
                    *items,
                    *reason,
                    Content(""),
                    render.styled("Gathered so far", "bold"),
                    render.gathered(session),
                ]
            )
            self._put("#collect", collect)
        else:
            self._put("#collect", Content(""), False)

        is_verify = kind == "resolution" and not ended
        prompt = render.plain(view.prompt if is_verify else "").stylize_before("bold")
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
            keys = self._end_actions()
            wanted = [(self._numbered(n, END_ACTIONS[k]), k) for n, k in enumerate(keys, 1)]
        elif kind == "check":
            wanted = self._check_options(view.options, check_state)
        else:
            wanted = [(self._numbered(n, o), f"answer-{n}") for n, o in enumerate(view.options, 1)]
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

        pending = session.pending_notes + session.end_notes
        notes = render.lines([render.styled(f"✎ {n.text}", "italic") for n in pending])
        self._put("#notes", notes, bool(pending))

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
        # The footer shows only the keys that apply: the check's, and Ctrl+O on a capture input.
        bindings_state = f"{check_state}/{is_input and view.parse}"
        if bindings_state != self._bindings_state:
            self._bindings_state = bindings_state
            self.refresh_bindings()

    def _status(self, session: Session, view: View) -> Content:
        # The status line has one cell of padding on each side.
        return render.status_line(session, view, self.app.size.width - 2, self.recorder.saving)

    def on_resize(self) -> None:
        session = self.recorder.session
        self._put("#status", self._status(session, session.view()))

    def _show_path_later(self) -> None:
        self._path_pending = False
        self._show_path()

    def _show_path(self, view: View | None = None) -> None:
        path = self._widgets.get("#path")
        if isinstance(path, PathView):  # mounted after the first frame
            path.show(render.path_lines(self.recorder.session, view))

    @staticmethod
    def _numbered(number: int, label: str) -> Content:
        return Content.assemble((f"{number}. ", "bold"), render.plain(label))

    def _end_actions(self) -> list[str]:
        keys = list(END_ACTIONS)
        if self.recorder.session.outcome != "not-fixed":
            keys.remove("end-escalate")
        return keys

    def _show_hint(self, example: str, help_text: str) -> None:
        kind = self.recorder.session.kind
        if kind != "input" or self.recorder.session.finished:
            extra = "" if self.show_help or not help_text else "h shows help"
            self._put("#hint", render.styled(extra, "dim"), bool(extra))
            return
        parts: list[Content] = []
        if example:
            parts.append(Content.assemble(("Example: ", "bold"), render.plain(example)))
        if self._reading is not None and self._reading[0] == self._step_key():
            parts.append(render.styled(f"Reading {self._reading[1]} …", "italic"))
        if self._error:
            parts.append(render.styled(f"✗ {self._error}", "bold $error"))
        if self._reads_capture():
            keys = "Enter reads the file · Ctrl+O chooses one · Esc leaves the field"
        else:
            keys = "Enter submits · Ctrl+J new line · Esc leaves the field"
        parts.append(render.styled(keys, "dim"))
        self._put("#hint", render.lines(parts))

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

    # -- checks --------------------------------------------------------------
    # A check shows its probe and exact target first; nothing touches the
    # network until the admin runs it (r, or Enter on "Run the check"). The
    # probe runs in a worker, so the screen stays live; Esc cancels it and
    # nothing is recorded. The result is recorded only when the admin goes on
    # with it (Enter) or overrides it with a reason (o).

    def _step_key(self) -> tuple[str, str, int]:
        session = self.recorder.session
        return (session.id, session.current, len(session.path))

    def _check_state(self) -> str:
        """none, idle, running, result (measured, not yet recorded) or manual."""
        session = self.recorder.session
        if session.finished or session.kind != "check":
            return "none"
        current = self._check_at == self._step_key()
        if current and self._check_started is not None:
            return "running"
        if current and self._check_result is not None:
            return "result"
        if session.check_failed_to_run() is not None:
            return "manual"
        return "idle"

    def _drop_check(self) -> None:
        """Forget a run or a measured result; a run still going is cancelled."""
        if self._check_worker is not None and not self._check_worker.is_finished:
            self._check_worker.cancel()
        self._check_worker = None
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self._check_at = None
        self._check_started = None
        self._check_result = None

    def _check_content(self, state: str) -> Content:
        # Imported when a check is first shown: it loads every probe module.
        from wizard import checks
        from wizard.tui import check_view

        session = self.recorder.session
        view = session.view()
        if state == "manual":
            return check_view.manual(view.last_result)
        target = checks.describe(session)
        timeout = check_view.budget(view.probe, view.params)
        if state == "running" and self._check_started is not None:
            elapsed = time.monotonic() - self._check_started
            return check_view.running(view.probe, target, timeout, elapsed)
        return check_view.idle(view.probe, target, timeout)

    def _show_check(self, state: str) -> None:
        # The panel sits above the choices; a result's evidence goes under
        # them, so "Continue" stays in view at 80x24 however long it is.
        if state == "none":
            self._put("#check", Content(""), False)
            self._put("#evidence", Content(""), False)
            return
        result = self._check_result if state == "result" else None
        if result is not None:
            from wizard.tui import check_view

            self._put("#check", check_view.outcome_line(result))
            self._put("#evidence", check_view.evidence(result))
        else:
            self._put("#check", self._check_content(state))
            self._put("#evidence", Content(""), False)

    def _check_options(self, labels: list[str], state: str) -> list[tuple[Content, str]]:
        if state == "running":
            return []
        if state == "result" and self._check_result is not None:
            from wizard.tui import check_view

            measured = str(self._check_result.get("outcome", "error"))
            return [
                (
                    Content.assemble(
                        ("⏎  ", "bold"),
                        "Continue with the measured outcome: ",
                        check_view.outcome_word(measured),
                    ),
                    "check-continue",
                ),
                (
                    Content.assemble(("o  ", "bold"), "Override the outcome, with a reason"),
                    "check-override",
                ),
                (Content.assemble(("r  ", "bold"), "Run the check again"), "check-run"),
            ]
        if state == "manual":
            return [(self._numbered(n, o), f"answer-{n}") for n, o in enumerate(labels, 1)]
        run = Content.assemble(("r  ", "bold"), ("Run the check now", "bold"))
        return [
            (run, "check-run"),
            *(
                (self._numbered(n, f"{o} (by hand, without running)"), f"answer-{n}")
                for n, o in enumerate(labels, 1)
            ),
        ]

    def _spin(self) -> None:
        if self._check_state() == "running":
            self._put("#check", self._check_content("running"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose_capture":
            return self._reads_capture()
        if action == "run_check":
            return self._check_state() in ("idle", "result")
        if action == "override_check":
            return self._check_state() == "result"
        if action == "cancel_check":
            return self._check_state() == "running"
        return True

    def action_run_check(self) -> None:
        if self._check_state() not in ("idle", "result"):
            self.app.bell()
            return
        self._drop_check()
        self._check_at = self._step_key()
        self._check_started = time.monotonic()
        self._check_worker = self.run_worker(
            self._run_check(self._check_at),
            name="check",
            group="check",
            exclusive=True,
            exit_on_error=False,
        )
        self._spinner = self.set_interval(0.1, self._spin)
        self.refresh_view()

    async def _run_check(self, key: tuple[str, str, int]) -> None:
        from wizard import checks

        problem = ""
        result: dict[str, Any] | None = None
        try:
            result = await checks.run_current_async(self.recorder.session)
        except Exception as exc:  # a probe bug must not take the incident down
            problem = str(exc) or type(exc).__name__
        if self._check_at != key:
            return  # cancelled, or the walk moved on
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None
        self._check_started = None
        self._check_result = result
        if result is None:
            self._check_at = None
            self.notify(f"The check could not run: {problem}", severity="error", markup=False)
        self.refresh_view()

    def action_cancel_check(self) -> None:
        if self._check_state() != "running":
            return
        self._drop_check()
        self.notify("Check cancelled; nothing was recorded.")
        self.refresh_view()

    def _record_check(self, outcome: str | None = None, reason: str = "") -> None:
        result = self._check_result
        if self._check_state() != "result" or result is None:
            return
        try:
            self.recorder.session.record_check(result, outcome, reason)
        except (AnswerError, SessionEnded) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._drop_check()
        self._after()

    def action_continue_check(self) -> None:
        self._record_check()

    def action_override_check(self) -> None:
        result = self._check_result
        if self._check_state() != "result" or result is None:
            return
        from wizard.tui.dialogs import OverrideDialog

        measured = str(result.get("outcome", "error"))
        choices = [o for o in ("pass", "fail", "error") if o != measured]

        def done(answer: tuple[str, str] | None) -> None:
            if answer is not None and self._check_result is result:
                self._record_check(*answer)

        self.app.push_screen(OverrideDialog(measured, choices), done)

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
            actions = self._end_actions()
            if index < len(actions):
                self.end_action(actions[index])
            return
        if session.kind == "input":
            return
        if self._check_state() in ("running", "result"):
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

    # -- a capture file for a `parse: pcap` input -------------------------------

    def _reads_capture(self) -> bool:
        session = self.recorder.session
        return session.kind == "input" and not session.finished and session.view().parse == "pcap"

    def action_choose_capture(self) -> None:
        if not self._reads_capture():
            return
        from pathlib import Path

        from wizard.tui.capture_picker import CapturePicker, start_folder

        field = self._field(create=False)
        folder = start_folder(field.text if field is not None else "", Path.cwd())
        step = self._step_key()

        def chosen(path: Path | None) -> None:
            if path is None or step != self._step_key():
                return
            if field is not None:
                field.load_text(str(path))
            self._read_capture(str(path))

        self.app.push_screen(CapturePicker(folder), chosen)

    def _read_capture(self, typed: str) -> None:
        if self._reading is not None and self._reading[0] == self._step_key():
            self.app.bell()  # one file at a time
            return
        from wizard.capture.answer import capture_path

        self._error = ""
        self._reading = (self._step_key(), capture_path(typed).name or typed.strip())
        self._show_hint(self.recorder.session.view().example, "")
        self.run_worker(
            self._read_capture_file(typed, self._reading[0]),
            name="capture",
            group="capture",
            exclusive=True,
            exit_on_error=False,
        )

    async def _read_capture_file(self, typed: str, step: tuple[str, str, int]) -> None:
        """Read in a thread (a large capture takes a moment), answer on the UI thread."""
        import asyncio

        from wizard.capture.answer import read_for_input, summary
        from wizard.capture.records import CaptureError

        record: dict[str, Any] | None = None
        try:
            record = await asyncio.to_thread(read_for_input, typed)
        except CaptureError as exc:
            self._error = str(exc)
        except Exception as exc:  # a reader bug must not take the incident down
            self._error = f"the capture could not be read: {exc or type(exc).__name__}"
        self._reading = None
        if step != self._step_key():
            return  # the admin moved on while it was read: nothing is recorded
        if record is None:
            self._show_hint(self.recorder.session.view().example, "")
            return
        try:
            self.recorder.session.answer_capture(record)
        except (AnswerError, SessionEnded) as exc:
            self._error = str(exc)
            self._show_hint(self.recorder.session.view().example, "")
            return
        self.notify(f"Read {summary(record)}", markup=False)
        self._after()

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
        if key in ("end-export", "end-escalate"):
            self.post_message(messages.OpenExport())
        elif key == "end-back":
            self.action_back()
        elif key == "end-restart":
            self.post_message(messages.Restart())
        elif key == "end-picker":
            self.post_message(messages.OpenPicker())
        elif key == "end-quit":
            self.post_message(messages.QuitKept())
