"""Rules over loaded trees and their graph. Every rule has a stable code.

Codes: E0xx reading YAML, E1xx schema, E2xx structure, W0xx/W3xx warnings.
docs/validation.md lists them all with examples.

Path facts (variables set on every path, the longest path) are computed by
dynamic programming over a topological order. Paths are never enumerated:
their number grows exponentially with the size of a tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from wizard import templates
from wizard.catalog import Catalog
from wizard.graph import Graph, build_graph, node_name
from wizard.loader import did_you_mean, parsed_variables
from wizard.model import (
    TERMINAL_KINDS,
    Check,
    Finding,
    Input,
    Link,
    Node,
    Pos,
    Question,
    Resolution,
    Tree,
)

MAX_PATH_STEPS = 30


@dataclass
class Report:
    findings: list[Finding]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


class Suggest:
    """ "Did you mean" over node, tree and variable names, within a budget.

    Each suggestion compares a name with every candidate; a hostile file with
    thousands of broken references would make that quadratic. After `budget`
    suggestions per run, findings go on without one.
    """

    def __init__(self, budget: int = 200) -> None:
        self.budget = budget

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        if self.budget <= 0:
            return ""
        self.budget -= 1
        return did_you_mean(word, choices)


def _error(pos: Pos, code: str, message: str) -> Finding:
    return Finding(pos, "error", code, message)


def _warning(pos: Pos, code: str, message: str) -> Finding:
    return Finding(pos, "warning", code, message)


def _targets(tree: Tree, node: Node) -> Iterable[tuple[str, str, Pos]]:
    """(what, target node id, position) for every in-tree reference of a node."""
    for edge in node.edges():
        what = {
            "answer": f"answer '{edge.label}'",
            "route": f"route '{edge.label}'",
            "default": "next",
            "unresolved": "unresolved",
            "outcome": f"outcome '{edge.label}'",
        }.get(edge.kind, edge.kind)
        yield what, edge.target, edge.pos


def _reference_rules(trees: dict[str, Tree], suggest: Suggest) -> list[Finding]:
    found: list[Finding] = []
    for tree in trees.values():
        known = tree.nodes.keys() | tree.unloaded
        if tree.start and tree.start not in known and tree.start_pos is not None:
            found.append(
                _error(
                    tree.start_pos,
                    "E202",
                    f"start points at missing node '{tree.start}'{suggest(tree.start, tree.nodes)}",
                )
            )
        for node in tree.nodes.values():
            for what, target, pos in _targets(tree, node):
                if target not in known:
                    found.append(
                        _error(
                            pos,
                            "E202",
                            f"{what} of node '{node.id}' points at missing node '{target}'"
                            f"{suggest(target, tree.nodes)}",
                        )
                    )
            if isinstance(node, Link) and node.tree:
                found += _link_rule(trees, node, suggest)
            if isinstance(node, Question):
                found += _label_rule(node)
    return found


def _link_rule(trees: dict[str, Tree], link: Link, suggest: Suggest) -> list[Finding]:
    pos = link.tree_pos or link.pos
    other = trees.get(link.tree)
    if other is None:
        return [
            _error(
                pos,
                "E203",
                f"link of node '{link.id}' points at missing tree '{link.tree}'"
                f"{suggest(link.tree, trees)}",
            )
        ]
    if link.node is not None and link.node not in other.nodes.keys() | other.unloaded:
        return [
            _error(
                link.field_pos.get("node", pos),
                "E203",
                f"link of node '{link.id}' points at missing node '{link.node}' of tree"
                f" '{other.id}'{suggest(link.node, other.nodes)}",
            )
        ]
    return []


_PARAM_NAME = re.compile(r"parameter '([^']+)'")


def _check_rules(trees: dict[str, Tree]) -> list[Finding]:
    """E210 unknown probe, E211 missing, unknown or ill-typed probe parameters."""
    checks = [n for t in trees.values() for n in t.nodes.values() if isinstance(n, Check)]
    if not checks:
        return []
    # Imported only when a tree has checks: the registry loads every probe module.
    from wizard.probes import PROBES, check_params

    found = []
    for node in checks:
        if not node.probe:
            continue
        probe_pos = node.probe_pos or node.pos
        if node.probe not in PROBES:
            found.append(
                _error(
                    probe_pos,
                    "E210",
                    f"check '{node.id}' names unknown probe '{node.probe}'"
                    f"{did_you_mean(node.probe, PROBES)}; the probes are {', '.join(PROBES)}",
                )
            )
            continue
        if "ca_file" in node.params:
            found.append(
                _error(
                    node.param_pos["ca_file"],
                    "E211",
                    f"check '{node.id}': 'ca_file' reads a local file and may only be given"
                    " on the command line (`edge-wizard probe ... -p ca_file=...`)",
                )
            )
        for problem in check_params(node.probe, node.params):
            named = _PARAM_NAME.search(problem)
            pos = node.param_pos.get(named.group(1), probe_pos) if named else probe_pos
            found.append(_error(pos, "E211", f"check '{node.id}': {problem}"))
    return found


def _label_rule(question: Question) -> list[Finding]:
    found = []
    seen: dict[str, Pos] = {}
    for answer in question.answers:
        key = answer.label.casefold()
        if key in seen:
            first = seen[key]
            found.append(
                _error(
                    answer.pos,
                    "E206",
                    f"answer label '{answer.label}' repeats the label at line {first.line},"
                    f" column {first.col} (labels are compared ignoring case)",
                )
            )
        else:
            seen[key] = answer.pos
    return found


def _node_of(trees: dict[str, Tree], name: str) -> Node:
    tree_id, _, node_id = name.partition("/")
    return trees[tree_id].nodes[node_id]


def _closure(adjacency: Any, sources: Iterable[str]) -> set[str]:
    """Every node reachable from `sources` along `adjacency` (succ or pred), in one pass."""
    seen = set(sources)
    queue = list(seen)
    while queue:
        for neighbour in adjacency[queue.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen


def _entries(trees: dict[str, Tree]) -> list[str]:
    return [node_name(t.id, t.start) for t in trees.values() if t.start in t.nodes]


def _cycle_rule(trees: dict[str, Tree], graph: Graph) -> tuple[list[Finding], dict[str, int]]:
    """E208 per cycle. Also returns each node in a cycle with its cycle's number."""
    found: list[Finding] = []
    in_cycles: dict[str, int] = {}
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (only,) = component
            if not graph.has_edge(only, only):
                continue
        in_cycles |= dict.fromkeys(component, len(found))
        first = min(
            component, key=lambda n: (_node_of(trees, n).pos.file, _node_of(trees, n).pos.line)
        )
        cycle = nx.find_cycle(graph.subgraph(component), source=first)
        path = " -> ".join([cycle[0][0], *(edge[1] for edge in cycle)])
        exits = any(
            graph.nodes[t]["kind"] in TERMINAL_KINDS or t not in component
            for n in component
            for t in graph.successors(n)
        )
        trap = "" if exits else " (and no way out of it)"
        found.append(_error(_node_of(trees, first).pos, "E208", f"cycle: {path}{trap}"))
    return found, in_cycles


