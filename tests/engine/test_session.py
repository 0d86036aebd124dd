"""The walk engine: answers, inputs, links, verification, back, notes, replay."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from wizard.session import AnswerError, Event, Session, SessionEnded

MakeSession = Callable[[str], Session]


def test_question_by_label_any_case_or_number(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.answer("NOT SURE")
    assert s.outcome == "escalated"
    s2 = new_session("demo-phone")
    s2.answer("3")
    assert s2.current == s.current


def test_unknown_answer_lists_options(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    with pytest.raises(AnswerError) as info:
        s.answer("maybe")
    assert info.value.options == ["Yes", "No", "Not sure"]
    assert s.events == [] and s.path == []


def test_input_pattern_and_routes(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.set_fact("site", "HQ")
    s.answer("yes")
    with pytest.raises(AnswerError, match="for example: 404"):
        s.answer("4O4")
    s.answer(" 403 ")
    view = s.view()
    assert (view.kind, view.title, view.text) == (
        "resolution",
        "Fix the ACL for HQ",
        "Code 403 means the carrier refused.",
    )
    assert view.options == ["Fixed", "Not fixed"]


def test_validate_answer_checks_without_recording(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.answer("yes")
    before = list(s.events)
    with pytest.raises(AnswerError, match="for example: 404"):
        s.validate_answer("4O4")
    s.validate_answer("403")
    assert s.events == before and s.kind == "input"


def test_default_route_follows_link_into_other_tree(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.answer("yes")
    s.answer("500")
    assert s.current == "demo-edge/lcd"
    assert s.trees_seen == ["demo-phone", "demo-edge"]
    link_step = s.path[-1]
    assert link_step.automatic and link_step.kind == "link"
    assert ("edge_name", "Edge name", False) in [
        (f.var, f.prompt, f.required) for f in s.fact_specs()
    ]


def test_verify_fixed_and_not_fixed(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    for a in ("yes", "404", "yes"):
        s.answer(a)
    assert s.outcome == "fixed" and s.finished
    with pytest.raises(SessionEnded):
        s.answer("yes")

    s = new_session("demo-phone")
    for a in ("yes", "404", "no"):
        s.answer(a)
    # `unresolved` continues the walk: here into the escalation.
    assert s.outcome == "escalated"
    assert s.view().kind == "escalation"

    s = new_session("demo-edge")
    for a in ("no", "no"):
        s.answer(a)
    assert s.outcome == "not-fixed"


def test_back_keeps_the_abandoned_step(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    assert s.back() is False
    s.answer("yes")
    s.answer("500")  # crosses the link into demo-edge
    assert s.back() is True
    assert s.current == "demo-phone/code"
    assert [(st.answer, st.backtracked) for st in s.path] == [
        ("Yes", False),
        ("500", True),
        ("demo-edge", True),
    ]
    s.answer("403")
    assert s.values()["sip_code"] == "403"
    assert [st.answer for st in s.active_steps()] == ["Yes", "403"]


def test_back_from_an_ending_reopens_the_session(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.answer("no")
    assert s.outcome == "escalated"
    s.back()
    assert s.outcome is None and s.current == "demo-phone/reaches"


def test_notes_attach_to_the_step_they_were_written_on(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.note("caller on hold")
    s.answer("yes")
    s.note("carrier says \x1b]52;c;aGk=\x07 fine")
    s.answer("404")
    assert [n.text for n in s.path[0].notes] == ["caller on hold"]
    assert [n.text for n in s.path[1].notes] == ["carrier says ]52;c;aGk= fine"]


def test_templates_do_not_evaluate(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.set_fact("site", "{site.__class__} {0} {{x}}")
    assert s.view().prompt == "Does the call reach {site.__class__} {0} {{x}}?"


def test_replay_rebuilds_the_same_state(
    new_session: MakeSession, graph: object, catalog_trees: dict[str, object]
) -> None:
    s = new_session("demo-phone")
    s.set_fact("site", "HQ")
    s.answer("yes")
    s.note("n1")
    s.answer("500")
    s.back()
    s.answer("403")
    events = [Event.from_json(e.to_json()) for e in s.events]
    again, dropped = Session.replay(
        s.nodes, s.trees, "demo-phone", events, session_id=s.id, started_at=s.started_at
    )
    assert dropped == 0
    assert again.current == s.current
    assert [(x.answer, x.backtracked) for x in again.path] == [
        (x.answer, x.backtracked) for x in s.path
    ]


def test_replay_stops_where_the_tree_no_longer_fits(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.answer("yes")
    s.answer("403")
    events = list(s.events)
    events[1] = Event("answer", events[1].at, node="demo-phone/gone", value="403")
    again, dropped = Session.replay(
        s.nodes, s.trees, "demo-phone", events, session_id=s.id, started_at=s.started_at
    )
    assert dropped == 1
    assert again.current == "demo-phone/code"


def test_ticks_belong_to_the_resolution_and_go_with_its_answer(new_session: MakeSession) -> None:
    s = new_session("demo-phone")
    s.set_fact("site", "HQ")
    s.answer("yes")
    with pytest.raises(AnswerError):
        s.tick(1, True)  # a question has no checklist
    s.answer("403")
    with pytest.raises(AnswerError, match="no step 3"):
        s.tick(3, True)
    s.tick(2, True)
    s.back()  # left half done: kept on the path, backtracked, with its tick
    left = s.path[-1]
    assert (left.kind, left.backtracked, left.ticked) == ("resolution", True, {2})
    s.answer("403")
    assert s.ticked() == {2}  # the same fix shown again keeps what was ticked
    s.tick(1, True)
    s.answer("no")
    tried = [step for step in s.path if step.kind == "resolution" and not step.backtracked]
    assert tried[0].ticked == {1, 2}


def test_a_fallback_that_begins_a_sentence_is_capitalized() -> None:
    from wizard.templates import fill

    def fallback(name: str) -> str:
        return "the Edge"

    assert (
        fill("{e} stays down. Check {e}.", {}, fallback) == "The Edge stays down. Check the Edge."
    )
    assert fill("Is {e} up?\n{e} is not.", {}, fallback) == "Is the Edge up?\nThe Edge is not."
    filled = fill("{e} is down", {}, fallback)
    assert filled.gaps == ((0, 8),)  # still shown as not given
    assert fill("{e} is down", {"e": "edge-1"}, fallback) == "edge-1 is down"  # values as typed
