"""tls against a local TLS server with certificates from a test CA (openssl CLI)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from wizard.probes import run_probe
from wizard.probes._der import parse_certificate

from ._servers import TcpServer
from .conftest import Certs


def _handshake_only(conn: socket.socket) -> None:
    conn.recv(1)  # wait for the client to go away


@pytest.fixture
def tls_server(certs: Certs) -> Iterator[int]:
    server = TcpServer(_handshake_only, ssl_context=certs.server_context())
    yield server.port
    server.close()


def test_trusted_via_ca_file(tls_server: int, certs: Certs) -> None:
    r = run_probe(
        "tls",
        {"host": "localhost", "port": str(tls_server), "ca_file": str(certs.ca), "timeout": "3"},
    )
    assert r.outcome == "pass", r.summary
    ev = r.evidence
    assert ev["verified"] is True
    assert "CN=Edge Wizard Test Root CA" in str(ev["issuer"])
    assert ev["subject"] == "CN=localhost"
    assert ev["san"] == ["DNS:localhost", "IP:127.0.0.1"]
    assert isinstance(ev["days_left"], int) and 18 <= ev["days_left"] <= 20
    assert str(ev["tls_version"]).startswith("TLSv1.")
    assert ev["cipher"]
    assert "not_after" in ev


def test_ip_host_checks_ip_san(tls_server: int, certs: Certs) -> None:
    r = run_probe(
        "tls",
        {"host": "127.0.0.1", "port": str(tls_server), "ca_file": str(certs.ca), "timeout": "3"},
    )
    assert r.outcome == "pass", r.summary


def test_expect_issuer_mismatch_means_inspection(tls_server: int, certs: Certs) -> None:
    r = run_probe(
        "tls",
        {
            "host": "localhost",
            "port": str(tls_server),
            "ca_file": str(certs.ca),
            "expect_issuer": "DigiCert|Amazon",
            "timeout": "3",
        },
    )
    assert r.outcome == "fail"
    assert "TLS inspection likely" in r.summary
    assert r.evidence["issuer_matches"] is False
    assert "Edge Wizard Test Root CA" in r.summary


def test_expect_issuer_match_passes(tls_server: int, certs: Certs) -> None:
    r = run_probe(
        "tls",
        {
            "host": "localhost",
            "port": str(tls_server),
            "ca_file": str(certs.ca),
            "expect_issuer": "Edge Wizard Test",
        },
    )
    assert r.outcome == "pass", r.summary


def test_untrusted_fails_but_reports_issuer(tls_server: int, certs: Certs) -> None:
    # The "other" CA did not sign the server certificate: like a system store
    # that does not know an inspection proxy's CA.
    r = run_probe(
        "tls",
        {"host": "localhost", "port": str(tls_server), "ca_file": str(certs.other_ca)},
    )
    assert r.outcome == "fail"
    assert r.evidence["verified"] is False
    assert "not trusted" in r.summary
    assert "Edge Wizard Test Root CA" in str(r.evidence["issuer"])
    assert "Edge Wizard Test Root CA" in r.summary
    assert r.evidence["verify_error"]


def test_untrusted_by_system_store(tls_server: int) -> None:
    r = run_probe("tls", {"host": "localhost", "port": str(tls_server), "timeout": "3"})
    assert r.outcome == "fail"
    assert "Edge Wizard Test Root CA" in str(r.evidence["issuer"])


def test_sni_mismatch_is_reported(tls_server: int, certs: Certs) -> None:
    r = run_probe(
        "tls",
        {
            "host": "127.0.0.1",
            "port": str(tls_server),
            "sni": "wrong.example",
            "ca_file": str(certs.ca),
        },
    )
    assert r.outcome == "fail"
    assert "mismatch" in str(r.evidence["verify_error"]).lower() or "match" in r.summary


def test_plain_tcp_server_fails_tls() -> None:
    server = TcpServer(lambda conn: conn.sendall(b"SSH-2.0-nope\r\n" * 4))
    try:
        r = run_probe("tls", {"host": "127.0.0.1", "port": str(server.port), "timeout": "2"})
    finally:
        server.close()
    assert r.outcome == "fail"
    assert "TLS" in r.summary


def test_missing_ca_file_is_error(tls_server: int) -> None:
    r = run_probe(
        "tls", {"host": "localhost", "port": str(tls_server), "ca_file": "/nonexistent/ca.pem"}
    )
    assert r.outcome == "error"
    assert "does not exist" in r.summary


def test_der_parser_survives_garbage() -> None:
    for blob in (
        b"",
        b"\x30",
        b"\x30\x84\xff\xff\xff\xff",
        bytes(range(256)),
        b"\x30\x03\x30\x01\x00",
    ):
        info = parse_certificate(blob)
        assert info.issuer == "" or isinstance(info.issuer, str)
