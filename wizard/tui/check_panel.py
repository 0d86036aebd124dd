"""The check step's panel: where a run stands, and what it shows and offers.

A check shows its probe and exact target first; nothing touches the network
until the admin runs it (r, or Enter on "Run the check"). The probe runs in a
worker, so the screen stays live; Esc cancels it and nothing is recorded. The
result is recorded only when the admin goes on with it (Enter) or overrides
it with a reason (o). `CheckRun` holds that state for the step the run was
started on; the incident screen owns the worker and the keys.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from textual.content import Content
from textual.screen import Screen

from wizard.outcomes import CHECK_OUTCOMES
from wizard.session import AnswerError, SessionEnded
from wizard.tui.painters import numbered

if TYPE_CHECKING:
    from textual.timer import Timer
    from textual.worker import Worker

    from wizard.session import Session
    from wizard.store import Recorder

# A step as a run is tied to it: session id, node, path length.
StepKey = tuple[str, str, int]

Options = list[tuple[Content, str]]


class CheckState(StrEnum):
    NONE = "none"  # not a check step, or the walk has ended
    IDLE = "idle"  # shown, not run
    RUNNING = "running"
    RESULT = "result"  # measured, not yet recorded
    MANUAL = "manual"  # the probe could not run: answered by hand


def step_key(session: Session) -> StepKey:
    return (session.id, session.current, len(session.path))


class CheckRun:
    """A check being run or just measured, for the step it was started on:
    anything else (back, another session) makes it stale."""

    def __init__(self) -> None:
        self.at: StepKey | None = None
        self.result: dict[str, Any] | None = None
        self.started: float | None = None
        self.worker: Worker[None] | None = None
        self.spinner: Timer | None = None

    def state(self, session: Session) -> CheckState:
        if session.finished or session.kind != "check":
            return CheckState.NONE
        current = self.at == step_key(session)
        if current and self.started is not None:
            return CheckState.RUNNING
        if current and self.result is not None:
            return CheckState.RESULT
        if session.check_failed_to_run() is not None:
            return CheckState.MANUAL
        return CheckState.IDLE

    def stale(self, session: Session) -> bool:
        return self.at is not None and self.at != step_key(session)

    def begin(self, session: Session) -> StepKey:
        self.drop()
        self.at = step_key(session)
        self.started = time.monotonic()
        return self.at

    def stop_spinner(self) -> None:
        if self.spinner is not None:
            self.spinner.stop()
            self.spinner = None

    def measured(self, key: StepKey, result: dict[str, Any] | None) -> bool:
        """Keep a finished run's result; False when it no longer applies."""
        if self.at != key:
            return False  # cancelled, or the walk moved on
        self.stop_spinner()
        self.started = None
        self.result = result
        if result is None:
            self.at = None
        return True

    def drop(self) -> None:
        """Forget a run or a measured result; a run still going is cancelled."""
        if self.worker is not None and not self.worker.is_finished:
            self.worker.cancel()
        self.worker = None
        self.stop_spinner()
        self.at = None
        self.started = None
        self.result = None


def panel(session: Session, state: CheckState, run: CheckRun) -> tuple[Content, Content | None]:
    """The panel above the choices, and a result's evidence to go under them
    (so "Continue" stays in view at 80x24 however long the evidence is)."""
    # Imported when a check is first shown: it loads every probe module.
    from wizard import probe_bridge
    from wizard.tui import check_view

    if state is CheckState.RESULT and run.result is not None:
        return check_view.outcome_line(run.result), check_view.evidence(run.result)
    view = session.view()
    if state is CheckState.MANUAL:
        return check_view.manual(view.last_result), None
    target = probe_bridge.describe(session)
    timeout = probe_bridge.budget(view.probe, view.params)
    if state is CheckState.RUNNING and run.started is not None:
        elapsed = time.monotonic() - run.started
        return check_view.running(view.probe, target, timeout, elapsed), None
    return check_view.idle(view.probe, target, timeout), None


