"""Captures of real calls: sipp as caller and callee on loopback, recorded by tcpdump.

Each capture is made once per test run (the `recorded` fixture in conftest.py)
and read by several tests. The scenario
files are in this folder; docs/capture.md says what each finding means.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.capture.analyze import AnalyzedCall, Capture, read_capture
from wizard.capture.records import CaptureError

from .conftest import Recorder


def only_call(capture: Capture) -> AnalyzedCall:
    assert len(capture.calls) == 1, [c.call_id for c in capture.calls]
    return capture.calls[0]


def ladder(call: AnalyzedCall) -> list[str]:
    return [m.summary() for m in call.call.messages]


def test_a_normal_call_with_rtp_both_ways_and_rfc2833_digits(recorded: Recorder) -> None:
    capture = read_capture(recorded("uac_call.xml", "uas_answer.xml"))
    call = only_call(capture)
    assert [line.split(" sip:")[0] for line in ladder(call)] == [
        "INVITE",
        "100 Trying (INVITE)",
        "180 Ringing (INVITE)",
        "200 OK (INVITE) with SDP",
        "ACK",
        "BYE",
        "200 OK (BYE)",
    ]
    found = call.findings.as_dict()
    assert found["status"] == "200"
    assert found["ack_after_200"] == "yes"
    assert int(found["ack_delay_ms"]) < 1000
    assert found["ok_retransmits"] == "0"
    assert found["bye_from"] == "caller"
    # The caller plays 1.2 s of audio, then the digit, then hangs up.
    assert 1.0 <= float(found["answered_s"]) <= 5.0
    assert found["session_expires"] == "1800"
    assert found["codec"] == "PCMA"
    assert found["dtmf"] == "rfc4733"
    assert found["telephone_event"] == "yes"
    assert found["private_sdp"] == "no"
    assert found["one_way_audio"] == "no"
    # Both sides play their audio straight after the answer; the digit follows.
    assert float(found["rtp_idle_s"]) < 5.0
    streams = call.findings.rtp_streams
    by_payload = sorted((s.payload, s.packets, s.lost) for s in streams)
    # Audio each way (sipp replays the same 40 packets), and the digit's ten packets
    # (three of them the repeated end of event) from the caller.
    assert by_payload == [("PCMA", 40, 0), ("PCMA", 40, 0), ("telephone-event", 10, 0)]
    assert all(s.max_jitter_ms is not None for s in streams if s.payload == "PCMA")
    caller = call.call.invite
    assert caller is not None
    events = next(s for s in streams if s.payload == "telephone-event")
    assert events.src != str(caller.src)  # RTP goes between the media ports
    assert capture.notes == [] and capture.cut is None


def test_the_same_call_over_tcp(recorded: Recorder) -> None:
    call = only_call(read_capture(recorded("uac_call.xml", "uas_answer.xml", "t1")))
    assert {m.transport for m in call.call.messages} == {"tcp"}
    assert [m.method or m.status for m in call.call.messages] == [
        "INVITE",
        100,
        180,
        200,
        "ACK",
        "BYE",
        200,
    ]
    found = call.findings.as_dict()
    assert (found["status"], found["ack_after_200"], found["bye_from"]) == ("200", "yes", "caller")
    assert found["one_way_audio"] == "no"


def test_a_200_ok_never_acked(recorded: Recorder) -> None:
    call = only_call(read_capture(recorded("uac_no_ack.xml", "uas_wait_ack.xml")))
    found = call.findings.as_dict()
    assert found["status"] == "200"
    assert found["ack_after_200"] == "no"
    assert found["ack_delay_ms"] == ""
    # Resent at 0.5, 1.5 s... while the callee waited 2.5 s for the ACK.
    assert int(found["ok_retransmits"]) >= 2
    assert found["bye_from"] == "callee"
    assert found["q850"] == "102"  # the callee's BYE: recovery on timer expiry
    assert "ACK" not in [m.method for m in call.call.messages]


def test_a_503_with_q850_cause_34(recorded: Recorder) -> None:
    call = only_call(read_capture(recorded("uac_rejected.xml", "uas_reject.xml")))
    found = call.findings.as_dict()
    assert found["status"] == "503"
    assert found["q850"] == "34"
    assert found["ack_after_200"] == ""
    assert found["bye_from"] == ""
    assert found["codec"] == ""
    assert found["rtp_streams"] == "0"
    assert found["one_way_audio"] == ""
    assert ladder(call)[-2:] == [
        "503 Service Unavailable (INVITE)",
        ladder(call)[-1],
    ] and ladder(call)[-1].startswith("ACK ")


def test_rtp_one_way_only(recorded: Recorder) -> None:
    call = only_call(read_capture(recorded("uac_call.xml", "uas_silent.xml")))
    found = call.findings.as_dict()
    assert found["status"] == "200"
    assert found["one_way_audio"] == "yes"
    # The callee never sent audio: silent from the answer to the BYE.
    assert float(found["rtp_idle_s"]) == float(found["answered_s"])
    invite = call.call.invite
    assert invite is not None
    streams = call.findings.rtp_streams
    assert streams and {s.src for s in streams} == {streams[0].src}  # all from the caller
    assert found["dtmf"] == "rfc4733"


def test_a_truncated_capture_names_the_packet(recorded: Recorder, tmp_path: Path) -> None:
    whole = recorded("uac_call.xml", "uas_answer.xml").read_bytes()
    # Cut inside the record of packet 10: a 24-byte file header, then records of a
    # 16-byte header and the frame.
    offset, n = 24, 0
    while n < 9:
        length = int.from_bytes(whole[offset + 8 : offset + 12], sys.byteorder)
        offset += 16 + length
        n += 1
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: offset + 20])
    with pytest.raises(CaptureError, match=r"^packet 10: the file ends inside") as info:
        read_capture(cut)
    assert info.value.packet == 10
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "pcap", str(cut)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "packet 10" in result.stderr and "truncated" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_command_on_a_real_capture(recorded: Recorder) -> None:
    path = recorded("uac_call.xml", "uas_answer.xml")
    text = subprocess.run(
        [sys.executable, "-m", "wizard", "pcap", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert any("INVITE sip:service@127.0.0.1" in line for line in lines)
    assert any(line.split() == ["one_way_audio:", "no"] for line in lines)
    data = subprocess.run(
        [sys.executable, "-m", "wizard", "pcap", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert data.returncode == 0, data.stderr
    parsed = json.loads(data.stdout)
    (call,) = parsed["calls"]
    assert call["findings"]["dtmf"] == "rfc4733"
    assert [step["line"].split()[0] for step in call["ladder"]] == [
        "INVITE",
        "SIP/2.0",
        "SIP/2.0",
        "SIP/2.0",
        "ACK",
        "BYE",
        "SIP/2.0",
    ]
    assert len(call["findings"]["rtp_streams"]) == 3
