"""Each finding from small dialogs built with dpkt: the record, its strings, its JSON."""

from __future__ import annotations

from pathlib import Path

from wizard.capture.analyze import AnalyzedCall, read_capture
from wizard.capture.findings import FIELDS, CallFindings, StreamFindings

from ._build import CALLEE, CALLER, Dialog, Frame, basic_call, sdp, udp, write_capture

T = 1_700_000_000.0
UP, DOWN = (CALLER, CALLEE), (CALLEE, CALLER)


def only(tmp_path: Path, frames: list[Frame]) -> AnalyzedCall:
    capture = read_capture(write_capture(tmp_path / "f.pcap", frames))
    assert len(capture.calls) == 1
    return capture.calls[0]


def test_as_dict_has_every_field_as_a_string() -> None:
    empty = CallFindings().as_dict()
    assert tuple(empty) == FIELDS
    assert all(isinstance(v, str) for v in empty.values())
    assert empty["private_sdp"] == "no" and empty["ack_after_200"] == ""
    full = CallFindings(
        status=200,
        ack_after_200=True,
        answered_s=31.96,
        rtp_streams=[StreamFindings("a:1", "b:2", 0xABC, "PCMU", 10, 1, None)],
        one_way_audio=False,
    )
    values = full.as_dict()
    assert (values["ack_after_200"], values["answered_s"], values["rtp_streams"]) == (
        "yes",
        "32.0",
        "1",
    )
    assert values["one_way_audio"] == "no"
    data = full.to_json()
    assert data["rtp_streams"] == [
        {
            "src": "a:1",
            "dst": "b:2",
            "ssrc": "0x00000abc",
            "payload": "PCMU",
            "packets": 10,
            "lost": 1,
            "max_jitter_ms": None,
        }
    ]


def test_a_plain_call(tmp_path: Path) -> None:
    found = only(tmp_path, basic_call()).findings.as_dict()
    assert found == {
        "status": "200",
        "q850": "",
        "ack_after_200": "yes",
        "ack_delay_ms": "50",
        "ok_retransmits": "0",
        "bye_from": "caller",
        "answered_s": "5.0",
        "session_expires": "",
        "refresh_answered": "",
        "private_sdp": "yes",  # the caller offers 10.1.1.10
        "codec": "PCMU",
        "dtmf": "none",
        "telephone_event": "no",  # the answer's SDP offers only PCMU
        "rtp_streams": "0",
        "one_way_audio": "",
        "rtp_idle_s": "",
    }


def test_the_callee_hangs_up_after_32_seconds_without_ack(tmp_path: Path) -> None:
    d = Dialog()
    frames = basic_call(d)[:4]  # INVITE, 100, 180, 200: no ACK
    ok = frames[3]
    for n, delay in enumerate((0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5)):
        frames.append(Frame(ok.time + delay, ok.data) if n < 9 else Frame(ok.time + delay, b""))
    frames = [f for f in frames if f.data]
    # The callee's BYE comes from another port: sides come from the dialog's tags.
    frames.append(
        Frame(ok.time + 32.0, udp(("192.0.2.20", 5999), CALLER, d.request("BYE", from_callee=True)))
    )
    found = only(tmp_path, frames).findings
    assert found.ack_after_200 is False
    assert found.ack_delay_ms is None
    assert found.ok_retransmits == 9
    assert found.bye_from == "callee"
    assert found.as_dict()["answered_s"] == "32.0"


def test_status_is_the_last_initial_invites_final_answer(tmp_path: Path) -> None:
    d = Dialog()
    frames = [
        Frame(T, udp(*UP, d.request("INVITE", tagged=False))),
        Frame(T + 0.1, udp(*DOWN, d.response("407 Proxy Authentication Required"))),
        Frame(T + 0.2, udp(*UP, d.request("ACK"))),
        Frame(T + 0.3, udp(*UP, d.request("INVITE", cseq=2, tagged=False))),
        Frame(T + 0.4, udp(*DOWN, d.response("180 Ringing", cseq=2))),
        Frame(
            T + 9.0,
            udp(
                *UP,
                d.request(
                    "CANCEL",
                    cseq=2,
                    tagged=False,
                    headers={"Reason": 'Q.850;cause=16;text="Normal call clearing"'},
                ),
            ),
        ),
        Frame(T + 9.1, udp(*DOWN, d.response("200 OK", "CANCEL", cseq=2))),
        Frame(T + 9.1, udp(*DOWN, d.response("487 Request Terminated", cseq=2))),
    ]
    found = only(tmp_path, frames).findings
    assert found.status == 487
    assert found.q850 == 16  # from the CANCEL
    assert found.ack_after_200 is None and found.bye_from is None


