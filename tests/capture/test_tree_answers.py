"""A capture as the answer to a `parse: pcap` input: read by the caller, kept in the event.

The tree is `tests/fixtures/capture/demo-capture.yaml`; the captures are built
with dpkt (`_build.py`), so every run reads the same bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.engine.conftest import ticking_clock
from wizard.capture.answer import (
    capture_path,
    checked,
    choose_call,
    read_for_input,
)
from wizard.capture.records import CaptureError
from wizard.catalog import load_files, tree_files
from wizard.graph import build_graph
from wizard.scripted import answer_with_capture
from wizard.session import AnswerError, CaptureNeeded, Event, Session

from ._build import CALLEE, CALLER, Dialog, Frame, basic_call, udp, write_capture

TREES = Path(__file__).resolve().parents[1] / "fixtures" / "capture"
START = 1_700_000_000.0


def no_ack_call(dialog: Dialog | None = None, start: float = START) -> list[Frame]:
    """INVITE, 100, 180, 200 OK resent four times without an ACK, then the callee's BYE."""
    d = dialog or Dialog()
    frames = basic_call(d, start=start)[:4]
    ok = frames[3]
    frames += [Frame(ok.time + delay, ok.data) for delay in (0.5, 1.5, 3.5, 7.5)]
    bye = d.request("BYE", cseq=1, from_callee=True, headers={"Reason": "Q.850;cause=102"})
    frames.append(Frame(ok.time + 31.9, udp(CALLEE, CALLER, bye)))
    frames.append(
        Frame(ok.time + 31.91, udp(CALLER, CALLEE, d.response("200 OK", "BYE", to_callee=True)))
    )
    return frames


def rejected_call(dialog: Dialog | None = None, start: float = START) -> list[Frame]:
    d = dialog or Dialog()
    frames = basic_call(d, start=start)[:2]
    reject = d.response("503 Service Unavailable", headers={"Reason": "Q.850;cause=34"})
    frames.append(Frame(start + 0.2, udp(CALLEE, CALLER, reject)))
    frames.append(Frame(start + 0.21, udp(CALLER, CALLEE, d.request("ACK"))))
    return frames


@pytest.fixture(scope="module")
def loaded() -> tuple[object, dict[str, object]]:
    catalog = load_files(tree_files([TREES]))
    assert not catalog.findings, catalog.findings
    return build_graph(catalog.trees.values()), catalog.trees


@pytest.fixture
def session(loaded: tuple[object, dict[str, object]]) -> Session:
    graph, trees = loaded
    s = Session(
        graph,  # type: ignore[arg-type]
        trees,  # type: ignore[arg-type]
        "demo-capture",
        session_id="20261125-030000-abcd",
        clock=ticking_clock(datetime(2026, 11, 25, 3, 0, tzinfo=UTC)),
    )
    s.set_fact("trunk", "Carrier A")
    s.answer("Yes")
    return s


def test_the_input_asks_for_a_file_and_text_is_refused(session: Session) -> None:
    view = session.view()
    assert (view.kind, view.parse) == ("input", "pcap")
    before = list(session.events)
    with pytest.raises(CaptureNeeded, match="capture file"):
        session.answer("SIP/2.0 200 OK")
    with pytest.raises(CaptureNeeded):
        session.validate_answer("call.pcap")
    assert session.events == before


def test_a_capture_routes_on_its_findings(session: Session, tmp_path: Path) -> None:
    path = write_capture(tmp_path / "drop.pcap", no_ack_call())
    said = answer_with_capture(session, str(path))
    assert said.startswith("drop.pcap: pcap, Ethernet, 10 packets; Call-ID a84b4c76e66710@pc33")
    assert session.current == "demo-capture/fix-lost-ack"
    values = session.values()
    assert values["call"] == "drop.pcap (Call-ID a84b4c76e66710@pc33)"
    assert (values["call_ack_after_200"], values["call_ok_retransmits"]) == ("no", "4")
    assert (values["call_bye_from"], values["call_answered_s"], values["call_q850"]) == (
        "callee",
        "31.9",
        "102",
    )
    assert "call_session_expires" not in values
    assert session.fallbacks()["call_session_expires"] == "(no session expires in the capture)"
    assert session.view().text == (
        "drop.pcap (Call-ID a84b4c76e66710@pc33) shows the 200 OK sent 4 more times,"
        " then the callee hung up after 31.9 s."
    )


def test_another_field_takes_another_route(session: Session, tmp_path: Path) -> None:
    answer_with_capture(session, str(write_capture(tmp_path / "r.pcap", rejected_call())))
    assert session.current == "demo-capture/escalate"
    assert session.values()["call_status"] == "503"


