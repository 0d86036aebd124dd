"""The registry is closed, parameters are data, timeouts are hard, the loop stays free."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import tokenize
from pathlib import Path

import pytest

from wizard.probes import (
    PROBES,
    ParamSpec,
    ProbeParamError,
    ProbeResult,
    ProbeSpec,
    check_params,
    coerce_params,
    run_probe,
    run_probe_async,
)

from ._servers import TcpServer, UdpServer

ROOT = Path(__file__).resolve().parents[2]
PROBE_SRC = ROOT / "wizard" / "probes"


def test_registry_names_and_specs() -> None:
    assert set(PROBES) == {"dns", "tcp", "tls", "http", "websocket", "sip-options", "stun", "ntp"}
    for name, spec in PROBES.items():
        assert isinstance(spec, ProbeSpec)
        assert spec.name == name and spec.summary
        names = [p.name for p in spec.params]
        assert "timeout" in names, name
        assert len(names) == len(set(names))
        for p in spec.params:
            assert isinstance(p, ParamSpec)
            assert p.type in (str, int, float, bool)
            assert p.help
        timeout = spec.param("timeout")
        assert timeout is not None and timeout.maximum == 60 and timeout.default == 5


def test_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        PROBES["sh"] = PROBES["tcp"]  # type: ignore[index]


@pytest.mark.parametrize("name", ["sh", "bash", "exec", "python", "os.system", "", "../tcp", "TCP"])
def test_unknown_probes_never_run_anything(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "x"
    r = run_probe(name, {"command": f"touch {marker}", "host": f"$(touch {marker})"})
    assert r.outcome == "error"
    assert "unknown probe" in r.summary
    assert not marker.exists()


def test_did_you_mean() -> None:
    assert "did you mean 'sip-options'" in run_probe("sip-option", {}).summary
    problems = check_params("tcp", {"hots": "x", "prot": "1"})
    assert any("did you mean 'host'" in p for p in problems)
    assert any("did you mean 'port'" in p for p in problems)
    assert check_params("dsn", {}) == [
        "unknown probe 'dsn' (did you mean 'dns'?); the probes are: "
        "dns, tcp, tls, http, websocket, sip-options, stun, ntp"
    ]


@pytest.mark.parametrize(
    "value",
    ["$(touch /tmp/edge-wizard-x)", "; rm -rf /", "`id`", "a b", "host|nc", "x\ny", "--help", ""],
)
def test_hostile_values_are_plain_data(value: str) -> None:
    for name in ("tcp", "sip-options", "tls", "stun", "ntp"):
        r = run_probe(name, {"host": value, "port": "5060"})
        assert r.outcome == "error", (name, value)
        assert r.summary.startswith("bad parameters")
    assert not Path("/tmp/edge-wizard-x").exists()


def test_hostile_urls_are_rejected() -> None:
    for url in ("file:///etc/passwd", "http://$(id)/", "javascript:alert(1)", "ws://a b/"):
        assert run_probe("http", {"url": url}).outcome == "error"
        assert run_probe("websocket", {"url": url}).outcome == "error"


FORBIDDEN_NAMES = {
    "subprocess",
    "eval",
    "exec",
    "__import__",
    "importlib",
    "pickle",
    "marshal",
    "ctypes",
    "pty",
    "system",
    "popen",
    "execv",
    "execve",
    "execl",
    "execlp",
    "execvp",
    "spawnv",
    "spawnl",
    "posix_spawn",
    "fork",
    "forkpty",
    "startfile",
    "getattr",
    "globals",
    "locals",
}


def test_no_process_or_code_execution_in_probe_sources() -> None:
    """Code tokens only (strings and comments do not count): no way to run a command or code."""
    sources = [*PROBE_SRC.rglob("*.py"), ROOT / "wizard" / "sipparse.py"]
    assert len(sources) >= 10
    for path in sources:
        with path.open("rb") as fh:
            tokens = [t for t in tokenize.tokenize(fh.readline) if t.type == tokenize.NAME]
        for i, tok in enumerate(tokens):
            if tok.string in FORBIDDEN_NAMES:
                pytest.fail(f"{path.name}:{tok.start[0]}: uses {tok.string}: {tok.line.strip()}")
            if tok.string == "compile" and (i == 0 or tokens[i - 1].string != "re"):
                pytest.fail(f"{path.name}:{tok.start[0]}: uses compile: {tok.line.strip()}")


def test_check_params_reports_every_problem_kind() -> None:
    assert check_params("tcp", {"host": "sbc.example", "port": "5060"}) == []
    problems = check_params("tcp", {"port": "abc", "timeout": "600", "bogus": "1"})
    text = "\n".join(problems)
    assert "needs parameter 'host'" in text
    assert "'abc' is not a whole number" in text
    assert "above the maximum 60" in text
    assert "no parameter 'bogus'" in text
    assert check_params("sip-options", {"host": "a", "transport": "udpp"}) == [
        "probe 'sip-options' parameter 'transport': 'udpp' is not one of udp, tcp, tls "
        "(did you mean 'udp'?)"
    ]
    assert check_params("tls", {"host": "a", "expect_issuer": "(["})[0].startswith(
        "probe 'tls' parameter 'expect_issuer': bad regex"
    )
    assert check_params("http", {"url": "http://a/", "expect_status": "2xx,abc"})


def test_templates_are_checked_after_substitution() -> None:
    assert check_params("tcp", {"host": "{carrier_host}", "port": "{carrier_port}"}) == []
    assert check_params("tcp", {"hots": "{carrier_host}", "port": "5060"})
    with pytest.raises(ProbeParamError):
        coerce_params("tcp", {"host": "{carrier_host}", "port": "5060"})


def test_coerce_params_types_and_defaults() -> None:
    got = coerce_params("sip-options", {"host": "sbc.example", "transport": "TLS", "verify": "no"})
    assert got["transport"] == "tls"
    assert got["verify"] is False
    assert got["timeout"] == 5.0
    assert got["port"] is None
    assert coerce_params("http", {"url": "http://a/", "method": "head"})["method"] == "HEAD"
    with pytest.raises(ProbeParamError, match="unknown probe"):
        coerce_params("nope", {})


def test_target_is_shown_before_running() -> None:
    assert PROBES["tcp"].target({"host": "sbc.example", "port": "5061"}) == "tcp sbc.example:5061"
    assert PROBES["dns"].target({"name": "x.example"}) == "A+AAAA of x.example"
    assert (
        PROBES["websocket"].target(
            {"url": "wss://a.example/", "proxy": "http://p:3128", "hold": "600"}
        )
        == "websocket wss://a.example/ via proxy http://p:3128, held 600s"
    )
    # Bad parameters still display.
    assert "abc" in PROBES["tcp"].target({"host": "h", "port": "abc"})


def test_result_json_shape() -> None:
    r = run_probe("dns", {"name": "localhost"})
    data = r.to_json()
    assert list(data) == ["probe", "outcome", "summary", "evidence", "duration"]
    assert json.loads(json.dumps(data)) == data
    assert isinstance(r, ProbeResult)


def test_timeout_is_a_hard_bound() -> None:
    silent = UdpServer(lambda data, addr: None)
    try:
        for name in ("sip-options", "stun", "ntp"):
            start = time.monotonic()
            r = run_probe(name, {"host": "127.0.0.1", "port": str(silent.port), "timeout": "0.7"})
            took = time.monotonic() - start
            assert r.outcome == "fail", name
            assert 0.6 <= took < 1.5, (name, took)
    finally:
        silent.close()


def test_watchdog_bounds_a_stuck_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.probes import registry, tcp

    def stuck(params: object, deadline: object) -> object:
        time.sleep(3)
        raise AssertionError("unreachable")

    monkeypatch.setattr(
        registry,
        "PROBES",
        {
            **registry.PROBES,
            "tcp": ProbeSpec(
                "tcp",
                "x",
                tcp.PARAMS,
                describe_target=lambda p: "t",
                runner=stuck,  # type: ignore[arg-type]
            ),
        },
    )
    start = time.monotonic()
    r = registry.run_probe("tcp", {"host": "127.0.0.1", "port": "1", "timeout": "0.5"})
    assert time.monotonic() - start < 1.3
    assert r.outcome == "fail"
    assert "no complete answer within 0.5s" in r.summary


async def test_async_does_not_block_the_event_loop() -> None:
    silent = UdpServer(lambda data, addr: None)
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            await asyncio.sleep(0.05)
            ticks += 1

    try:
        tick_task = asyncio.create_task(ticker())
        r = await run_probe_async(
            "sip-options", {"host": "127.0.0.1", "port": str(silent.port), "timeout": "1"}
        )
        stop.set()
        await tick_task
    finally:
        silent.close()
    assert r.outcome == "fail"
    assert ticks >= 10, ticks  # about 20 expected in 1 s


async def test_async_is_cancellable() -> None:
    silent = UdpServer(lambda data, addr: None)

    def mute_handler(conn: socket.socket) -> None:
        conn.recv(1 << 16)
        conn.recv(1)  # until the client goes away

    mute = TcpServer(mute_handler)
    try:
        for name, params in (
            ("sip-options", {"host": "127.0.0.1", "port": str(silent.port), "timeout": "5"}),
            ("websocket", {"url": f"ws://127.0.0.1:{mute.port}/", "timeout": "5"}),
        ):
            task = asyncio.create_task(run_probe_async(name, params))
            await asyncio.sleep(0.2)
            start = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert time.monotonic() - start < 0.5
    finally:
        silent.close()
        mute.close()


async def test_async_bad_params_and_unknown_probe() -> None:
    r = await run_probe_async("tcp", {"host": "x"})
    assert r.outcome == "error"
    r = await run_probe_async("sh", {"c": "id"})
    assert r.outcome == "error"


def test_import_keeps_textual_and_rich_out() -> None:
    code = (
        "import sys, wizard.probes, wizard.commands.probe, wizard.sipparse\n"
        "from wizard.probes import run_probe\n"
        "run_probe('dns', {'name': 'localhost'})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_run_probe_never_raises_on_odd_arguments() -> None:
    for name, params in (
        (None, {}),
        (42, {}),
        ("tcp", None),
        ("tcp", {"host": 5, "port": object()}),
        ("tcp", {1: "x"}),
        ("tcp", {"host": "a" * 100_000, "port": "1"}),
    ):
        r = run_probe(name, params)  # type: ignore[arg-type]
        assert r.outcome == "error", (name, params)


def test_the_registry_loads_no_network_library_until_a_probe_runs() -> None:
    """`validate` and the first check screen import the registry for the probes'
    parameters; dnspython and websockets wait until a lookup or an upgrade runs."""
    import subprocess
    import sys

    code = (
        "import sys\nimport wizard.probes.registry\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dns', 'websockets'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
