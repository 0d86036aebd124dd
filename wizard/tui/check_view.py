"""The check panel as Textual `Content`: the probe and its target, a run, a result.

Everything here comes from a tree (the check's text and parameters) or from
the network (a probe's summary and evidence), so it is built as plain text
with control characters removed, never parsed as markup.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from textual.content import Content

from wizard.sanitize import strip_controls
from wizard.tui import screen_text

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
OUTCOME_STYLES = {
    "pass": "bold $text-success",
    "fail": "bold $text-error",
    "error": "bold $text-warning",
}


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _row(name: str, value: Content) -> Content:
    return Content.assemble((f"{strip_controls(name)}: ", "dim"), value)


def target_block(probe: str, target: str, timeout: float) -> Content:
    return screen_text.lines(
        [
            _row("Probe", screen_text.styled(probe, "bold")),
            _row("Target", screen_text.styled(target, "bold")),
            _row("Timeout", screen_text.plain(_seconds(timeout))),
        ]
    )


def idle(probe: str, target: str, timeout: float) -> Content:
    return screen_text.lines(
        [
            target_block(probe, target, timeout),
            screen_text.styled(
                "Nothing has been sent yet. r or Enter runs the check; 1-3 answer by hand.",
                "italic",
            ),
        ]
    )


def running(probe: str, target: str, timeout: float, elapsed: float) -> Content:
    frame = SPINNER[int(elapsed * 10) % len(SPINNER)]
    return screen_text.lines(
        [
            target_block(probe, target, timeout),
            Content.assemble(
                (f"{frame} Running… {elapsed:.1f} s", "bold"),
                f" of at most {_seconds(timeout)}",
                ("  ·  Esc cancels (nothing is recorded)", "dim"),
            ),
        ]
    )


def evidence_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(evidence_value(v) for v in value) or "(none)"
    if value is None:
        return "(none)"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def outcome_word(outcome: str) -> Content:
    return screen_text.styled(outcome.upper(), OUTCOME_STYLES.get(outcome, "bold"))


def outcome_line(data: Mapping[str, Any]) -> Content:
    """A probe's outcome and summary line."""
    outcome = str(data.get("outcome", "error"))
    return Content.assemble(
        ("Result: ", "dim"),
        outcome_word(outcome),
        "  ",
        screen_text.plain(str(data.get("summary", ""))),
    )


def evidence(data: Mapping[str, Any]) -> Content:
    """Where the probe went, how long it took, and every evidence field."""
    head = f"Evidence from {data.get('probe', '')}: {data.get('target', '')}"
    duration = data.get("duration")
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        took = float(duration)
        head += f" · took {took * 1000:.0f} ms" if took < 1 else f" · took {took:.1f} s"
    parts = [screen_text.styled(head, "bold")]
    fields = data.get("evidence") or {}
    if isinstance(fields, Mapping):
        for name, value in fields.items():
            parts.append(
                Content.assemble(
                    (f"  {strip_controls(str(name))}: ", "dim"),
                    screen_text.plain(evidence_value(value)),
                )
            )
    return screen_text.lines(parts)


def result(data: Mapping[str, Any]) -> Content:
    """Outcome, summary and evidence together."""
    return screen_text.lines([outcome_line(data), evidence(data)])


def manual(data: Mapping[str, Any] | None) -> Content:
    """Why a check is asked by hand: its probe could not run."""
    # No result: the admin answered Error by hand at a check with no `error` way on.
    summary = str((data or {}).get("summary", "")) or "it was answered Error by hand"
    return screen_text.lines(
        [
            Content.assemble(
                ("The check could not run: ", "bold $text-warning"), screen_text.plain(summary)
            ),
            screen_text.styled("Check it by hand and answer Pass or Fail (1 or 2).", "italic"),
        ]
    )
