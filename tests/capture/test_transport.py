"""SIP over TCP (reassembly), TLS noticed, IPv4 fragments, and SIP found on any port."""

from __future__ import annotations

import itertools
from pathlib import Path

import dpkt

from wizard.capture.analyze import read_capture

from ._build import CALLEE, CALLER, Dialog, Frame, basic_call, ip_packet, sdp, tcp, write_capture


def _stream(
    src: tuple[str, int], dst: tuple[str, int], data: bytes, cuts: list[int], seq: int = 1000
) -> list[tuple[int, bytes]]:
    """``data`` as TCP segments cut at the offsets in ``cuts``: (seq, payload)."""
    bounds = [0, *cuts, len(data)]
    return [(seq + a, data[a:b]) for a, b in itertools.pairwise(bounds)]


def test_messages_split_across_segments_out_of_order_and_retransmitted(tmp_path: Path) -> None:
    d = Dialog()
    invite = d.request("INVITE", tagged=False, body=sdp(CALLER[0], 40000))
    trying = d.response("100 Trying", tagged=False)
    ok = d.response("200 OK", body=sdp(CALLEE[0], 50000, "0"))
    ack, bye = d.request("ACK"), d.request("BYE", cseq=2)
    up = _stream(CALLER, CALLEE, invite + ack + bye, [30, 200, 201, len(invite) + 10])
    down = _stream(CALLEE, CALLER, trying + ok, [len(trying) + 5], seq=9000)
    t = 100.0
    frames = [
        Frame(t, tcp(CALLER, CALLEE, 999, b"", flags=0x02)),  # SYN
        # INVITE: segments 1, 3, 2 (out of order), then 2 again (a retransmission).
        Frame(t + 0.001, tcp(CALLER, CALLEE, *up[0])),
        Frame(t + 0.002, tcp(CALLER, CALLEE, *up[2])),
        Frame(t + 0.003, tcp(CALLER, CALLEE, *up[1])),
        Frame(t + 0.004, tcp(CALLER, CALLEE, *up[1])),
        Frame(t + 0.005, tcp(CALLER, CALLEE, *up[3])),
        # 100 Trying and the start of the 200 OK in one segment, its rest in the next.
        Frame(t + 0.1, tcp(CALLEE, CALLER, *down[0])),
        Frame(t + 2.0, tcp(CALLEE, CALLER, *down[1])),
        # A CRLF keep-alive, then the ACK and BYE in the last segment.
        Frame(t + 2.05, tcp(CALLER, CALLEE, *up[4])),
    ]
    (call,) = read_capture(write_capture(tmp_path / "tcp.pcap", frames)).calls
    assert [m.method or m.status for m in call.call.messages] == ["INVITE", 100, 200, "ACK", "BYE"]
    assert {m.transport for m in call.call.messages} == {"tcp"}
    invite_msg = call.call.messages[0]
    assert invite_msg.number == 6  # shown at the segment that completed it
    assert invite_msg.has_sdp
    assert call.findings.ack_after_200 is True
    assert call.findings.bye_from == "caller"


def test_a_capture_starting_mid_stream_finds_the_next_message(tmp_path: Path) -> None:
    d = Dialog()
    tail_of_something = b"a=sendrecv\r\n\r\n"
    frames = [
        Frame(
            1.0, tcp(CALLER, CALLEE, 5000, tail_of_something + d.request("INVITE", tagged=False))
        ),
        Frame(1.1, tcp(CALLEE, CALLER, 7000, d.response("486 Busy Here"))),
    ]
    (call,) = read_capture(write_capture(tmp_path / "mid.pcap", frames)).calls
    assert call.findings.status == 486


