"""Parameter specs shared by several probes."""

from __future__ import annotations

from wizard.probes.base import ParamSpec

DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 60.0
MIN_TIMEOUT = 0.1


def timeout_param(default: float = DEFAULT_TIMEOUT) -> ParamSpec:
    return ParamSpec(
        "timeout",
        float,
        False,
        default,
        "Seconds before giving up; a hard bound on the whole probe, name lookup included.",
        minimum=MIN_TIMEOUT,
        maximum=MAX_TIMEOUT,
    )


def host_param(help: str = "Host name or IP address to contact.") -> ParamSpec:
    return ParamSpec("host", str, True, None, help, kind="host")


def port_param(default: int | None, help: str = "Port to contact.") -> ParamSpec:
    return ParamSpec("port", int, default is None, default, help, minimum=1, maximum=65535)