def _reachability_rules(
    trees: dict[str, Tree], graph: Graph, in_cycles: dict[str, int]
) -> list[Finding]:
    found = []
    reachable = _closure(graph.succ, _entries(trees))
    startless = {t.id for t in trees.values() if t.start not in t.nodes}
    for name in graph.nodes:
        if name not in reachable and graph.nodes[name]["tree"] not in startless:
            node = _node_of(trees, name)
            found.append(
                _error(
                    node.pos, "E207", f"node '{node.id}' cannot be reached from the tree's start"
                )
            )
    # Dead ends explained by a missing target, a broken node or a cycle are
    # reported by those rules; what is left is a node whose every way leads
    # into a loop.
    nodes = graph.nodes
    can_finish = _closure(graph.pred, [n for n in nodes if nodes[n]["kind"] in TERMINAL_KINDS])
    explained = _closure(
        graph.pred,
        [
            n
            for n in nodes
            if _node_of(trees, n).broken or any(c["target"] is None for c in nodes[n]["choices"])
        ],
    )
    for name in graph.nodes:
        if name not in can_finish and name not in explained and name not in in_cycles:
            node = _node_of(trees, name)
            found.append(
                _error(
                    node.pos,
                    "E205",
                    f"node '{node.id}' has no way forward: no resolution or escalation"
                    " can be reached from it",
                )
            )
    return found