def test_a_lost_segment_skips_to_the_next_message(tmp_path: Path) -> None:
    d = Dialog()
    invite = d.request("INVITE", tagged=False)
    busy = d.response("486 Busy Here")
    data = invite + d.request("ACK")
    segments = _stream(CALLER, CALLEE, data, list(range(20, len(data), 20)))
    lost = segments[3]
    kept = [s for s in segments if s is not lost]
    frames = [Frame(1.0 + n / 100, tcp(CALLER, CALLEE, *s)) for n, s in enumerate(kept)]
    # The INVITE cannot be whole, but the capture goes on: more held segments than the
    # limit, then a new INVITE on the same connection.
    seq = 1000 + len(data)
    again = Dialog(call_id="second@pc33")
    second = again.request("INVITE", tagged=False)
    for n in range(70):
        frames.append(Frame(3.0 + n / 100, tcp(CALLER, CALLEE, seq, b"\r\n")))
        seq += 2
    frames.append(Frame(4.0, tcp(CALLER, CALLEE, seq, second)))
    frames.append(Frame(4.1, tcp(CALLEE, CALLER, 1, again.response("486 Busy Here"))))
    frames.append(Frame(4.2, tcp(CALLEE, CALLER, 1000, busy)))
    capture = read_capture(write_capture(tmp_path / "lost.pcap", frames))
    assert [c.call_id for c in capture.calls] == ["second@pc33"]
    assert any("gaps in TCP streams" in note for note in capture.notes)


def test_tls_is_named_not_read(tmp_path: Path) -> None:
    client_hello = bytes([22, 3, 1, 0, 60, 1, 0, 0, 56, 3, 3]) + bytes(56)
    server_hello = bytes([22, 3, 3, 0, 40, 2, 0, 0, 36, 3, 3]) + bytes(36)
    app_data = bytes([23, 3, 3, 0, 200]) + bytes(200)
    client, server = ("10.1.1.10", 50123), ("192.0.2.20", 5061)
    frames = [
        Frame(1.0, tcp(client, server, 1, client_hello)),
        Frame(1.1, tcp(server, client, 1, server_hello)),
        Frame(1.2, tcp(client, server, 1 + len(client_hello), app_data)),
        *basic_call(start=2.0),
    ]
    capture = read_capture(write_capture(tmp_path / "tls.pcap", frames))
    assert capture.notes == ["TLS on port 5061: cannot be read"]
    assert len(capture.calls) == 1


def test_ipv4_fragments_are_reassembled(tmp_path: Path) -> None:
    d = Dialog()
    invite = d.request(
        "INVITE", tagged=False, body=sdp(CALLER[0], 40000, extra="a=x:" + "y" * 3000)
    )
    datagram = dpkt.udp.UDP(sport=CALLER[1], dport=CALLEE[1], data=invite)
    datagram.ulen = 8 + len(invite)
    whole = bytes(datagram)
    pieces = [whole[i : i + 1480] for i in range(0, len(whole), 1480)]
    frames = []
    for n, piece in enumerate(reversed(pieces)):  # last fragment first
        index = len(pieces) - 1 - n
        packet = ip_packet(CALLER[0], CALLEE[0], piece, 17, ident=77)  # type: ignore[arg-type]
        packet.offset = index * 1480 // 8
        packet.mf = 1 if index < len(pieces) - 1 else 0
        frames.append(Frame(1.0 + n / 1000, bytes(packet)))
    frames.append(Frame(1.5, _udp_frame(CALLEE, CALLER, d.response("503 Service Unavailable"))))
    (call,) = read_capture(write_capture(tmp_path / "frag.pcap", frames)).calls
    first = call.call.messages[0]
    assert first.method == "INVITE" and first.number == 3
    assert "y" * 3000 in first.text
    assert call.findings.status == 503


def _udp_frame(src: tuple[str, int], dst: tuple[str, int], payload: bytes) -> bytes:
    from ._build import udp

    return udp(src, dst, payload)


def test_sip_on_unusual_ports_and_not_sip_on_5060(tmp_path: Path) -> None:
    d = Dialog(caller=("10.1.1.10", 40404), callee=("192.0.2.20", 15999))
    noise = _udp_frame(("10.1.1.10", 5060), ("192.0.2.20", 5060), b"hello, not SIP at all")
    frames = [Frame(0.5, noise), *basic_call(d, start=1.0)]
    capture = read_capture(write_capture(tmp_path / "ports.pcap", frames))
    (call,) = capture.calls
    assert len(call.call.messages) == 7
    assert {m.dst.port for m in call.call.messages} == {40404, 15999}
