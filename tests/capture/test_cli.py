"""``edge-wizard pcap``: text at 80 columns, JSON, --call, exit codes, and no dpkt at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli import main

from ._build import Dialog, Frame, basic_call, write_capture


@pytest.fixture
def two_calls(tmp_path: Path) -> Path:
    long_v6 = Dialog(
        call_id="7f3c9a1e-2b4d-4e8f-9a6b-c1d2e3f4a5b6@sbc.carrier.example",
        caller=("2001:db8:1234:5678:9abc:def0:1234:5678", 5060),
        callee=("2001:db8:8765:4321:fedc:ba98:7654:3210", 5060),
    )
    frames = basic_call(Dialog(call_id="short-call")) + basic_call(long_v6, start=1.8e9)
    return write_capture(tmp_path / "two.pcap", frames)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_text_fits_80_columns(two_calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["pcap", str(two_calls)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Call-ID short-call" in lines
    assert any("[2001:db8:1234:5678:9abc:def0:1234:5678]:5060" in line for line in lines)
    ladder = [line for line in lines if " → " in line and line.lstrip()[:1].isdigit()]
    assert len(ladder) == 14
    first = ladder[0].split()
    assert first[:5] == ["1", "0.000", "A", "→", "B"]
    assert first[5:7] == ["INVITE", "sip:bob@192.0.2.20:5080"]
    assert any(line.split() == ["bye_from:", "caller"] for line in lines)


def test_json(two_calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pcap", str(two_calls), "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["format"] == "pcap" and data["packets"] == 14 and data["cut"] is None
    assert data["calls"][0]["call_id"] == "short-call"
    call = data["calls"][0]
    assert call["findings"]["status"] == "200"
    assert call["findings"]["rtp_streams"] == []
    assert call["ladder"][0] == {
        "n": 1,
        "packet": 1,
        "time": 0.0,
        "src": "10.1.1.10:5080",
        "dst": "192.0.2.20:5080",
        "transport": "udp",
        "line": "INVITE sip:bob@192.0.2.20:5080 SIP/2.0",
    }


def test_call_filter(two_calls: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["pcap", str(two_calls), "--call", "7f3c9a1e", "--json"], capsys)
    assert code == 0
    assert [c["call_id"] for c in json.loads(out)["calls"]] == [
        "7f3c9a1e-2b4d-4e8f-9a6b-c1d2e3f4a5b6@sbc.carrier.example"
    ]
    code, out, _ = run(["pcap", str(two_calls), "--call", "short-call"], capsys)
    assert code == 0 and "7f3c9a1e" not in out
    code, out, err = run(["pcap", str(two_calls), "--call", "nope"], capsys)
    assert code == 2 and out == ""
    assert "'nope' is not in this capture" in err and "short-call" in err


def test_io_and_corrupt_files_exit_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["pcap", str(tmp_path / "absent.pcap")], capsys)
    assert (code, out) == (2, "")
    assert "cannot read" in err and "Traceback" not in err
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(b"\x1b[2J not a capture")
    code, _, err = run(["pcap", str(bad)], capsys)
    assert code == 2 and "not a pcap or pcapng" in err and "\x1b" not in err


def test_notes_and_no_calls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_capture(tmp_path / "empty.pcap", [Frame(1.0, b"\x45\x00")], linktype=101)
    code, out, _ = run(["pcap", str(path)], capsys)
    assert code == 0
    assert "no SIP calls" in out and "note: 1 packets could not be decoded" in out


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["pcap", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for expected in ("pcapng", "--json", "--call", "200,000 packets", "TLS", "docs/capture.md"):
        assert expected in out


def test_building_the_command_line_imports_no_capture_reader() -> None:
    code = (
        "import sys\n"
        "from wizard.cli import build_parser, main\n"
        "build_parser()\n"
        "main(['list'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('dpkt', 'wizard.capture.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # The loader knows the findings' names (routes match them): that module is a
    # table of names and a dataclass, not the reader.
    assert result.stdout.strip().splitlines()[-1] == ("['wizard.capture.findings']")
