"""The closed registry of built-in probes and the functions that run them."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from types import MappingProxyType

from wizard.probes import dns as dns_probe
from wizard.probes import http as http_probe
from wizard.probes import ntp as ntp_probe
from wizard.probes import sip as sip_probe
from wizard.probes import stun as stun_probe
from wizard.probes import tcp as tcp_probe
from wizard.probes import tls as tls_probe
from wizard.probes import websocket as websocket_probe
from wizard.probes._net import classify
from wizard.probes.base import (
    Deadline,
    Params,
    ProbeParamError,
    ProbeResult,
    ProbeSpec,
    Verdict,
    secs,
)
from wizard.probes.params import coerce_with_spec, did_you_mean, problems_for

GRACE = 0.5
"""Seconds past a probe's budget before the watchdog gives up on it."""

PROBES: Mapping[str, ProbeSpec] = MappingProxyType(
    {
        spec.name: spec
        for spec in (
            dns_probe.SPEC,
            tcp_probe.SPEC,
            tls_probe.SPEC,
            http_probe.SPEC,
            websocket_probe.SPEC,
            sip_probe.SPEC,
            stun_probe.SPEC,
            ntp_probe.SPEC,
        )
    }
)
"""Every built-in probe by name. Read-only: trees cannot add to it."""


def _unknown(name: str) -> str:
    return (
        f"unknown probe '{name}'"
        + did_you_mean(name, list(PROBES))
        + (f"; the probes are: {', '.join(PROBES)}")
    )


def check_params(name: str, raw: Mapping[str, str]) -> list[str]:
    """Problems with a probe name and its parameters, as messages; `[]` when fine.

    Reports an unknown probe or parameter (with "did you mean"), a missing
    required parameter, an ill-typed value (port `abc`) and an out-of-range or
    malformed one. A value holding a `{var}` template is only checked for its
    name here; its content is checked when the probe runs, after substitution.
    """
    spec = PROBES.get(name)
    if spec is None:
        return [_unknown(name)]
    return problems_for(spec, raw, templates_ok=True)


def coerce_params(name: str, raw: Mapping[str, str]) -> dict[str, object]:
    """Typed parameters with defaults filled in; raises `ProbeParamError`."""
    spec = PROBES.get(name)
    if spec is None:
        raise ProbeParamError(_unknown(name))
    return coerce_with_spec(spec, raw)


def _error(name: str, summary: str, start: float) -> ProbeResult:
    return ProbeResult(name, "error", summary, {"error": summary}, time.monotonic() - start)


def _prepare(
    name: object, raw_params: object, start: float
) -> tuple[ProbeSpec, dict[str, object]] | ProbeResult:
    """Look up and coerce; untyped arguments because callers may pass anything."""
    if not isinstance(name, str):
        return _error(str(name), f"probe name must be a string, got {type(name).__name__}", start)
    spec = PROBES.get(name)
    if spec is None:
        return _error(name, _unknown(name), start)
    if not isinstance(raw_params, Mapping):
        return _error(name, "bad parameters: expected a mapping of name to value", start)
    try:
        params = coerce_with_spec(spec, raw_params)
    except ProbeParamError as exc:
        return _error(name, f"bad parameters: {exc}", start)
    except Exception as exc:  # defensive: odd keys or values
        return _error(name, f"bad parameters: {type(exc).__name__}: {exc}", start)
    return spec, params


def _finish(spec: ProbeSpec, params: Params, verdict: Verdict, start: float) -> ProbeResult:
    return ProbeResult(
        spec.name,
        verdict.outcome,
        verdict.summary,
        dict(verdict.evidence),
        time.monotonic() - start,
    )


def _safe_run(spec: ProbeSpec, params: Params, deadline: Deadline) -> Verdict:
    target = spec.target(params)
    try:
        return spec.runner(params, deadline)
    except Exception as exc:
        return classify(exc, float(str(params.get("timeout", deadline.seconds))), target)


def _watchdog_verdict(spec: ProbeSpec, params: Params, budget: float) -> Verdict:
    target = spec.target(params)
    return Verdict(
        "fail",
        f"{target}: no complete answer within {secs(budget)} (a firewall dropping packets?)",
        {"target": target, "error": f"stopped after {secs(budget)}"},
    )


def run_probe(name: str, raw_params: Mapping[str, str]) -> ProbeResult:
    """Run probe `name` with string parameters, synchronously.

    Never raises for network conditions or bad input: an unknown probe or bad
    parameters give outcome `error`; network conditions map to `fail` or
    `error` by the shared rule (see docs/probes.md). The probe's `timeout`
    (plus websocket `hold`) is a hard wall-clock bound, enforced by a watchdog.
    """
    start = time.monotonic()
    prepared = _prepare(name, raw_params, start)
    if isinstance(prepared, ProbeResult):
        return prepared
    spec, params = prepared
    budget = spec.budget(params)
    deadline = Deadline(budget)
    box: list[Verdict] = []

    def work() -> None:
        box.append(_safe_run(spec, params, deadline))

    worker = threading.Thread(target=work, name=f"probe-{spec.name}", daemon=True)
    worker.start()
    worker.join(budget + GRACE)
    if not box:
        return _finish(spec, params, _watchdog_verdict(spec, params, budget), start)
    return _finish(spec, params, box[0], start)


async def run_probe_async(name: str, raw_params: Mapping[str, str]) -> ProbeResult:
    """Like `run_probe`, without blocking the event loop.

    Probes that are natively async (websocket) run on the loop; the others run
    in a worker thread. Cancelling the awaiting task returns at once; a thread
    left behind ends by itself within the probe's timeout.
    """
    start = time.monotonic()
    prepared = _prepare(name, raw_params, start)
    if isinstance(prepared, ProbeResult):
        return prepared
    spec, params = prepared
    if spec.async_runner is None:
        return await asyncio.to_thread(run_probe, name, raw_params)
    budget = spec.budget(params)
    deadline = Deadline(budget)
    target = spec.target(params)
    try:
        async with asyncio.timeout(budget + GRACE):
            verdict = await spec.async_runner(params, deadline)
    except TimeoutError:
        verdict = _watchdog_verdict(spec, params, budget)
    except Exception as exc:
        verdict = classify(exc, float(str(params.get("timeout", budget))), target)
    return _finish(spec, params, verdict, start)