def options(labels: list[str], state: CheckState, run: CheckRun) -> Options:
    if state is CheckState.RUNNING:
        return []
    if state is CheckState.RESULT and run.result is not None:
        from wizard.tui import check_view

        measured = str(run.result.get("outcome", "error"))
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
    if state is CheckState.MANUAL:
        return [(numbered(n, o), f"answer-{n}") for n, o in enumerate(labels, 1)]
    run_now = Content.assemble(("r  ", "bold"), ("Run the check now", "bold"))
    return [
        (run_now, "check-run"),
        *(
            (numbered(n, f"{o} (by hand, without running)"), f"answer-{n}")
            for n, o in enumerate(labels, 1)
        ),
    ]


class CheckPanelActions(Screen[None]):
    """The check step's keys and its worker, for the incident screen.

    The screen provides `recorder`, `_check`, `_put`, `_after` and
    `refresh_view`; this part runs the probe and records what the admin keeps.
    """

    recorder: Recorder
    _check: CheckRun

    if TYPE_CHECKING:  # what the incident screen provides

        def _put(self, selector: str, content: Content, display: bool = True) -> None:
            raise NotImplementedError

        def _after(self) -> None:
            raise NotImplementedError

        def refresh_view(self) -> None:
            raise NotImplementedError

    def _check_state(self) -> CheckState:
        return self._check.state(self.recorder.session)

    def _show_check(self, state: CheckState) -> None:
        if state is CheckState.NONE:
            self._put("#check", Content(""), False)
            self._put("#evidence", Content(""), False)
            return
        shown, evidence = panel(self.recorder.session, state, self._check)
        self._put("#check", shown)
        self._put("#evidence", evidence or Content(""), evidence is not None)

    def _spin(self) -> None:
        state = self._check_state()
        if state is CheckState.RUNNING:
            self._put("#check", panel(self.recorder.session, state, self._check)[0])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "run_check":
            return self._check_state() in (CheckState.IDLE, CheckState.RESULT)
        if action == "override_check":
            return self._check_state() is CheckState.RESULT
        if action == "cancel_check":
            return self._check_state() is CheckState.RUNNING
        return super().check_action(action, parameters)

    def action_run_check(self) -> None:
        if self._check_state() not in (CheckState.IDLE, CheckState.RESULT):
            self.app.bell()
            return
        key = self._check.begin(self.recorder.session)
        self._check.worker = self.run_worker(
            self._run_check(key), name="check", group="check", exclusive=True, exit_on_error=False
        )
        self._check.spinner = self.set_interval(0.1, self._spin)
        self.refresh_view()

    async def _run_check(self, key: tuple[str, str, int]) -> None:
        from wizard import probe_bridge

        problem = ""
        result: dict[str, Any] | None = None
        try:
            result = await probe_bridge.run_current_async(self.recorder.session)
        except Exception as exc:  # a probe bug must not take the incident down
            problem = str(exc) or type(exc).__name__
        if not self._check.measured(key, result):
            return
        if result is None:
            self.notify(f"The check could not run: {problem}", severity="error", markup=False)
        self.refresh_view()

    def action_cancel_check(self) -> None:
        if self._check_state() is not CheckState.RUNNING:
            return
        self._check.drop()
        self.notify("Check cancelled; nothing was recorded.")
        self.refresh_view()

    def _record_check(self, outcome: str | None = None, reason: str = "") -> None:
        result = self._check.result
        if self._check_state() is not CheckState.RESULT or result is None:
            return
        try:
            self.recorder.session.record_check(result, outcome, reason)
        except (AnswerError, SessionEnded) as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._check.drop()
        self._after()

    def action_continue_check(self) -> None:
        self._record_check()

    def action_override_check(self) -> None:
        result = self._check.result
        if self._check_state() is not CheckState.RESULT or result is None:
            return
        from wizard.tui.dialogs import OverrideDialog

        measured = str(result.get("outcome", "error"))
        choices: list[str] = [o for o in CHECK_OUTCOMES if o != measured]

        def done(answer: tuple[str, str] | None) -> None:
            if answer is not None and self._check.result is result:
                self._record_check(*answer)

        self.app.push_screen(OverrideDialog(measured, choices), done)
