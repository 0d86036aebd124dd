"""Hand-picked values for the routed inputs land where an engineer expects."""

from __future__ import annotations

import pytest

from tests.trees.test_endings_reachable import (
    _answer_sdp,
    _invite,
    _loaded,
    _path_to,
    walk_along,
)
from wizard.capture.answer import checked
from wizard.capture.findings import FIELDS
from wizard.graph import node_name
from wizard.session import AnswerError, Session


def _at_input(tree_id: str, node: str) -> Session:
    """A walk that stands on input `node`, along the shortest path from the
    tree's start: a new opening question does not break these tests."""
    graph, trees = _loaded()
    session = Session(graph, trees, tree_id)
    start = node_name(tree_id, trees[tree_id].start)
    walk_along(session, graph, _path_to(graph, start, f"{tree_id}/{node}"))
    assert session.kind == "input"
    return session


@pytest.mark.parametrize(
    ("value", "node"),
    [
        ("hold", "idle-rtp"),
        ("silence", "idle-rtp"),
        ("30", "ack-trace"),
        ("32", "ack-trace"),
        ("32s", "ack-trace"),
        ("15m", "timer-trace"),
        ("30m", "timer-trace"),
        ("900", "timer-trace"),
        ("1800s", "timer-trace"),
        ("5", "random-drops"),
        ("300", "random-drops"),
        ("45m", "random-drops"),
        # A fixed long duration is a limit somewhere (SBC, firewall session).
        ("60m", "fixed-duration"),
        ("1h", "fixed-duration"),
        ("3600", "fixed-duration"),
    ],
)
def test_drop_time_routes(value: str, node: str) -> None:
    session = _at_input("call-disconnects", "drop-time")
    session.answer(value)
    assert session.current == f"call-disconnects/{node}"


INVITE_403 = (
    "2024-05-02 10:15:01.123 SIP/2.0 100 Trying\r\n"
    "CSeq: 1 INVITE\r\n\r\n"
    "2024-05-02 10:15:01.456 SIP/2.0 403 Forbidden\r\n"
    "Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK1\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n"
)


@pytest.mark.parametrize(
    ("value", "node"),
    [
        ("403", "who-sent-403"),
        ("SIP/2.0 403 Forbidden", "who-sent-403"),
        (INVITE_403, "who-sent-403"),
        ("404", "e164"),
        ("SIP/2.0 404 Not Found", "e164"),
        ("484 Address Incomplete", "e164"),
        ("408", "carrier-options"),
        ("SIP/2.0 408 Request Timeout", "carrier-options"),
        ("488", "fix-488"),
        ("503", "who-sent-503"),
        ("SIP/2.0 503 Service Unavailable", "who-sent-503"),
        ("480", "carrier-480"),
        ("486", "far-end"),
        ("603", "far-end"),
        ("000", "ring-timeout"),
        ("500", "fix-503"),
        # A Q.850 cause decides when the status alone does not.
        ("SIP/2.0 500 Internal Server Error\r\nReason: Q.850;cause=34", "fix-503"),
        ('Reason: Q.850;cause=1;text="Unallocated number"', "e164"),
        # Cause 102 (recovery on timer expiry) is a 504 (RFC 3398 7.2.4.1).
        ("SIP/2.0 500 Error\r\nReason: Q.850;cause=102", "fix-503"),
        ("SIP/2.0 500 Error\r\nReason: Q.850;cause=21", "who-sent-403"),
        ("SIP/2.0 500 Error\r\nReason: Q.850;cause=17", "far-end"),
        # The status wins over the cause.
        ("SIP/2.0 404 Not Found\r\nReason: Q.850;cause=34", "e164"),
    ],
)
def test_sip_code_routes(value: str, node: str) -> None:
    session = _at_input("calls-blocked", "sip-code")
    session.answer(value)
    assert session.current == f"calls-blocked/{node}"


