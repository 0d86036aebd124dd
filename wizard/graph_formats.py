"""The graph as Mermaid, Graphviz DOT or networkx node-link JSON."""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx

from wizard.graph import Graph
from wizard.sanitize import strip_controls

_LABEL_CHARS = 60

# Mermaid shapes by kind: question rhombus, input parallelogram, resolution
# stadium, escalation subroutine, link asymmetric flag, check hexagon.
_MERMAID_SHAPES = {
    "question": ("{", "}"),
    "input": ("[/", "/]"),
    "resolution": ("([", "])"),
    "escalation": ("[[", "]]"),
    "link": (">", "]"),
    "check": ("{{", "}}"),
}


def _short(text: str) -> str:
    text = " ".join(strip_controls(text).split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _caption(data: dict[str, Any]) -> str:
    kind = data["kind"]
    if kind == "link":
        return f"{data['id']}: go to {data.get('link_tree', '')}"
    body = data.get("title") or data.get("text") or ""
    return f"{data['id']}: {_short(body)}" if body else str(data["id"])


def _mermaid_text(text: str) -> str:
    # Mermaid reads entity codes inside quoted labels; quotes would end them.
    return (
        text.replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
        .replace("|", "#124;")
    )


def _mermaid_id(name: str, ids: dict[str, str]) -> str:
    if name not in ids:
        ids[name] = "n" + str(len(ids)) + "_" + re.sub(r"[^A-Za-z0-9]", "_", name)
    return ids[name]


def to_mermaid(graph: Graph) -> str:
    ids: dict[str, str] = {}
    lines = ["flowchart TD"]
    for name in sorted(graph.nodes, key=_position_key(graph)):
        data = graph.nodes[name]
        left, right = _MERMAID_SHAPES.get(data["kind"], ("[", "]"))
        caption = _mermaid_text(_caption(data))
        lines.append(f'    {_mermaid_id(name, ids)}{left}"{caption}"{right}')
    for source in sorted(graph.nodes, key=_position_key(graph)):
        edges = sorted(graph.out_edges(source, data=True), key=lambda e: e[2].get("order", 0))
        for _, target, data in edges:
            label = _mermaid_text(_short(str(data.get("label", ""))))
            lines.append(
                f'    {_mermaid_id(source, ids)} -->|"{label}"| {_mermaid_id(target, ids)}'
            )
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: Graph) -> str:
    shapes = {
        "question": "diamond",
        "input": "parallelogram",
        "resolution": "box",
        "escalation": "octagon",
        "link": "cds",
        "check": "hexagon",
    }
    lines = ["digraph edge_wizard {", "    rankdir=TB;"]
    for name in sorted(graph.nodes, key=_position_key(graph)):
        data = graph.nodes[name]
        lines.append(
            f"    {_dot_quote(name)} [label={_dot_quote(_caption(data))},"
            f" shape={shapes.get(data['kind'], 'box')}];"
        )
    for source, target, data in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        label = _short(str(data.get("label", "")))
        lines.append(
            f"    {_dot_quote(source)} -> {_dot_quote(target)} [label={_dot_quote(label)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(graph: Graph) -> str:
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _position_key(graph: Graph) -> Any:
    def key(name: str) -> tuple[str, int, int]:
        data = graph.nodes[name]
        return (str(data.get("file", "")), int(data.get("line", 0)), int(data.get("col", 0)))

    return key


def render_graph(graph: Graph, fmt: str) -> str:
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "json":
        return to_json(graph)
    return to_mermaid(graph)
