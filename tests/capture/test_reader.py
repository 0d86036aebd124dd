"""File formats, link types and hostile files, on captures built with dpkt's writers."""

from __future__ import annotations

import gzip
import struct
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.capture.analyze import read_capture
from wizard.capture.records import CaptureError, Limits, RecordStream

from ._build import (
    CALLEE,
    CALLER,
    ETHERNET,
    NULL,
    RAW,
    RAW4,
    RAW6,
    SLL,
    SLL2,
    Dialog,
    Frame,
    basic_call,
    udp,
    write_capture,
)

LINKS = [ETHERNET, SLL, SLL2, RAW, RAW4, NULL]


@pytest.mark.parametrize("pcapng", [False, True], ids=["pcap", "pcapng"])
@pytest.mark.parametrize("linktype", LINKS)
def test_every_format_and_link_type_finds_the_call(
    tmp_path: Path, linktype: int, pcapng: bool
) -> None:
    path = write_capture(tmp_path / "c.cap", basic_call(), linktype=linktype, pcapng=pcapng)
    capture = read_capture(path)
    assert capture.format == ("pcapng" if pcapng else "pcap")
    assert capture.packets == 7
    (call,) = capture.calls
    assert call.call_id == "a84b4c76e66710@pc33"
    found = call.findings.as_dict()
    assert (found["status"], found["ack_after_200"], found["bye_from"]) == ("200", "yes", "caller")
    # Non-5060 port (5080): SIP is found by content.
    assert {m.src.port for m in call.call.messages} == {5080}


@pytest.mark.parametrize("linktype", [ETHERNET, RAW6, SLL2])
def test_ipv6(tmp_path: Path, linktype: int) -> None:
    dialog = Dialog(caller=("2001:db8::10", 5060), callee=("2001:db8::20", 5060))
    path = write_capture(tmp_path / "v6.pcap", basic_call(dialog), linktype=linktype)
    (call,) = read_capture(path).calls
    assert str(call.call.messages[0].src) == "[2001:db8::10]:5060"
    assert call.findings.status == 200


def test_nanosecond_pcap(tmp_path: Path) -> None:
    import dpkt

    path = tmp_path / "nano.pcap"
    with path.open("wb") as out:
        writer = dpkt.pcap.Writer(out, nano=True)
        for frame in basic_call():
            from ._build import link_frame

            writer.writepkt(link_frame(ETHERNET, frame.data), ts=frame.time)
    (call,) = read_capture(path).calls
    assert call.findings.ack_delay_ms == 50


def test_an_unsupported_link_type_is_named(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "wifi.pcap", basic_call(), linktype=105)
    with pytest.raises(CaptureError, match="link type 105 is not supported"):
        read_capture(path)


# --- hostile and broken files ---------------------------------------------------------