@pytest.mark.parametrize("value", ["4031", "40", "forbidden"])
def test_sip_code_rejects_malformed_values(value: str) -> None:
    session = _at_input("calls-blocked", "sip-code")
    with pytest.raises(AnswerError):
        session.answer(value)


def test_sip_code_fields_become_variables() -> None:
    session = _at_input("calls-blocked", "sip-code")
    session.answer("SIP/2.0 503 Service Unavailable\r\nReason: Q.850;cause=34")
    values = session.values()
    assert values["sip_code_status"] == "503"
    assert values["sip_code_q850"] == "34"


OK_PRIVATE_CONTACT = (
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK2\r\n"
    "Contact: <sip:+13175550100@192.168.10.20:5060>\r\n"
    "CSeq: 1 INVITE\r\n"
)
OK_PUBLIC_CONTACT = OK_PRIVATE_CONTACT.replace("192.168.10.20", "203.0.113.20")
TOO_SMALL_422 = "SIP/2.0 422 Session Interval Too Small\r\nMin-SE: 1800\r\nCSeq: 2 INVITE"


@pytest.mark.parametrize(
    ("value", "node"),
    [
        (OK_PRIVATE_CONTACT, "fix-contact-nat"),
        (OK_PUBLIC_CONTACT, "missing-ack"),
        ("none", "missing-ack"),
    ],
)
def test_ack_trace_routes(value: str, node: str) -> None:
    session = _at_input("call-disconnects", "ack-trace")
    session.answer(value)
    assert session.current == f"call-disconnects/{node}"


@pytest.mark.parametrize(
    ("value", "node"),
    [
        (
            "SIP/2.0 422 Session Interval Too Small\r\nMin-SE: 1800\r\nCSeq: 2 INVITE",
            "fix-session-interval",
        ),
        # A refresh answered with a Min-SE below its interval is healthy.
        (
            "SIP/2.0 200 OK\r\nx: 1800;refresher=uac\r\nMin-SE: 900\r\nCSeq: 2 UPDATE",
            "session-timer",
        ),
        (
            "UPDATE sip:a@192.168.1.5 SIP/2.0\r\nm: <sip:a@192.168.1.5>\r\nx: 1800",
            "fix-contact-nat",
        ),
        (
            "SIP/2.0 200 OK\r\nSession-Expires: 1800;refresher=uas\r\nCSeq: 2 INVITE",
            "session-timer",
        ),
        ("none", "session-timer"),
    ],
)
def test_timer_trace_routes(value: str, node: str) -> None:
    session = _at_input("call-disconnects", "timer-trace")
    session.answer(value)
    assert session.current == f"call-disconnects/{node}"


# The answer's first codec is the one the call uses: a G.729 listed after
# PCMU is not what the audio (or the digits' tones) went through.
@pytest.mark.parametrize(
    ("tree", "node", "payloads", "expected"),
    [
        ("dtmf", "sdp", "18", "fix-compressed"),
        ("dtmf", "sdp", "0 18", "who-drops-te"),
        ("bad-audio", "sip-sdp", "18 0", "fix-codec"),
        ("bad-audio", "sip-sdp", "0 18", "rtp-stops"),
    ],
)
def test_codec_routes_follow_the_first_codec_of_the_answer(
    tree: str, node: str, payloads: str, expected: str
) -> None:
    session = _at_input(tree, node)
    session.answer(_answer_sdp(payloads, ""))
    assert session.current == f"{tree}/{expected}"


def _capture(**findings: str) -> dict[str, object]:
    """A capture record whose findings are `findings`, the rest unknown."""
    blank = {name: "" for name in FIELDS} | {"private_sdp": "no"}
    return checked({"file": "test.pcap", "call_id": "test@x", "findings": blank | findings})