def test_q850_of_the_final_response_comes_first(tmp_path: Path) -> None:
    d = Dialog()
    frames = [
        Frame(T, udp(*UP, d.request("INVITE", tagged=False))),
        Frame(
            T + 0.1,
            udp(
                *DOWN,
                d.response("480 Temporarily Unavailable", headers={"Reason": "Q.850;cause=18"}),
            ),
        ),
        Frame(T + 0.2, udp(*UP, d.request("ACK", headers={"Reason": "Q.850;cause=31"}))),
    ]
    assert only(tmp_path, frames).findings.q850 == 18


def test_session_timer_refresh_answered_or_not(tmp_path: Path) -> None:
    d = Dialog(extra={"Session-Expires": "90;refresher=uac"})
    call = basic_call(d)[:5]
    refresh = Frame(T + 47.0, udp(*UP, d.request("INVITE", cseq=3, body=sdp(CALLER[0], 40000))))
    answered = [
        *call,
        refresh,
        Frame(T + 47.1, udp(*DOWN, d.response("200 OK", cseq=3, body=sdp(CALLEE[0], 50000)))),
    ]
    found = only(tmp_path, answered).findings
    assert (found.session_expires, found.refresh_answered) == (90, True)
    unanswered = [
        *call,
        refresh,
        Frame(T + 47.1, udp(*DOWN, d.response("100 Trying", cseq=3))),
        Frame(
            T + 92.0,
            udp(*DOWN, d.request("BYE", from_callee=True, headers={"Reason": "Q.850;cause=102"})),
        ),
    ]
    found = only(tmp_path, unanswered).findings
    assert found.refresh_answered is False
    assert found.bye_from == "callee" and found.q850 == 102


def test_session_expires_of_the_200_ok_wins(tmp_path: Path) -> None:
    d = Dialog()
    frames = basic_call(d)
    frames[0] = Frame(
        T, udp(*UP, d.request("INVITE", tagged=False, headers={"Session-Expires": "1800"}))
    )
    frames[3] = Frame(
        frames[3].time,
        udp(
            *DOWN,
            d.response(
                "200 OK",
                headers={"Session-Expires": "900;refresher=uas"},
                body=sdp(CALLEE[0], 50000, "0"),
            ),
        ),
    )
    assert only(tmp_path, frames).findings.session_expires == 900


def test_codec_is_the_answers(tmp_path: Path) -> None:
    d = Dialog(caller=("198.51.100.10", 5060), callee=("203.0.113.20", 5060))
    frames = basic_call(d)
    frames[0] = Frame(
        T,
        udp(
            d.caller,
            d.callee,
            d.request("INVITE", tagged=False, body=sdp(d.caller[0], 40000, "0 8 101")),
        ),
    )
    frames[3] = Frame(
        frames[3].time,
        udp(d.callee, d.caller, d.response("200 OK", body=sdp(d.callee[0], 50000, "8 101"))),
    )
    found = only(tmp_path, frames).findings
    assert found.codec == "PCMA"
    assert found.private_sdp is False


def test_sip_info_digits(tmp_path: Path) -> None:
    d = Dialog()
    frames = basic_call(d)[:5]
    info = d.request("INFO", cseq=3, headers={"Content-Type": "application/dtmf-relay"})
    frames.append(Frame(T + 3.0, udp(*UP, info)))
    assert only(tmp_path, frames).findings.dtmf == "sip-info"


def test_options_pings_are_not_calls(tmp_path: Path) -> None:
    ping = Dialog(call_id="ping-1")
    frames = [
        Frame(T - 1, udp(*UP, ping.request("OPTIONS", tagged=False))),
        Frame(T - 0.9, udp(*DOWN, ping.response("200 OK", "OPTIONS"))),
        *basic_call(),
    ]
    capture = read_capture(write_capture(tmp_path / "o.pcap", frames))
    assert [c.call_id for c in capture.calls] == ["a84b4c76e66710@pc33"]
    assert [c.call_id for c in capture.others] == ["ping-1"]


def test_calls_are_grouped_by_call_id(tmp_path: Path) -> None:
    first = basic_call(Dialog(call_id="one"))
    second = basic_call(Dialog(call_id="two", caller_tag="x1"), start=T + 1)
    frames = sorted(first + second, key=lambda f: f.time)
    capture = read_capture(write_capture(tmp_path / "two.pcap", frames))
    assert [c.call_id for c in capture.calls] == ["one", "two"]
    assert all(len(c.call.messages) == 7 for c in capture.calls)
