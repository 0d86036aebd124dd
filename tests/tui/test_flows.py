"""Every flow of the incident TUI, driven with Pilot on the fixture trees."""

from __future__ import annotations

import json
from pathlib import Path

from textual.geometry import Region
from textual.widgets import Input, Label, OptionList, SelectionList, Static

from tests.trees.test_endings_reachable import TREES_DIR
from tests.tui.conftest import GOOD, MakeApp, shown
from wizard.export import note_text
from wizard.store import Store
from wizard.tui.app import WizardApp
from wizard.tui.dialogs import HeaderDialog, KeysDialog, NoteDialog
from wizard.tui.export_screen import ExportScreen
from wizard.tui.fields import SubmitArea
from wizard.tui.incident import IncidentScreen
from wizard.tui.path_view import PathView
from wizard.tui.picker import PickerScreen


def session_of(app: WizardApp):  # type: ignore[no-untyped-def]
    assert app.session is not None
    return app.session


async def test_pick_and_filter(make_app: MakeApp, store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, PickerScreen)
        choices = app.screen.query_one("#choices", OptionList)
        assert choices.option_count == 5  # three trees under two headings
        await pilot.press(*"wanip")  # fuzzy, on a symptom-less tree: matches the title? no
        await pilot.press(*["backspace"] * 5)
        await pilot.press(*"ringing")  # a symptom of demo-phone
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert ids[:2] == [None, "tree:demo-phone"]  # the Incidents heading, then the match
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).tree_id == "demo-phone"
        # A new session asks for the incident header; Escape skips it.
        assert isinstance(app.screen, IncidentScreen)
    assert store.sessions()[0].tree_id == "demo-phone"


async def unfinished_session(make_app: MakeApp, tree_id: str) -> str:
    """A session left one answer in, as a closed window leaves it."""
    app = make_app(tree_id)
    async with app.run_test() as pilot:
        await pilot.press("1")
    return session_of(app).id


async def test_picker_filters_on_tags_and_lists_unfinished_first(
    make_app: MakeApp, store: Store
) -> None:
    await unfinished_session(make_app, "demo-edge")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        choices = app.screen.query_one("#choices", OptionList)
        option = choices.get_option_at_index(0)
        assert option.id is not None and option.id.startswith("session:")
        await pilot.press(*"safety")  # the hostile tree's tag
        assert choices.get_option_at_index(0).prompt.plain == "Incidents"  # a heading
        assert choices.get_option_at_index(1).id == "tree:hostile"
        await pilot.press(*["backspace"] * 6)
        await pilot.press("enter")  # the highlighted unfinished session
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).current == "demo-edge/restart"


async def test_picker_lists_incidents_first_then_where_they_lead(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)):
        choices = app.screen.query_one("#choices", OptionList)
        rows = [choices.get_option_at_index(i) for i in range(choices.option_count)]
        ids = [(o.id or o.prompt.plain.split(" (")[0]) for o in rows]
        incidents = ids.index("Incidents")
        later = ids.index("Where the incidents lead")
        assert incidents < ids.index("tree:demo-phone") < later < ids.index("tree:demo-edge")
        assert rows[incidents].disabled and rows[later].disabled
        assert choices.highlighted == incidents + 1  # the first incident, not a heading


