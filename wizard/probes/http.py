"""`http`: one HTTP(S) request, direct or through an HTTP proxy; reports the status."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl

from wizard.probes._net import connect_tcp, resolve
from wizard.probes.base import Deadline, Params, ParamSpec, ProbeSpec, Verdict, hostport, ms
from wizard.probes.common import timeout_param
from wizard.probes.params import (
    parse_status_list,
    proxy_address,
    readable_file,
    split_url,
    status_matches,
)

USER_AGENT = "edge-wizard-probe/1"
METHODS = ("GET", "HEAD", "OPTIONS")

PARAMS = (
    ParamSpec("url", str, True, None, "http:// or https:// URL to request.", kind="url"),
    ParamSpec(
        "method", str, False, "GET", "Request method (no body is ever sent).", choices=METHODS
    ),
    ParamSpec(
        "proxy",
        str,
        False,
        None,
        "HTTP proxy as http://host:port (https:// URLs go through it with CONNECT).",
        kind="proxy",
    ),
    ParamSpec(
        "expect_status",
        str,
        False,
        "2xx,3xx",
        "Statuses that pass, comma-separated: 2xx, 301, 200-299.",
        kind="status_list",
    ),
    ParamSpec(
        "ca_file",
        str,
        False,
        None,
        "PEM file of CA certificates to trust for https:// instead of the system store.",
        kind="path",
    ),
    timeout_param(),
)


def _target(p: Params) -> str:
    via = f" via proxy {p['proxy']}" if p.get("proxy") else " direct"
    return f"{p.get('method', 'GET')} {p.get('url')}{via}"


def _connect_proxy_tunnel(sock: socket.socket, authority: str) -> tuple[int, str]:
    """Send CONNECT through an HTTP proxy; returns the proxy's (status, reason)."""
    sock.sendall(
        f"CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n"
        f"User-Agent: {USER_AGENT}\r\n\r\n".encode("ascii")
    )
    resp = http.client.HTTPResponse(sock, method="CONNECT")
    try:
        resp.begin()
        return resp.status, resp.reason
    finally:
        resp.close()


def run(p: Params, deadline: Deadline) -> Verdict:
    url = str(p["url"])
    method = str(p["method"])
    parts = split_url(url, ("http", "https"))
    tls = parts.scheme.lower() == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if tls else 80)
    authority = hostport(host, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    expected = parse_status_list(str(p["expect_status"]))
    proxy = p.get("proxy")
    ca_file = p.get("ca_file")
    ev: dict[str, object] = {"url": url, "method": method, "via": str(proxy) if proxy else "direct"}
    if ca_file is not None and (problem := readable_file(str(ca_file))):
        ev["error"] = problem
        return Verdict("error", problem, ev)

    if proxy:
        phost, pport = proxy_address(str(proxy))
        addrs = resolve(phost, pport, deadline)
        sock, peer, took = connect_tcp(addrs, pport, deadline)
    else:
        addrs = resolve(host, port, deadline)
        sock, peer, took = connect_tcp(addrs, port, deadline)
    ev["connected_to"] = peer
    ev["connect_ms"] = ms(took)
    conn = http.client.HTTPConnection(host, port, timeout=max(deadline.remaining(), 0.001))
    try:
        sock.settimeout(max(deadline.remaining(), 0.001))
        if proxy and tls:
            status, reason = _connect_proxy_tunnel(sock, authority)
            ev["proxy_connect"] = f"{status} {reason}"
            if status != 200:
                return Verdict(
                    "fail",
                    f"the proxy {proxy} refused CONNECT to {authority}: {status} {reason}",
                    ev,
                )
        if tls:
            ctx = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            try:
                sock = ctx.wrap_socket(sock, server_hostname=host)
            except ssl.SSLCertVerificationError as exc:
                ev["verify_error"] = exc.verify_message or str(exc)
                return Verdict(
                    "fail",
                    f"certificate of {host} not trusted: {ev['verify_error']} "
                    "(run the tls probe to see the issuer; TLS inspection?)",
                    ev,
                )
            ev["tls_version"] = sock.version() or "?"
        conn.sock = sock
        request_target = url if (proxy and not tls) else path
        t0 = deadline.elapsed()
        conn.putrequest(method, request_target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", authority if parts.port else host)
        conn.putheader("User-Agent", USER_AGENT)
        conn.putheader("Accept", "*/*")
        conn.putheader("Connection", "close")
        conn.endheaders()
        try:
            resp = conn.getresponse()
        except http.client.HTTPException as exc:
            ev["error"] = f"{type(exc).__name__}: {exc}"
            return Verdict("fail", f"no valid HTTP answer from {peer}: {ev['error']}", ev)
        ev["response_ms"] = ms(deadline.elapsed() - t0)
        version = {9: "HTTP/0.9", 10: "HTTP/1.0", 11: "HTTP/1.1"}.get(resp.version, "HTTP/?")
        status_line = f"{version} {resp.status} {resp.reason}".strip()
        ev["status_line"] = status_line
        ev["status"] = resp.status
        for header, key in (
            ("Server", "server"),
            ("Via", "via_header"),
            ("Location", "location"),
            ("Content-Type", "content_type"),
            ("Proxy-Agent", "proxy_agent"),
        ):
            value = resp.getheader(header)
            if value:
                ev[key] = value[:200]
        with contextlib.suppress(OSError, http.client.HTTPException):
            resp.close()
    finally:
        conn.close()
        with contextlib.suppress(OSError):
            sock.close()
    via = f" via {proxy}" if proxy else ""
    ev["expect_status"] = ",".join(expected)
    if status_matches(int(str(ev["status"])), expected):
        return Verdict("pass", f"{status_line}{via} in {ev['response_ms']} ms", ev)
    return Verdict("fail", f"{status_line}{via}: expected {','.join(expected)}", ev)


SPEC = ProbeSpec(
    "http",
    "One HTTP(S) request, direct or via an HTTP proxy: status line, timing.",
    PARAMS,
    describe_target=_target,
    runner=run,
)
