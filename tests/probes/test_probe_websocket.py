"""websocket against a local websockets server, direct and through real tinyproxy."""

from __future__ import annotations

from collections.abc import Callable

from wizard.probes import run_probe, run_probe_async

from ._servers import free_port
from .conftest import Certs, WsServer


def test_upgrade_direct(ws_server: Callable[..., WsServer]) -> None:
    server = ws_server()
    r = run_probe("websocket", {"url": f"ws://127.0.0.1:{server.port}/", "timeout": "3"})
    assert r.outcome == "pass", r.summary
    assert r.evidence["upgrade"] == "101 Switching Protocols"
    assert r.evidence["via"] == "direct"
    assert r.evidence["connected_to"] == f"127.0.0.1:{server.port}"


def test_hold_without_cut_passes(ws_server: Callable[..., WsServer]) -> None:
    server = ws_server()
    r = run_probe(
        "websocket", {"url": f"ws://localhost:{server.port}/", "hold": "1", "timeout": "3"}
    )
    assert r.outcome == "pass", r.summary
    assert r.evidence["held_s"] == 1.0
    assert 1.0 <= r.duration < 2.5


def test_server_close_during_hold_is_reported(ws_server: Callable[..., WsServer]) -> None:
    server = ws_server(close_after=0.5)
    r = run_probe(
        "websocket", {"url": f"ws://127.0.0.1:{server.port}/", "hold": "5", "timeout": "3"}
    )
    assert r.outcome == "fail"
    assert r.evidence["close_code"] == 1001
    assert r.evidence["close_reason"] == "test server closing"
    cut = r.evidence["cut_after_s"]
    assert isinstance(cut, float) and 0.4 <= cut < 1.5
    assert r.duration < 2.5


def test_upgrade_through_tinyproxy(
    ws_server: Callable[..., WsServer], tinyproxy: Callable[..., int]
) -> None:
    server = ws_server()
    proxy = tinyproxy([server.port], timeout=5)
    r = run_probe(
        "websocket",
        {
            "url": f"ws://127.0.0.1:{server.port}/",
            "proxy": f"http://127.0.0.1:{proxy}",
            "timeout": "3",
        },
    )
    assert r.outcome == "pass", r.summary
    assert r.evidence["via"] == f"http://127.0.0.1:{proxy}"


def test_proxy_idle_timeout_cut_is_detected(
    ws_server: Callable[..., WsServer], tinyproxy: Callable[..., int]
) -> None:
    """The Bridge Server symptom: a proxy whose idle timeout is shorter than the hold."""
    server = ws_server()
    proxy = tinyproxy([server.port], timeout=2)
    r = run_probe(
        "websocket",
        {
            "url": f"ws://127.0.0.1:{server.port}/",
            "proxy": f"http://127.0.0.1:{proxy}",
            "hold": "8",
            "timeout": "3",
        },
    )
    assert r.outcome == "fail", r.summary
    cut = r.evidence["cut_after_s"]
    assert isinstance(cut, float) and 1.5 <= cut <= 4.5, cut
    assert r.evidence["close_code"] == 1006
    assert "cut" in r.summary
    assert r.duration < 6


def test_pings_keep_proxy_tunnel_alive(
    ws_server: Callable[..., WsServer], tinyproxy: Callable[..., int]
) -> None:
    server = ws_server()
    proxy = tinyproxy([server.port], timeout=2)
    r = run_probe(
        "websocket",
        {
            "url": f"ws://127.0.0.1:{server.port}/",
            "proxy": f"http://127.0.0.1:{proxy}",
            "hold": "3.5",
            "ping_interval": "0.5",
            "timeout": "3",
        },
    )
    assert r.outcome == "pass", r.summary


def test_proxy_refusing_connect_port(
    ws_server: Callable[..., WsServer], tinyproxy: Callable[..., int]
) -> None:
    server = ws_server()
    proxy = tinyproxy([1])
    r = run_probe(
        "websocket",
        {
            "url": f"ws://127.0.0.1:{server.port}/",
            "proxy": f"http://127.0.0.1:{proxy}",
            "timeout": "3",
        },
    )
    assert r.outcome == "fail"
    assert "refused" in r.summary


def test_closed_port_and_plain_http() -> None:
    r = run_probe("websocket", {"url": f"ws://127.0.0.1:{free_port()}/", "timeout": "2"})
    assert r.outcome == "fail"
    assert "refused" in r.summary


async def test_async_runner_is_native(ws_server: Callable[..., WsServer]) -> None:
    server = ws_server()
    r = await run_probe_async("websocket", {"url": f"ws://127.0.0.1:{server.port}/", "hold": "0.3"})
    assert r.outcome == "pass", r.summary


def test_wss_direct_and_through_tinyproxy(
    ws_server: Callable[..., WsServer], tinyproxy: Callable[..., int], certs: Certs
) -> None:
    server = ws_server(ssl_context=certs.server_context())
    url = f"wss://localhost:{server.port}/"
    direct = run_probe("websocket", {"url": url, "ca_file": str(certs.ca), "timeout": "3"})
    assert direct.outcome == "pass", direct.summary
    proxy = tinyproxy([server.port])
    via = run_probe(
        "websocket",
        {
            "url": url,
            "ca_file": str(certs.ca),
            "proxy": f"http://localhost:{proxy}",
            "timeout": "3",
        },
    )
    assert via.outcome == "pass", via.summary
    untrusted = run_probe("websocket", {"url": url, "timeout": "3"})
    assert untrusted.outcome == "fail"
    assert "not trusted" in untrusted.summary
