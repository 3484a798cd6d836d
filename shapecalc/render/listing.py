"""The document's listing: `Input:3@224*224`, then `name:C@H*W` per module, tab-indented."""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.shape import Shape


def render(result: Result) -> str:
    """Return the listing, one line per module; a container's line is its name alone."""
    lines = [f"Input:{_shape(result.input)}"]
    for row in result.rows:
        text = _shape(row.shape) if row.is_leaf else ""
        lines.append("\t" * (row.depth - 1) + f"{row.name}:{text}")
    return "\n".join(lines) + "\n"


def _shape(shape: Shape) -> str:
    if shape.is_map:
        channels, height, width = shape.dims
        return f"{channels}@{height}*{width}"
    return "*".join(str(dim) for dim in shape.dims)
