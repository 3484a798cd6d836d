"""The data flow drawn by shapecalc itself, as an SVG picture or an HTML page holding one.

No graphviz and no script: the layout is _layout's, the text is monospaced so that its width
is known without a font engine. Colours are the tree's: types blue, shapes cyan, containers
drawn whole in bold; each kind of node also has its own border, to be told apart in grey.
"""

from __future__ import annotations

from html import escape

from shapecalc.dataflow import Graph
from shapecalc.engine import Result
from shapecalc.errors import UsageError
from shapecalc.formats import Format, Options
from shapecalc.formats._diagram import EDGE, LOOKS, SHAPE, TYPE, graph_of, label, node_lines, style
from shapecalc.formats._fit import width_of
from shapecalc.formats._layout import Placed, Size, TooLargeError, layout
from shapecalc.formats.summary import entries
from shapecalc.formats.text import caption, grouped
from shapecalc.limits import MAX_DIAGRAM_POINTS
from shapecalc.value import frozen

FONT = 12.0
CHAR = FONT * 0.6  # a monospaced character's advance: DejaVu Sans Mono's, Menlo's, Consolas'
LINE = FONT * 1.35
PAD = 8.0  # inside a node, each side
MARGIN = 16.0
_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, monospace"
_LOOK_OF = {"output": "input"}  # a style drawn in another's look, and named with it
_SAMPLE = "64@56×56"  # the legend's shape


def render(result: Result, fmt: Format, options: Options) -> str:
    """Return the diagram of `result` as an SVG document, or an HTML page holding it."""
    graph = graph_of(result, fmt, options)
    drawn = measured(result, graph, options)
    try:
        placed = layout(drawn.sizes, [(edge.source, edge.target) for edge in graph.edges])
    except TooLargeError:
        raise UsageError(
            f"--format {fmt.value}",
            f"the diagram's edges pass more than {grouped(MAX_DIAGRAM_POINTS)} layers in all, "
            "too many to draw; draw fewer with --depth, or use the mermaid or dot format",
        ) from None
    svg = _svg(result, graph, options, drawn=drawn, placed=placed)
    if fmt is Format.SVG:
        return svg
    said = escape(caption(result.model, result.input, options.batch, result.input_formulas))
    return _PAGE.format(title=said, svg=svg)


@frozen
class Drawn:
    """What each node shows: its lines, the labels under it, and the size they take."""

    lines: tuple[tuple[str, ...], ...]
    labels: tuple[tuple[str, ...], ...]
    sizes: tuple[Size, ...]


def measured(result: Result, graph: Graph, options: Options) -> Drawn:
    """Return what each node of `graph` shows, and its size."""
    texts = [tuple(node_lines(result, node, options, full=True)) for node in graph.nodes]
    shapes = _out_labels(graph)
    sizes = tuple(_size(lines, shapes[place]) for place, lines in enumerate(texts))
    return Drawn(tuple(texts), shapes, sizes)


def _out_labels(graph: Graph) -> tuple[tuple[str, ...], ...]:
    """Return each node's labels under it: the shapes its edges carry, each once."""
    shapes: list[dict[str, None]] = [{} for _ in graph.nodes]
    for edge in graph.edges:
        shapes[edge.source][label(edge)] = None
    return tuple(tuple(each) for each in shapes)


def width(text: str) -> float:
    """Return the width of a line of monospaced text: a wide character such as 卷 takes two
    cells, as on a terminal."""
    return width_of(text) * CHAR


def _size(lines: tuple[str, ...], shapes: tuple[str, ...]) -> Size:
    return Size(
        max(map(width, lines)) + 2 * PAD,
        len(lines) * LINE + PAD,
        max(map(width, shapes), default=-6.0) + 6.0,
        len(shapes) * LINE + (4.0 if shapes else 0.0),
    )


