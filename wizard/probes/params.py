"""Probe parameters: what each one is (`ParamSpec`), and checking and coercing
the values trees give them (always as strings).

Below `wizard.probes.base`, which builds the probe specs on these: nothing
here imports it, and the functions that take a whole probe spec read it
through `Spec`, the little of it they use.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import SplitResult, urlsplit

from wizard.hints import did_you_mean as did_you_mean

TEMPLATE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
_STATUS_TOKEN = re.compile(r"^(?:[1-6]xx|[1-6]\d\d|[1-6]\d\d-[1-6]\d\d)$")
MAX_VALUE_LEN = 2048


class ProbeParamError(ValueError):
    """Raised by `coerce_params` when a parameter is missing, unknown or ill-typed."""


ParamKind = Literal[
    "host", "ip", "url", "ws_url", "proxy", "regex", "status_list", "path", "dns_name"
]


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of a probe.

    `type` is one of `str`, `int`, `float`, `bool`. Values always arrive as
    strings (trees are text) and are coerced. `minimum`/`maximum` bound numbers,
    `kind` adds a syntax check for strings (a host name, a URL, a regex...).
    """

    name: str
    type: type
    required: bool
    default: object | None
    help: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    kind: ParamKind | None = None

    def describe(self) -> str:
        """One line for `probe --list` and docs: `name (int, default 5, 0.1..60): help`."""
        bits = [self.type.__name__]
        if self.required:
            bits.append("required")
        elif self.default is not None:
            bits.append(f"default {format_value(self.default)}")
        if self.choices:
            bits.append("one of " + "|".join(self.choices))
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else format_value(self.minimum)
            hi = "" if self.maximum is None else format_value(self.maximum)
            bits.append(f"{lo}..{hi}")
        return f"{self.name} ({', '.join(bits)}): {self.help}"


Params = Mapping[str, object]


class Spec(Protocol):
    """What the checks below read of a probe's spec (`wizard.probes.base.ProbeSpec`)."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> tuple[ParamSpec, ...]: ...

    def param(self, name: str) -> ParamSpec | None: ...


def format_value(value: object) -> str:
    """Compact display of a parameter value (`5` not `5.0`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_HOST_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def valid_host(text: str) -> bool:
    """A DNS host name or an IP literal (IPv6 optionally in brackets). Nothing else."""
    if not text or len(text) > 253:
        return False
    if text.startswith("[") and text.endswith("]"):
        return is_ip(text[1:-1]) and ":" in text
    if is_ip(text):
        return True
    name = text[:-1] if text.endswith(".") else text
    return bool(name) and all(_HOST_LABEL.match(label) for label in name.split("."))


def parse_status_list(text: str) -> tuple[str, ...]:
    """`"2xx,3xx,405"` -> `("2xx", "3xx", "405")`; raises ValueError when malformed."""
    tokens = tuple(t.strip().lower() for t in text.split(",") if t.strip())
    if not tokens:
        raise ValueError("empty status list")
    for t in tokens:
        if not _STATUS_TOKEN.match(t):
            raise ValueError(f"bad status '{t}' (use e.g. 2xx, 200 or 200-299)")
    return tokens


def status_matches(status: int, tokens: tuple[str, ...]) -> bool:
    for t in tokens:
        if t.endswith("xx"):
            if status // 100 == int(t[0]):
                return True
        elif "-" in t:
            lo, hi = t.split("-")
            if int(lo) <= status <= int(hi):
                return True
        elif status == int(t):
            return True
    return False


def split_url(text: str, schemes: tuple[str, ...]) -> SplitResult:
    """Parse and check a URL: scheme in `schemes`, a valid host, a valid port."""
    if any(c.isspace() for c in text) or any(ord(c) < 32 for c in text):
        raise ValueError("URL contains whitespace or control characters")
    parts = urlsplit(text)
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"URL scheme must be {' or '.join(s + '://' for s in schemes)}")
    host = parts.hostname or ""
    if not valid_host(host):
        raise ValueError(f"URL has no valid host: {text!r}")
    _ = parts.port  # raises ValueError on a bad port
    return parts


def proxy_address(text: str) -> tuple[str, int]:
    """`http://proxy.example:3128` -> `("proxy.example", 3128)`."""
    parts = split_url(text, ("http",))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("proxy must be http://host:port with no path")
    if parts.username or parts.password:
        raise ValueError("proxy credentials are not supported")
    return parts.hostname or "", parts.port or 80


