"""Running the probe of the check a session stands on.

The bridge between a walk and the probe registry: the session says which
probe and with which parameters (templates filled); this module describes the
exact target before anything runs, runs the probe, and hands the result back
as plain data for the session to record. Only names in the registry can run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.probes import PROBES, run_probe, run_probe_async
from wizard.probes.common import DEFAULT_TIMEOUT
from wizard.probes.params import coerce_for_display
from wizard.sanitize import strip_controls
from wizard.session import Session


def describe(session: Session) -> str:
    """What the current check will contact, e.g. `sip:carrier.example:5060 over udp`."""
    view = session.view()
    spec = PROBES.get(view.probe)
    if spec is None:
        return f"unknown probe '{view.probe}' (it cannot run)"
    return strip_controls(spec.target(view.params))


def budget(probe: str, params: Mapping[str, str]) -> float:
    """Seconds the probe may take with these (filled-in) parameters: the bound
    it runs within, which the TUI shows and counts down against."""
    spec = PROBES.get(probe)
    if spec is None:
        return DEFAULT_TIMEOUT
    return spec.budget(coerce_for_display(spec, params))


def _as_result(probe: str, target: str, result: Any) -> dict[str, Any]:
    data: dict[str, Any] = result.to_json()
    data["probe"] = probe
    data["target"] = target
    return data


def run_current(session: Session) -> dict[str, Any]:
    """Run the current check's probe (blocking, bounded by its timeout)."""
    view = session.view()
    return _as_result(view.probe, describe(session), run_probe(view.probe, view.params))


async def run_current_async(session: Session) -> dict[str, Any]:
    """Like run_current, without blocking the event loop; cancellable."""
    view = session.view()
    target = describe(session)
    return _as_result(view.probe, target, await run_probe_async(view.probe, view.params))
