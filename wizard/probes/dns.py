"""`dns`: resolve a name (A/AAAA through the system resolver, SRV through dnspython)."""

from __future__ import annotations

import socket

from wizard.probes._net import NoAnswer, _getaddrinfo_bounded, is_special_invalid, silence
from wizard.probes.base import Deadline, Params, ParamSpec, ProbeSpec, Verdict
from wizard.probes.common import timeout_param

RECORDS = ("a+aaaa", "a", "aaaa", "srv")

PARAMS = (
    ParamSpec("name", str, True, None, "The DNS name to look up.", kind="dns_name"),
    ParamSpec(
        "record",
        str,
        False,
        "a+aaaa",
        "What to look up: a+aaaa (addresses, as an application would), a, aaaa or srv.",
        choices=RECORDS,
    ),
    ParamSpec(
        "server",
        str,
        False,
        None,
        "Ask this DNS server (an IP address) instead of the system resolver.",
        kind="ip",
    ),
    ParamSpec("server_port", int, False, 53, "Port of `server`.", minimum=1, maximum=65535),
    timeout_param(),
)


def _target(p: Params) -> str:
    via = f" asking {p['server']}:{p['server_port']}" if p.get("server") else ""
    return f"{str(p.get('record', 'a+aaaa')).upper()} of {p.get('name')}{via}"


def run(p: Params, deadline: Deadline) -> Verdict:
    name = str(p["name"])
    record = str(p["record"])
    server = p.get("server")
    ev: dict[str, object] = {"name": name, "record": record}
    if is_special_invalid(name):
        ev["resolver"] = "none: answered locally (RFC 6761, .invalid never exists)"
        ev["answer"] = "NXDOMAIN"
        return Verdict("fail", f"{name} does not exist (NXDOMAIN: .invalid never resolves)", ev)
    if server is None and record != "srv":
        return _system(name, record, deadline, ev)
    return _dnspython(name, record, server, int(str(p["server_port"])), deadline, ev)


def _system(name: str, record: str, deadline: Deadline, ev: dict[str, object]) -> Verdict:
    ev["resolver"] = "system (getaddrinfo: hosts file, then DNS)"
    family = {"a": socket.AF_INET, "aaaa": socket.AF_INET6}.get(record, socket.AF_UNSPEC)
    try:
        found = _getaddrinfo_bounded(name, 0, family, socket.SOCK_STREAM, deadline)
    except NoAnswer:
        ev["answer"] = "timeout"
        return Verdict(
            "fail", f"{name}: " + silence(deadline.seconds, "no answer from the resolver"), ev
        )
    except socket.gaierror as exc:
        ev["answer"] = exc.strerror or str(exc)
        if exc.errno == socket.EAI_AGAIN:
            return Verdict("fail", f"{name}: the resolver failed (temporary failure)", ev)
        return Verdict("fail", f"{name} does not resolve ({exc.strerror})", ev)
    addrs = [addr for _fam, addr in found]
    ev["addresses"] = addrs
    ev["count"] = len(addrs)
    return Verdict("pass", f"{name} resolves to {', '.join(addrs)}", ev)


def _dnspython(
    name: str,
    record: str,
    server: object,
    server_port: int,
    deadline: Deadline,
    ev: dict[str, object],
) -> Verdict:
    # dnspython is imported when a lookup needs it: importing it with the probe
    # registry cost every `validate` and check screen its load time.
    import dns.exception
    import dns.resolver

    if server is not None:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [str(server).strip("[]")]
        resolver.port = server_port
        ev["resolver"] = f"{server} port {server_port}"
    else:
        resolver = dns.resolver.Resolver()
        ev["resolver"] = "system DNS servers: " + ", ".join(str(n) for n in resolver.nameservers)
    types = {"a+aaaa": ["A", "AAAA"], "a": ["A"], "aaaa": ["AAAA"], "srv": ["SRV"]}[record]
    answers: list[str] = []
    for rdtype in types:
        left = deadline.remaining()
        if left <= 0:
            ev["answer"] = "timeout"
            return Verdict("fail", f"{name}: " + silence(deadline.seconds, "no DNS answer"), ev)
        try:
            ans = resolver.resolve(
                name, rdtype, lifetime=left, search=False, raise_on_no_answer=True
            )
        except dns.resolver.NXDOMAIN:
            ev["answer"] = "NXDOMAIN"
            return Verdict("fail", f"{name} does not exist (NXDOMAIN)", ev)
        except dns.resolver.NoAnswer:
            continue
        except dns.exception.Timeout:
            ev["answer"] = "timeout"
            return Verdict("fail", f"{name}: " + silence(deadline.seconds, "no DNS answer"), ev)
        except dns.resolver.NoNameservers as exc:
            ev["answer"] = str(exc)
            return Verdict("fail", f"{name}: every DNS server failed (SERVFAIL or REFUSED)", ev)
        if rdtype == "SRV":
            rows = sorted(ans, key=lambda r: (r.priority, -r.weight))
            answers.extend(f"{r.priority} {r.weight} {r.port} {r.target}" for r in rows)
        else:
            answers.extend(str(r) for r in ans)
    if not answers:
        ev["answer"] = "no records"
        what = "SRV records" if record == "srv" else "addresses"
        return Verdict("fail", f"{name} exists but has no {what} (NODATA)", ev)
    if record == "srv":
        ev["records"] = answers
        ev["count"] = len(answers)
        return Verdict("pass", f"{name} has {len(answers)} SRV record(s): {'; '.join(answers)}", ev)
    ev["addresses"] = answers
    ev["count"] = len(answers)
    return Verdict("pass", f"{name} resolves to {', '.join(answers)}", ev)


SPEC = ProbeSpec(
    "dns",
    "Look up a name: addresses (A/AAAA, as the system resolves them) or SRV records.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
