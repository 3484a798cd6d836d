"""The data flow as Graphviz DOT, for `dot -Tsvg` and the tools that read it.

Containers drawn open are clusters; each edge is labelled with the shape it carries. Every
name is a quoted string with its quotes and backslashes escaped, so that a name is always
text, never an escape such as `\\N` or `\\l`.
"""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats._diagram import (
    detail,
    figures,
    graph_of,
    group_title,
    label,
    nested,
    style,
    title,
)
from shapecalc.formats.summary import entries
from shapecalc.formats.text import caption

# Each style's node attributes: light fills, told apart in grey by their borders and shapes.
_STYLES = {
    "input": 'shape=box, style="rounded,filled", fillcolor="#e7f5e9", color="#2e7d32"',
    "output": 'shape=box, style="rounded,filled", fillcolor="#e7f5e9", color="#2e7d32"',
    "layer": 'shape=box, style="rounded,filled", fillcolor="#eaf1fb", color="#1f4e9c"',
    "module": 'shape=box, style="filled,bold", fillcolor="#f3f3f3", color="#222222"',
    "join": 'shape=ellipse, style="filled", fillcolor="#fff4d6", color="#8a5a00"',
    "resize": 'shape=hexagon, style="filled", fillcolor="#e6f6f8", color="#0b6b77"',
    "again": 'shape=box, style="rounded,dashed", color="#1f4e9c"',
    "function": 'shape=box, style="rounded,dotted", color="#555555"',
}
_FONT = "DejaVu Sans Mono"


def render(result: Result, options: Options) -> str:
    """Return the model's data flow as a DOT digraph, top to bottom."""
    graph = graph_of(result, options)
    said = caption(result.model, result.input, options.batch, result.input_formulas)
    summary = [f"{label}: {text}" for label, text in entries(result, options.dtype, options.batch)]
    lines = [
        f"digraph {_quoted(result.model.name)} {{",
        f'  graph [rankdir=TB, labelloc=t, fontname="{_FONT}", label={_quoted(said)}];',
        f'  node [fontname="{_FONT}", fontsize=10];',
        f'  edge [fontname="{_FONT}", fontsize=9, fontcolor="#0b6b77"];',
        *[f"  // {_comment(line)}" for line in summary],
    ]
    indent = "  "
    for item, place in nested(graph):
        if item == "open":
            name = _quoted(group_title(graph.groups[place]))
            lines.append(f'{indent}subgraph cluster_g{place} {{ label={name}; style="dashed";')
            indent += "  "
        elif item == "close":
            indent = indent[:-2]
            lines.append(f"{indent}}}")
        else:
            node = graph.nodes[place]
            words = [title(result, node, full=False), detail(result, node)]
            words += figures(node, options)
            text = _quoted("\n".join(word for word in words if word))
            lines.append(f"{indent}n{place} [label={text}, {_STYLES[style(node)]}];")
    for edge in graph.edges:
        lines.append(f"  n{edge.source} -> n{edge.target} [label={_quoted(label(edge))}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quoted(words: str) -> str:
    """Return text as a DOT string: quoted, its quotes and backslashes escaped, lines `\\n`,
    and `&` written `&amp;`, which graphviz would read as the start of an entity."""
    escaped = words.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = escaped.replace("&", "&amp;")
    return f'"{escaped}"'


def _comment(words: str) -> str:
    """Return text for a comment line: one line, whatever it holds."""
    return "".join(char if char.isprintable() else " " for char in words)
