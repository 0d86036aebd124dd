"""`tcp`: open a TCP connection to host:port and close it."""

from __future__ import annotations

import contextlib

from wizard.probes._net import connect_tcp, resolve
from wizard.probes.base import Deadline, Params, ProbeSpec, Verdict, hostport, ms
from wizard.probes.common import host_param, port_param, timeout_param

PARAMS = (host_param(), port_param(None), timeout_param())


def _target(p: Params) -> str:
    return f"tcp {hostport(str(p.get('host')), int(str(p.get('port'))))}"


def run(p: Params, deadline: Deadline) -> Verdict:
    host, port = str(p["host"]), int(str(p["port"]))
    ev: dict[str, object] = {"target": hostport(host, port)}
    addrs = resolve(host, port, deadline)
    ev["resolved"] = [a for _f, a in addrs]
    sock, peer, took = connect_tcp(addrs, port, deadline)
    with contextlib.closing(sock):
        ev["connected_to"] = peer
        ev["connect_ms"] = ms(took)
        with contextlib.suppress(OSError):
            ev["local_address"] = hostport(*sock.getsockname()[:2])
    return Verdict("pass", f"connected to {peer} in {ms(took)} ms", ev)


SPEC = ProbeSpec(
    "tcp",
    "Open a TCP connection to host:port (a SYN, then close).",
    PARAMS,
    describe_target=_target,
    runner=run,
)