async def test_header_sets_ticket_operator_and_facts(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone", ask_header=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HeaderDialog)
        inputs = list(app.screen.query(Input))
        assert [i.value for i in inputs] == ["", "jdoe", "", ""]
        await pilot.press(*"INC-7", "enter", "enter", *"HQ", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        session = session_of(app)
        assert session.meta == {"ticket": "INC-7", "operator": "jdoe"}
        assert session.facts == {"site": "HQ"}
        assert "Does the call reach HQ?" in shown(app, "#text")
    row = store.sessions()[0]
    assert row.ticket == "INC-7" and row.operator == "jdoe"


async def test_header_labels_wrap_at_80_columns(make_app: MakeApp) -> None:
    # A fact's label says where to look the fact up, and on the shipped trees
    # it is often wider than the dialog: every word of it must show.
    app = make_app("call-disconnects", dirs=(TREES_DIR,), ask_header=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HeaderDialog)
        labels = list(app.screen.query(".field-label").results(Label))
        room = app.screen.query_one("#header-fields").scrollable_content_region.width
        long_ones = 0
        for label in labels:
            assert label.size.width <= room  # wider, the dialog's edge cuts it
            wanted = " ".join(str(label.render()).split())
            lines = label.render_lines(Region(0, 0, label.size.width, label.size.height))
            drawn = " ".join(" ".join(strip.text for strip in lines).split())
            assert drawn == wanted
            long_ones += label.size.height > 1
        assert long_ones >= 3  # call-disconnects has several: the test can fail


async def test_header_escape_skips(make_app: MakeApp) -> None:
    app = make_app("demo-phone", ask_header=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).events == []


async def test_header_escape_after_typing_keeps_what_was_typed(make_app: MakeApp) -> None:
    app = make_app("demo-phone", ask_header=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*"INC-5", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).meta["ticket"] == "INC-5"


async def test_answer_by_number_arrows_and_mouse(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")  # Not sure -> carrier escalation
        assert session_of(app).path[-1].answer == "Not sure"
        await pilot.press("backspace")
        await pilot.press("down", "enter")  # the second answer: No
        assert session_of(app).path[-1].answer == "No"
        await pilot.press("backspace")
        await pilot.pause()
        assert await pilot.click("#options", offset=(4, 0))  # the first answer: Yes
        await pilot.pause()
        steps = session_of(app).active_steps()
        assert [s.answer for s in steps] == ["Yes"]
        assert session_of(app).kind == "input"


async def test_back_keeps_backtracked_step(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("2")
        await pilot.press("backspace")
        session = session_of(app)
        assert session.current == "demo-phone/reaches"
        assert [(s.answer, s.backtracked) for s in session.path] == [("No", True)]
        assert "backtracked" in shown(app, "#path")
        await pilot.press("backspace")  # nothing left: stays, says so
        assert session.current == "demo-phone/reaches"
        note = note_text(session, "markdown")
        assert "~~Does the call reach the site? → No~~ _(backtracked)_" in note
    assert [e.type for e in store.events(session.id)] == ["answer", "back"]


async def test_note_on_current_step(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        area = app.screen.query_one(SubmitArea)
        area.post_message(  # a paste with an escape sequence in it
            __import__("textual.events", fromlist=["Paste"]).Paste("from [b]carrier[/b]\x1b[2J")
        )
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        session = session_of(app)
        assert [n.text for n in session.pending_notes] == ["from [b]carrier[/b][2J"]
        assert "from [b]carrier[/b]" in shown(app, "#notes")
        await pilot.press("1")
        assert session.path[0].notes[0].text == "from [b]carrier[/b][2J"
        # Escape closes a note without saving it (it is kept as a draft).
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
    assert [e.type for e in store.events(session.id)] == ["note", "answer"]


async def test_edit_facts_with_f(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, HeaderDialog)
        inputs = list(app.screen.query(Input))
        assert inputs[1].value == ""  # operator is prefilled only on the first header
        inputs[2].value = "Paris\x1b]52;c;aGk=\x07"
        await pilot.press("ctrl+s")
        await pilot.pause()
        session = session_of(app)
        assert session.facts == {"site": "Paris]52;c;aGk="}
        assert "Paris" in shown(app, "#text")
    assert store.events(session.id)[0].value == "Paris]52;c;aGk="


async def test_input_validation_and_routes(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1")
        assert app.focused is app.screen.query_one("#field")
        await pilot.press(*"99")
        assert "does not have the expected form" in shown(app, "#hint")
        assert "Example: 404" in shown(app, "#hint")
        await pilot.press("enter")  # refused: nothing recorded
        assert session_of(app).kind == "input"
        await pilot.press("backspace", "backspace", *"403")
        assert "expected form" not in shown(app, "#hint")
        await pilot.press("enter")
        assert session_of(app).current == "demo-phone/fix-acl"  # routed by ^40[34]$
        await pilot.press("backspace")
        await pilot.press(*"500", "enter")
        # The default `next` is a link into demo-edge.
        assert session_of(app).current == "demo-edge/lcd"


async def test_multiline_paste_in_input(make_app: MakeApp) -> None:
    from textual.events import Paste

    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1")
        field = app.screen.query_one(SubmitArea)
        field.post_message(Paste("  404\n"))
        await pilot.pause()
        assert field.text == "  404\n"
        await pilot.press("enter")
        assert session_of(app).path[-1].answer == "404"


async def test_a_paste_keeps_line_breaks_sent_as_cr(make_app: MakeApp) -> None:
    # Terminals (xterm, VTE, tmux) send a paste's line breaks as CR or CRLF.
    from textual.events import Paste

    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1")
        field = app.screen.query_one(SubmitArea)
        field.post_message(Paste("SIP/2.0 404 Not Found\rCSeq: 1 INVITE\r\nX: 1"))
        await pilot.pause()
        assert field.text == "SIP/2.0 404 Not Found\nCSeq: 1 INVITE\nX: 1"


async def test_link_into_another_tree(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", *"500", "enter")
        session = session_of(app)
        assert session.trees_seen == ["demo-phone", "demo-edge"]
        assert "↪ Continue in: Demo Edge offline" in shown(app, "#path")
        assert "Demo Edge offline v1" in shown(app, "#status")
        # Back skips the automatic link step, to the input.
        await pilot.press("backspace")
        assert session.current == "demo-phone/code"


def stored_ticks(store: Store, session_id: str) -> list[tuple[str, str]]:
    """The tick events the store holds: (step, "1" ticked or "" unticked)."""
    return [(e.key, e.value) for e in store.events(session_id) if e.type == "tick"]


async def test_verify_fixed(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1", *"403", "enter")
        assert shown(app, "#title") == "Fix the ACL for the site"
        checklist = app.screen.query_one("#checklist", SelectionList)
        assert checklist.option_count == 2
        assert checklist.has_focus  # the steps are what the admin works through
        await pilot.press("space")
        assert stored_ticks(store, session_of(app).id) == [("1", "1")]
        await pilot.press("1")
        assert session_of(app).outcome == "fixed"
        assert "FIXED" in shown(app, "#kind")
    assert store.sessions()[0].outcome == "fixed"


async def test_verify_not_fixed_with_unresolved_continues(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1", *"404", "enter", "2")
        session = session_of(app)
        assert session.path[-1].answer == "Not fixed"
        assert session.current == "demo-phone/carrier"
        assert session.outcome == "escalated"


async def test_not_fixed_without_unresolved_offers_escalation(
    make_app: MakeApp, store: Store
) -> None:
    app = make_app("demo-edge")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "2")  # No WAN IP -> Fix DHCP -> Not fixed
        assert session_of(app).outcome == "not-fixed"
        assert "Customer Care" in shown(app, "#text")
        options = app.screen.query_one("#options", OptionList)
        first = options.get_option_at_index(0)
        assert first.id == "end-escalate"
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
    assert store.sessions()[0].outcome == "not-fixed"


async def test_escalation_collect_with_facts(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        session = session_of(app)
        session.set_fact("site", "HQ")
        await pilot.press("2")
        collect = shown(app, "#collect")
        assert "☐ The dialled number at HQ" in collect
        assert "site: HQ" in collect
        assert "ticket_ref: (not given)" in collect
        assert "ESCALATED" in shown(app, "#kind")


async def test_export_all_formats_copy_and_save(make_app: MakeApp, isolated_home: Path) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "e")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        session = session_of(app)
        notes = {}
        for fmt in ("markdown", "text", "json"):
            assert screen.fmt == fmt
            notes[fmt] = str(screen.query_one("#export-note", Static).render())
            assert notes[fmt].rstrip("\n") == note_text(session, fmt).rstrip("\n")
            await pilot.press("c")
            assert app.clipboard == note_text(session, fmt)
            status = str(screen.query_one("#export-status", Static).render())
            assert "Sent" in status and "terminal's clipboard" in status
            assert "copied" not in status.lower()
            await pilot.press("s")
            assert screen.saved is not None
            assert screen.saved.read_text() == note_text(session, fmt)
            assert str(screen.saved) in str(screen.query_one("#export-status", Static).render())
            await pilot.press("t")
        json.loads(notes["json"])
        saved = sorted(p.name for p in (isolated_home / "exports").iterdir())
        assert saved == [f"{session.id}.{s}" for s in ("json", "md", "txt")]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)


async def test_resume_replays_and_continues(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1", *"403", "enter")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"half done", "enter")
        await pilot.press("q")
    session_id = session_of(app).id
    row = store.get(session_id)
    again = make_app(resume=row)
    async with again.run_test() as pilot:
        session = session_of(again)
        assert session.id == session_id
        assert session.current == "demo-phone/fix-acl"
        assert [n.text for n in session.pending_notes] == ["half done"]
        await pilot.press("1")
    assert store.get(session_id).outcome == "fixed"
    assert [e.type for e in store.events(session_id)][-1] == "answer"


async def test_keys_dialog_lists_every_binding_with_id(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysDialog)
        ids = {row[2] for row in app.screen.rows}
        for expected in ("answer-1", "answer-9", "back", "note", "facts", "export", "quit"):
            assert expected in ids
        assert "palette" in ids
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)


def test_every_binding_has_an_id() -> None:
    from textual.binding import Binding

    from wizard.tui.dialogs import HeaderDialog, KeysDialog, NoteDialog

    for cls in (WizardApp, IncidentScreen, PickerScreen, ExportScreen, SubmitArea):
        for b in cls.BINDINGS:
            assert isinstance(b, Binding) and b.id, (cls.__name__, b)
    for cls in (HeaderDialog, KeysDialog, NoteDialog):
        for b in cls.BINDINGS:
            assert isinstance(b, Binding) and b.id, (cls.__name__, b)


async def test_command_palette_restart_and_jump(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        first = session_of(app).id
        titles = [c[0] for c in app.palette_commands()]
        assert "Export the ticket note" in titles and "Copy the ticket note" in titles
        assert "Jump to tree: Demo Edge offline" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"restart")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert session_of(app).id != first
        assert session_of(app).tree_id == "demo-phone"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"jump edge")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert session_of(app).tree_id == "demo-edge"
        assert isinstance(app.screen, IncidentScreen)
    assert len(store.sessions()) == 3


async def test_copy_from_palette(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test() as pilot:
        await pilot.press("1")
        app.copy_note()
        assert app.clipboard == note_text(session_of(app), "markdown")


async def test_markup_in_tree_text_is_literal(make_app: MakeApp) -> None:
    app = make_app("hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        text = shown(app, "#text")
        assert "Is [TODO] shown literally?" in text
        assert "[bold]this[/bold]" in text
        assert "\x1b" not in text
        options = app.screen.query_one("#options", OptionList)
        assert "[b]Yes[/b]" in str(options.get_option_at_index(0).prompt)
        assert "Hostile [bold]markup[/bold] tree" in shown(app, "#status")
        await pilot.press("1")
        checklist = app.screen.query_one("#checklist", SelectionList)
        assert "Step [TODO]" in str(checklist.get_option_at_index(0).prompt)


async def test_layout_80x24_shows_the_essentials(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-narrow")
        for selector in ("#status", "#text", "#options", "#path"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= 80 and region.bottom <= 24, selector
        options = screen.query_one("#options", OptionList)
        assert options.region.height >= options.option_count
        await pilot.press("1", *"403", "enter")
        options = screen.query_one("#options", OptionList)
        assert options.region.bottom <= 24 - 1 - 7  # above the path panel and footer


async def test_picker_from_an_incident_and_back(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        app.open_picker()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        choices = app.screen.query_one("#choices", OptionList)
        # The escalated session is finished, so it is not offered for resume:
        # the first incident is highlighted.
        assert choices.get_option_at_index(0).prompt.plain == "Incidents"
        assert choices.get_option_at_index(1).id == "tree:demo-phone"
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        choices.highlighted = ids.index("tree:demo-edge")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert len(app.screen_stack) == 1
        assert session_of(app).tree_id == "demo-edge"


async def test_resume_after_tree_change_warns_and_replays(
    make_app: MakeApp, store: Store, tmp_path: Path
) -> None:
    trees = tmp_path / "trees"
    trees.mkdir()
    for f in GOOD.iterdir():
        (trees / f.name).write_text(f.read_text())
    app = make_app("demo-phone", dirs=(trees,))
    async with app.run_test() as pilot:
        await pilot.press("1", *"500", "enter")
    session_id = session_of(app).id
    path = trees / "demo-edge.yaml"
    path.write_text(path.read_text().replace("version: 1", "version: 2"))
    again = make_app(dirs=(trees,), resume=store.get(session_id))
    async with again.run_test() as pilot:
        await pilot.pause()
        messages = [n.message for n in again._notifications]
        assert any("demo-edge' changed since the session started" in m for m in messages)
        assert session_of(again).current == "demo-edge/lcd"


async def test_picker_and_palette_list_every_tree_after_run(make_app: MakeApp) -> None:
    from tests.tui.conftest import FIXTURES, catalog_of

    app = make_app("demo-phone", dirs=(GOOD,), load_all=lambda: catalog_of(GOOD, FIXTURES))
    async with app.run_test(size=(100, 30)) as pilot:
        assert "hostile" not in app.catalog.trees  # `run` read only what it needed
        titles = [c[0] for c in app.palette_commands()]
        assert any("hostile" in t.casefold() or "markup" in t.casefold() for t in titles)
        app.open_picker()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        choices = app.screen.query_one("#choices", OptionList)
        ids = [choices.get_option_at_index(i).id for i in range(choices.option_count)]
        assert "tree:hostile" in ids
        assert "tree:demo-edge" in ids


async def test_checklist_ticks_read_without_colour(make_app: MakeApp, store: Store) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1", *"403", "enter")
        checklist = app.screen.query_one("#checklist", SelectionList)

        def labels() -> list[str]:
            return [
                str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)
            ]

        assert labels() == [
            "[ ] 1. Open Admin > Telephony > Trunks.",
            "[ ] 2. Add the carrier's address to the ACL.",
        ]
        checklist.focus()
        await pilot.press("down", "space")
        assert labels()[1].startswith("[x] 2.")
        assert labels()[0].startswith("[ ] 1.")
        # The colour-only box is not drawn: the line starts with the mark.
        line = "".join(segment.text for segment in checklist.render_line(1))
        assert line.startswith("[x] 2. Add")
        await pilot.press("space")
        assert labels()[1].startswith("[ ] 2.")
        await pilot.press("space")
    assert stored_ticks(store, session_of(app).id) == [("2", "1"), ("2", ""), ("2", "1")]


async def test_path_panel_follows_the_end_of_a_long_walk(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the path panel is mounted just after the first frame
        box = app.screen.query_one("#path", PathView)
        for _ in range(5):
            await pilot.press("2", "backspace")
        await pilot.press("1")
        await pilot.pause()
        assert box.max_scroll_y > 0
        assert box.scroll_y == box.max_scroll_y  # the current step is in view
        # No scrollbar: the top row says what is above.
        assert box.render_line(0).text.strip() == f"↑ {box.scroll_y + 1} more rows above"
        assert "▶" in box.render_line(box.scrollable_content_region.height - 1).text
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert box.max_scroll_y == 0
        assert box.scroll_y == 0  # a path that fits starts at the top
        assert box.render_line(0).text.startswith("Path")
        # Each step wraps only its own lines: the others keep their rows.
        before = [(line, box.rows_of(line)) for line in box.lines[:-1]]
        await pilot.press("1")
        await pilot.pause()
        kept = [line for line, rows in before if rows is not None and box.rows_of(line) is rows]
        assert len(kept) == len(before)


async def test_path_panel_shows_the_current_step_from_the_first_overflow(
    make_app: MakeApp,
) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#path", PathView)
        for key in ["2", "backspace"] * 4 + ["1"]:  # one key, one check
            await pilot.press(key)
            await pilot.pause()
            assert box.scroll_y == box.max_scroll_y, key
            bottom = box.render_line(box.scrollable_content_region.height - 1).text
            assert "▶" in bottom or box.max_scroll_y == 0, key


async def test_a_struck_line_is_drawn_struck(make_app: MakeApp) -> None:
    """Content's == ignores styles: a line that only changed style is drawn again."""
    from textual.content import Content

    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#path", PathView)
        box.show([Content("Path"), Content.styled("a step", "italic")])
        await pilot.pause()
        box.show([Content("Path"), Content.styled("a step", "strike")])
        await pilot.pause()
        rows = box.rows_of(Content.styled("a step", "strike"))
        assert rows is not None
        assert any(seg.style is not None and seg.style.strike for seg in rows[0])


async def test_collector_resumes_after_the_first_frame(make_app: MakeApp) -> None:
    import gc

    gc.disable()  # as wizard.startup leaves it
    try:
        app = make_app("demo-phone")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_window_holds_its_session_and_lets_go_when_it_moves_on(
    make_app: MakeApp, isolated_home: Path
) -> None:
    from wizard.session_lock import in_use

    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        first = session_of(app).id
        assert in_use(isolated_home, first) and not app.open_elsewhere(first)
        app.restart()
        await pilot.pause()
        second = session_of(app).id
        assert second != first
        assert not in_use(isolated_home, first) and in_use(isolated_home, second)
    assert not in_use(isolated_home, second)  # the window closed


async def test_picker_marks_a_session_open_in_another_window(
    make_app: MakeApp, isolated_home: Path
) -> None:
    from wizard.session_lock import lock_session

    busy = await unfinished_session(make_app, "demo-edge")
    other_window = lock_session(isolated_home, busy)
    assert other_window is not None
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        choices = app.screen.query_one("#choices", OptionList)
        option = choices.get_option_at_index(0)
        assert option.id == f"session:{busy}"
        assert "open in another edge-wizard window" in str(option.prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # refused, with a notification
        other_window.release()  # that window closed: the next look sees it
        await pilot.press("d", "backspace")
        assert "open in another" not in str(choices.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen) and session_of(app).id == busy


async def test_a_long_path_resumes_scrolled_to_the_current_step(
    make_app: MakeApp, store: Store
) -> None:
    first = make_app("demo-phone")
    async with first.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            await pilot.press("2", "backspace")
    app = make_app(resume=store.get(session_of(first).id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#path", PathView)
        assert box.max_scroll_y > 0 and box.scroll_y == box.max_scroll_y


async def test_the_path_can_be_scrolled_from_the_keyboard(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(8):
            await pilot.press("2", "backspace")
        await pilot.pause()
        box = app.screen.query_one("#path", PathView)
        bottom = box.scroll_y
        assert bottom >= 2
        box.scroll_to(y=0, animate=False, immediate=True)  # as the mouse wheel would
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is box
        assert box.scroll_y == 0  # taking the focus does not jump to the end
        await pilot.press("end", "up", "up")
        assert box.scroll_y == bottom - 2
        await pilot.press("1")  # answering still works; the focus goes to the next step
        await pilot.pause()
        assert app.focused is not box and session_of(app).kind == "input"
        assert box.scroll_y == box.max_scroll_y


def test_a_change_of_style_alone_counts_as_a_change() -> None:
    from textual.content import Content

    from wizard.tui.step_layout import same_options

    plain = [(Content("1. Yes"), "answer-1")]
    assert same_options(plain, [(Content("1. Yes"), "answer-1")])
    assert not same_options(plain, [(Content.styled("1. Yes", "bold"), "answer-1")])
    assert not same_options(plain, [(Content("1. Yes"), "answer-2")])
    assert not same_options(plain, [])


async def test_picker_escape_clears_the_filter_then_goes_back(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        app.open_picker()
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        footer = {a.binding.id for a in app.screen.active_bindings.values() if a.binding.show}
        assert "picker-leave" in footer
        assert "Ctrl+Q quits" in shown(app, "#picker-title")
        await pilot.press(*"edge")
        assert app.screen.query_one("#filter", Input).value == "edge"
        await pilot.press("escape")
        assert app.screen.query_one("#filter", Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).kind == "input"  # the same session, where it was


async def test_a_note_closed_with_escape_is_kept_as_a_draft(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"carrier ticket 77", "escape")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert session_of(app).pending_notes == []
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert app.screen.query_one(SubmitArea).text == "carrier ticket 77"
        await pilot.press(*" open", "enter")
        await pilot.pause()
        assert [n.text for n in session_of(app).pending_notes] == ["carrier ticket 77 open"]
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.query_one(SubmitArea).text == ""  # saved: no draft left


async def test_typed_value_survives_help_notes_and_facts(make_app: MakeApp) -> None:
    app = make_app("demo-phone")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        field = app.screen.query_one(SubmitArea)
        await pilot.press(*"40", "escape")  # leave the field, value half typed
        await pilot.press("h")  # help toggled: the screen is redrawn
        await pilot.pause()
        assert field.text == "40"
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"call back", "enter")  # a note saved on this step
        await pilot.pause()
        assert field.text == "40"
        field.focus()
        await pilot.press("3", "enter")
        await pilot.pause()
        assert session_of(app).kind == "resolution"  # 403 was submitted whole
