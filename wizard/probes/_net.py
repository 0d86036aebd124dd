"""Deadline-bounded name resolution and connects, and the shared error rules."""

from __future__ import annotations

import errno
import socket
import ssl
import threading
import time

from wizard.probes.base import Deadline, Verdict, bare_host, hostport, is_ip, secs


class ResolveFailed(Exception):
    """The name did not resolve. `definite` is True for NXDOMAIN-like answers."""

    def __init__(self, message: str, *, definite: bool) -> None:
        super().__init__(message)
        self.definite = definite


class NoAnswer(Exception):
    """Nothing came back before the deadline."""


def is_special_invalid(name: str) -> bool:
    """RFC 6761 section 6.4: `invalid` and names under it never resolve.

    The probes answer these locally, so no query leaves the machine.
    """
    low = name.lower().rstrip(".")
    return low == "invalid" or low.endswith(".invalid")


def _getaddrinfo_bounded(
    host: str, port: int, family: int, socktype: int, deadline: Deadline
) -> list[tuple[int, str]]:
    box: list[object] = []
    done = threading.Event()

    def work() -> None:
        try:
            box.append(socket.getaddrinfo(host, port, family, socktype))
        except BaseException as exc:  # handed to the caller
            box.append(exc)
        finally:
            done.set()

    threading.Thread(target=work, name="probe-getaddrinfo", daemon=True).start()
    if not done.wait(deadline.remaining()):
        raise NoAnswer(f"name resolution of {host} did not finish within {secs(deadline.seconds)}")
    got = box[0]
    if isinstance(got, BaseException):
        raise got
    assert isinstance(got, list)
    seen: list[tuple[int, str]] = []
    for fam, _t, _p, _c, sockaddr in got:
        item = (int(fam), str(sockaddr[0]))
        if item not in seen:
            seen.append(item)
    return seen


def resolve(
    host: str,
    port: int,
    deadline: Deadline,
    *,
    socktype: int = socket.SOCK_STREAM,
    family: int = socket.AF_UNSPEC,
) -> list[tuple[int, str]]:
    """Resolve `host` with getaddrinfo (so /etc/hosts counts), bounded by `deadline`.

    Returns `[(family, address), ...]` in the resolver's order. Raises
    `ResolveFailed` or `NoAnswer`.
    """
    h = bare_host(host)
    if is_ip(h):
        fam = socket.AF_INET6 if ":" in h else socket.AF_INET
        return [(fam, h)]
    if is_special_invalid(h):
        raise ResolveFailed(
            f"{h} cannot resolve: names under .invalid never exist (RFC 6761)", definite=True
        )
    try:
        addrs = _getaddrinfo_bounded(h, port, family, socktype, deadline)
    except socket.gaierror as exc:
        definite = exc.errno in (socket.EAI_NONAME, vars(socket).get("EAI_NODATA", -5))
        raise ResolveFailed(f"{h} does not resolve: {exc.strerror}", definite=definite) from None
    if not addrs:
        raise ResolveFailed(f"{h} has no addresses", definite=True)
    return addrs


class ConnectFailed(Exception):
    """TCP connect failed on every address. `kind` is refused, timeout or unreachable."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


def connect_tcp(
    addrs: list[tuple[int, str]], port: int, deadline: Deadline
) -> tuple[socket.socket, str, float]:
    """Connect to the first address that accepts, within `deadline`.

    Returns `(socket, "address:port", connect_seconds)`. Raises `ConnectFailed`.
    """
    failures: list[str] = []
    kinds: list[str] = []
    for fam, addr in addrs:
        left = deadline.remaining()
        if left <= 0:
            break
        sock = socket.socket(fam, socket.SOCK_STREAM)
        sock.settimeout(left)
        t0 = time.monotonic()
        try:
            sock.connect((addr, port))
        except TimeoutError:
            sock.close()
            failures.append(f"{hostport(addr, port)}: no answer")
            kinds.append("timeout")
            continue
        except ConnectionRefusedError:
            sock.close()
            failures.append(f"{hostport(addr, port)}: connection refused")
            kinds.append("refused")
            continue
        except OSError as exc:
            sock.close()
            failures.append(f"{hostport(addr, port)}: {exc.strerror or exc}")
            kinds.append("unreachable")
            continue
        return sock, hostport(addr, port), time.monotonic() - t0
    if not failures:
        raise ConnectFailed(f"no answer within {secs(deadline.seconds)}", "timeout")
    if "refused" in kinds:
        kind = "refused"
    elif "unreachable" in kinds:
        kind = "unreachable"
    else:
        kind = "timeout"
    return_msg = "; ".join(failures)
    raise ConnectFailed(return_msg, kind)


def silence(timeout: float, what: str = "no answer") -> str:
    return f"{what} within {secs(timeout)} (a firewall dropping packets, or nothing there?)"


def classify(exc: BaseException, timeout: float, target: str) -> Verdict:
    """The one rule for turning an exception into an outcome, shared by every probe.

    * silence (timeouts) -> fail: "no answer within Ns";
    * refused, reset, unreachable, TLS failures -> fail: the network said no;
    * a target name that does not resolve -> error: the question could not be asked;
    * anything else -> error with the exception's message.
    """
    ev: dict[str, object] = {"target": target}
    if isinstance(exc, NoAnswer | TimeoutError | socket.timeout):
        ev["error"] = str(exc) or "timed out"
        return Verdict("fail", f"{target}: " + silence(timeout), ev)
    if isinstance(exc, ResolveFailed):
        ev["error"] = str(exc)
        return Verdict("error", f"could not resolve the target: {exc}", ev)
    if isinstance(exc, ConnectFailed):
        ev["error"] = str(exc)
        if exc.kind == "timeout":
            return Verdict("fail", f"{target}: " + silence(timeout), ev)
        if exc.kind == "refused":
            return Verdict(
                "fail", f"{target}: connection refused (port closed or service down)", ev
            )
        return Verdict("fail", f"{target}: unreachable: {exc}", ev)
    if isinstance(exc, ConnectionRefusedError):
        ev["error"] = str(exc)
        return Verdict("fail", f"{target}: connection refused (port closed or service down)", ev)
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        ev["error"] = str(exc)
        return Verdict("fail", f"{target}: connection cut by the other end or the path", ev)
    if isinstance(exc, ssl.SSLError):
        ev["error"] = str(exc)
        return Verdict("fail", f"{target}: TLS failed: {exc.reason or exc}", ev)
    if isinstance(exc, OSError) and exc.errno in (
        errno.ENETUNREACH,
        errno.EHOSTUNREACH,
        errno.EHOSTDOWN,
        errno.ENETDOWN,
    ):
        ev["error"] = str(exc)
        return Verdict("fail", f"{target}: unreachable: {exc.strerror}", ev)
    ev["error"] = f"{type(exc).__name__}: {exc}"
    return Verdict("error", f"{target}: could not run: {type(exc).__name__}: {exc}", ev)
