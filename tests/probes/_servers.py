"""Small loopback servers for the probe tests. Each runs in a daemon thread and stops on close()."""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


class UdpServer:
    """A UDP socket on loopback; ``handler(data, addr) -> reply bytes | None``."""

    def __init__(self, handler: Callable[[bytes, tuple[str, int]], bytes | None]) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.handler = handler
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, addr = self.sock.recvfrom(65535)
            except TimeoutError:
                continue
            except OSError:
                return
            self.received.append(data)
            reply = self.handler(data, addr)
            if reply is not None:
                with contextlib.suppress(OSError):
                    self.sock.sendto(reply, addr)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


class TcpServer:
    """A TCP listener on loopback; ``handler(conn)`` runs per connection in a thread."""

    def __init__(
        self,
        handler: Callable[[socket.socket], None],
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((LOOPBACK, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = int(self.sock.getsockname()[1])
        self.handler = handler
        self.ssl_context = ssl_context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            if self.ssl_context is not None:
                conn = self.ssl_context.wrap_socket(conn, server_side=True)
            self.handler(conn)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


# --- SIP -------------------------------------------------------------------


def sip_reply(request: bytes, status: str = "200 OK", via_rewrite: str | None = None) -> bytes:
    """A response echoing Via/From/To/Call-ID/CSeq, optionally with a rewritten top Via."""
    text = request.decode("utf-8", "replace")
    head = text.split("\r\n\r\n", 1)[0].split("\r\n")
    keep = []
    for line in head[1:]:
        name = line.split(":", 1)[0].strip().lower()
        if name in ("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq"):
            if name in ("via", "v") and via_rewrite is not None:
                line = f"Via: {via_rewrite}"
            keep.append(line)
    lines = [f"SIP/2.0 {status}", *keep, "Server: python-test-uas", "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def sip_stream_handler(status: str = "200 OK") -> Callable[[socket.socket], None]:
    def handle(conn: socket.socket) -> None:
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
        conn.sendall(sip_reply(buf, status))
        time.sleep(0.2)

    return handle


# --- STUN ------------------------------------------------------------------

MAGIC = 0x2112A442


def stun_reply(request: bytes, addr: tuple[str, int], port_shift: int = 0) -> bytes | None:
    """A Binding success response with XOR-MAPPED-ADDRESS and MAPPED-ADDRESS of ``addr``."""
    if len(request) < 20:
        return None
    mtype, _length, cookie = struct.unpack("!HHI", request[:8])
    if mtype != 0x0001 or cookie != MAGIC:
        return None
    txid = request[8:20]
    ip = socket.inet_aton(addr[0])
    port = (addr[1] + port_shift) & 0xFFFF
    xport = port ^ (MAGIC >> 16)
    xip = bytes(b ^ k for b, k in zip(ip, struct.pack("!I", MAGIC), strict=True))
    xor_attr = struct.pack("!HHBBH", 0x0020, 8, 0, 1, xport) + xip
    plain = struct.pack("!HHBBH", 0x0001, 8, 0, 1, port) + ip
    body = xor_attr + plain
    return struct.pack("!HHI", 0x0101, len(body), MAGIC) + txid + body


# --- NTP -------------------------------------------------------------------

NTP_EPOCH = 2208988800


def _ntp_stamp(t: float) -> bytes:
    s = t + NTP_EPOCH
    return struct.pack("!II", int(s), int((s - int(s)) * (1 << 32)) & 0xFFFFFFFF)


def ntp_reply(
    request: bytes, offset: float = 0.0, stratum: int = 2, leap: int = 0, refid: bytes = b""
) -> bytes | None:
    if len(request) < 48:
        return None
    now = time.time() + offset
    first = (leap << 6) | (4 << 3) | 4
    ref = refid or bytes([127, 0, 0, 1])
    return (
        bytes([first, stratum, 6, 0xEC])
        + bytes(8)
        + ref
        + _ntp_stamp(now)  # reference
        + request[40:48]  # originate = client's transmit
        + _ntp_stamp(now)  # receive
        + _ntp_stamp(now)  # transmit
    )
