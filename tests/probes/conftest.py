"""Fixtures for the probe tests: real servers on loopback, started and stopped by the tests.

Nothing here talks to any host but 127.0.0.1. External tools used: ``sipp``
(Debian package sip-tester), ``tinyproxy`` and the ``openssl`` CLI; tests that
need a missing one are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ._servers import LOOPBACK, free_port

HERE = Path(__file__).parent


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"'{tool}' not installed (Debian package {package})")
    return path


def wait_tcp(port: int, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(OSError), socket.create_connection((LOOPBACK, port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {LOOPBACK}:{port}")


def wait_udp_bound(port: int, timeout: float = 5.0) -> None:
    """Wait until another process has bound UDP ``port`` (our own bind then fails)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((LOOPBACK, port))
            except OSError:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing bound UDP {LOOPBACK}:{port}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(3)


@pytest.fixture
def sipp_uas(tmp_path: Path) -> Iterator[Callable[[str], int]]:
    """Start real ``sipp`` answering OPTIONS with 200 OK; ``start("u1"|"t1") -> port``."""
    sipp = need("sipp", "sip-tester")
    procs: list[subprocess.Popen[bytes]] = []

    def start(transport: str) -> int:
        kind = socket.SOCK_DGRAM if transport.startswith("u") else socket.SOCK_STREAM
        port = free_port(kind)
        log = (tmp_path / f"sipp-{transport}.log").open("wb")
        proc = subprocess.Popen(
            [
                sipp,
                "-sf",
                str(HERE / "options_uas.xml"),
                "-i",
                LOOPBACK,
                "-p",
                str(port),
                "-t",
                transport,
                "-nostdin",
                "-timeout",
                "60s",
            ],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        if kind == socket.SOCK_DGRAM:
            wait_udp_bound(port)
        else:
            wait_tcp(port)
        return port

    yield start
    for proc in procs:
        stop(proc)


@pytest.fixture
def tinyproxy(tmp_path: Path) -> Iterator[Callable[..., int]]:
    """Start real ``tinyproxy``; ``start(connect_ports=[...], timeout=3) -> proxy port``."""
    binary = need("tinyproxy", "tinyproxy")
    procs: list[subprocess.Popen[bytes]] = []

    def start(connect_ports: list[int], timeout: int = 3) -> int:
        port = free_port()
        conf = tmp_path / f"tinyproxy-{port}.conf"
        lines = [
            f"Port {port}",
            f"Listen {LOOPBACK}",
            f"Timeout {timeout}",
            f"Allow {LOOPBACK}",
            "MaxClients 20",
            "LogLevel Info",
            *(f"ConnectPort {p}" for p in connect_ports),
        ]
        conf.write_text("\n".join(lines) + "\n")
        log = (tmp_path / f"tinyproxy-{port}.log").open("wb")
        proc = subprocess.Popen(
            [binary, "-d", "-c", str(conf)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        wait_tcp(port)
        return port

    yield start
    for proc in procs:
        stop(proc)


@dataclass(frozen=True)
class Certs:
    ca: Path
    cert: Path
    key: Path
    other_ca: Path

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        return ctx


def _openssl(openssl: str, cwd: Path, *args: str) -> None:
    subprocess.run(
        [openssl, *args], cwd=cwd, check=True, capture_output=True, stdin=subprocess.DEVNULL
    )


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """A test CA and a server certificate for localhost/127.0.0.1, made with the openssl CLI."""
    openssl = need("openssl", "openssl")
    d = tmp_path_factory.mktemp("certs")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for name, cn in (("ca", "Edge Wizard Test Root CA"), ("other", "Corporate Inspection CA")):
        _openssl(
            openssl,
            d,
            "req",
            "-x509",
            *ec,
            "-keyout",
            f"{name}.key",
            "-out",
            f"{name}.pem",
            "-days",
            "30",
            "-subj",
            f"/O=edge-wizard tests/CN={cn}",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        )
    _openssl(
        openssl, d, "req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"
    )
    (d / "ext.cnf").write_text(
        "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid,issuer\n"
    )
    _openssl(
        openssl,
        d,
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "20",
        "-extfile",
        "ext.cnf",
    )
    return Certs(d / "ca.pem", d / "srv.pem", d / "srv.key", d / "other.pem")


class WsServer:
    """A websockets asyncio server on loopback, in its own thread and event loop."""

    def __init__(
        self, close_after: float | None = None, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        from websockets.asyncio.server import ServerConnection, serve

        self.close_after = close_after
        self.loop = asyncio.new_event_loop()
        self.port = 0
        ready = threading.Event()

        async def handler(ws: ServerConnection) -> None:
            if self.close_after is not None:
                await asyncio.sleep(self.close_after)
                await ws.close(1001, "test server closing")
                return
            async for message in ws:
                await ws.send(message)

        async def main() -> None:
            self._stopped = asyncio.Event()
            async with serve(handler, LOOPBACK, 0, ssl=ssl_context) as server:
                self.port = next(iter(server.sockets)).getsockname()[1]
                ready.set()
                await self._stopped.wait()

        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(main(),))
        self.thread.daemon = True
        self.thread.start()
        if not ready.wait(5):
            raise RuntimeError("websocket test server did not start")

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self._stopped.set)
        self.thread.join(5)


@pytest.fixture
def ws_server() -> Iterator[Callable[..., WsServer]]:
    servers: list[WsServer] = []

    def start(
        close_after: float | None = None, ssl_context: ssl.SSLContext | None = None
    ) -> WsServer:
        server = WsServer(close_after, ssl_context)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
