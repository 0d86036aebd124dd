"""One step on a shipped tree: the longest run of questions any built-in tree has,
walked through tmux at 100x32 with no facts given (real help texts, fallbacks,
a path panel that grows with every answer), against the bare Textual app of
`tui_step` measured the same way in the same run. Targets: median under 50 ms
and at most 1.5x the bare app.

A synthetic two-question tree hides what an admin pays: long help to wrap, a
path that grows, texts with fallbacks filled in. Keys are sent as a person
sends them, once the screen has settled; the walk starts over in a fresh
session when the chain ends.
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _terminal import ROOT, Workspace, have_tmux, wizard_command

SAMPLES = 90
PAUSE = 0.06  # s: as in tui_step
SIZE = (100, 32)
TARGET_MS = 50
TARGET_RATIO = 1.5
ALPHA = "Alpha: does the call reach"
BETA = "Beta: which SIP code"
SHOWN = 40  # characters of a prompt that identify the step on screen


def _graph() -> tuple[Any, dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from wizard.catalog import load_files, tree_files
    from wizard.graph import build_graph

    catalog = load_files(tree_files([ROOT / "trees"]))
    return build_graph(catalog.trees.values()), catalog.trees


def longest_chain() -> tuple[str, list[str], list[int]]:
    """The tree with the longest run of questions, the text typed into its
    opening input (if it opens with one), and the answer number of each step."""
    graph, trees = _graph()
    best: dict[str, list[str]] = {}

    def run_from(name: str) -> list[str]:
        if name not in best:
            best[name] = []  # guards a cycle; a valid tree has none
            data = graph.nodes[name]
            if data["kind"] == "question":
                tails = [run_from(t) for t in graph.successors(name)]
                best[name] = [name, *max(tails, key=len, default=[])]
        return best[name]

    chosen: tuple[int, str, list[str], list[str]] = (0, "", [], [])
    for tree in trees.values():
        start = f"{tree.id}/{tree.start}"
        typed: list[str] = []
        data = graph.nodes[start]
        if data["kind"] == "input" and not any(c["kind"] == "route" for c in data["choices"]):
            typed = ["unknown"]
            start = next(c["target"] for c in data["choices"] if c["kind"] == "default")
        chain = [n for n in run_from(start) if graph.nodes[n]["tree"] == tree.id]
        if len(chain) > chosen[0]:
            chosen = (len(chain), tree.id, typed, chain)
    _, tree_id, typed, chain = chosen
    keys = []
    for here, there in itertools.pairwise(chain):
        choices = graph.nodes[here]["choices"]
        keys.append(next(i for i, c in enumerate(choices, 1) if c["target"] == there))
    return tree_id, typed, keys


def prompts(tree_id: str, typed: list[str], keys: list[int]) -> list[str]:
    """What each step of the chain shows, as the wizard renders it without facts."""
    graph, trees = _graph()
    from wizard.session import Session

    session = Session(graph, trees, tree_id)
    for value in typed:
        session.answer(value)
    shown = []
    for key in keys:
        session.answer(str(key))
        shown.append(" ".join(session.view().prompt.split())[:SHOWN].rstrip())
    return shown


def bare_step(ws: Workspace, forward: bool) -> float:
    time.sleep(PAUSE)
    start = ws.key("1" if forward else "BSpace", "bare")
    return ws.wait_for(BETA if forward else ALPHA, name="bare") - start


def open_wizard(ws: Workspace, argv: list[str], typed: list[str]) -> None:
    ws.launch(argv, "wizard", size=SIZE)
    ws.wait_for("Incident header", name="wizard")
    ws.key("Escape", "wizard")
    ws.wait_gone("Incident header", name="wizard")
    for value in typed:
        ws.tmux("send-keys", "-t", "wizard", "-l", value)
        ws.key("Enter", "wizard")
        time.sleep(0.3)


def main() -> None:
    if not have_tmux():
        print("skipped: tmux is not installed")
        return
    tree_id, typed, keys = longest_chain()
    expected = prompts(tree_id, typed, keys)
    ws = Workspace()
    try:
        ws.launch([sys.executable, str(ws.bare)], "bare", size=SIZE)
        ws.wait_for(ALPHA, name="bare")
        argv = [*wizard_command(), "run", tree_id]
        bare: list[float] = []
        wizard: list[float] = []
        forward = True
        while len(wizard) < SAMPLES:
            open_wizard(ws, argv, typed)
            for key, text in zip(keys, expected, strict=True):
                if len(wizard) >= SAMPLES:
                    break
                bare.append(bare_step(ws, forward))
                forward = not forward
                time.sleep(PAUSE)
                start = ws.key(str(key), "wizard")
                wizard.append(ws.wait_for_words(text, name="wizard") - start)
        bare_ms = statistics.median(bare) * 1000
        wizard_ms = statistics.median(wizard) * 1000
        ratio = wizard_ms / bare_ms
        print(
            f"shipped tree {tree_id}: {len(keys)} questions in a row, {SIZE[0]}x{SIZE[1]},"
            " no facts given"
        )
        print(f"bare Textual app, key to redraw:   {bare_ms:6.1f} ms (median of {len(bare)})")
        print(f"edge-wizard, answer to next step:  {wizard_ms:6.1f} ms (median of {len(wizard)})")
        ok = wizard_ms < TARGET_MS and ratio <= TARGET_RATIO
        print(
            f"ratio: {ratio:.2f}x (targets: < {TARGET_MS} ms and <= {TARGET_RATIO}x):"
            f" {'ok' if ok else 'over target'}"
        )
    finally:
        ws.close()


if __name__ == "__main__":
    main()
