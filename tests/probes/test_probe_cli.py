"""The `edge-wizard probe` command, driven through an argparse parser built here."""

from __future__ import annotations

import argparse
import io
import json
import socket

import pytest

from wizard.commands.probe import register, run_probe_command

from ._servers import LOOPBACK, free_port


def _run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="edge-wizard")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["probe", *argv])
    assert args.func is run_probe_command
    out, err = io.StringIO(), io.StringIO()
    code = run_probe_command(args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_list() -> None:
    for argv in ((), ("--list",)):
        code, out, err = _run(*argv)
        assert code == 0 and not err
        for name in ("dns", "tcp", "tls", "http", "websocket", "sip-options", "stun", "ntp"):
            assert f"\n{name}: " in "\n" + out
        assert "timeout (float, default 5, 0.1..60)" in out
        assert "transport (str, default udp, one of udp|tcp|tls)" in out


def test_pass_text_and_exit_0() -> None:
    with socket.socket() as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        code, out, err = _run("tcp", "--param", "host=127.0.0.1", "-p", f"port={port}")
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0] == f"Checking tcp 127.0.0.1:{port} ..."
    assert lines[1].startswith(f"PASS: connected to 127.0.0.1:{port}")
    assert f"  connected_to: 127.0.0.1:{port}" in lines


def test_fail_json_and_exit_1() -> None:
    code, out, _err = _run("tcp", "-p", "host=127.0.0.1", "-p", f"port={free_port()}", "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"probe", "outcome", "summary", "evidence", "duration"}
    assert data["outcome"] == "fail"
    assert data["probe"] == "tcp"


def test_error_exit_3() -> None:
    code, out, _err = _run("tcp", "-p", "host=nothing.invalid", "-p", "port=80")
    assert code == 3
    assert "ERROR:" in out


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (("tpc", "-p", "host=a"), "did you mean 'tcp'"),
        (("tcp", "-p", "hots=a", "-p", "port=1"), "did you mean 'host'"),
        (("tcp", "-p", "host=a", "-p", "port=abc"), "'abc' is not a whole number"),
        (("tcp", "-p", "host"), "needs KEY=VALUE"),
        (("tcp", "-p", "host=a", "-p", "host=b", "-p", "port=1"), "given twice"),
        (("sip-options", "-p", "host=$(id)"), "is not a host name"),
    ],
)
def test_usage_errors_exit_2(argv: tuple[str, ...], expect: str) -> None:
    code, out, err = _run(*argv)
    assert code == 2
    assert expect in err
    assert "Traceback" not in err
    assert out == ""