# A capture's q850 falls back to the BYE's Reason: an answered call (200)
# that the BYE ended with a cause was cut later, not refused.
@pytest.mark.parametrize(
    ("findings", "node"),
    [
        ({"status": "200", "q850": "102"}, "call-disconnects/drop-capture"),
        ({"status": "200", "q850": "41"}, "call-disconnects/drop-capture"),
        ({"status": "200", "q850": "16"}, "call-disconnects/drop-capture"),
        ({"status": "500", "q850": "102"}, "calls-blocked/fix-503"),
    ],
)
def test_sip_capture_answered_call_is_not_a_refusal(findings: dict[str, str], node: str) -> None:
    session = _at_input("calls-blocked", "sip-capture")
    session.answer_capture(_capture(**findings))
    assert session.current == node


def _withheld_leg(response: str) -> str:
    """The new leg's INVITE with the caller withheld, then the carrier's answer."""
    return (
        "INVITE sip:+13175550123@carrier.example SIP/2.0\r\nCSeq: 1 INVITE\r\n"
        "From: <sip:anonymous@anonymous.invalid>;tag=1\r\nPrivacy: id\r\n"
        "P-Asserted-Identity: <sip:+14155550123@carrier.example>\r\n\r\n"
        f"{response}\r\nCSeq: 1 INVITE\r\n"
    )


# A withheld caller explains a refusal, not a wrong number, full channels, a
# codec mismatch or a busy target: those answers mean the same either way.
@pytest.mark.parametrize(
    ("value", "node"),
    [
        (_withheld_leg("SIP/2.0 503 Service Unavailable"), "fix-leg-channels"),
        (_withheld_leg("SIP/2.0 484 Address Incomplete"), "fix-leg-number"),
        (_withheld_leg("SIP/2.0 488 Not Acceptable Here"), "fix-leg-codec"),
        (_withheld_leg("SIP/2.0 486 Busy Here"), "leg-far-end"),
        (_withheld_leg("SIP/2.0 403 Forbidden"), "fix-leg-anonymous"),
        (_withheld_leg("SIP/2.0 603 Decline"), "fix-leg-anonymous"),
        ("SIP/2.0 433 Anonymity Disallowed", "fix-leg-anonymous"),
        ("SIP/2.0 603 Decline", "leg-far-end"),
        ("SIP/2.0 403 Forbidden", "fix-leg-callerid"),
    ],
)
def test_leg_response_withheld_caller(value: str, node: str) -> None:
    session = _at_input("transfer-conference", "leg-response")
    session.answer(value)
    assert session.current == f"transfer-conference/{node}"


# Encoding names in rtpmap are case-insensitive (RFC 4855 section 3): an
# answer of a=rtpmap:18 g729/8000 is G.729 as much as G729 is.
@pytest.mark.parametrize("name", ["G729", "g729", "G729a"])
def test_bad_audio_codec_routes_ignore_case(name: str) -> None:
    session = _at_input("bad-audio", "sip-sdp")
    session.answer(_answer_sdp("18 0", f"a=rtpmap:18 {name}/8000\r\n"))
    assert session.current == "bad-audio/fix-codec"
    session = _at_input("bad-audio", "audio-capture")
    session.answer_capture(_capture(codec=name))
    assert session.current == "bad-audio/fix-codec"


# The carrier usually takes the calling number from P-Asserted-Identity,
# else From (byoc-ani's help): an extension in From behind a DID in PAI is
# not an extension sent as the caller, and the other way round it is.
@pytest.mark.parametrize(
    ("headers", "node"),
    [
        (
            "From: <sip:2001@edge.example>;tag=1\r\n"
            "P-Asserted-Identity: <sip:+13175550100@edge.example>\r\n",
            "ani-registered",
        ),
        (
            "From: <sip:+13175550100@edge.example>;tag=1\r\n"
            "P-Asserted-Identity: <sip:2001@edge.example>\r\n",
            "fix-elin-byoc",
        ),
        ("From: <sip:2001@edge.example>;tag=1\r\n", "fix-elin-byoc"),
        ("From: <sip:+13175550100@edge.example>;tag=1\r\n", "ani-registered"),
    ],
)
def test_byoc_ani_reads_pai_before_from(headers: str, node: str) -> None:
    session = _at_input("emergency-calls", "byoc-ani")
    session.answer(_invite(headers))
    assert session.current == f"emergency-calls/{node}"


