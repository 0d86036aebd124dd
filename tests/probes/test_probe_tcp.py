"""tcp: open port passes, closed port fails, bad host is a clean result."""

from __future__ import annotations

import socket

from wizard.probes import run_probe

from ._servers import LOOPBACK, free_port


def test_open_port_passes() -> None:
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        r = run_probe("tcp", {"host": "127.0.0.1", "port": str(port), "timeout": "2"})
    assert r.outcome == "pass", r.summary
    assert r.evidence["connected_to"] == f"127.0.0.1:{port}"
    assert isinstance(r.evidence["connect_ms"], float)


def test_localhost_name_resolves_and_connects() -> None:
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        r = run_probe("tcp", {"host": "localhost", "port": str(port)})
    assert r.outcome == "pass", r.summary
    assert "127.0.0.1" in r.evidence["resolved"]  # type: ignore[operator]


def test_closed_port_fails() -> None:
    r = run_probe("tcp", {"host": "127.0.0.1", "port": str(free_port()), "timeout": "2"})
    assert r.outcome == "fail"
    assert "refused" in r.summary


def test_unresolvable_host_is_error_without_a_query() -> None:
    r = run_probe("tcp", {"host": "no-such-host.invalid", "port": "443", "timeout": "2"})
    assert r.outcome == "error"
    assert "resolve" in r.summary


def test_bad_host_and_port_are_errors() -> None:
    for params in (
        {"host": "not a host", "port": "80"},
        {"host": "127.0.0.1", "port": "abc"},
        {"host": "127.0.0.1", "port": "70000"},
        {"host": "127.0.0.1"},
        {"host": "127.0.0.1", "port": "80", "timeout": "600"},
    ):
        r = run_probe("tcp", params)
        assert r.outcome == "error", params
        assert r.summary.startswith("bad parameters")


def test_ipv6_loopback() -> None:
    try:
        listener = socket.socket(socket.AF_INET6)
        listener.bind(("::1", 0))
    except OSError:
        import pytest

        pytest.skip("no IPv6 loopback")
    with listener:
        listener.listen(1)
        port = listener.getsockname()[1]
        r = run_probe("tcp", {"host": "::1", "port": str(port)})
        bracketed = run_probe("tcp", {"host": "[::1]", "port": str(port)})
    assert r.outcome == "pass", r.summary
    assert r.evidence["connected_to"] == f"[::1]:{port}"
    assert bracketed.outcome == "pass"
