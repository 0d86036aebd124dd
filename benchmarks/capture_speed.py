"""Capture reading speed: `edge-wizard pcap`'s reader on a 10,000-packet capture.

The capture is generated here with dpkt's writer: 10 calls over UDP on
Ethernet, each with its SIP (INVITE with SDP, 100, 180, 200 with SDP, ACK,
BYE, 200) and about 1,000 RTP packets both ways, 20 ms apart. Target: the
whole analysis (calls, ladders, findings, RTP figures) under 1 s. Baselines
measured in the same run: dpkt iterating the file's records, and dpkt
iterating and decoding every frame down to UDP, which any reader built on
dpkt has to do.
"""

from __future__ import annotations

import socket
import statistics
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dpkt

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus" / "capture"
PACKETS = 10_000
CALLS = 10
RUNS = 5
TARGET_S = 1.0


def _frame(src: tuple[str, int], dst: tuple[str, int], payload: bytes) -> bytes:
    datagram = dpkt.udp.UDP(sport=src[1], dport=dst[1], data=payload)
    datagram.ulen = 8 + len(payload)
    packet = dpkt.ip.IP(
        src=socket.inet_aton(src[0]), dst=socket.inet_aton(dst[0]), p=17, data=datagram
    )
    return bytes(
        dpkt.ethernet.Ethernet(
            src=b"\x02\x00\x00\x00\x00\x01", dst=b"\x02\x00\x00\x00\x00\x02", data=packet
        )
    )


def _sip(start: str, call: int, cseq: str, caller: str, callee: str, sdp_port: int = 0) -> bytes:
    body = ""
    if sdp_port:
        body = (
            f"v=0\r\no=- 1 1 IN IP4 {caller}\r\ns=-\r\nc=IN IP4 {caller}\r\nt=0 0\r\n"
            f"m=audio {sdp_port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
        )
    headers = [
        start,
        f"Via: SIP/2.0/UDP {caller}:5060;branch=z9hG4bK{call}{cseq.replace(' ', '')}",
        f"From: <sip:alice@{caller}>;tag=from{call}",
        f"To: <sip:bob@{callee}>" + ("" if start.startswith("INVITE") else f";tag=to{call}"),
        f"Call-ID: bench-{call}@{caller}",
        f"CSeq: {cseq}",
        "Max-Forwards: 70",
    ]
    if body:
        headers.append("Content-Type: application/sdp")
    headers.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(headers) + "\r\n\r\n" + body).encode()


def write_capture(path: Path) -> int:
    """The benchmark capture; returns its number of packets."""
    per_call = PACKETS // CALLS
    rtp_packets = per_call - 7  # the rest of the call's packets, alternating directions
    count = 0
    with path.open("wb") as out:
        writer = dpkt.pcap.Writer(out, snaplen=262144)
        for call in range(CALLS):
            caller, callee = f"10.0.{call}.1", f"192.0.2.{call + 1}"
            a, b = (caller, 5060), (callee, 5060)
            ma, mb = (caller, 20000 + 2 * call), (callee, 30000 + 2 * call)
            t = 1_700_000_000.0 + call * 30
            invite = f"INVITE sip:bob@{callee} SIP/2.0"
            signalling = [
                (t, a, b, _sip(invite, call, "1 INVITE", caller, callee, ma[1])),
                (t + 0.01, b, a, _sip("SIP/2.0 100 Trying", call, "1 INVITE", caller, callee)),
                (t + 0.5, b, a, _sip("SIP/2.0 180 Ringing", call, "1 INVITE", caller, callee)),
                (t + 1, b, a, _sip("SIP/2.0 200 OK", call, "1 INVITE", callee, callee, mb[1])),
                (
                    t + 1.05,
                    a,
                    b,
                    _sip(f"ACK sip:bob@{callee} SIP/2.0", call, "1 ACK", caller, callee),
                ),
            ]
            for stamp, src, dst, payload in signalling:
                writer.writepkt(_frame(src, dst, payload), ts=stamp)
                count += 1
            for i in range(rtp_packets):
                n = i // 2
                src, dst, ssrc = (ma, mb, 0x1000 + call) if i % 2 == 0 else (mb, ma, 0x2000 + call)
                header = struct.pack("!BBHII", 0x80, 0, n, n * 160, ssrc)
                writer.writepkt(_frame(src, dst, header + bytes(160)), ts=t + 1.1 + n * 0.02)
                count += 1
            end = t + 1.1 + rtp_packets * 0.01 + 0.02
            bye = f"BYE sip:bob@{callee} SIP/2.0"
            writer.writepkt(_frame(a, b, _sip(bye, call, "2 BYE", caller, callee)), ts=end)
            ok = _sip("SIP/2.0 200 OK", call, "2 BYE", caller, callee)
            writer.writepkt(_frame(b, a, ok), ts=end + 0.01)
            count += 2
    return count


def _median(run: Callable[[], None], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from wizard.capture.analyze import read_capture

    CORPUS.mkdir(parents=True, exist_ok=True)
    path = CORPUS / "calls.pcap"
    packets = write_capture(path)
    print(f"capture: {packets:,} packets, {path.stat().st_size / 1e6:.1f} MB, in {path}")

    def iterate() -> None:
        with path.open("rb") as f:
            for _ in dpkt.pcap.Reader(f):
                pass

    def decode() -> None:
        with path.open("rb") as f:
            for _, frame in dpkt.pcap.Reader(f):
                dpkt.ethernet.Ethernet(frame)

    found: list[int] = []

    def analyse() -> None:
        capture = read_capture(path)
        found[:] = [len(capture.calls), sum(len(c.findings.rtp_streams) for c in capture.calls)]

    read_capture(path)  # once, so imports and the OS cache are out of the figure
    ours = _median(analyse)
    bare = _median(iterate)
    decoded = _median(decode)
    print(f"edge-wizard read_capture: {ours:6.3f} s (median of {RUNS}; target < {TARGET_S} s)")
    print(f"  found {found[0]} calls and {found[1]} RTP streams")
    print(f"dpkt iterating records:   {bare:6.3f} s  -> read_capture is {ours / bare:.1f}x")
    print(f"dpkt decoding to UDP:     {decoded:6.3f} s  -> read_capture is {ours / decoded:.1f}x")
    verdict = "meets" if ours < TARGET_S else "MISSES"
    print(f"{verdict} the target: {packets:,} packets in {ours:.3f} s")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
