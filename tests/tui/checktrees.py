"""Fixture trees with `check` nodes, written per test: every target is on loopback."""

from __future__ import annotations

from pathlib import Path

TCP_TREE = """\
id: tui-checks
title: TUI checks
summary: A tcp check on loopback for the TUI tests.
version: 1
start: reach
nodes:
  reach:
    kind: check
    text: Can this workstation open TCP {port} on {host}?
    help: The wizard opens a connection and closes it at once; no data is sent.
    probe: tcp
    with: {{host: "{host}", port: "{port}", timeout: "2"}}
    outcomes: {{pass: works, fail: open-firewall}}
    sources: [inferred]
  works:
    kind: resolution
    title: TCP {port} is open
    steps: [Nothing to open.]
    sources: [inferred]
  open-firewall:
    kind: resolution
    title: Open TCP {port} to {host}
    steps: [Allow it in the firewall.]
    sources: [inferred]
"""

SIP_TREE = """\
id: tui-sip
title: TUI SIP check
summary: A SIP OPTIONS check over UDP on loopback, for the responsiveness test.
version: 1
start: options
nodes:
  options:
    kind: check
    text: Does the SBC at {host}:{port} answer SIP OPTIONS over UDP?
    help: One OPTIONS request over UDP.
    probe: sip-options
    with: {{host: "{host}", port: "{port}", transport: udp, timeout: "{timeout}"}}
    outcomes: {{pass: works, fail: silent, error: silent}}
    sources: [inferred]
  works:
    kind: resolution
    title: The SBC answers
    steps: [Nothing to do.]
    sources: [inferred]
  silent:
    kind: resolution
    title: Find out why the SBC is silent
    steps: [Check the firewall.]
    sources: [inferred]
"""


def write_tcp_tree(folder: Path, port: int, host: str = "127.0.0.1") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tui-checks.yaml"
    path.write_text(TCP_TREE.format(host=host, port=port), encoding="utf-8")
    return folder


def write_sip_tree(folder: Path, port: int, timeout: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tui-sip.yaml"
    path.write_text(SIP_TREE.format(host="127.0.0.1", port=port, timeout=timeout), encoding="utf-8")
    return folder