def test_not_a_capture(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("INVITE sip:bob@example.com SIP/2.0\r\n")
    with pytest.raises(CaptureError, match="is not a pcap or pcapng capture"):
        read_capture(path)


def test_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pcap"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(CaptureError, match="not a pcap or pcapng"):
        read_capture(path)


def test_empty_missing_and_directory(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(b"")
    with pytest.raises(CaptureError, match="is empty"):
        read_capture(empty)
    with pytest.raises(CaptureError, match="cannot read"):
        read_capture(tmp_path / "absent.pcap")
    with pytest.raises(CaptureError, match="cannot read"):
        read_capture(tmp_path)


def test_gzip_is_named(tmp_path: Path) -> None:
    inner = write_capture(tmp_path / "c.pcap", basic_call()).read_bytes()
    path = tmp_path / "c.pcap.gz"
    path.write_bytes(gzip.compress(inner))
    with pytest.raises(CaptureError, match="gzip"):
        read_capture(path)


@pytest.mark.parametrize("pcapng", [False, True], ids=["pcap", "pcapng"])
def test_truncated_file_header(tmp_path: Path, pcapng: bool) -> None:
    whole = write_capture(tmp_path / "c.pcap", basic_call(), pcapng=pcapng).read_bytes()
    path = tmp_path / "cut.pcap"
    path.write_bytes(whole[:10])
    with pytest.raises(CaptureError, match="ends inside its pcap"):
        read_capture(path)


@pytest.mark.parametrize("pcapng", [False, True], ids=["pcap", "pcapng"])
def test_truncated_in_every_place_names_a_packet(tmp_path: Path, pcapng: bool) -> None:
    whole = write_capture(tmp_path / "c.pcap", basic_call(), pcapng=pcapng).read_bytes()
    header = 24 if not pcapng else len(whole) - sum(_block_sizes(whole))
    for cut in range(header + 1, len(whole), 7):
        path = tmp_path / "cut.pcap"
        path.write_bytes(whole[:cut])
        try:
            capture = read_capture(path)
        except CaptureError as exc:
            assert exc.packet is not None and 1 <= exc.packet <= 7
            assert str(exc).startswith(f"packet {exc.packet}: ")
        else:
            # Cut exactly between two records: a shorter, valid capture.
            assert capture.packets < 7


def _block_sizes(data: bytes) -> list[int]:
    """pcapng: the sizes of the blocks after the header and interface blocks."""
    sizes, offset = [], 0
    while offset + 8 <= len(data):
        kind, size = struct.unpack_from("<II", data, offset)
        if kind == 6:
            sizes.append(size)
        offset += size
    return sizes


def test_huge_record_length(tmp_path: Path) -> None:
    whole = bytearray(write_capture(tmp_path / "c.pcap", basic_call()).read_bytes())
    # The second record's captured length, made 4 GB.
    first = struct.unpack_from("=I", whole, 24 + 8)[0]
    second = 24 + 16 + first
    struct.pack_into("=I", whole, second + 8, 0xFFFFFFF0)
    path = tmp_path / "huge.pcap"
    path.write_bytes(bytes(whole))
    with pytest.raises(CaptureError, match=r"^packet 2: its record claims 4,294,967,280 bytes"):
        read_capture(path)


def test_huge_snaplen_in_the_header_is_harmless(tmp_path: Path) -> None:
    whole = bytearray(write_capture(tmp_path / "c.pcap", basic_call()).read_bytes())
    struct.pack_into("=I", whole, 16, 0xFFFFFFFF)
    path = tmp_path / "snap.pcap"
    path.write_bytes(bytes(whole))
    assert len(read_capture(path).calls) == 1


def test_pcapng_block_length_below_eight(tmp_path: Path) -> None:
    whole = bytearray(write_capture(tmp_path / "c.pcapng", basic_call(), pcapng=True).read_bytes())
    first_packet = len(whole) - sum(_block_sizes(bytes(whole)))
    struct.pack_into("<I", whole, first_packet + 4, 4)
    path = tmp_path / "bad.pcapng"
    path.write_bytes(bytes(whole))
    with pytest.raises(CaptureError, match=r"^packet 1: "):
        read_capture(path)


def test_zero_length_and_tiny_packets(tmp_path: Path) -> None:
    frames = [Frame(1.0, b""), Frame(1.1, b"\x45"), *basic_call(start=2.0), Frame(9.0, b"")]
    path = write_capture(tmp_path / "z.pcap", frames, linktype=RAW)
    capture = read_capture(path)
    assert capture.packets == 10
    assert len(capture.calls) == 1
    assert any("could not be decoded" in note for note in capture.notes)


def test_control_characters_never_leave_the_reader(tmp_path: Path) -> None:
    evil = Dialog(extra={"Subject": "\x1b]52;c;cHduZWQ=\x07hi\x1b[2J"})
    frames = basic_call(evil)
    bad_uri = evil.request("OPTIONS", headers={"Call-ID": "x\x1b[31m@y"})
    frames.append(Frame(frames[-1].time + 1, udp(CALLER, CALLEE, bad_uri)))
    capture = read_capture(write_capture(tmp_path / "esc.pcap", frames))
    texts = [m.text for c in capture.calls for m in c.call.messages]
    texts += [m.text + m.call_id for c in capture.others for m in c.messages]
    assert texts and not any("\x1b" in t or "\x07" in t for t in texts)
    assert capture.others[0].call_id == "x[31m@y"


def test_the_packet_limit_cuts_with_a_message(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "c.pcap", basic_call())
    capture = read_capture(path, Limits(packets=4))
    assert capture.packets == 4
    assert capture.cut == "stopped after the first 4 packets (the limit)"
    assert capture.calls[0].findings.bye_from is None


def test_the_byte_limit_cuts_with_a_message(tmp_path: Path) -> None:
    path = write_capture(tmp_path / "c.pcap", basic_call())
    capture = read_capture(path, Limits(bytes=1000))
    assert 1 <= capture.packets < 7
    assert capture.cut is not None and "MB" in capture.cut


def test_a_large_file_is_read_as_a_stream(tmp_path: Path) -> None:
    """Reading never asks for more than one record at a time (the guard's limit)."""
    frames = [Frame(float(i), udp(CALLER, CALLEE, bytes(1200))) for i in range(3000)]
    path = write_capture(tmp_path / "big.pcap", frames)
    with RecordStream(path, Limits(record=2000)) as records:
        assert sum(1 for _ in records) == 3000


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.binary(max_size=300), max_size=30), st.sampled_from(LINKS))
def test_random_packets_never_break_the_reader(
    tmp_path: Path, frames: list[bytes], linktype: int
) -> None:
    import dpkt

    path = tmp_path / "fuzz.pcap"
    with path.open("wb") as out:
        writer = dpkt.pcap.Writer(out, linktype=linktype)
        for n, frame in enumerate(frames):
            writer.writepkt(frame, ts=float(n))
    capture = read_capture(path)
    assert capture.packets == len(frames)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600), st.booleans())
