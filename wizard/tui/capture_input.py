"""A `parse: pcap` input on the incident screen: the admin types or pastes a
capture's path, or picks the file (Ctrl+O); the file is read in a thread, and
only then does the session record what was read. A bad file is an error beside
the field and records nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from wizard.session import AnswerError, SessionEnded

if TYPE_CHECKING:
    from wizard.store import Recorder
    from wizard.tui.fields import SubmitArea


class CaptureInput(Screen[None]):
    """The screen provides `recorder`, the field, the hint and `_after`."""

    recorder: Recorder
    _error: str
    # The capture file being read, and the step it was given at.
    _reading: tuple[tuple[str, str, int], str] | None

    if TYPE_CHECKING:  # what the incident screen provides

        def _step_key(self) -> tuple[str, str, int]:
            raise NotImplementedError

        def _field(self, *, create: bool) -> SubmitArea | None:
            raise NotImplementedError

        def _show_hint(self, example: str, help_text: str) -> None:
            raise NotImplementedError

        def _after(self) -> None:
            raise NotImplementedError

    def _reads_capture(self) -> bool:
        session = self.recorder.session
        return session.kind == "input" and not session.finished and session.record.parse == "pcap"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose_capture":
            return self._reads_capture()
        return super().check_action(action, parameters)

    def action_choose_capture(self) -> None:
        if not self._reads_capture():
            return
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
