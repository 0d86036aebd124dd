"""The shape of the trees, for authors: the `graph` of one tree or all, and a
tree's `endings` with every way into each."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from wizard.commands.common import ExitCode, find_tree, load_trees

if TYPE_CHECKING:
    from wizard.commands.common import Subcommands

# The formats `graph` offers; their modules are imported only when used.
GRAPH_FORMATS = ("mermaid", "dot", "json")


def cmd_graph(args: argparse.Namespace) -> int:
    # Imported here: every run builds the whole command line, and networkx is
    # for the commands that draw or check the graph.
    from wizard.graph import build_graph
    from wizard.graph_formats import render_graph

    catalog = load_trees(args)
    if args.tree:
        find_tree(catalog, args.tree)
    graph = build_graph(catalog.trees.values())
    if args.tree:
        # Removed from a copy rather than taken as a subgraph, whose nodes come
        # in set order: the output would differ from run to run.
        others = [n for n, tree in graph.nodes(data="tree") if tree != args.tree]
        graph = graph.copy()
        graph.remove_nodes_from(others)
    sys.stdout.write(render_graph(graph, args.format))
    return ExitCode.OK


def cmd_endings(args: argparse.Namespace) -> int:
    # Imported here, as in `cmd_graph`.
    from wizard.graph import build_graph
    from wizard.ways_in import endings, render_text

    catalog = load_trees(args)
    find_tree(catalog, args.tree)
    found = endings(build_graph(catalog.trees.values()), args.tree)
    if args.json:
        sys.stdout.write(json.dumps([e.to_json() for e in found], indent=2) + "\n")
    else:
        sys.stdout.write(render_text(found))
    return ExitCode.OK


def register(sub: Subcommands, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "graph", parents=[common], help="print the graph of one tree or of all trees"
    )
    p.add_argument("tree", nargs="?", metavar="TREE", help="only this tree")
    p.add_argument("--format", choices=GRAPH_FORMATS, default="mermaid")
    p.set_defaults(func=cmd_graph)

    p = sub.add_parser(
        "endings",
        parents=[common],
        help="list each ending of a tree with every way into it (for authors)",
        description="For every resolution and escalation of TREE, the steps that lead"
        " straight to it: question and answer, input route, check outcome, a fix that"
        " did not work, or a link from another tree. An ending must be true on every"
        " one of them (docs/authoring.md).",
    )
    p.add_argument("tree", metavar="TREE", help="tree id (see `edge-wizard list`)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_endings)