CANCELLED = (
    "CANCEL sip:+13175550100@carrier.example SIP/2.0\r\nCSeq: 1 CANCEL\r\n"
    "Reason: Q.850;cause={cause}\r\n\r\n"
    "SIP/2.0 487 Request Terminated\r\nCSeq: 1 INVITE\r\n"
)


# A 487 answers the caller's own CANCEL (RFC 3261 9.1): a cause in that
# CANCEL says why our side gave up ringing, not why the far end refused.
@pytest.mark.parametrize("cause", ["102", "18", "19", "16"])
def test_a_cancelled_call_goes_to_the_dial_timeouts(cause: str) -> None:
    session = _at_input("calls-blocked", "sip-code")
    session.answer(CANCELLED.format(cause=cause))
    assert session.current == "calls-blocked/ring-timeout"
    session = _at_input("calls-blocked", "sip-capture")
    session.answer_capture(_capture(status="487", q850=cause))
    assert session.current == "calls-blocked/ring-timeout"


# A refused leg's last SDP is the INVITE's (our offer): it says nothing of
# how the far end would take the digits (fix-leg-dtmf: "the far end answered
# without telephone-event").
REFUSED_LEG = (
    "INVITE sip:+13175550123@carrier.example SIP/2.0\r\nCSeq: 1 INVITE\r\n"
    "From: <sip:+13175550100@edge.example>;tag=1\r\n"
    "Content-Type: application/sdp\r\n\r\n"
    "v=0\r\nc=IN IP4 203.0.113.9\r\nm=audio 30000 RTP/AVP 0 8\r\n\r\n"
    "SIP/2.0 {status}\r\nCSeq: 1 INVITE\r\n"
)


@pytest.mark.parametrize(
    ("status", "node"),
    [
        ("500 Server Internal Error", "escalate-carrier"),
        ("408 Request Timeout", "escalate-carrier"),
        ("487 Request Terminated", "escalate-carrier"),
        ("503 Service Unavailable", "fix-leg-channels"),
    ],
)
def test_leg_response_dtmf_only_for_a_leg_that_was_not_refused(status: str, node: str) -> None:
    session = _at_input("transfer-conference", "leg-response")
    session.answer(REFUSED_LEG.format(status=status))
    assert session.current == f"transfer-conference/{node}"


def test_leg_response_answer_without_telephone_event_is_dtmf() -> None:
    session = _at_input("transfer-conference", "leg-response")
    session.answer(_answer_sdp("0 8", ""))
    assert session.current == "transfer-conference/fix-leg-dtmf"


ANSWERED_THEN_CUT = (
    "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n"
    "BYE sip:+13175550100@carrier.example SIP/2.0\r\nCSeq: 2 BYE\r\n"
    "Reason: Q.850;cause={cause}\r\n\r\n"
    "SIP/2.0 200 OK\r\nCSeq: 2 BYE\r\n"
)


# A pasted 2xx is a call that connected: the BYE's cause says why it was cut,
# not why it was refused.
@pytest.mark.parametrize(
    "value",
    [
        ANSWERED_THEN_CUT.format(cause="102"),
        ANSWERED_THEN_CUT.format(cause="34"),
        ANSWERED_THEN_CUT.format(cause="21"),
        "SIP/2.0 200 OK",
    ],
)
def test_sip_code_answered_call_goes_to_dropped_calls(value: str) -> None:
    session = _at_input("calls-blocked", "sip-code")
    session.answer(value)
    assert session.current == "call-disconnects/drop-evidence"


# leg-response takes any text ('\S'), so a capitalised None is not refused:
# it must mean the same as none, not a paste with nothing in it.
@pytest.mark.parametrize("value", ["none", "None", "NONE", "000"])
def test_leg_response_none_in_any_case(value: str) -> None:
    session = _at_input("transfer-conference", "leg-response")
    session.answer(value)
    assert session.current == "transfer-conference/escalate-care"
