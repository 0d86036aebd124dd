"""`tls`: a TLS handshake with SNI; reports the certificate and spots TLS inspection."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import ssl

from wizard.probes._der import CertInfo, parse_certificate
from wizard.probes._net import connect_tcp, resolve
from wizard.probes.base import Deadline, Params, ParamSpec, ProbeSpec, Verdict, hostport, ms
from wizard.probes.common import host_param, port_param, timeout_param
from wizard.probes.params import readable_file

PARAMS = (
    host_param(),
    port_param(443),
    ParamSpec(
        "sni",
        str,
        False,
        None,
        "Server name to send (SNI) and to check the certificate against; default: host.",
        kind="host",
    ),
    ParamSpec(
        "expect_issuer",
        str,
        False,
        None,
        "Regex the certificate issuer must match (e.g. 'DigiCert|Amazon'); "
        "a mismatch means TLS inspection is likely.",
        kind="regex",
    ),
    ParamSpec(
        "ca_file",
        str,
        False,
        None,
        "PEM file of CA certificates to trust instead of the system store.",
        kind="path",
    ),
    timeout_param(),
)

EXPIRY_WARNING_DAYS = 14


def _target(p: Params) -> str:
    sni = p.get("sni") or p.get("host")
    return f"tls {hostport(str(p.get('host')), int(str(p.get('port'))))} (SNI {sni})"


def _handshake(
    addrs: list[tuple[int, str]],
    port: int,
    ctx: ssl.SSLContext,
    server_name: str,
    deadline: Deadline,
) -> tuple[bytes, str, str, str, float]:
    """Connect and handshake: (peer DER cert, tls version, cipher, peer, handshake seconds)."""
    sock, peer, _took = connect_tcp(addrs, port, deadline)
    with contextlib.closing(sock):
        sock.settimeout(max(deadline.remaining(), 0.001))
        t0 = deadline.elapsed()
        with ctx.wrap_socket(sock, server_hostname=server_name) as tls_sock:
            took = deadline.elapsed() - t0
            der = tls_sock.getpeercert(binary_form=True) or b""
            version = tls_sock.version() or "?"
            cipher = (tls_sock.cipher() or ("?",))[0]
    return der, version, cipher, peer, took


def _cert_evidence(info: CertInfo, ev: dict[str, object]) -> int | None:
    ev["subject"] = info.subject or "(unreadable)"
    ev["issuer"] = info.issuer or "(unreadable)"
    if info.san:
        ev["san"] = info.san
    days: int | None = None
    if info.not_before:
        ev["not_before"] = info.not_before.strftime("%Y-%m-%d %H:%M:%S UTC")
    if info.not_after:
        ev["not_after"] = info.not_after.strftime("%Y-%m-%d %H:%M:%S UTC")
        days = (info.not_after - dt.datetime.now(dt.UTC)).days
        ev["days_left"] = days
    return days


def run(p: Params, deadline: Deadline) -> Verdict:
    host, port = str(p["host"]), int(str(p["port"]))
    server_name = str(p.get("sni") or host).strip("[]")
    ca_file = p.get("ca_file")
    expect = p.get("expect_issuer")
    ev: dict[str, object] = {"target": hostport(host, port), "sni": server_name}
    if ca_file is not None:
        problem = readable_file(str(ca_file))
        if problem:
            ev["error"] = problem
            return Verdict("error", problem, ev)
        ev["trust"] = f"ca_file {ca_file}"
    else:
        ev["trust"] = "system CA store"
    addrs = resolve(host, port, deadline)
    ctx = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    verify_error: str | None = None
    try:
        der, version, cipher, peer, took = _handshake(addrs, port, ctx, server_name, deadline)
    except ssl.SSLCertVerificationError as exc:
        verify_error = exc.verify_message or exc.reason or str(exc)
        loose = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        loose.check_hostname = False
        loose.verify_mode = ssl.CERT_NONE
        der, version, cipher, peer, took = _handshake(addrs, port, loose, server_name, deadline)
    ev["connected_to"] = peer
    ev["tls_version"] = version
    ev["cipher"] = cipher
    ev["handshake_ms"] = ms(took)
    info = parse_certificate(der)
    days = _cert_evidence(info, ev)
    ev["verified"] = verify_error is None
    if verify_error is not None:
        ev["verify_error"] = verify_error
    issuer = info.issuer or "(unreadable)"
    if expect is not None:
        matches = bool(re.search(str(expect), info.issuer))
        ev["expect_issuer"] = str(expect)
        ev["issuer_matches"] = matches
        if not matches:
            extra = f"; also not trusted: {verify_error}" if verify_error else ""
            return Verdict(
                "fail",
                f"issuer '{issuer}' does not match /{expect}/: TLS inspection likely "
                f"(a proxy or firewall re-signing traffic){extra}",
                ev,
            )
    if verify_error is not None:
        return Verdict(
            "fail",
            f"certificate not trusted: {verify_error}; issuer '{issuer}' "
            "(if that is your company's proxy or firewall CA, TLS inspection is on)",
            ev,
        )
    when = f", expires {ev.get('not_after', '?')} ({days} days left)" if days is not None else ""
    warn = " - renew soon" if days is not None and days < EXPIRY_WARNING_DAYS else ""
    return Verdict("pass", f"{version} with {server_name}, issuer '{issuer}'{when}{warn}", ev)


SPEC = ProbeSpec(
    "tls",
    "TLS handshake with SNI: certificate subject, issuer, expiry, version; spots TLS inspection.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
