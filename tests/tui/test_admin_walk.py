"""The admin's walk at 80x24, through a real terminal, on the shipped trees.

Each incident tree is walked with no facts given (the incident header skipped, as
an admin does when a site is down) along its longest run of questions to a
resolution. Every screen on the way must show every answer, no raw `{name}`
and no step cut short; the resolution must show Fixed and Not fixed. The
exported note must then name the fix and its steps, with no raw `{name}` and
no Markdown escapes that read badly as plain text.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import time
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.trees.test_endings_reachable import TREES_DIR, _loaded, _value_for
from tests.tui.test_terminal import Terminal, cli, terminal, wizard_command
from wizard.graph import node_name
from wizard.session import Session

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
__all__ = ["terminal"]  # the fixture, shared with test_terminal


def incident_trees() -> list[str]:
    """Every shipped tree an admin starts from (`role: incident`)."""
    _, trees = _loaded()
    return sorted(t.id for t in trees.values() if t.role == "incident")


RAW_TEMPLATE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
WALKABLE = ("question", "input", "check")
SHOW = bool(os.environ.get("EDGE_WIZARD_SHOW_SCREENS"))


def flat(text: str) -> str:
    return " ".join(text.split())


@cache
def longest_run(tree_id: str) -> tuple[str, ...]:
    """The longest path from the tree's start to one of its resolutions that
    stays in the tree and passes only questions, inputs typed on one line
    and checks (answered by hand)."""
    graph, trees = _loaded()
    start = node_name(tree_id, trees[tree_id].start)
    best: dict[str, tuple[str, ...]] = {}

    def walkable(name: str) -> bool:
        data = graph.nodes[name]
        return data["tree"] == tree_id and data["kind"] in WALKABLE and not data.get("parse")

    def longest_from(name: str) -> tuple[str, ...]:
        if name in best:
            return best[name]
        best[name] = ()  # a cycle (never in a valid tree) ends here
        data = graph.nodes[name]
        if data["kind"] == "resolution" and data["tree"] == tree_id:
            best[name] = (name,)
        elif walkable(name):
            tails = [longest_from(t) for t in graph.successors(name)]
            tail = max((t for t in tails if t), key=len, default=())
            best[name] = (name, *tail) if tail else ()
        return best[name]

    return longest_from(start)


def step_pane(screen: str) -> str:
    """The rows of the step column: under the status line, above the path panel."""
    rows = screen.splitlines()[1:]
    for index, row in enumerate(rows):
        if row.startswith("▔▔▔"):
            return "\n".join(rows[:index])
    return "\n".join(rows)


def wait_step(terminal: Terminal, text: str, *, shown: bool, timeout: float = 20) -> str:
    """Wait until the step column shows (or no longer shows) `text`; the path
    panel below repeats earlier prompts, so it does not count."""
    return terminal.wait_until(
        "w",
        lambda screen: (text in flat(step_pane(screen))) == shown,
        f"{text!r} {'to show' if shown else 'to go'} in the step column",
        timeout,
    )


def settled(terminal: Terminal, timeout: float = 5) -> str:
    """The screen once two captures 50 ms apart agree: a capture can land while
    the terminal is still writing a frame."""
    deadline = time.monotonic() + timeout
    screen = terminal.screen("w")
    while time.monotonic() < deadline:
        time.sleep(0.05)
        again = terminal.screen("w")
        if again == screen:
            return screen
        screen = again
    return screen


def check_screen(screen: str, data: dict[str, Any], where: str) -> None:
    assert not RAW_TEMPLATE.search(screen), f"raw placeholder at {where}:\n{screen}"
    pane = flat(step_pane(screen))
    if data["kind"] == "question":
        for number, choice in enumerate(data["choices"], 1):
            label = flat(f"{number}. {choice['label']}")
            assert label in pane, f"answer {label!r} not on screen at {where}:\n{screen}"
    if data["kind"] == "resolution":
        assert "1. Fixed" in pane and "2. Not fixed" in pane, f"no verify at {where}:\n{screen}"
        assert "…" not in step_pane(screen), f"a step is cut at {where}:\n{screen}"


@pytest.mark.parametrize("tree_id", incident_trees())
def test_walk_an_incident_tree_at_80x24(
    tree_id: str, terminal: Terminal, isolated_home: Path
) -> None:
    graph, trees = _loaded()
    path = longest_run(tree_id)
    assert path and graph.nodes[path[-1]]["kind"] == "resolution", path
    terminal.start("w", [*wizard_command(), "--trees", str(TREES_DIR), "run", tree_id])
    terminal.wait_for("w", "Incident header")
    terminal.keys("w", "Escape")
    terminal.wait_gone("w", "Incident header")
    # The same walk, headless: what each screen should say, fallbacks filled.
    twin = Session(graph, trees, tree_id)
    for here, there in itertools.pairwise(path):
        data = graph.nodes[here]
        assert twin.current == here
        prompt = flat(twin.view().prompt)[:40].rstrip()
        wait_step(terminal, prompt, shown=True)
        check_screen(settled(terminal), data, here)
        if data["kind"] == "question":
            number = next(i for i, c in enumerate(data["choices"], 1) if c["target"] == there)
            terminal.keys("w", str(number))
            twin.answer(str(number))
        elif data["kind"] == "check":
            outcome = next(c["label"] for c in data["choices"] if c["target"] == there)
            terminal.keys("w", str(["pass", "fail", "error"].index(outcome) + 1))
            twin.answer(outcome)
        else:
            value = _value_for(data, there)
            terminal.tmux("send-keys", "-t", "w", "-l", value)
            terminal.keys("w", "Enter")
            twin.answer(value)
        wait_step(terminal, prompt, shown=False)
    ending = graph.nodes[path[-1]]
    terminal.wait_for("w", "Not fixed")
    screen = settled(terminal)
    check_screen(screen, ending, path[-1])
    if SHOW:
        print(screen)

    session_id = json.loads(cli(isolated_home, "sessions", "--json").stdout)[0]["id"]
    for fmt in ("markdown", "text"):
        exported = cli(isolated_home, "export", session_id, "--format", fmt)
        assert exported.returncode == 0, exported.stderr
        note = exported.stdout
        assert not RAW_TEMPLATE.search(note), note
        assert "\\>" not in note, note
        assert flat(ending["title"])[:20] in flat(note.replace("\\", "")), note
        for step in ending["steps"]:
            words = flat(RAW_TEMPLATE.sub("", step)).split()
            assert all(w.replace("\\", "") in note.replace("\\", "") for w in words[:4]), step
