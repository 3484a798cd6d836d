"""The data flow as a Mermaid flowchart: GitHub, GitLab, MkDocs and Sphinx draw it.

Containers drawn open are subgraphs; each edge is labelled with the shape it carries. Every
name is written with Mermaid's entity codes for any character that could be syntax or
markup (`#35;` for `#`), so that a name is always text. Mermaid's own parser checks the
output in the tests (tests/_mermaid.py).
"""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats import Format, Options
from shapecalc.formats._diagram import (
    LOOKS,
    Look,
    graph_of,
    group_title,
    label,
    nested,
    node_lines,
    style,
    summary,
)
from shapecalc.formats.text import grouped

# Each style's node shape; its colours are LOOKS'.
_SHAPES = {
    "input": ('(["', '"])'),
    "output": ('(["', '"])'),
    "layer": ('("', '")'),
    "module": ('[["', '"]]'),
    "join": ('(("', '"))'),
    "resize": ('{{"', '"}}'),
    "again": ('[/"', '"/]'),
    "function": ('[\\"', '"\\]'),
}
# What Mermaid shows as written: every other character, non-ASCII ones too, is written as its
# code. Mermaid also reads sequences (`#35;`, `fa:fa-x`, `$$`, `\n`, its own `¶ß`) and markup
# in a label, which coding each of their characters but these disarms.
MAX_EDGES = 500  # Mermaid's maxEdges: it refuses to draw more, unless a site's setting says
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()*+,-./=?@_")


def render(result: Result, options: Options) -> str:
    """Return the model's data flow as a Mermaid flowchart, top to bottom."""
    graph = graph_of(result, Format.MERMAID, options)
    lines = [f"%% {line}" for line in summary(result, options)]
    lines.append("flowchart TB")
    used: dict[str, list[str]] = {}
    for item, place, level in nested(graph):
        indent = "  " * (level + 1)
        if item == "open":
            name = _text(group_title(graph.groups[place]))
            lines.append(f'{indent}subgraph g{place} ["{name}"]')
        elif item == "close":
            lines.append(f"{indent}end")
        else:
            node = graph.nodes[place]
            kind = style(node)
            # Lines are parted by a newline, not <br/>: with markup in a label, Mermaid reads
            # coded characters as the sequences they make, before it draws them.
            text = "\n".join(map(_text, node_lines(result, node, options, full=False)))
            opening, closing = _SHAPES[kind]
            lines.append(f"{indent}n{place}{opening}{text}{closing}")
            used.setdefault(kind, []).append(f"n{place}")
    for edge in graph.edges:
        lines.append(f'  n{edge.source} -->|"{_text(label(edge))}"| n{edge.target}')
    for kind, names in used.items():
        lines.append(f"  classDef {kind} {_class(LOOKS[kind])}")
        lines.append(f"  class {','.join(names)} {kind}")
    return "\n".join(lines) + "\n"


def cautions(result: Result, depth: int | None) -> list[str]:
    """Return a note when the diagram has more edges than Mermaid draws by default, naming
    the deepest `--depth` under that, if any is."""
    from shapecalc import dataflow

    flow = dataflow.traced(result)
    edges = len(dataflow.of(result, depth, flow=flow).edges)
    if edges <= MAX_EDGES:
        return []
    deepest = max((row.depth for row in result.rows), default=1)
    tops = range(min(depth or deepest, deepest) - 1, 0, -1)
    fits = (top for top in tops if len(dataflow.of(result, top, flow=flow).edges) <= MAX_EDGES)
    fit = next(fits, None)
    advice = f"; --depth {fit} keeps it under" if fit else ""
    return [
        f"note: the diagram has {grouped(edges)} edges; Mermaid draws at most {MAX_EDGES} unless "
        f"the site's configuration raises maxEdges{advice}"
    ]


def _text(words: str) -> str:
    """Return text as Mermaid shows it, every character that is not plainly text coded."""
    return "".join(char if char in _SAFE else f"#{ord(char)};" for char in words)


def _class(look: Look) -> str:
    """Return a look as a Mermaid classDef's styles."""
    dashes = f",stroke-dasharray:{look.dashes}" if look.dashes else ""
    return f"fill:{look.fill},stroke:{look.stroke},stroke-width:{look.width:g}px{dashes},color:#111"
