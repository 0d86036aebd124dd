"""The SIP text parser: unit cases and a property test that it never raises."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.sipparse import MAX_INPUT, is_private_address, parse_message, parse_sip

INVITE_LOG = """\
2024-05-01 10:00:00.123 DEBUG [SipStack] sending to 203.0.113.5:5060
INVITE sip:+15551234567@carrier.example:5060 SIP/2.0
v: SIP/2.0/UDP 192.168.10.20:5060;branch=z9hG4bK-1;rport
f: <sip:+15550001111@192.168.10.20>;tag=abc
t: <sip:+15551234567@carrier.example>
i: 1234@192.168.10.20
CSeq: 1 INVITE
m: <sip:edge@192.168.10.20:5060>
x: 1800;refresher=uac
Min-SE: 90
c: application/sdp
l: 120

v=0
o=- 1 1 IN IP4 192.168.10.20
s=-
c=IN IP4 192.168.10.20
m=audio 16384 RTP/AVP 0
2024-05-01 10:00:00.180 DEBUG [SipStack] received from 203.0.113.5:5060
SIP/2.0 100 Trying
Via: SIP/2.0/UDP 192.168.10.20:5060;branch=z9hG4bK-1;received=198.51.100.7;rport=40123
CSeq: 1 INVITE

2024-05-01 10:00:01.002 DEBUG [SipStack] received from 203.0.113.5:5060
SIP/2.0 503 Service Unavailable
Via: SIP/2.0/UDP 192.168.10.20:5060;branch=z9hG4bK-1
CSeq: 1 INVITE
Reason: Q.850;cause=34;text="No circuit/channel available"
Content-Length: 0