def test_no_route_matched_takes_next(session: Session, tmp_path: Path) -> None:
    answer_with_capture(session, str(write_capture(tmp_path / "ok.pcap", basic_call())))
    assert session.current == "demo-capture/drop-time"


def _truncated(tmp_path: Path) -> Path:
    whole = write_capture(tmp_path / "whole.pcap", no_ack_call()).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[:-30])
    return cut


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.pcap", r"cannot read .*missing\.pcap"),
        (lambda d: (d / "notes.txt").write_text("hello") and d / "notes.txt", "not a pcap"),
        (_truncated, r"^packet 10: the file ends inside this packet's record"),
        (
            lambda d: write_capture(d / "empty.pcap", []),
            r"empty\.pcap has no SIP call \(an INVITE\) in it",
        ),
        (lambda d: d, "cannot read"),
    ],
    ids=["missing", "not-a-capture", "truncated", "no-call", "a-folder"],
)
def test_a_bad_file_is_a_clear_error_and_changes_nothing(
    session: Session, tmp_path: Path, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    before, where = list(session.events), session.current
    with pytest.raises(CaptureError, match=message):
        answer_with_capture(session, str(path))
    assert (session.events, session.current) == (before, where)
    # The admin tries again with a good file.
    answer_with_capture(session, str(write_capture(tmp_path / "good.pcap", no_ack_call())))
    assert session.current == "demo-capture/fix-lost-ack"


def test_a_replay_needs_no_file(
    session: Session, loaded: tuple[object, dict[str, object]], tmp_path: Path
) -> None:
    path = write_capture(tmp_path / "drop.pcap", no_ack_call())
    answer_with_capture(session, str(path))
    path.unlink()
    graph, trees = loaded
    events = [Event.from_json(json.loads(json.dumps(e.to_json()))) for e in session.events]
    again, dropped = Session.replay(
        graph,  # type: ignore[arg-type]
        trees,  # type: ignore[arg-type]
        "demo-capture",
        events,
        session_id=session.id,
        started_at=session.started_at,
    )
    assert dropped == 0
    assert again.current == session.current
    assert again.values() == session.values()
    assert again.path[-1].capture == session.path[-1].capture


@pytest.mark.parametrize(
    "value",
    ["not json", "[]", '{"file": "x"}', '{"file": 1, "call_id": "c", "findings": {}}'],
)
def test_a_tampered_capture_event_does_not_fit(
    session: Session, loaded: tuple[object, dict[str, object]], value: str
) -> None:
    graph, trees = loaded
    bad = Event("answer", session.clock(), node=session.current, key="capture", value=value)
    with pytest.raises(AnswerError, match="record cannot be used"):
        session.apply(bad)
    _, dropped = Session.replay(
        graph,  # type: ignore[arg-type]
        trees,  # type: ignore[arg-type]
        "demo-capture",
        [*session.events, bad],
        session_id=session.id,
        started_at=session.started_at,
    )
    assert dropped == 1


def test_a_capture_at_a_step_that_reads_none_is_refused(session: Session, tmp_path: Path) -> None:
    record = read_for_input(write_capture(tmp_path / "ok.pcap", basic_call()))
    session.answer_capture(record)  # to drop-time, a plain input
    with pytest.raises(AnswerError, match="does not read a capture"):
        session.answer_capture(record)


def test_control_characters_in_a_record_are_stripped() -> None:
    record = checked(
        {
            "file": "a\x1b]52;c;aGk=\x07.pcap",
            "call_id": "x\x1b[2J",
            "findings": {"status": "2\x9b00"},
            "ladder": ["   1  0.000  A → B  INVITE sip:\x1b[31mred"],
            "notes": ["\x00note"],
        }
    )
    text = json.dumps(record, ensure_ascii=False)
    assert not any(c in text for c in "\x1b\x07\x9b\x00")
    assert record["findings"]["status"] == "200"
    assert record["findings"]["one_way_audio"] == ""  # every field, "" when not recorded


def test_the_call_chosen_from_several(tmp_path: Path) -> None:
    first = Dialog(call_id="ringing-only@a")
    ringing = basic_call(first)[:3]  # no final response yet
    answered = no_ack_call(Dialog(call_id="answered@b"), start=START + 1)
    rejected = rejected_call(Dialog(call_id="answered@c"), start=START + 2)
    frames = sorted(ringing + answered + rejected, key=lambda f: f.time)
    path = write_capture(tmp_path / "trunk.pcap", frames)
    record = read_for_input(path)
    assert record["call_id"] == "answered@b"
    assert record["chosen"] == "the first of 3 calls with a final response"
    assert record["other_calls"] == ["ringing-only@a", "answered@c"]
    assert read_for_input(path, call_id="ringing")["call_id"] == "ringing-only@a"
    assert read_for_input(path, call_id="answered@c")["findings"]["status"] == "503"
    with pytest.raises(CaptureError, match="matches several calls"):
        read_for_input(path, call_id="answered")
    with pytest.raises(CaptureError, match="is not in this capture"):
        read_for_input(path, call_id="nope")
    only_ringing = write_capture(tmp_path / "ringing.pcap", basic_call(first)[:3])
    from wizard.capture.analyze import read_capture

    chosen, why = choose_call(read_capture(only_ringing))
    assert (chosen.call_id, why) == ("ringing-only@a", "the only call in the capture")


def test_a_long_ladder_is_cut_and_says_so(tmp_path: Path) -> None:
    d = Dialog()
    frames = basic_call(d)
    infos = [
        Frame(START + 3 + n * 0.1, udp(CALLER, CALLEE, d.request("INFO", cseq=10 + n)))
        for n in range(120)
    ]
    record = read_for_input(write_capture(tmp_path / "long.pcap", frames + infos))
    assert len(record["ladder"]) == 100
    assert record["ladder_left_out"] == 27  # 127 messages
    from wizard.capture.answer import ladder_text

    assert ladder_text(record)[-1] == (
        "… 27 more messages: edge-wizard pcap long.pcap --call a84b4c76e66710@pc33 shows them all"
    )


@pytest.mark.parametrize(
    ("typed", "path"),
    [
        ("/tmp/a b.pcap", "/tmp/a b.pcap"),
        ("'/tmp/a b.pcap'", "/tmp/a b.pcap"),
        ('"/tmp/a b.pcap"\n', "/tmp/a b.pcap"),
        ("/tmp/a\\ b.pcap", "/tmp/a b.pcap"),
        ("~/call.pcap", str(Path.home() / "call.pcap")),
    ],
)
def test_a_typed_or_pasted_path(typed: str, path: str) -> None:
    assert capture_path(typed) == Path(path)


def test_an_empty_path_is_an_error() -> None:
    with pytest.raises(CaptureError, match="give the path"):
        read_for_input("  ")


# -- the ticket note ---------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parents[1] / "engine" / "golden"
SUFFIX = {"markdown": "md", "text": "txt", "json": "json"}


def walked_to_the_fix(session: Session, tmp_path: Path) -> Session:
    answer_with_capture(session, str(write_capture(tmp_path / "drop.pcap", no_ack_call())))
    session.tick(1, True)
    session.answer("yes")
    return session


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_golden_note_of_a_capture_walk(session: Session, tmp_path: Path, fmt: str) -> None:
    """Regenerate with `UPDATE_GOLDEN=1 pytest tests/capture/test_tree_answers.py`."""
    from wizard.export import note_text

    note = note_text(walked_to_the_fix(session, tmp_path), fmt)  # type: ignore[arg-type]
    golden = GOLDEN / f"capture-fixed.{SUFFIX[fmt]}"
    if __import__("os").environ.get("UPDATE_GOLDEN"):
        golden.write_text(note)
    assert note == golden.read_text()


def test_the_json_note_carries_the_capture(session: Session, tmp_path: Path) -> None:
    from wizard.export import note_text

    data = json.loads(note_text(walked_to_the_fix(session, tmp_path), "json"))
    step = data["steps"][1]
    assert step["answer"] == "drop.pcap (Call-ID a84b4c76e66710@pc33)"
    capture = step["capture"]
    assert capture["file"] == "drop.pcap" and capture["packets"] == 10
    assert capture["findings"]["ack_after_200"] == "no"
    assert capture["findings"]["session_expires"] == ""  # every field, even unknown
    assert step["parsed"]["ok_retransmits"] == "4"
    assert capture["ladder"][0].split() == [
        "1",
        "0.000",
        "A",
        "→",
        "B",
        "INVITE",
        "sip:bob@192.0.2.20:5080",
        "with",
        "SDP",
    ]


HOSTILE = [
    "  11    40.000  A → B  INFO sip:```` # not a heading",
    "```",
    "# heading?  [link](https://evil.example) <img src=x>",
]


def _record_with(tmp_path: Path, lines: list[str], note: str) -> dict[str, object]:
    """A real capture's record, with packet text of our own in its ladder and notes."""
    record = read_for_input(write_capture(tmp_path / "drop.pcap", no_ack_call()))
    record["ladder"] = [*record["ladder"], *lines]
    record["notes"] = [note]
    return record


def test_packet_text_in_the_markdown_note_makes_no_structure(
    loaded: tuple[object, dict[str, object]], tmp_path: Path
) -> None:
    """What a packet says stays text: the note has the structure it has with a
    harmless capture, and the ladder is one fence that its lines cannot close."""
    from markdown_it import MarkdownIt

    from wizard.export import note_text

    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def note_with(record: dict[str, object]) -> tuple[list[str], list[str]]:
        graph, trees = loaded
        s = Session(graph, trees, "demo-capture")  # type: ignore[arg-type]
        s.answer("Yes")
        s.answer_capture(record)
        tokens = parser.parse(note_text(s, "markdown"))
        kinds = [t.type for t in tokens] + [c.type for t in tokens for c in t.children or []]
        return kinds, [t.content for t in tokens if t.type == "fence"]

    plain = _record_with(tmp_path, ["plain words"] * len(HOSTILE), "plain words")
    hostile = _record_with(tmp_path, HOSTILE, "**bold** `code` [x](y) <b> _em_")
    hostile_kinds, fences = note_with(hostile)
    assert hostile_kinds == note_with(plain)[0]
    (fence,) = fences
    assert fence.splitlines()[-1] == "# heading?  [link](https://evil.example) <img src=x>"


def test_a_backtracked_capture_keeps_its_findings_but_not_its_ladder(
    session: Session, tmp_path: Path
) -> None:
    from wizard.export import note_text

    answer_with_capture(session, str(write_capture(tmp_path / "drop.pcap", no_ack_call())))
    session.back()
    text = note_text(session, "text")
    assert "ack_after_200: no" in text and "ladder" not in text


# -- edge-wizard walk --------------------------------------------------------------


def walk(
    capsys: pytest.CaptureFixture[str], *answers: str, extra: tuple[str, ...] = ()
) -> tuple[int, str, str]:
    from wizard.cli import main

    argv = ["walk", "demo-capture", "--trees", str(TREES), "--fact", "trunk=Carrier A"]
    code = main([*argv, *extra, *(a for answer in answers for a in ("-a", answer))])
    out, err = capsys.readouterr()
    return code, out, err


def test_walk_reads_the_capture_at_the_path_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_capture(tmp_path / "drop.pcap", no_ack_call())
    code, out, err = walk(capsys, "Yes", str(path), "yes", extra=("--format", "text"))
    assert code == 0, err
    assert "read drop.pcap: pcap, Ethernet, 10 packets; Call-ID a84b4c76e66710@pc33" in err
    assert "RESOLUTION: Let the ACK through to Carrier A" in out
    assert "ack_after_200: no" in out and "ladder (seconds" in out


def test_walk_with_a_bad_capture_says_why_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = walk(capsys, "Yes", str(_truncated(tmp_path)))
    assert code == 1
    assert "answer 2 " in err and "is not a capture that can be read" in err
    assert "packet 10: the file ends inside" in err
    assert "Traceback" not in err and out == ""


def test_walk_picks_the_call_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frames = no_ack_call() + rejected_call(Dialog(call_id="rejected@x"), start=START + 40)
    path = write_capture(tmp_path / "two.pcap", sorted(frames, key=lambda f: f.time))
    code, out, err = walk(capsys, "Yes", str(path), extra=("--call", "rejected"))
    assert code == 0, err
    assert "Call-ID rejected@x (the call asked for; 1 other call)" in err
    assert "### Escalation: Open a case" in out


# -- the tree format ---------------------------------------------------------------

TREE = """\
id: t
title: T
summary: S
version: 1
start: a
nodes:
  a:
    kind: input
    text: The capture?
    var: cap
    parse: pcap
{extra}    routes:
{routes}    next: b
  b:
    kind: escalation
    title: "Status {{cap_status}}, idle {{cap_rtp_idle_s}} s"
    text: T
    collect: [C]
"""


def _load(
    extra: str = "", routes: str = "      - {field: status, match: '^5', next: b}\n"
) -> list[str]:
    from wizard.loader import load_bytes

    _, findings = load_bytes("t.yaml", TREE.format(extra=extra, routes=routes).encode())
    return [
        f"{f.pos.line}:{f.pos.col} {f.code} {f.message}" for f in findings if f.severity == "error"
    ]


def test_a_pcap_input_and_its_fields_load() -> None:
    from wizard.loader import PARSERS

    assert _load() == []
    assert "one_way_audio" in PARSERS["pcap"] and "rtp_idle_s" in PARSERS["pcap"]


def test_a_pcap_input_takes_no_pattern() -> None:
    (error,) = _load(extra="    pattern: 'x'\n")
    assert error.startswith("12:14 E104 node 'a' reads a capture file ('parse: pcap')")


def test_a_pcap_route_must_name_a_field() -> None:
    (error,) = _load(routes="      - {match: 'x', next: b}\n")
    assert error.startswith("13:17 E104 a route of node 'a' needs 'field'")
    (error,) = _load(routes="      - {field: codecs, match: 'x', next: b}\n")
    assert "'codecs' is not a field of 'parse: pcap' (did you mean 'codec'?)" in error
