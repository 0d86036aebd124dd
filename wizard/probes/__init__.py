"""Built-in network probes: a closed registry of typed checks with hard timeouts.

Trees can only name a probe from `PROBES` and give it string parameters;
no tree can run a command or code. Every probe returns a `ProbeResult`
with an `outcome` of `pass`, `fail` or `error` (`wizard.outcomes.CheckOutcome`):

* `pass`: the target answered and the answer is healthy;
* `fail`: a definite unhealthy answer, including silence (no answer within
  the timeout: a firewall dropping packets is a finding, not a probe error);
* `error`: the question could not be asked: unknown probe, bad parameters,
  a target name that does not resolve (except for the `dns` probe, where
  that is the finding), a local failure.

This package imports neither Textual nor Rich. See docs/probes.md.
"""

from wizard.probes.base import (
    ParamSpec,
    ProbeParamError,
    ProbeResult,
    ProbeSpec,
)
from wizard.probes.registry import (
    PROBES,
    check_params,
    coerce_params,
    run_probe,
    run_probe_async,
)

__all__ = [
    "PROBES",
    "ParamSpec",
    "ProbeParamError",
    "ProbeResult",
    "ProbeSpec",
    "check_params",
    "coerce_params",
    "run_probe",
    "run_probe_async",
]