def _check_kind(spec: ParamSpec, value: str) -> None:
    kind = spec.kind
    if kind == "host" or kind == "dns_name":
        if not valid_host(value):
            raise ValueError(f"'{value}' is not a host name or IP address")
    elif kind == "ip":
        if not is_ip(value.strip("[]")):
            raise ValueError(f"'{value}' is not an IP address")
    elif kind == "url":
        split_url(value, ("http", "https"))
    elif kind == "ws_url":
        split_url(value, ("ws", "wss"))
    elif kind == "proxy":
        proxy_address(value)
    elif kind == "regex":
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"bad regex: {exc}") from None
    elif kind == "status_list":
        parse_status_list(value)
    elif kind == "path" and "\x00" in value:
        raise ValueError("path contains a NUL byte")


def coerce_value(spec: ParamSpec, raw: object) -> object:
    """Coerce one value to `spec.type` and check choices, range and syntax.

    Raises ValueError with a message naming the problem (not the parameter).
    """
    if not isinstance(raw, str):
        if (spec.type is float and isinstance(raw, int | float) and not isinstance(raw, bool)) or (
            isinstance(raw, spec.type) and not (spec.type is int and isinstance(raw, bool))
        ):
            raw = format_value(raw)
        else:
            raise ValueError(f"expected a string, got {type(raw).__name__}")
    text = raw.strip()
    if len(text) > MAX_VALUE_LEN:
        raise ValueError(f"value longer than {MAX_VALUE_LEN} characters")
    value: object
    if spec.type is bool:
        low = text.lower()
        if low in _TRUE:
            value = True
        elif low in _FALSE:
            value = False
        else:
            raise ValueError(f"'{text}' is not a yes/no value (true/false, yes/no, on/off, 1/0)")
    elif spec.type is int:
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise ValueError(f"'{text}' is not a whole number")
        value = int(text)
    elif spec.type is float:
        if not re.fullmatch(r"[+-]?(\d{1,9}(\.\d*)?|\.\d+)", text):
            raise ValueError(f"'{text}' is not a number")
        value = float(text)
    else:
        if not text:
            raise ValueError("empty value")
        value = text
    if spec.choices is not None:
        canon = {c.lower(): c for c in spec.choices}
        cmp = str(value).lower()
        if cmp not in canon:
            raise ValueError(
                f"'{text}' is not one of {', '.join(spec.choices)}" + did_you_mean(cmp, list(canon))
            )
        value = canon[cmp]
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(
                f"{format_value(value)} is below the minimum {format_value(spec.minimum)}"
            )
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(
                f"{format_value(value)} is above the maximum {format_value(spec.maximum)}"
            )
    if isinstance(value, str) and spec.kind is not None:
        _check_kind(spec, value)
    return value


def _problems(spec: Spec, raw: Mapping[str, object], *, templates_ok: bool) -> list[str]:
    problems: list[str] = []
    names = [p.name for p in spec.params]
    for key in raw:
        if spec.param(key) is None:
            problems.append(
                f"probe '{spec.name}' has no parameter '{key}'"
                + did_you_mean(key, names)
                + f"; it takes: {', '.join(names)}"
            )
    for p in spec.params:
        if p.name not in raw:
            if p.required:
                problems.append(f"probe '{spec.name}' needs parameter '{p.name}': {p.help}")
            continue
        value = raw[p.name]
        if templates_ok and isinstance(value, str) and TEMPLATE.search(value):
            continue  # checked once the template is filled in
        try:
            coerce_value(p, value)
        except ValueError as exc:
            problems.append(f"probe '{spec.name}' parameter '{p.name}': {exc}")
    return problems


def problems_for(spec: Spec, raw: Mapping[str, object], *, templates_ok: bool) -> list[str]:
    return _problems(spec, raw, templates_ok=templates_ok)


def coerce_with_spec(spec: Spec, raw: Mapping[str, object]) -> dict[str, object]:
    problems = _problems(spec, raw, templates_ok=False)
    if problems:
        raise ProbeParamError("; ".join(problems))
    out: dict[str, object] = {}
    for p in spec.params:
        if p.name in raw:
            out[p.name] = coerce_value(p, raw[p.name])
        else:
            out[p.name] = p.default
    return out


def coerce_for_display(spec: Spec, raw: Params) -> dict[str, object]:
    """Best effort: coerced where possible, the raw value where not, defaults filled."""
    out: dict[str, object] = {}
    for p in spec.params:
        if p.name in raw:
            try:
                out[p.name] = coerce_value(p, raw[p.name])
            except ValueError:
                out[p.name] = raw[p.name]
        else:
            out[p.name] = p.default
    return out


def readable_file(path: str) -> str | None:
    """A problem with `path` as a CA file, or None."""
    if not os.path.isfile(path):
        return f"ca_file '{path}' does not exist or is not a file"
    if not os.access(path, os.R_OK):
        return f"ca_file '{path}' is not readable"
    return None
