"""http against a local http.server, direct and through real tinyproxy."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable, Iterator

import pytest

from wizard.probes import run_probe

from ._servers import LOOPBACK, TcpServer
from .conftest import Certs


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/missing"):
            self.send_error(404)
            return
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(ctx: ssl.SSLContext | None) -> Iterator[int]:
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), _Handler)
    if ctx is not None:
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


@pytest.fixture
def web() -> Iterator[int]:
    yield from _serve(None)


@pytest.fixture
def tls_web(certs: Certs) -> Iterator[int]:
    yield from _serve(certs.server_context())


def test_direct_get(web: int) -> None:
    r = run_probe("http", {"url": f"http://127.0.0.1:{web}/", "timeout": "3"})
    assert r.outcome == "pass", r.summary
    assert r.evidence["status_line"] == "HTTP/1.0 200 OK"
    assert r.evidence["via"] == "direct"
    assert isinstance(r.evidence["response_ms"], float)


def test_head_and_status_mismatch(web: int) -> None:
    head = run_probe("http", {"url": f"http://localhost:{web}/x", "method": "head"})
    assert head.outcome == "pass"
    assert head.evidence["status"] == 204
    missing = run_probe("http", {"url": f"http://127.0.0.1:{web}/missing"})
    assert missing.outcome == "fail"
    assert "404" in missing.summary
    allowed = run_probe(
        "http", {"url": f"http://127.0.0.1:{web}/missing", "expect_status": "2xx,404"}
    )
    assert allowed.outcome == "pass"


def test_through_tinyproxy(web: int, tinyproxy: Callable[..., int]) -> None:
    proxy = tinyproxy([web])
    r = run_probe(
        "http",
        {"url": f"http://127.0.0.1:{web}/", "proxy": f"http://127.0.0.1:{proxy}", "timeout": "4"},
    )
    assert r.outcome == "pass", r.summary
    assert r.evidence["via"] == f"http://127.0.0.1:{proxy}"
    assert r.evidence["connected_to"] == f"127.0.0.1:{proxy}"
    assert "tinyproxy" in str(r.evidence["via_header"])


def test_https_direct_and_through_tinyproxy_connect(
    tls_web: int, certs: Certs, tinyproxy: Callable[..., int]
) -> None:
    url = f"https://localhost:{tls_web}/"
    direct = run_probe("http", {"url": url, "ca_file": str(certs.ca), "timeout": "4"})
    assert direct.outcome == "pass", direct.summary
    proxy = tinyproxy([tls_web])
    via = run_probe(
        "http",
        {
            "url": url,
            "ca_file": str(certs.ca),
            "proxy": f"http://127.0.0.1:{proxy}",
            "timeout": "4",
        },
    )
    assert via.outcome == "pass", via.summary
    assert via.evidence["proxy_connect"].startswith("200")  # type: ignore[union-attr]
    untrusted = run_probe("http", {"url": url, "timeout": "4"})
    assert untrusted.outcome == "fail"
    assert "not trusted" in untrusted.summary


def test_proxy_refuses_connect_to_unlisted_port(
    tls_web: int, certs: Certs, tinyproxy: Callable[..., int]
) -> None:
    proxy = tinyproxy([1])  # CONNECT allowed to port 1 only
    r = run_probe(
        "http",
        {
            "url": f"https://localhost:{tls_web}/",
            "ca_file": str(certs.ca),
            "proxy": f"http://127.0.0.1:{proxy}",
            "timeout": "4",
        },
    )
    assert r.outcome == "fail"
    assert "refused CONNECT" in r.summary


def test_slow_server_is_bounded() -> None:
    def drip(conn: object) -> None:
        import socket
        import time

        assert isinstance(conn, socket.socket)
        conn.recv(1024)
        for _ in range(40):
            conn.sendall(b"X")
            time.sleep(0.1)

    server = TcpServer(drip)  # type: ignore[arg-type]
    try:
        r = run_probe("http", {"url": f"http://127.0.0.1:{server.port}/", "timeout": "1"})
    finally:
        server.close()
    assert r.outcome == "fail"
    assert r.duration < 1.8


def test_closed_port_fails(web: int) -> None:
    from ._servers import free_port

    r = run_probe("http", {"url": f"http://127.0.0.1:{free_port()}/", "timeout": "2"})
    assert r.outcome == "fail"
    assert "refused" in r.summary
