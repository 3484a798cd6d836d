"""The document's listing: `Input:3@224*224`, then `name:C@H*W` per module, tab-indented."""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import visible
from shapecalc.formats.explain import arithmetic
from shapecalc.shape import Shape


def render(result: Result, options: Options) -> str:
    """Return the listing, one line per module; a container's line is its name alone.

    With `options.explain`, a line whose layer changes H or W ends with its arithmetic as
    a `# …` comment, as the document's lines do (but correct).
    """
    lines = [f"Input:{_shape(result.input)}"]
    for row in visible(result, options.depth):
        shown = row.is_leaf or row.depth == options.depth  # a collapsed container shows its shape
        text = _shape(row.shape) if shown else ""
        note = arithmetic(row) if options.explain else None
        comment = f" # {note}" if note else ""
        lines.append("\t" * (row.depth - 1) + f"{row.name}:{text}{comment}")
    return "\n".join(lines) + "\n"


def _shape(shape: Shape) -> str:
    if shape.is_map:
        channels, height, width = shape.dims
        return f"{channels}@{height}*{width}"
    return "*".join(str(dim) for dim in shape.dims)