def _acyclic_order(graph: Graph, in_cycles: dict[str, int]) -> tuple[Graph, list[str]]:
    """The graph without the edges inside each cycle, and a topological order.
    Edges between two different cycles stay: they are not part of either."""
    dag = graph
    if in_cycles:
        dag = graph.copy()
        dag.remove_edges_from(
            [(u, v) for u, v in graph.edges if u in in_cycles and in_cycles[u] == in_cycles.get(v)]
        )
    return dag, list(nx.topological_sort(dag))


def _variable_rules(
    trees: dict[str, Tree], dag: Graph, order: list[str], suggest: Suggest
) -> list[Finding]:
    """E209 when no path sets a used variable, W301 when some path leaves it unset.

    Sets of variables are bitmasks over the variables some template uses: a
    tree may set thousands of variables, but only used ones matter, and int
    bit operations keep each node's state small and each merge cheap.
    """
    uses: dict[str, list[tuple[str, str]]] = {}
    for name in order:
        pairs = [
            (field_name, var)
            for field_name, text in _node_of(trees, name).texts()
            if "{" in text
            for var in templates.variables(text)
        ]
        if pairs:
            uses[name] = pairs
    if not uses:
        return []
    bit = {var: 1 << i for i, var in enumerate(sorted({v for p in uses.values() for _, v in p}))}

    def mask(names: Iterable[str]) -> int:
        total = 0
        for var in names:
            total |= bit.get(var, 0)
        return total

    facts = {t.id: mask(f.var for f in t.facts) for t in trees.values()}
    entry_state = {node_name(t.id, t.start): facts[t.id] for t in trees.values()}
    # What a node adds for the nodes after it: an input's var, a link's tree facts.
    gives: dict[str, int] = {}
    for name in order:
        node = _node_of(trees, name)
        if isinstance(node, Input):
            gives[name] = mask([node.var, *parsed_variables(node)])
        elif isinstance(node, Link) and node.tree in facts:
            gives[name] = facts[node.tree]

    always: dict[str, int] = {}
    maybe: dict[str, int] = {}
    for name in order:
        state = entry_state.get(name)
        incoming_always = state
        incoming_maybe = state or 0
        for pred in dag.pred[name]:
            if pred not in always:
                continue  # unreachable predecessor: reported as E207
            gained = gives.get(pred, 0)
            out_always = always[pred] | gained
            incoming_always = (
                out_always if incoming_always is None else incoming_always & out_always
            )
            incoming_maybe |= maybe[pred] | gained
        if incoming_always is not None:
            always[name], maybe[name] = incoming_always, incoming_maybe

    found = []
    known: set[str] | None = None  # every settable variable, for suggestions
    for name, pairs in uses.items():
        if name not in always:
            continue
        node = _node_of(trees, name)
        reported: set[str] = set()
        for field_name, var in pairs:
            if always[name] & bit[var] or var in reported:
                continue
            reported.add(var)
            pos = node.field_pos.get(field_name, node.pos)
            if maybe[name] & bit[var]:
                found.append(
                    _warning(
                        pos,
                        "W301",
                        f"'{{{var}}}' in {field_name} of node '{node.id}' is unset on"
                        " some paths to it",
                    )
                )
            else:
                if known is None:
                    known = {f.var for t in trees.values() for f in t.facts}
                    for t in trees.values():
                        for n in t.nodes.values():
                            if isinstance(n, Input):
                                known |= {n.var, *parsed_variables(n)}
                found.append(
                    _error(
                        pos,
                        "E209",
                        f"'{{{var}}}' in {field_name} of node '{node.id}' is set on no path"
                        f" to it{suggest(var, known)}",
                    )
                )
    return found