2024-05-01 10:00:01.010 DEBUG [SipStack] sending ACK
ACK sip:+15551234567@carrier.example:5060 SIP/2.0
CSeq: 1 ACK
"""


def test_bare_status_forms() -> None:
    for text, code, reason in (
        ("503", 503, None),
        ("  503 Service Unavailable \n", 503, "Service Unavailable"),
        ("SIP/2.0 503 Service Unavailable", 503, "Service Unavailable"),
        ("SIP/2.0 486 Busy Here\r\n", 486, "Busy Here"),
    ):
        f = parse_sip(text)
        assert f.status_code == code, text
        assert f.reason == reason, text
    assert parse_sip("5030").status_code is None
    assert parse_sip("hello").status_code is None
    assert parse_sip("").as_dict()["status"] == ""


def test_log_excerpt_takes_last_final_response() -> None:
    f = parse_sip(INVITE_LOG)
    assert f.status_code == 503
    assert f.reason == "Service Unavailable"
    assert f.method == "INVITE"
    assert f.q850_cause == 34
    assert f.q850_text == "No circuit/channel available"
    assert f.session_expires == 1800
    assert f.refresher == "uac"
    assert f.min_se == 90
    assert f.private_contact and f.private_via and f.private_sdp
    assert f.messages == 4
    d = f.as_dict()
    assert d["status"] == "503" and d["status_class"] == "5xx"
    assert d["q850"] == "34"
    assert d["session_expires"] == "1800"
    assert d["private_contact"] == "yes"
    assert all(isinstance(v, str) for v in d.values())


def test_crlf_and_case_insensitive_and_folding() -> None:
    text = (
        "SIP/2.0 200 OK\r\n"
        "VIA: SIP/2.0/TLS 203.0.113.1:5061;branch=z9hG4bK-2\r\n"
        "session-expires: 900\r\n"
        "  ;refresher=uas\r\n"
        "CONTACT: <sips:sbc@[fd00::1]:5061>\r\n"
        "cseq: 7 UPDATE\r\n\r\n"
    )
    f = parse_sip(text)
    assert f.status_code == 200
    assert f.method == "UPDATE"
    assert f.session_expires == 900
    assert f.refresher == "uas"
    assert f.private_contact is True
    assert f.private_via is False


def test_reason_in_a_later_bye_is_found() -> None:
    text = (
        "SIP/2.0 200 OK\nCSeq: 1 INVITE\n\n"
        'BYE sip:a@b SIP/2.0\nReason: SIP;cause=200, Q.850;cause=16;text="Normal call clearing"\n'
    )
    f = parse_sip(text)
    assert f.status_code == 200
    assert f.q850_cause == 16
    assert f.q850_text == "Normal call clearing"


def test_headers_only_paste() -> None:
    f = parse_sip("Reason: Q.850 ;cause=41\nMin-SE: 120\n")
    assert f.q850_cause == 41
    assert f.min_se == 120
    assert f.status_code is None


def test_public_addresses_are_not_private() -> None:
    text = (
        "INVITE sip:x@198.51.100.1 SIP/2.0\n"
        "Via: SIP/2.0/UDP 198.51.100.2:5060;branch=z9hG4bK-3\n"
        "Contact: <sip:x@198.51.100.2>\n"
        "Content-Type: application/sdp\n\n"
        "c=IN IP4 198.51.100.2\n"
    )
    f = parse_sip(text)
    assert not (f.private_contact or f.private_via or f.private_sdp)
    assert f.method == "INVITE"


def test_private_ranges() -> None:
    for addr in (
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "100.64.0.1",
        "100.127.255.254",
        "169.254.1.1",
        "fd12::1",
        "fc00::1",
        "[fe80::1]",
        "::ffff:10.0.0.1",
    ):
        assert is_private_address(addr), addr
    for addr in ("172.32.0.1", "100.128.0.1", "8.8.8.8", "2001:db8::1", "127.0.0.1", "host"):
        assert not is_private_address(addr), addr


def test_parse_message_helper() -> None:
    msg = parse_message("SIP/2.0 404 Not Found\r\nv: SIP/2.0/UDP a:1;branch=x\r\n\r\n")
    assert msg is not None
    assert msg.status_code == 404
    assert msg.get("Via") == "SIP/2.0/UDP a:1;branch=x"
    assert msg.get("v") == msg.get("via")


def test_huge_input_is_bounded() -> None:
    junk = ("Contact: <sip:" + "sip:" * 4000 + ">\n") * 200
    adversarial = "SIP/2.0 " * 100_000 + "A sip:" * 100_000 + junk
    start = time.monotonic()
    f = parse_sip(adversarial)
    assert time.monotonic() - start < 3
    assert isinstance(f.as_dict(), dict)
    big = "x" * (MAX_INPUT * 4) + "\nSIP/2.0 480 Temporarily Unavailable\n"
    assert parse_sip(big).status_code == 480


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    d = parse_sip(text).as_dict()
    assert all(isinstance(v, str) for v in d.values())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "SIP/2.0 ",
                "503",
                " Service",
                "\r\n",
                "\n",
                "Via: SIP/2.0/UDP 10.0.0.1:5060",
                "m: <sip:a@192.168.0.1>",
                "Reason: Q.850;cause=",
                "16",
                ';text="',
                "x: 90;refresher=",
                "c=IN IP4 10.0.0.",
                "INVITE sip:a@b SIP/2.0",
                " ",
                "\t",
                ":",
                ";",
                '"',
                "<",
                ">",
            ]
        ),
        max_size=80,
    )
)
def test_never_raises_on_sip_like_fragments(parts: list[str]) -> None:
    f = parse_sip("".join(parts))
    assert f.status_code is None or 100 <= f.status_code <= 699


OFFER_ANSWER = (
    "INVITE sip:+13175550100@edge.example SIP/2.0\r\n"
    'From: "Ann" <sip:+14155550123@carrier.example>;tag=1\r\n'
    "P-Asserted-Identity: <sip:+14155550199@carrier.example>\r\n"
    "Remote-Party-ID: <tel:+14155550100>;party=calling\r\n"
    "Privacy: none\r\n"
    "Content-Type: application/sdp\r\n\r\n"
    "v=0\r\nc=IN IP4 198.51.100.7\r\nm=audio 20000 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n\r\n"
    "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n"
    "v=0\r\nc=IN IP4 203.0.113.9\r\nm=audio 30000 RTP/AVP 8 96\r\n"
    "a=rtpmap:96 telephone-event/8000\r\n"
)


def test_codecs_and_dtmf_come_from_the_answer() -> None:
    fields = parse_sip(OFFER_ANSWER).as_dict()
    assert fields["codecs"] == "PCMA"
    assert fields["dtmf"] == "rfc4733"
    without = OFFER_ANSWER.replace("m=audio 30000 RTP/AVP 8 96", "m=audio 30000 RTP/AVP 8")
    without = without.replace("a=rtpmap:96 telephone-event/8000\r\n", "")
    assert parse_sip(without).as_dict()["dtmf"] == "none"  # offered, not negotiated


def test_dtmf_by_sip_info_and_unknown_without_sdp() -> None:
    info = "INFO sip:edge SIP/2.0\r\nContent-Type: application/dtmf-relay\r\n\r\nSignal=5\r\n"
    assert parse_sip(info).as_dict()["dtmf"] == "sip-info"
    assert parse_sip("SIP/2.0 486 Busy Here").as_dict()["dtmf"] == ""


def test_caller_identity_headers() -> None:
    fields = parse_sip(OFFER_ANSWER).as_dict()
    assert (fields["from_user"], fields["pai"], fields["rpid"]) == (
        "+14155550123",
        "+14155550199",
        "+14155550100",
    )
    assert (fields["privacy"], fields["anonymous"]) == ("none", "no")
    hidden = OFFER_ANSWER.replace("Privacy: none", "Privacy: id;critical")
    assert parse_sip(hidden).as_dict()["anonymous"] == "yes"
    anonymous = OFFER_ANSWER.replace("sip:+14155550123@", "sip:anonymous@")
    assert parse_sip(anonymous).as_dict()["anonymous"] == "yes"


def test_private_sdp_reads_the_media_address_not_the_origin() -> None:
    # Behind a NAT that fixes c= (an SBC, or an ALG), o= keeps the private
    # address; no media is ever sent to it.
    answer = (
        "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n"
        "v=0\r\no=- 1 1 IN IP4 192.168.10.20\r\nc=IN IP4 203.0.113.20\r\n"
        "m=audio 16384 RTP/AVP 0\r\n"
    )
    assert parse_sip(answer).private_sdp is False
    assert parse_sip(answer.replace("203.0.113.20", "10.1.2.3")).private_sdp is True


def test_a_side_transaction_answered_last_does_not_hide_the_calls_answer() -> None:
    # A call given up while ringing: the CANCEL's 200 OK arrives after the 487.
    text = (
        "INVITE sip:+13175550100@carrier.example SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n"
        "CANCEL sip:+13175550100@carrier.example SIP/2.0\r\nCSeq: 1 CANCEL\r\n\r\n"
        "SIP/2.0 487 Request Terminated\r\nCSeq: 1 INVITE\r\n\r\n"
        "SIP/2.0 200 OK\r\nCSeq: 1 CANCEL\r\n\r\n"
    )
    assert parse_sip(text).status_code == 487
    # A whole call: the 200 OK to the BYE is not the call's answer either.
    call = (
        "SIP/2.0 503 Service Unavailable\r\nCSeq: 1 INVITE\r\n\r\n"
        "BYE sip:a@b SIP/2.0\r\nCSeq: 2 BYE\r\n\r\nSIP/2.0 200 OK\r\nCSeq: 2 BYE\r\n"
    )
    assert parse_sip(call).status_code == 503
    # With only a side transaction pasted, its answer is still read.
    assert parse_sip("SIP/2.0 481 Call Does Not Exist\r\nCSeq: 2 BYE\r\n").status_code == 481


def test_a_notify_sipfrag_body_is_not_a_response() -> None:
    # The REFER was accepted; the NOTIFY's body reports the referred call.
    text = (
        "REFER sip:carrier.example SIP/2.0\r\nCSeq: 3 REFER\r\n"
        "Refer-To: <sip:+13175550123@carrier.example>\r\n\r\n"
        "SIP/2.0 202 Accepted\r\nCSeq: 3 REFER\r\n\r\n"
        "NOTIFY sip:edge.example SIP/2.0\r\nCSeq: 4 NOTIFY\r\nEvent: refer\r\n"
        "Content-Type: message/sipfrag;version=2.0\r\n\r\n"
        "SIP/2.0 403 Forbidden\r\n\r\n"
        "SIP/2.0 200 OK\r\nCSeq: 4 NOTIFY\r\n"
    )
    fields = parse_sip(text)
    assert fields.status_code == 202
    assert fields.messages == 4  # REFER, 202, NOTIFY, 200: the fragment is a body
