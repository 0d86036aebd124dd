"""sip-options against real sipp on loopback, plus Python stand-ins for ALG and TLS cases."""

from __future__ import annotations

import time
from collections.abc import Callable

from wizard.probes import run_probe

from ._servers import TcpServer, UdpServer, free_port, sip_reply, sip_stream_handler
from .conftest import Certs


def test_udp_against_sipp(sipp_uas: Callable[[str], int]) -> None:
    port = sipp_uas("u1")
    r = run_probe("sip-options", {"host": "127.0.0.1", "port": str(port), "timeout": "3"})
    assert r.outcome == "pass", r.summary
    assert r.evidence["status_line"] == "SIP/2.0 200 OK"
    assert r.evidence["status"] == 200
    assert isinstance(r.evidence["rtt_ms"], float)
    assert r.evidence["server"] == "sipp-test-uas"
    assert r.evidence["alg_suspected"] is False
    assert r.evidence["nat_seen"] is False
    assert "200 OK" in r.summary


def test_tcp_against_sipp(sipp_uas: Callable[[str], int]) -> None:
    port = sipp_uas("t1")
    r = run_probe(
        "sip-options",
        {"host": "127.0.0.1", "port": str(port), "transport": "tcp", "timeout": "3"},
    )
    assert r.outcome == "pass", r.summary
    assert r.evidence["status"] == 200
    assert str(r.evidence["via_received"]).startswith("SIP/2.0/TCP ")


def test_localhost_name_against_sipp(sipp_uas: Callable[[str], int]) -> None:
    port = sipp_uas("u1")
    r = run_probe("sip-options", {"host": "localhost", "port": str(port), "timeout": "3"})
    assert r.outcome == "pass", r.summary


def test_closed_udp_port_fails_cleanly() -> None:
    port = free_port(__import__("socket").SOCK_DGRAM)
    r = run_probe("sip-options", {"host": "127.0.0.1", "port": str(port), "timeout": "2"})
    assert r.outcome == "fail"
    assert "port unreachable" in r.summary
    assert r.duration < 2.5


def test_closed_tcp_port_fails_cleanly() -> None:
    port = free_port()
    r = run_probe(
        "sip-options",
        {"host": "127.0.0.1", "port": str(port), "transport": "tcp", "timeout": "2"},
    )
    assert r.outcome == "fail"
    assert "refused" in r.summary
    assert r.duration < 1


def test_silent_udp_server_times_out_with_retransmits() -> None:
    silent = UdpServer(lambda data, addr: None)
    try:
        start = time.monotonic()
        r = run_probe(
            "sip-options", {"host": "127.0.0.1", "port": str(silent.port), "timeout": "1.8"}
        )
        took = time.monotonic() - start
    finally:
        silent.close()
    assert r.outcome == "fail"
    assert "no SIP answer within 1.8s" in r.summary
    assert 1.7 <= took < 2.5
    # T1 doubling: sends at 0, 0.5, 1.5 s (next at 3.5 s) -> 3 transmissions in 1.8 s.
    assert r.evidence["transmissions"] == 3
    assert len(silent.received) == 3
    assert silent.received[0].startswith(b"OPTIONS sip:127.0.0.1:")


def test_non_passing_status_is_fail_but_reachable() -> None:
    server = UdpServer(lambda data, addr: sip_reply(data, "503 Service Unavailable"))
    try:
        r = run_probe("sip-options", {"host": "127.0.0.1", "port": str(server.port)})
    finally:
        server.close()
    assert r.outcome == "fail"
    assert r.evidence["status"] == 503
    assert "reachable" in r.summary


def test_405_passes_by_default_and_expect_status_overrides() -> None:
    server = UdpServer(lambda data, addr: sip_reply(data, "405 Method Not Allowed"))
    try:
        ok = run_probe("sip-options", {"host": "127.0.0.1", "port": str(server.port)})
        strict = run_probe(
            "sip-options",
            {"host": "127.0.0.1", "port": str(server.port), "expect_status": "2xx"},
        )
    finally:
        server.close()
    assert ok.outcome == "pass"
    assert strict.outcome == "fail"


def test_provisional_only_then_silence_fails() -> None:
    def handler(data: bytes, addr: tuple[str, int]) -> bytes:
        return sip_reply(data, "100 Trying") + b""

    server = UdpServer(handler)
    try:
        r = run_probe(
            "sip-options", {"host": "127.0.0.1", "port": str(server.port), "timeout": "1"}
        )
    finally:
        server.close()
    assert r.outcome == "fail"
    assert r.evidence["provisional"]


def test_rewritten_via_is_reported_as_alg() -> None:
    rewritten = (
        "SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK-other;received=198.51.100.9;rport=40000"
    )
    server = UdpServer(lambda data, addr: sip_reply(data, "200 OK", via_rewrite=rewritten))
    try:
        r = run_probe("sip-options", {"host": "127.0.0.1", "port": str(server.port)})
    finally:
        server.close()
    assert r.outcome == "pass"
    assert r.evidence["alg_suspected"] is True
    assert r.evidence["nat_seen"] is True
    rewrites = r.evidence["rewritten"]
    assert isinstance(rewrites, list)
    assert any("Via sent-by" in x for x in rewrites)
    assert any("received=198.51.100.9" in x for x in r.evidence["nat"])  # type: ignore[union-attr]
    assert "SIP ALG" in r.summary


def test_tls_transport(certs: Certs) -> None:
    server = TcpServer(sip_stream_handler(), ssl_context=certs.server_context())
    try:
        r = run_probe(
            "sip-options",
            {
                "host": "localhost",
                "port": str(server.port),
                "transport": "tls",
                "ca_file": str(certs.ca),
                "timeout": "3",
            },
        )
        untrusted = run_probe(
            "sip-options",
            {"host": "localhost", "port": str(server.port), "transport": "tls", "timeout": "3"},
        )
        unverified = run_probe(
            "sip-options",
            {
                "host": "localhost",
                "port": str(server.port),
                "transport": "tls",
                "verify": "false",
                "timeout": "3",
            },
        )
    finally:
        server.close()
    assert r.outcome == "pass", r.summary
    assert str(r.evidence["via_sent"]).startswith("SIP/2.0/TLS ")
    assert untrusted.outcome == "fail"
    assert "not trusted" in untrusted.summary
    assert unverified.outcome == "pass", unverified.summary


def test_default_port_depends_on_transport() -> None:
    from wizard.probes import PROBES

    spec = PROBES["sip-options"]
    assert spec.target({"host": "carrier.example"}) == "sip:carrier.example:5060 over udp"
    assert spec.target({"host": "carrier.example", "transport": "tls"}) == (
        "sip:carrier.example:5061 over tls"
    )
