"""`websocket`: a WebSocket upgrade, optionally through an HTTP CONNECT proxy, held open.

Holding the connection open shows idle cuts by proxies and firewalls: the
Genesys Bridge Server's "disconnects every 10 minutes" symptom.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

from wizard.probes._net import resolve, silence
from wizard.probes.base import (
    Deadline,
    Params,
    ParamSpec,
    ProbeSpec,
    Verdict,
    format_value,
    hostport,
    ms,
    secs,
)
from wizard.probes.common import timeout_param
from wizard.probes.params import proxy_address, readable_file, split_url

MAX_HOLD = 900.0
USER_AGENT = "edge-wizard-probe/1"

CLOSE_CODES = {
    1000: "normal closure",
    1001: "going away (server restart or page leaving)",
    1002: "protocol error",
    1006: "abnormal: the TCP connection dropped with no close frame "
    "(a proxy or firewall idle timeout?)",
    1008: "policy violation",
    1009: "message too big",
    1011: "server error, or keepalive ping timed out",
    1012: "service restart",
    1013: "try again later",
}

PARAMS = (
    ParamSpec("url", str, True, None, "ws:// or wss:// URL to upgrade.", kind="ws_url"),
    ParamSpec(
        "proxy",
        str,
        False,
        None,
        "HTTP proxy as http://host:port; the probe tunnels with CONNECT. Default: direct.",
        kind="proxy",
    ),
    ParamSpec(
        "hold",
        float,
        False,
        0.0,
        "Seconds to keep the connection open after the upgrade, watching for a cut.",
        minimum=0.0,
        maximum=MAX_HOLD,
    ),
    ParamSpec(
        "ping_interval",
        float,
        False,
        0.0,
        "Send a WebSocket ping every N seconds while holding (0: never, to see idle cuts).",
        minimum=0.0,
        maximum=MAX_HOLD,
    ),
    ParamSpec(
        "ca_file",
        str,
        False,
        None,
        "PEM file of CA certificates to trust for wss:// instead of the system store.",
        kind="path",
    ),
    timeout_param(),
)


def _target(p: Params) -> str:
    via = f" via proxy {p['proxy']}" if p.get("proxy") else " direct"
    hold = p.get("hold") or 0
    held = f", held {format_value(hold)}s" if isinstance(hold, int | float) and hold > 0 else ""
    return f"websocket {p.get('url')}{via}{held}"


def describe_close(code: int | None) -> str:
    if code is None:
        code = 1006
    return f"{code} ({CLOSE_CODES.get(code, 'application-defined')})"


async def _open(p: Params, deadline: Deadline, ev: dict[str, object]) -> ClientConnection:
    # websockets is imported when a websocket check runs: importing it with
    # the probe registry cost every `validate` and check screen its load time.
    from websockets.asyncio.client import connect

    url = str(p["url"])
    parts = split_url(url, ("ws", "wss"))
    secure = parts.scheme.lower() == "wss"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    timeout = float(str(p["timeout"]))
    ping = float(str(p["ping_interval"]))
    kwargs: dict[str, Any] = {
        "open_timeout": timeout,
        "close_timeout": 1.0,
        "ping_interval": ping or None,
        "ping_timeout": ping or None,
        "user_agent_header": USER_AGENT,
        "max_size": 1 << 20,
    }
    if secure:
        ca_file = p.get("ca_file")
        kwargs["ssl"] = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    proxy = p.get("proxy")
    if proxy:
        phost, pport = proxy_address(str(proxy))
        addrs = await asyncio.to_thread(resolve, phost, pport, deadline)
        last: BaseException | None = None
        for _fam, addr in addrs:
            try:
                return await connect(url, proxy=f"http://{hostport(addr, pport)}", **kwargs)
            except OSError as exc:
                last = exc
        assert last is not None
        raise last
    addrs = await asyncio.to_thread(resolve, host, port, deadline)
    last = None
    for _fam, addr in addrs:
        try:
            ws = await connect(url, proxy=None, host=addr, port=port, **kwargs)
            ev["connected_to"] = hostport(addr, port)
            return ws
        except OSError as exc:
            last = exc
    assert last is not None
    raise last


async def run_async(p: Params, deadline: Deadline) -> Verdict:
    from websockets.exceptions import (
        ConnectionClosed,
        InvalidHandshake,
        InvalidProxyStatus,
        InvalidStatus,
    )

    url = str(p["url"])
    proxy = p.get("proxy")
    hold = float(str(p["hold"]))
    timeout = float(str(p["timeout"]))
    via = f" via {proxy}" if proxy else ""
    ev: dict[str, object] = {"url": url, "via": str(proxy) if proxy else "direct"}
    ca_file = p.get("ca_file")
    if ca_file is not None and (problem := readable_file(str(ca_file))):
        ev["error"] = problem
        return Verdict("error", problem, ev)
    t0 = time.monotonic()
    try:
        async with asyncio.timeout(timeout):
            ws = await _open(p, deadline, ev)
    except TimeoutError:
        ev["upgrade"] = "no answer"
        return Verdict("fail", f"{url}{via}: " + silence(timeout, "no upgrade"), ev)
    except InvalidProxyStatus as exc:
        status = exc.response.status_code
        ev["upgrade"] = "proxy refused"
        ev["proxy_status"] = f"{status} {exc.response.reason_phrase}"
        return Verdict("fail", f"the proxy {proxy} refused the CONNECT tunnel: {status}", ev)
    except InvalidStatus as exc:
        status = exc.response.status_code
        ev["upgrade"] = "refused"
        ev["status_line"] = f"HTTP/1.1 {status} {exc.response.reason_phrase}"
        return Verdict("fail", f"{url}{via}: the server refused the upgrade with HTTP {status}", ev)
    except ssl.SSLCertVerificationError as exc:
        ev["upgrade"] = "TLS failed"
        ev["verify_error"] = exc.verify_message or str(exc)
        return Verdict(
            "fail",
            f"{url}{via}: certificate not trusted: {ev['verify_error']} "
            "(run the tls probe to see the issuer; TLS inspection?)",
            ev,
        )
    except InvalidHandshake as exc:
        ev["upgrade"] = "failed"
        ev["error"] = f"{type(exc).__name__}: {exc}"
        return Verdict("fail", f"{url}{via}: the WebSocket handshake failed: {exc}", ev)
    opened = time.monotonic()
    ev["upgrade"] = "101 Switching Protocols"
    ev["open_ms"] = ms(opened - t0)
    if hold <= 0:
        with contextlib.suppress(Exception):
            await ws.close()
        return Verdict("pass", f"upgraded{via} in {ev['open_ms']} ms", ev)
    ev["hold_s"] = hold
    ping = float(str(p["ping_interval"]))
    ev["ping_interval_s"] = ping
    messages = 0
    cut_after: float | None = None
    try:
        async with asyncio.timeout(hold):
            async for _message in ws:
                messages += 1
            cut_after = time.monotonic() - opened
    except TimeoutError:
        pass
    except ConnectionClosed:
        cut_after = time.monotonic() - opened
    ev["messages_received"] = messages
    if cut_after is not None:
        code = ws.close_code
        ev["held_s"] = round(cut_after, 3)
        ev["cut_after_s"] = round(cut_after, 3)
        ev["close_code"] = code if code is not None else 1006
        ev["close_meaning"] = describe_close(code)
        if ws.close_reason:
            ev["close_reason"] = ws.close_reason[:200]
        hint = "" if ping else "; try ping_interval to see whether keepalives prevent it"
        return Verdict(
            "fail",
            f"connection cut {secs(round(cut_after, 1))} after opening{via}, "
            f"close code {describe_close(code)}{hint}",
            ev,
        )
    ev["held_s"] = hold
    with contextlib.suppress(Exception):
        await ws.close()
    return Verdict("pass", f"upgraded{via} and held open for {secs(hold)} with no cut", ev)


def run(p: Params, deadline: Deadline) -> Verdict:
    return asyncio.run(run_async(p, deadline))


SPEC = ProbeSpec(
    "websocket",
    "WebSocket upgrade (direct or via an HTTP CONNECT proxy), optionally held open to catch cuts.",
    PARAMS,
    describe_target=_target,
    runner=run,
    async_runner=run_async,
    extra_budget_param="hold",
)
