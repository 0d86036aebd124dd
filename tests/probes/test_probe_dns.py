"""dns: localhost via the hosts file; NXDOMAIN without any query leaving the machine.

The machine's resolver (/etc/resolv.conf) may be another host, so the
failure cases never reach it: ``.invalid`` is answered locally by the probe
(RFC 6761), getaddrinfo is monkeypatched for a system-resolver NXDOMAIN, and
SRV/NXDOMAIN over DNS are asked of a DNS server this test runs on 127.0.0.1.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

from wizard.probes import run_probe

from ._servers import UdpServer

ZONE_SRV = "_sip._udp.carrier.test."
ZONE_A = "sbc.carrier.test."


def _answer(data: bytes, addr: tuple[str, int]) -> bytes | None:
    try:
        query = dns.message.from_wire(data)
    except Exception:
        return None
    reply = dns.message.make_response(query)
    question = query.question[0]
    name = question.name.to_text()
    if name == ZONE_SRV and question.rdtype == dns.rdatatype.SRV:
        reply.answer.append(
            dns.rrset.from_text(
                name,
                60,
                "IN",
                "SRV",
                "10 60 5060 sbc1.carrier.test.",
                "20 40 5060 sbc2.carrier.test.",
            )
        )
    elif name == ZONE_A and question.rdtype == dns.rdatatype.A:
        reply.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "192.0.2.10"))
    elif name in (ZONE_A, ZONE_SRV):
        pass  # NODATA
    else:
        reply.set_rcode(dns.rcode.NXDOMAIN)
    reply.flags |= dns.flags.AA
    return reply.to_wire()


@pytest.fixture
def dns_server() -> Iterator[int]:
    server = UdpServer(_answer)
    yield server.port
    server.close()


def test_localhost_passes() -> None:
    r = run_probe("dns", {"name": "localhost", "timeout": "2"})
    assert r.outcome == "pass", r.summary
    addrs = r.evidence["addresses"]
    assert isinstance(addrs, list) and ("127.0.0.1" in addrs or "::1" in addrs)


def test_invalid_fails_without_a_query(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> object:
        raise AssertionError("getaddrinfo must not be called for .invalid")

    monkeypatch.setattr(socket, "getaddrinfo", boom)
    r = run_probe("dns", {"name": "does-not-exist.invalid", "timeout": "2"})
    assert r.outcome == "fail"
    assert "NXDOMAIN" in r.summary
    srv = run_probe("dns", {"name": "_sip._udp.nothing.invalid", "record": "srv"})
    assert srv.outcome == "fail"


def test_system_nxdomain_is_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nxdomain)
    r = run_probe("dns", {"name": "gone.carrier.test"})
    assert r.outcome == "fail"
    assert "does not resolve" in r.summary


def test_srv_from_a_local_server(dns_server: int) -> None:
    r = run_probe(
        "dns",
        {
            "name": "_sip._udp.carrier.test",
            "record": "srv",
            "server": "127.0.0.1",
            "server_port": str(dns_server),
            "timeout": "2",
        },
    )
    assert r.outcome == "pass", r.summary
    assert r.evidence["records"] == [
        "10 60 5060 sbc1.carrier.test.",
        "20 40 5060 sbc2.carrier.test.",
    ]


def test_a_nodata_and_nxdomain_from_a_local_server(dns_server: int) -> None:
    base = {"server": "127.0.0.1", "server_port": str(dns_server), "timeout": "2"}
    a = run_probe("dns", {"name": "sbc.carrier.test", **base})
    assert a.outcome == "pass", a.summary
    assert a.evidence["addresses"] == ["192.0.2.10"]
    nodata = run_probe("dns", {"name": "sbc.carrier.test", "record": "srv", **base})
    assert nodata.outcome == "fail"
    assert "NODATA" in nodata.summary
    nx = run_probe("dns", {"name": "nope.carrier.test", "record": "srv", **base})
    assert nx.outcome == "fail"
    assert "NXDOMAIN" in nx.summary


def test_silent_dns_server_times_out() -> None:
    silent = UdpServer(lambda data, addr: None)
    try:
        r = run_probe(
            "dns",
            {
                "name": "sbc.carrier.test",
                "server": "127.0.0.1",
                "server_port": str(silent.port),
                "timeout": "1",
            },
        )
    finally:
        silent.close()
    assert r.outcome == "fail"
    assert r.duration < 1.6