def test_random_bytes_after_a_header_raise_only_capture_errors(
    tmp_path: Path, tail: bytes, pcapng: bool
) -> None:
    whole = write_capture(tmp_path / "c.pcap", basic_call()[:1], pcapng=pcapng).read_bytes()
    path = tmp_path / "fuzz.pcap"
    path.write_bytes(whole + tail)
    try:
        read_capture(path)
    except CaptureError as exc:
        assert str(exc)


def test_little_and_big_endian_pcap(tmp_path: Path) -> None:
    import dpkt

    # dpkt writes in the machine's byte order; build the other one by hand.
    path = write_capture(tmp_path / "c.pcap", basic_call())
    data = path.read_bytes()
    order = "<" if sys.byteorder == "little" else ">"
    other = ">" if order == "<" else "<"
    swapped = bytearray()
    magic, major, minor, zone, sig, snap, link = struct.unpack_from(order + "IHHiIII", data, 0)
    swapped += struct.pack(other + "IHHiIII", magic, major, minor, zone, sig, snap, link)
    offset = 24
    while offset < len(data):
        sec, usec, caplen, length = struct.unpack_from(order + "IIII", data, offset)
        swapped += struct.pack(other + "IIII", sec, usec, caplen, length)
        swapped += data[offset + 16 : offset + 16 + caplen]
        offset += 16 + caplen
    other_path = tmp_path / "swapped.pcap"
    other_path.write_bytes(bytes(swapped))
    assert dpkt.pcap.Reader(other_path.open("rb")).datalink() == ETHERNET
    assert read_capture(other_path).calls[0].findings.status == 200


def test_vlan_tagged_ethernet(tmp_path: Path) -> None:
    import dpkt

    path = tmp_path / "vlan.pcap"
    with path.open("wb") as out:
        writer = dpkt.pcap.Writer(out)
        for frame in basic_call():
            macs = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01"
            tag = struct.pack("!HHH", 0x8100, 100, 0x0800)  # 802.1Q, VLAN 100, then IPv4
            writer.writepkt(macs + tag + frame.data, ts=frame.time)
    (call,) = read_capture(path).calls
    assert call.findings.status == 200


def test_a_file_ending_right_after_a_record_header(tmp_path: Path) -> None:
    whole = write_capture(tmp_path / "c.pcap", basic_call()).read_bytes()
    first = struct.unpack_from("=I", whole, 24 + 8)[0]
    second_data = 24 + 16 + first + 16  # the second record's header, and not one byte more
    path = tmp_path / "cut.pcap"
    path.write_bytes(whole[:second_data])
    with pytest.raises(CaptureError, match=r"^packet 2: the file ends inside"):
        read_capture(path)
    ng = write_capture(tmp_path / "c.pcapng", basic_call(), pcapng=True).read_bytes()
    first_block = len(ng) - sum(_block_sizes(ng))
    path.write_bytes(ng[: first_block + 8])  # the block's type and length only
    with pytest.raises(CaptureError, match=r"^packet 1: the file ends inside"):
        read_capture(path)
