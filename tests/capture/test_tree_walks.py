"""The shipped trees walked with real captures: each call tests/capture records, given
as the answer to the tree's `parse: pcap` input through `edge-wizard walk`, ends
where that call's fault is fixed.

The calls are made with sipp and recorded by tcpdump on loopback (the `recorded`
fixture in conftest.py); two timers no sipp scenario here plays out (a side gone
silent, a refresh never answered) are built with dpkt.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.capture.records import CaptureError
from wizard.catalog import load_files, tree_files
from wizard.cli import main
from wizard.graph import build_graph
from wizard.scripted import answer_with_capture
from wizard.session import Session

from ._build import CALLEE, CALLER, Dialog, Frame, basic_call, rtp, udp, write_capture
from .conftest import NO_ACK, NORMAL, ONE_WAY, REJECTED, Recorder

TREES = Path(__file__).resolve().parents[2] / "trees"
HAVE = "Yes, I have the capture file"

# The answers that lead to each tree's capture input, as an admin gives them.
TO_CAPTURE = {
    "dtmf": [
        "unknown",
        "Nothing that I know of",
        "Our Architect IVR does not take callers' digits",
        "Every digit, at every menu and prompt",
        "Every caller, also from a mobile phone",
        "BYOC Cloud (a BYOC Carrier or BYOC PBX trunk)",
        HAVE,
    ],
    "call-disconnects": [
        "unknown",
        "Nothing that I know of",
        "Phone calls",
        "Peer: the other party hung up",
        "Talking to a person, or on hold",
        HAVE,
    ],
    "calls-blocked": [
        "unknown",
        "Nothing that I know of",
        "Everyone, to this number or this kind of number",
        "It is classified and routed to a trunk",
        "Yes, it is in service",
        HAVE,
    ],
    "bad-audio": [
        "unknown",
        "Nothing that I know of",
        "A desk phone or a SIP softphone",
        "One side hears nothing (one-way audio)",
        "BYOC Premises: our own Edges at the site",
        "Yes, all online and in service",
        "Only external calls, over one trunk, carrier or PBX",
        HAVE,
    ],
}


def walk(
    capsys: pytest.CaptureFixture[str], tree: str, capture: Path, *after: str
) -> dict[str, object]:
    """`edge-wizard walk TREE` to the capture, the capture, then `after`; the JSON note."""
    answers = [*TO_CAPTURE[tree], str(capture), *after]
    argv = ["walk", tree, "--format", "json", "--fact", "dialed_number=+13175550100"]
    code = main([*argv, *(a for answer in answers for a in ("-a", answer))])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"read {capture.name}: pcap" in err
    note: dict[str, object] = json.loads(out)
    return note


def capture_step(note: dict[str, object]) -> dict[str, object]:
    steps = note["steps"]
    assert isinstance(steps, list)
    (step,) = [s for s in steps if "capture" in s]
    assert isinstance(step, dict)
    return step


def ending(note: dict[str, object]) -> str:
    end = note["ending"]
    assert isinstance(end, dict)
    return f"{end['tree']}/{end['node']}"


def test_a_normal_call_with_rfc2833_digits_reads_as_rtp_events(
    recorded: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(*NORMAL)
    note = walk(capsys, "dtmf", path, "Different numbers", "yes")
    findings = capture_step(note)["capture"]["findings"]  # type: ignore[index]
    assert (findings["dtmf"], findings["telephone_event"]) == ("rfc4733", "yes")
    assert ending(note) == "dtmf/fix-payload"
    assert note["outcome"] == "fixed"


def test_a_normal_call_shows_no_cause_of_a_drop(
    recorded: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    # Answered, ACKed, audio both ways to the end: the timing is asked by hand.
    note = walk(capsys, "call-disconnects", recorded(*NORMAL), "32", "none", "1", "yes")
    steps = note["steps"]
    assert isinstance(steps, list)
    assert [s["node"] for s in steps][6:8] == ["drop-capture", "drop-time"]
    assert ending(note) == "call-disconnects/fix-sip-alg"


def test_a_200_ok_never_acked_is_the_missing_ack(
    recorded: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    note = walk(capsys, "call-disconnects", recorded(*NO_ACK), "Yes, or we do not know", "yes")
    step = capture_step(note)
    assert step["parsed"]["ack_after_200"] == "no"  # type: ignore[index]
    steps = note["steps"]
    assert isinstance(steps, list)
    assert steps[steps.index(step) + 1]["node"] == "missing-ack"
    assert ending(note) == "call-disconnects/fix-sip-alg"


def test_a_503_with_q850_cause_34_goes_to_the_retry_trunk(
    recorded: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    note = walk(capsys, "calls-blocked", recorded(*REJECTED), "From the carrier or our SBC", "yes")
    findings = capture_step(note)["capture"]["findings"]  # type: ignore[index]
    assert (findings["status"], findings["q850"]) == ("503", "34")
    assert ending(note) == "calls-blocked/fix-503"


def test_rtp_one_way_only_asks_which_side_was_silent(
    recorded: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    path = recorded(*ONE_WAY)
    note = walk(capsys, "bad-audio", path, "Our side (the Edge, our phones, SBC or PBX)", "yes")
    steps = note["steps"]
    assert isinstance(steps, list)
    asked = next(s for s in steps if s["node"] == "one-way-side")
    assert asked["prompt"].startswith(f"{path.name} (Call-ID ")
    assert asked["prompt"].endswith("has audio going one way only. Which side sent none?")
    assert ending(note) == "bad-audio/fix-rtp-path"


def test_a_truncated_capture_is_refused_and_the_walk_goes_on(
    recorded: Recorder, tmp_path: Path
) -> None:
    whole = recorded(*NO_ACK).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: len(whole) - 40])
    catalog = load_files(tree_files([TREES]))
    session = Session(build_graph(catalog.trees.values()), catalog.trees, "call-disconnects")
    for answer in TO_CAPTURE["call-disconnects"]:
        session.answer(answer)
    before, where = list(session.events), session.current
    with pytest.raises(CaptureError, match=r"^packet \d+: the file ends inside this packet"):
        answer_with_capture(session, str(cut))
    assert (session.events, session.current) == (before, where)
    answer_with_capture(session, str(recorded(*NO_ACK)))
    assert session.current == "call-disconnects/missing-ack"


# -- timers built with dpkt ----------------------------------------------------------

START = 1_700_000_000.0
CALLER_MEDIA, CALLEE_MEDIA = (CALLER[0], 40000), (CALLEE[0], 50000)


def audio(src: tuple[str, int], dst: tuple[str, int], seconds: float, ssrc: int) -> list[Frame]:
    """`seconds` of 20 ms packets from just after the answer (basic_call answers at +2.0)."""
    return [
        Frame(START + 2.2 + n * 0.02, udp(src, dst, rtp(n + 1, n * 160, ssrc)))
        for n in range(round(seconds / 0.02))
    ]


def test_a_side_gone_silent_before_the_bye_is_the_idle_rtp_timer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = Dialog()
    frames = basic_call(d)[:5]  # to the ACK; the callee stops talking after 2 s
    frames += audio(CALLER_MEDIA, CALLEE_MEDIA, 29.5, 0x11) + audio(
        CALLEE_MEDIA, CALLER_MEDIA, 2, 0x22
    )
    frames.append(Frame(START + 32.0, udp(CALLER, CALLEE, d.request("BYE", cseq=2))))
    path = write_capture(tmp_path / "idle.pcap", sorted(frames, key=lambda f: f.time))
    note = walk(capsys, "call-disconnects", path, "Yes, it is on (the default)", "yes")
    assert capture_step(note)["parsed"]["rtp_idle_s"] == "27.8"  # type: ignore[index]
    assert ending(note) == "call-disconnects/fix-idle-rtp"


def test_a_refresh_never_answered_is_the_session_timer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d = Dialog(extra={"Session-Expires": "90;refresher=uac"})
    frames = basic_call(d)[:5]
    reinvite = d.request("INVITE", cseq=2, body="")
    frames.append(Frame(START + 47.0, udp(CALLER, CALLEE, reinvite)))
    frames.append(Frame(START + 92.0, udp(CALLEE, CALLER, d.request("BYE", from_callee=True))))
    path = write_capture(tmp_path / "refresh.pcap", frames)
    note = walk(capsys, "call-disconnects", path, "yes")
    parsed = capture_step(note)["parsed"]
    assert (parsed["refresh_answered"], parsed["session_expires"]) == ("no", "90")  # type: ignore[index]
    assert ending(note) == "call-disconnects/session-timer"


def test_an_answered_call_in_calls_blocked_goes_on_to_the_drops(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_capture(tmp_path / "answered.pcap", basic_call())
    # The link lands on the drop capture: the same file, read again there.
    note = walk(capsys, "calls-blocked", path, str(path), "32", "none", "1", "yes")
    assert ending(note) == "call-disconnects/fix-sip-alg"
    assert [t["id"] for t in note["trees"]] == ["calls-blocked", "call-disconnects"]  # type: ignore[union-attr]