_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{title}</title>
<style>body {{ margin: 0; background: #ffffff; }}</style>
</head>
<body>
{svg}</body>
</html>
"""


def _svg(result: Result, graph: Graph, options: Options, *, drawn: Drawn, placed: Placed) -> str:
    """Return the SVG document: the caption, the summary and the legend over the diagram."""
    head, top, head_width = _header(result, graph, options)
    wide, high = _n(max(placed.width, head_width) + 2 * MARGIN), _n(top + placed.height + MARGIN)
    said = caption(result.model, result.input, options.batch, result.input_formulas)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{wide}" height="{high}" '
        f'viewBox="0 0 {wide} {high}" font-family="{_FAMILY}" font-size="{_n(FONT)}">',
        f"<title>{escape(f'shapecalc {said}')}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        f'fill="{EDGE}"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        *head,
        f'<g transform="translate({_n(MARGIN)},{_n(top)})">',
        f'<g fill="none" stroke="{EDGE}" stroke-width="1.2">',
    ]
    for route, upward in zip(placed.routes, placed.upward, strict=True):
        marker = "marker-start" if upward else "marker-end"
        parts.append(f'<path d="{_path(route)}" {marker}="url(#arrow)"/>')
    parts.append("</g>")
    for place, node in enumerate(graph.nodes):
        parts.append(_node(style(node), drawn, placed, place))
    parts.append(f'<g fill="{SHAPE}">')
    for (x, y), lines in zip(placed.labels, drawn.labels, strict=True):
        parts += [_text(x, y + LINE * (index + 0.8), line) for index, line in enumerate(lines)]
    parts += ["</g>", "</g>", "</svg>"]
    return "\n".join(parts) + "\n"


def _header(result: Result, graph: Graph, options: Options) -> tuple[list[str], float, float]:
    """Return the caption, the summary and the legend; where the diagram starts below them,
    and how wide they are."""
    said = caption(result.model, result.input, options.batch, result.input_formulas)
    y = MARGIN + FONT
    parts, widest = [_text(MARGIN, y, said, ' font-weight="bold"')], width(said)
    summary = entries(result, options.dtype, options.batch)
    indent = max(len(name) for name, _ in summary) + 2
    for name, text in summary:
        y += LINE
        line = f"{name.ljust(indent)}{text}"
        widest = max(widest, width(line))
        parts.append(_text(MARGIN, y, line))
    y += LINE * 0.8
    x = MARGIN
    for kind in dict.fromkeys(_LOOK_OF.get(style(node), style(node)) for node in graph.nodes):
        parts.append(_box(x, y, 22, 14, kind, rounding=3))
        parts.append(_text(x + 28, y + 11, LOOKS[kind].legend))
        x += 28 + width(LOOKS[kind].legend) + 18
    parts.append(_text(x, y + 11, _SAMPLE, f' fill="{SHAPE}"'))
    x += width(_SAMPLE) + 6
    parts.append(_text(x, y + 11, "shape passed on an edge"))
    x += width("shape passed on an edge")
    return parts, y + 14 + 2 * LINE, max(widest, x - MARGIN)


def _node(kind: str, drawn: Drawn, placed: Placed, place: int) -> str:
    """Return a node's box and lines: its name first, in bold for a module drawn whole, then
    its type in the tree's blue."""
    size, centre, top = drawn.sizes[place], placed.x[place], placed.y[place]
    rounding = size.height / 2 if kind == "join" else 0 if kind == "module" else 6
    parts = [
        "<g>",
        _box(centre - size.width / 2, top, size.width, size.height, kind, rounding=rounding),
    ]
    for index, line in enumerate(drawn.lines[place]):
        look = ' font-weight="bold"' if index == 0 and kind == "module" else ""
        if index == 1 and kind not in ("input", "output"):
            look = f' fill="{TYPE}"'
        baseline = top + PAD / 2 + LINE * (index + 0.75)
        parts.append(_text(centre, baseline, line, f' text-anchor="middle"{look}'))
    parts.append("</g>")
    return "".join(parts)


def _box(x: float, y: float, wide: float, high: float, kind: str, *, rounding: float) -> str:
    """Return a rectangle in the look of a kind of node, its corners rounded so much."""
    look = LOOKS[kind]
    dash = f' stroke-dasharray="{look.dashes}"' if look.dashes else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(wide)}" height="{_n(high)}" rx="{_n(rounding)}" '
        f'fill="{look.fill}" stroke="{look.stroke}" stroke-width="{look.width:g}"{dash}/>'
    )


def _text(x: float, y: float, words: str, look: str = "") -> str:
    """Return a line of text at a baseline, spaces kept; `words` are escaped, `look` is not."""
    return f'<text x="{_n(x)}" y="{_n(y)}"{look} xml:space="preserve">{escape(words)}</text>'


def _path(route: tuple[tuple[float, float], ...]) -> str:
    """Return an SVG path down `route`: straight down through each layer, curving between."""
    (x, y), *rest = route
    words = [f"M{_n(x)},{_n(y)}"]
    for index, (x2, y2) in enumerate(rest):
        if index % 2:  # from a layer's bottom to the next layer's top, curving
            middle = (y + y2) / 2
            words.append(f"C{_n(x)},{_n(middle)} {_n(x2)},{_n(middle)} {_n(x2)},{_n(y2)}")
        else:  # straight down through a layer
            words.append(f"L{_n(x2)},{_n(y2)}")
        x, y = x2, y2
    return "".join(words)


def _n(value: float) -> str:
    """Return a coordinate with one decimal, or none when it is whole."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
