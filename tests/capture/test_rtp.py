"""RTP streams: tied to calls by their SDP, or found by shape; packets, losses, jitter."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.capture.analyze import Capture, read_capture
from wizard.capture.decode import Datagram, Endpoint
from wizard.capture.rtp import RtpTracker

from ._build import CALLEE, CALLER, Dialog, Frame, basic_call, rtp, udp, write_capture

CALLER_MEDIA = (CALLER[0], 40000)  # what basic_call's SDPs announce
CALLEE_MEDIA = (CALLEE[0], 50000)
START = 1_700_000_000.0


def media(
    src: tuple[str, int],
    dst: tuple[str, int],
    seqs: list[int],
    *,
    start: float = START + 2.2,
    ssrc: int = 0x11223344,
    payload_type: int = 0,
    delays: dict[int, float] | None = None,
) -> list[Frame]:
    """Packets 20 ms apart (timestamps 160 apart at 8 kHz), some arriving late."""
    frames = []
    first = seqs[0]
    for seq in seqs:
        n = (seq - first) & 0xFFFF
        late = (delays or {}).get(seq, 0.0)
        frames.append(
            Frame(start + n * 0.02 + late, udp(src, dst, rtp(seq, n * 160, ssrc, payload_type)))
        )
    return frames


def capture_with(tmp_path: Path, *streams: list[Frame], dialog: Dialog | None = None) -> Capture:
    frames = basic_call(dialog)
    for stream in streams:
        frames += stream
    frames.sort(key=lambda f: f.time)
    return read_capture(write_capture(tmp_path / "rtp.pcap", frames))


def test_streams_both_ways_are_tied_to_the_call(tmp_path: Path) -> None:
    capture = capture_with(
        tmp_path,
        media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 101))),
        media(CALLEE_MEDIA, CALLER_MEDIA, list(range(500, 600)), ssrc=0x55),
    )
    (call,) = capture.calls
    streams = call.findings.rtp_streams
    assert [(s.src, s.dst, s.packets, s.lost, s.payload) for s in streams] == [
        ("10.1.1.10:40000", "192.0.2.20:50000", 100, 0, "PCMU"),
        ("192.0.2.20:50000", "10.1.1.10:40000", 100, 0, "PCMU"),
    ]
    assert call.findings.one_way_audio is False
    assert capture.unannounced == []


def test_lost_packets_are_sequence_gaps(tmp_path: Path) -> None:
    seqs = [s for s in range(1, 101) if s not in (10, 11, 50)]
    (call,) = capture_with(tmp_path, media(CALLER_MEDIA, CALLEE_MEDIA, seqs)).calls
    (stream,) = call.findings.rtp_streams
    assert (stream.packets, stream.lost) == (97, 3)


def test_sequence_wrap_is_not_loss(tmp_path: Path) -> None:
    seqs = [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 4]
    (call,) = capture_with(tmp_path, media(CALLER_MEDIA, CALLEE_MEDIA, seqs)).calls
    (stream,) = call.findings.rtp_streams
    assert (stream.packets, stream.lost) == (10, 1)


def test_jitter_is_rfc3550s_running_estimate(tmp_path: Path) -> None:
    # One packet 10 ms late: D = 80 (at 8 kHz) at it and at the next packet, so
    # J = 80/16 = 5, then 5 + (80 - 5)/16 = 9.6875 timestamp units = 1.21 ms.
    stream_frames = media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 51)), delays={20: 0.010})
    (call,) = capture_with(tmp_path, stream_frames).calls
    (stream,) = call.findings.rtp_streams
    assert stream.max_jitter_ms == pytest.approx(1.21, abs=0.01)


def test_steady_stream_has_no_jitter(tmp_path: Path) -> None:
    (call,) = capture_with(tmp_path, media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 51)))).calls
    assert call.findings.rtp_streams[0].max_jitter_ms == pytest.approx(0.0, abs=0.01)


def test_one_way_audio(tmp_path: Path) -> None:
    (call,) = capture_with(tmp_path, media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 60)))).calls
    assert call.findings.one_way_audio is True
    assert call.findings.as_dict()["one_way_audio"] == "yes"


def test_rtp_to_a_natted_address_is_tied_by_its_source(tmp_path: Path) -> None:
    # The caller's SDP says 10.1.1.10:40000, but its NAT is 203.0.113.5:61000: the
    # callee's RTP goes there, from the port the callee's SDP announced.
    natted = ("203.0.113.5", 61000)
    capture = capture_with(
        tmp_path,
        media(CALLEE_MEDIA, natted, list(range(1, 30))),
        media(natted, CALLEE_MEDIA, list(range(1, 30)), ssrc=9),
    )
    (call,) = capture.calls
    assert len(call.findings.rtp_streams) == 2
    assert call.findings.one_way_audio is False
    assert call.findings.private_sdp is True


def test_rtp_that_no_sdp_announced_is_found_by_shape(tmp_path: Path) -> None:
    elsewhere = (("198.51.100.1", 30000), ("198.51.100.2", 30002))
    few = (("198.51.100.3", 30000), ("198.51.100.4", 30002))
    capture = capture_with(
        tmp_path,
        media(*elsewhere, list(range(1, 21)), payload_type=8),
        media(*few, list(range(1, 5))),  # too few packets to call it RTP
    )
    assert capture.calls[0].findings.rtp_streams == []
    (stream,) = capture.unannounced
    assert (stream.src, stream.dst, stream.packets) == (elsewhere[0], elsewhere[1], 20)
    assert stream.payload_name() == "PCMA"


def test_rtcp_and_stun_are_not_rtp() -> None:
    tracker = RtpTracker(lambda _: None)
    from wizard.capture.rtp import looks_like_rtp

    rtcp = bytes([0x80, 200, 0, 6]) + bytes(24)
    stun = bytes([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]) + bytes(12)
    assert not looks_like_rtp(rtcp)
    assert not looks_like_rtp(stun)
    assert looks_like_rtp(rtp(1, 0, 1))
    dg = Datagram(1, 0.0, "udp", Endpoint("1.1.1.1", 1), Endpoint("2.2.2.2", 2), rtp(1, 0, 7))
    tracker.add(dg)
    assert [s.ssrc for s in tracker.streams()] == [7]


def _event(seq: int, timestamp: int, ssrc: int, end: bool = False) -> bytes:
    header = rtp(seq, timestamp, ssrc, 101, size=0)
    return header + bytes([1, 0x80 if end else 0x0A, 0, 160])


def test_rfc4733_digits_are_seen_counted_and_kept_out_of_jitter(tmp_path: Path) -> None:
    dialog = Dialog()
    frames = basic_call(dialog)
    # The caller's SDP offers 101 telephone-event; answer with it too.
    from ._build import sdp

    ok = dialog.response("200 OK", body=sdp(CALLEE[0], 50000, "0 101"))
    frames[3] = Frame(frames[3].time, udp(CALLEE, CALLER, ok))
    audio = media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 41)))
    # Seven event packets of one digit, all with the digit's start timestamp, in the
    # same SSRC and sequence as the audio, and the end packet three times.
    events = [
        Frame(
            START + 2.2 + (40 + n) * 0.02,
            udp(CALLER_MEDIA, CALLEE_MEDIA, _event(41 + min(n, 4), 6400, 0x11223344, n >= 4)),
        )
        for n in range(7)
    ]
    frames += audio + events
    (call,) = read_capture(write_capture(tmp_path / "dtmf.pcap", frames)).calls
    (stream,) = call.findings.rtp_streams
    assert stream.payload == "PCMU"
    assert (stream.packets, stream.lost) == (47, 0)
    assert stream.max_jitter_ms == pytest.approx(0.0, abs=0.01)
    assert call.findings.dtmf == "rfc4733"


def test_negotiated_digits_not_seen_in_rtp_are_none(tmp_path: Path) -> None:
    dialog = Dialog()
    frames = basic_call(dialog)
    from ._build import sdp

    ok = dialog.response("200 OK", body=sdp(CALLEE[0], 50000, "0 101"))
    frames[3] = Frame(frames[3].time, udp(CALLEE, CALLER, ok))
    signalling_only = read_capture(write_capture(tmp_path / "sig.pcap", frames))
    # No RTP in the capture: what was negotiated.
    assert signalling_only.calls[0].findings.dtmf == "rfc4733"
    frames += media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 41)))
    with_rtp = read_capture(write_capture(tmp_path / "rtp.pcap", frames))
    assert with_rtp.calls[0].findings.dtmf == "none"
    # Events were agreed all the same: the trees tell that apart from an answer
    # without telephone-event.
    assert with_rtp.calls[0].findings.as_dict()["telephone_event"] == "yes"


def test_repeated_packets_do_not_hide_losses(tmp_path: Path) -> None:
    seqs = [s for s in range(1, 51) if s not in (10, 20)]
    frames = media(CALLER_MEDIA, CALLEE_MEDIA, seqs)
    repeats = [f for f in frames if f is frames[27] or f is frames[28]]
    frames += [Frame(f.time + 0.0001, f.data) for f in repeats]
    (call,) = capture_with(tmp_path, frames).calls
    (stream,) = call.findings.rtp_streams
    assert (stream.packets, stream.lost) == (50, 2)


def test_idle_rtp_is_the_longer_silence_before_the_bye(tmp_path: Path) -> None:
    # Answered at +2.0, BYE at +7.0. The caller talks until +6.78; the callee
    # stops at +3.18 (50 packets from +2.2): silent for 3.8 s when the BYE comes.
    (call,) = capture_with(
        tmp_path,
        media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 230))),
        media(CALLEE_MEDIA, CALLER_MEDIA, list(range(1, 50)), ssrc=0x55),
    ).calls
    assert call.findings.as_dict()["rtp_idle_s"] == "3.8"
    assert call.findings.one_way_audio is False


def test_a_side_that_never_sent_audio_is_idle_from_the_answer(tmp_path: Path) -> None:
    (call,) = capture_with(tmp_path, media(CALLER_MEDIA, CALLEE_MEDIA, list(range(1, 230)))).calls
    assert call.findings.rtp_idle_s == 5.0  # the whole call, 200 OK to BYE


def test_no_audio_no_idle(tmp_path: Path) -> None:
    (call,) = capture_with(tmp_path).calls
    assert call.findings.as_dict()["rtp_idle_s"] == ""