def _longest_path_rule(trees: dict[str, Tree], dag: Graph, order: list[str]) -> list[Finding]:
    """W304 when a path from a tree's start is longer than MAX_PATH_STEPS steps.

    Only the tree's own steps count: a link hands the admin to another tree's
    diagnosis, which that tree's author answers for. Counting through links
    made a change to one tree warn on every tree that links to it."""
    steps: dict[str, int] = {}
    for name in reversed(order):
        own = 0 if dag.nodes[name]["kind"] == "link" else 1
        tree_id = name.partition("/")[0]
        inside = [n for n in dag.successors(name) if n.partition("/")[0] == tree_id]
        steps[name] = own + max((steps[n] for n in inside), default=0)
    found = []
    for tree in trees.values():
        start = node_name(tree.id, tree.start)
        if start in steps and steps[start] > MAX_PATH_STEPS:
            found.append(
                _warning(
                    tree.start_pos or tree.pos,
                    "W304",
                    f"the longest path from start is {steps[start]} steps; keep paths to"
                    f" {MAX_PATH_STEPS} or fewer",
                )
            )
    return found


def _fallback_rule(trees: dict[str, Tree]) -> list[Finding]:
    """E212 when a fact that some text uses has neither a `fallback` nor a
    `default`: left blank, it would leave a sentence with a hole in it."""
    used: set[str] = set()
    for tree in trees.values():
        for node in tree.nodes.values():
            for _, text in node.texts():
                if "{" in text:
                    used.update(templates.variables(text))
    found = []
    for tree in trees.values():
        for fact in tree.facts:
            if fact.var in used and not (fact.fallback or fact.default):
                found.append(
                    _error(
                        fact.pos,
                        "E212",
                        f"fact '{fact.var}' is used in a text but has no fallback: add"
                        " `fallback:` with words that read in its place when it is not"
                        " given (e.g. 'the Edge')",
                    )
                )
    return found


def _tree_rules(trees: dict[str, Tree]) -> list[Finding]:
    found = []
    linked = {
        node.tree
        for tree in trees.values()
        for node in tree.nodes.values()
        if isinstance(node, Link)
    }
    for tree in trees.values():
        if tree.role == "follow-up" and tree.id not in linked:
            found.append(
                _warning(
                    tree.role_pos or tree.pos,
                    "W305",
                    f"tree '{tree.id}' is a follow-up, but no tree links to it: make it an"
                    " incident (role: incident), or link to it from the trees that lead here",
                )
            )
        stem = Path(tree.path).stem
        if tree.id != stem:
            found.append(
                _warning(
                    tree.id_pos or tree.pos,
                    "W302",
                    f"tree id '{tree.id}' differs from the file name '{stem}'",
                )
            )
        for node in tree.nodes.values():
            if isinstance(node, Resolution) and not node.sources:
                found.append(_warning(node.pos, "W303", f"resolution '{node.id}' cites no source"))
    return found


def _duplicate_rules(catalog: Catalog) -> list[Finding]:
    found = []
    for dup in catalog.duplicates:
        first = catalog.trees[dup.id]
        found.append(
            _error(
                dup.id_pos or dup.pos,
                "E201",
                f"tree id '{dup.id}' is already used by {first.path}",
            )
        )
    return found


def validate_catalog(catalog: Catalog, report_files: set[str] | None = None) -> Report:
    """Run every rule. Only findings in `report_files` are kept, when given."""
    trees = catalog.trees
    suggest = Suggest()
    graph = build_graph(trees.values())
    findings = list(catalog.findings)
    findings += _duplicate_rules(catalog)
    findings += _reference_rules(trees, suggest)
    findings += _check_rules(trees)
    cycle_findings, in_cycles = _cycle_rule(trees, graph)
    findings += cycle_findings
    findings += _reachability_rules(trees, graph, in_cycles)
    dag, order = _acyclic_order(graph, in_cycles)
    findings += _variable_rules(trees, dag, order, suggest)
    findings += _longest_path_rule(trees, dag, order)
    findings += _fallback_rule(trees)
    findings += _tree_rules(trees)
    if report_files is not None:
        findings = [f for f in findings if f.pos.file in report_files]
    findings.sort(key=lambda f: (f.pos.file, f.pos.line, f.pos.col, f.code))
    return Report(findings)
