"""A `parse: pcap` input in the TUI: the admin types a capture's path (or picks
the file with Ctrl+O), the file is read off the UI thread, and the session
records what was read; a bad file is an error beside the field, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.capture._build import basic_call, write_capture
from tests.capture.test_tree_walks import TO_CAPTURE
from tests.tui.conftest import MakeApp, shown
from wizard.tui.app import WizardApp
from wizard.tui.capture_picker import CapturePicker, listed, start_folder
from wizard.tui.fields import SubmitArea

TREES = Path(__file__).resolve().parents[2] / "trees"
TREE = "call-disconnects"

pytest.importorskip("dpkt")


async def to_the_capture_input(app: WizardApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Answer as an admin does, up to the tree's capture input."""
    for label in TO_CAPTURE[TREE]:
        session = app.session
        assert session is not None
        view = session.view()
        if view.kind == "input":
            await type_into_field(app, pilot, label)
        else:
            await pilot.press(str(view.options.index(label) + 1))
        for _ in range(5):  # until the next step has taken the keys (its field or answers)
            await pilot.pause()
    assert app.session is not None
    assert app.session.view().parse == "pcap"


async def type_into_field(app: WizardApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    field = app.screen.query_one(SubmitArea)
    field.load_text(text)
    field.focus()  # a field mounted for the step takes the focus a frame later
    await pilot.pause()
    await pilot.press("enter")


async def give(app: WizardApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await type_into_field(app, pilot, text)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_capture_path_is_read_and_answers_the_step(
    make_app: MakeApp, tmp_path: Path
) -> None:
    capture = write_capture(tmp_path / "answered call.pcap", basic_call())
    app = make_app(TREE, dirs=(TREES,))
    async with app.run_test(size=(100, 32)) as pilot:
        await to_the_capture_input(app, pilot)
        assert "Ctrl+O" in shown(app, "#hint")
        at = app.session.current  # type: ignore[union-attr]
        # Pasted as a file manager copies it: quoted, with a space in the name.
        await give(app, pilot, f"'{capture}'")
        session = app.session
        assert session is not None
        assert session.current != at
        step = next(s for s in session.path if s.node.endswith("/" + at.split("/")[-1]))
        assert "answered call.pcap" in step.answer
        assert any("Read answered call.pcap" in str(n.message) for n in app._notifications)


async def test_a_truncated_capture_is_an_error_and_changes_nothing(
    make_app: MakeApp, tmp_path: Path
) -> None:
    good = write_capture(tmp_path / "good.pcap", basic_call())
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(good.read_bytes()[:-30])
    app = make_app(TREE, dirs=(TREES,))
    async with app.run_test(size=(100, 32)) as pilot:
        await to_the_capture_input(app, pilot)
        session = app.session
        assert session is not None
        at, events = session.current, len(session.events)
        await give(app, pilot, str(cut))
        assert "✗" in shown(app, "#hint") and "packet" in shown(app, "#hint")
        assert (session.current, len(session.events)) == (at, len(session.events))
        assert len(session.events) == events
        await give(app, pilot, str(tmp_path / "missing.pcap"))
        assert "✗" in shown(app, "#hint")
        assert len(session.events) == events
        # The next good file is read as if nothing had gone wrong.
        await give(app, pilot, str(good))
        assert session.current != at
        assert "✗" not in shown(app, "#hint")


async def test_ctrl_o_picks_the_file_and_reads_it(make_app: MakeApp, tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    capture = write_capture(folder / "call.pcapng.pcap", basic_call())
    app = make_app(TREE, dirs=(TREES,))
    async with app.run_test(size=(100, 32)) as pilot:
        await to_the_capture_input(app, pilot)
        app.screen.query_one(SubmitArea).load_text(str(folder))
        await pilot.press("ctrl+o")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, CapturePicker)
        assert picker.folder == folder.resolve()
        picker.dismiss(capture)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        session = app.session
        assert session is not None
        assert session.view().parse != "pcap"
        assert any(str(capture.name) in s.answer for s in session.path)


async def test_ctrl_o_does_nothing_where_no_capture_is_asked(make_app: MakeApp) -> None:
    app = make_app(TREE, dirs=(TREES,))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("escape")  # leave the first field
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, CapturePicker)


def test_the_picker_lists_folders_and_capture_files_only(tmp_path: Path) -> None:
    for name in ("a.pcap", "b.PCAPNG", "c.cap", "notes.txt", ".hidden.pcap", "d.pcap.gz"):
        (tmp_path / name).write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    shown_names = sorted(p.name for p in listed(tmp_path.iterdir()))
    assert shown_names == ["a.pcap", "b.PCAPNG", "c.cap", "sub"]


def test_the_picker_opens_where_the_typed_path_points(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert start_folder(str(tmp_path / "sub"), Path("/")) == (tmp_path / "sub").resolve()
    assert start_folder(str(tmp_path / "sub" / "x.pcap"), Path("/")) == (tmp_path / "sub")
    assert start_folder("", tmp_path) == tmp_path.resolve()
    assert start_folder("/no/such/place/x.pcap", tmp_path) == tmp_path.resolve()
