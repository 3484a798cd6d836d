"""The data flow as Graphviz DOT, for `dot -Tsvg` and the tools that read it.

Containers drawn open are clusters; each edge is labelled with the shape it carries. Every
name is a quoted string with its quotes and backslashes escaped, so that a name is always
text, never an escape such as `\\N` or `\\l`.
"""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats import Format, Options
from shapecalc.formats._diagram import (
    EDGE,
    LOOKS,
    SHAPE,
    graph_of,
    group_title,
    label,
    nested,
    node_lines,
    style,
    summary,
)

# Each style's node shape and border; its colours are LOOKS'.
_SHAPES = {
    "input": ("box", "rounded,filled"),
    "output": ("box", "rounded,filled"),
    "layer": ("box", "rounded,filled"),
    "module": ("box", "filled,bold"),
    "join": ("ellipse", "filled"),
    "resize": ("hexagon", "filled"),
    "again": ("box", "rounded,filled,dashed"),
    "function": ("box", "rounded,filled,dotted"),
}
_FONT = "DejaVu Sans Mono"


def render(result: Result, options: Options) -> str:
    """Return the model's data flow as a DOT digraph, top to bottom."""
    graph = graph_of(result, Format.DOT, options)
    said, *figures = summary(result, options)
    lines = [
        f"digraph {_quoted(result.model.name)} {{",
        f'  graph [rankdir=TB, labelloc=t, fontname="{_FONT}", label={_quoted(said)}];',
        f'  node [fontname="{_FONT}", fontsize=10];',
        f'  edge [fontname="{_FONT}", fontsize=9, fontcolor="{SHAPE}", color="{EDGE}"];',
        *[f"  // {line}" for line in figures],
    ]
    for item, place, level in nested(graph):
        indent = "  " * (level + 1)
        if item == "open":
            name = _quoted(group_title(graph.groups[place]))
            lines.append(f'{indent}subgraph cluster_g{place} {{ label={name}; style="dashed";')
        elif item == "close":
            lines.append(f"{indent}}}")
        else:
            node = graph.nodes[place]
            text = _quoted("\n".join(node_lines(result, node, options, full=False)))
            lines.append(f"{indent}n{place} [label={text}, {_attributes(style(node))}];")
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


def _attributes(kind: str) -> str:
    """Return a node's shape and look as DOT attributes."""
    shape, style = _SHAPES[kind]
    look = LOOKS[kind]
    return (
        f'shape={shape}, style="{style}", fillcolor="{look.fill}", color="{look.stroke}", '
        f"penwidth={look.width:g}"
    )
