"""Record a real call on loopback: sipp as callee and caller, tcpdump writing the capture.

Only 127.0.0.1 is used, and tcpdump records only the ports chosen for this call,
so other traffic on the machine never lands in the file. Every process started
here is stopped before :func:`record_call` returns, whatever happens. Tools or
files that are missing skip the test with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import dpkt
import pytest

HERE = Path(__file__).parent
LOOPBACK = "127.0.0.1"
SAMPLES = Path("/usr/share/sip-tester")
AUDIO_PACKETS = 40  # 40 packets of 30 ms: 1.2 s of sipp's g711a.pcap


def need(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"'{tool}' not installed (Debian package {package})")
    return path


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def free_media_port() -> int:
    """A UDP port with the one two above it free too (sipp binds media_port + 2 for video)."""
    for _ in range(50):
        port = free_port(socket.SOCK_DGRAM)
        if port % 2 or port > 65530:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.bind((LOOPBACK, port + 2))
            except OSError:
                continue
        return port
    raise RuntimeError("no free UDP port pair on loopback")


def write_media(workdir: Path) -> None:
    """audio.pcap (the start of sipp's g711a.pcap) and dtmf.pcap (digit 1) for play_pcap_audio."""
    audio, dtmf = SAMPLES / "g711a.pcap", SAMPLES / "dtmf_2833_1.pcap"
    for sample in (audio, dtmf):
        if not sample.is_file():
            pytest.skip(f"{sample} missing (Debian package sip-tester ships it)")
    with audio.open("rb") as src, (workdir / "audio.pcap").open("wb") as dst:
        reader = dpkt.pcap.Reader(src)
        writer = dpkt.pcap.Writer(dst, linktype=reader.datalink())
        for n, (stamp, frame) in enumerate(reader):
            if n >= AUDIO_PACKETS:
                break
            writer.writepkt(frame, ts=stamp)
    shutil.copyfile(dtmf, workdir / "dtmf.pcap")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _wait_bound(port: int, kind: int, timeout: float = 5.0) -> None:
    """Wait until sipp has bound ``port`` (our own bind then fails)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind((LOOPBACK, port))
            except OSError:
                return
        time.sleep(0.05)
    raise RuntimeError(f"sipp never bound {LOOPBACK}:{port}")


def _start_tcpdump(tcpdump: str, capture: Path, ports: list[int]) -> subprocess.Popen[bytes]:
    log = capture.with_suffix(".tcpdump.log")
    ports_filter = " or ".join(f"port {p}" for p in ports)
    argv = [tcpdump, "-i", "lo", "-n", "-U", "--immediate-mode", "-w", str(capture)]
    if os.geteuid() == 0:
        # Debian's tcpdump drops to its own user before opening the file; stay root
        # so it can write into the test's private folder.
        argv += ["-Z", "root"]
    argv.append(f"host {LOOPBACK} and ({ports_filter})")
    with log.open("wb") as errors:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors
        )
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if "listening on" in log.read_text(errors="replace"):
            return proc
        if proc.poll() is not None:
            pytest.skip(f"tcpdump cannot capture on lo here: {log.read_text()[-300:]}")
        time.sleep(0.05)
    _stop(proc)
    pytest.skip("tcpdump did not start listening on lo within 10 s")


def record_call(workdir: Path, uac: str, uas: str, *, transport: str = "u1") -> Path:
    """Run ``uac`` (scenario file in this folder) against ``uas``; return the capture.

    The ports are free when chosen, but another process on a busy machine (a
    parallel test run) can take one before sipp binds it; then sipp stops at
    once. One more try, on new ports, tells that apart from a real failure.
    """
    try:
        return _record_call(workdir / "1", uac, uas, transport=transport)
    except SippFailed:
        return _record_call(workdir / "2", uac, uas, transport=transport)


class SippFailed(AssertionError):
    pass


def _record_call(workdir: Path, uac: str, uas: str, *, transport: str) -> Path:
    sipp = need("sipp", "sip-tester")
    tcpdump = need("tcpdump", "tcpdump")
    workdir.mkdir(parents=True, exist_ok=True)
    write_media(workdir)
    kind = socket.SOCK_DGRAM if transport.startswith("u") else socket.SOCK_STREAM
    uas_port, uac_port = free_port(kind), free_port(kind)
    uas_media, uac_media = free_media_port(), free_media_port()
    capture = workdir / f"{Path(uac).stem}-{Path(uas).stem}-{transport}.pcap"
    procs: list[subprocess.Popen[bytes]] = []
    common = ["-i", LOOPBACK, "-t", transport, "-m", "1", "-nostdin", "-timeout", "20s"]
    try:
        procs.append(_start_tcpdump(tcpdump, capture, [uas_port, uac_port, uas_media, uac_media]))
        with (workdir / "uas.log").open("wb") as log:
            callee = subprocess.Popen(
                [sipp, "-sf", str(HERE / uas), "-p", str(uas_port), "-mp", str(uas_media), *common],
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        procs.append(callee)
        _wait_bound(uas_port, kind)
        caller = subprocess.run(
            [
                sipp,
                f"{LOOPBACK}:{uas_port}",
                "-sf",
                str(HERE / uac),
                "-p",
                str(uac_port),
                "-mp",
                str(uac_media),
                *common,
            ],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
        )
        if caller.returncode != 0:
            out = (caller.stdout + caller.stderr).decode(errors="replace")
            raise SippFailed(f"sipp caller exited {caller.returncode}:\n{out[-2000:]}")
        with contextlib.suppress(subprocess.TimeoutExpired):
            callee.wait(15)
        time.sleep(0.3)  # the last packets reach tcpdump's file
    finally:
        for proc in reversed(procs):
            _stop(proc)
    return capture
