"""The document's listing: `Input:3@224*224`, then `name:C@H*W` per module, tab-indented."""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import visible
from shapecalc.formats.explain import arithmetic
from shapecalc.formats.text import NOT_RUN
from shapecalc.shape import Shape


def render(result: Result, options: Options) -> str:
    """Return the listing, one line per module; a container's line is its name alone.

    Names are written as they are. With `options.explain`, a line whose layer changes H or
    W ends with its arithmetic as a `# …` comment, as the document's lines do (but correct).
    """
    lines = [f"Input:{_shape(result.input)}"]
    shapes: dict[tuple[int, ...], str] = {}  # rows share a few shapes
    for row in visible(result, options.depth):
        module = row.module
        text = ""
        if row.shape is None:
            text = NOT_RUN
        elif row.is_leaf or module.depth == options.depth:  # a collapsed container: its shape
            text = shapes.get(row.shape.dims, "")
            if not text:
                text = shapes[row.shape.dims] = _shape(row.shape)
        note = arithmetic(row) if options.explain else None
        comment = f" # {note}" if note else ""
        lines.append("\t" * (module.depth - 1) + f"{module.name}:{text}{comment}")
    return "\n".join(lines) + "\n"


def _shape(shape: Shape) -> str:
    if shape.is_map:
        return f"{shape.channels}@" + "*".join(map(str, shape.spatial))
    return "*".join(map(str, shape.dims))
