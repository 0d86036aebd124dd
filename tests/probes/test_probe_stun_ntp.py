"""stun and ntp against local responders."""

from __future__ import annotations

import time

from wizard.probes import run_probe
from wizard.probes.ntp import from_ntp, to_ntp
from wizard.probes.stun import build_request, parse_response

from ._servers import UdpServer, free_port, ntp_reply, stun_reply


def test_stun_reports_mapped_address() -> None:
    server = UdpServer(lambda data, addr: stun_reply(data, addr))
    try:
        r = run_probe("stun", {"host": "127.0.0.1", "port": str(server.port), "timeout": "2"})
    finally:
        server.close()
    assert r.outcome == "pass", r.summary
    assert r.evidence["mapped_address"] == r.evidence["local_address"]
    assert r.evidence["attribute"] == "XOR-MAPPED-ADDRESS"
    assert r.evidence["nat"] == "not seen"


def test_stun_same_mapping_from_two_servers_passes() -> None:
    a = UdpServer(lambda data, addr: stun_reply(data, addr))
    b = UdpServer(lambda data, addr: stun_reply(data, addr))
    try:
        r = run_probe(
            "stun",
            {
                "host": "127.0.0.1",
                "port": str(a.port),
                "compare_host": "127.0.0.1",
                "compare_port": str(b.port),
            },
        )
    finally:
        a.close()
        b.close()
    assert r.outcome == "pass", r.summary
    assert "not symmetric" in r.summary


def test_stun_symmetric_nat_detected() -> None:
    a = UdpServer(lambda data, addr: stun_reply(data, addr))
    b = UdpServer(lambda data, addr: stun_reply(data, addr, port_shift=1000))
    try:
        r = run_probe(
            "stun",
            {
                "host": "127.0.0.1",
                "port": str(a.port),
                "compare_host": "127.0.0.1",
                "compare_port": str(b.port),
                "timeout": "2",
            },
        )
    finally:
        a.close()
        b.close()
    assert r.outcome == "fail"
    assert r.evidence["nat_type"] == "symmetric NAT likely"
    assert "symmetric NAT likely" in r.summary


def test_stun_silent_and_closed() -> None:
    silent = UdpServer(lambda data, addr: None)
    try:
        r = run_probe("stun", {"host": "127.0.0.1", "port": str(silent.port), "timeout": "1"})
    finally:
        silent.close()
    assert r.outcome == "fail"
    assert r.evidence["transmissions"] == 2  # RTO 0.5 s: at 0 and 0.5 s
    assert r.duration < 1.5
    import socket

    closed = run_probe(
        "stun", {"host": "127.0.0.1", "port": str(free_port(socket.SOCK_DGRAM)), "timeout": "1"}
    )
    assert closed.outcome == "fail"
    assert "unreachable" in closed.summary


def test_stun_parser_ignores_other_transactions() -> None:
    txid = b"abcdefghijkl"
    req = build_request(txid)
    reply = stun_reply(req, ("192.0.2.1", 4000))
    assert reply is not None
    parsed = parse_response(reply, txid)
    assert parsed is not None and parsed.address == ("192.0.2.1", 4000)
    assert parse_response(reply, b"x" * 12) is None
    assert parse_response(b"junk", txid) is None


def test_ntp_offset_measured_and_fails() -> None:
    server = UdpServer(lambda data, addr: ntp_reply(data, offset=5.0))
    try:
        r = run_probe("ntp", {"host": "127.0.0.1", "port": str(server.port), "timeout": "2"})
    finally:
        server.close()
    assert r.outcome == "fail"
    offset = r.evidence["offset_s"]
    assert isinstance(offset, float) and abs(offset - 5.0) < 0.2
    assert "behind" in r.summary


def test_ntp_correct_clock_passes() -> None:
    server = UdpServer(lambda data, addr: ntp_reply(data, offset=0.0))
    try:
        r = run_probe("ntp", {"host": "127.0.0.1", "port": str(server.port), "max_offset": "0.5"})
    finally:
        server.close()
    assert r.outcome == "pass", r.summary
    assert abs(r.evidence["offset_s"]) < 0.2  # type: ignore[arg-type]
    assert r.evidence["stratum"] == 2
    assert r.evidence["delay_s"] >= 0  # type: ignore[operator]


def test_ntp_kiss_of_death_and_unsynchronised() -> None:
    kod = UdpServer(lambda data, addr: ntp_reply(data, stratum=0, refid=b"RATE"))
    unsync = UdpServer(lambda data, addr: ntp_reply(data, leap=3))
    try:
        r1 = run_probe("ntp", {"host": "127.0.0.1", "port": str(kod.port)})
        r2 = run_probe("ntp", {"host": "127.0.0.1", "port": str(unsync.port)})
    finally:
        kod.close()
        unsync.close()
    assert r1.outcome == "fail" and "RATE" in r1.summary
    assert r2.outcome == "fail" and "unsynchronised" in r2.summary


def test_ntp_ignores_replies_not_echoing_our_timestamp() -> None:
    def spoof(data: bytes, addr: tuple[str, int]) -> bytes | None:
        reply = ntp_reply(data)
        assert reply is not None
        return reply[:24] + bytes(8) + reply[32:]

    server = UdpServer(spoof)
    try:
        r = run_probe("ntp", {"host": "127.0.0.1", "port": str(server.port), "timeout": "1"})
    finally:
        server.close()
    assert r.outcome == "fail"
    assert "no NTP answer" in r.summary


def test_ntp_timestamp_roundtrip() -> None:
    now = time.time()
    assert abs(from_ntp(to_ntp(now)) - now) < 1e-6
