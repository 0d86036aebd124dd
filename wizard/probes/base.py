"""Types shared by every probe: probe specs, verdicts, results, deadlines.

A verdict's outcome is `wizard.outcomes.CheckOutcome` (`pass`, `fail`,
`error`), the words the session, the note and the TUI use for a check.

The parameter specs and the checks on their values are `wizard.probes.params`,
which this module builds on; the names every probe takes from there
(`ParamSpec`, `Params`, `format_value`, `is_ip`, `valid_host`...) can be
imported from here too. Nothing here touches the network. Nothing under
`wizard.probes` imports Textual or Rich: the probes run the same from the
TUI, the CLI and tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from wizard.outcomes import CheckOutcome
from wizard.probes.params import ParamKind as ParamKind
from wizard.probes.params import Params as Params
from wizard.probes.params import ParamSpec as ParamSpec
from wizard.probes.params import ProbeParamError as ProbeParamError
from wizard.probes.params import coerce_for_display
from wizard.probes.params import format_value as format_value
from wizard.probes.params import is_ip as is_ip
from wizard.probes.params import valid_host as valid_host

Evidence = dict[str, object]
"""Ordered mapping of str to str, int, float, bool or list of str."""


class Verdict(NamedTuple):
    """What a probe implementation returns; the registry adds name and duration."""

    outcome: CheckOutcome
    summary: str
    evidence: Evidence


SyncRunner = Callable[[Params, "Deadline"], Verdict]
AsyncRunner = Callable[[Params, "Deadline"], Awaitable[Verdict]]


@dataclass(frozen=True)
class ProbeSpec:
    """A built-in probe: its name, a one-line summary and its parameters.

    Trees can only name a probe and give it parameters; the code that runs is
    fixed here. `target(params)` gives the exact thing that will be contacted,
    to show the admin before running.
    """

    name: str
    summary: str
    params: tuple[ParamSpec, ...]
    describe_target: Callable[[Params], str] = field(repr=False, compare=False, kw_only=True)
    runner: SyncRunner = field(repr=False, compare=False, kw_only=True)
    async_runner: AsyncRunner | None = field(default=None, repr=False, compare=False, kw_only=True)
    extra_budget_param: str | None = field(default=None, repr=False, kw_only=True)
    """A parameter (seconds) added to `timeout` for the wall-clock bound (websocket `hold`)."""

    def param(self, name: str) -> ParamSpec | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def target(self, params: Mapping[str, object]) -> str:
        """Human-readable exact target, e.g. `sip:carrier.example:5060 over udp`.

        Accepts raw string parameters (as a tree gives them) or coerced ones.
        Never raises: with bad parameters it shows what it was given.
        """
        try:
            return self.describe_target(coerce_for_display(self, params))
        except Exception:  # pragma: no cover - defensive: display must never fail
            shown = ", ".join(f"{k}={v}" for k, v in params.items())
            return f"{self.name} ({shown})"

    def budget(self, params: Params) -> float:
        """Wall-clock seconds this probe may take with these (coerced) parameters."""
        total = _as_float(params.get("timeout"), 5.0)
        if self.extra_budget_param:
            total += _as_float(params.get(self.extra_budget_param), 0.0)
        return total


def _as_float(value: object, default: float) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    return default


@dataclass(frozen=True)
class ProbeResult:
    """The structured result of one probe run.

    `evidence` is an ordered mapping of str to str, int, float, bool or list of
    str; `to_json()` is JSON-serialisable as is.
    """

    probe: str
    outcome: CheckOutcome
    summary: str
    evidence: dict[str, object]
    duration: float

    def to_json(self) -> dict[str, object]:
        """`{"probe", "outcome", "summary", "evidence", "duration"}`."""
        return {
            "probe": self.probe,
            "outcome": self.outcome,
            "summary": self.summary,
            "evidence": {k: _jsonable(v) for k, v in self.evidence.items()},
            "duration": round(self.duration, 4),
        }


def _jsonable(value: object) -> object:
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


class Deadline:
    """A wall-clock budget (monotonic) shared by every step of a probe."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()
        self.end = self.start + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def expired(self) -> bool:
        return time.monotonic() >= self.end


def secs(value: float) -> str:
    """Seconds for a summary: `2s`, `0.5s`."""
    return f"{format_value(round(value, 3))}s"


def ms(seconds: float) -> float:
    """Seconds to milliseconds rounded for evidence."""
    return round(seconds * 1000.0, 2)


def bare_host(text: str) -> str:
    """`[::1]` -> `::1`."""
    if text.startswith("[") and text.endswith("]"):
        return text[1:-1]
    return text


def hostport(host: str, port: int) -> str:
    """`host:port` with IPv6 in brackets."""
    h = bare_host(host)
    return f"[{h}]:{port}" if ":" in h else f"{h}:{port}"
