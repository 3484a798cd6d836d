"""The document's listing: `Input:3@224*224`, then `name:C@H*W` per module, tab-indented."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import visible
from shapecalc.formats.explain import arithmetic
from shapecalc.formats.text import NOT_RUN, UNKNOWN
from shapecalc.shape import Shape

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


def render(result: Result, options: Options) -> str:
    """Return the listing, one line per module; a container's line is its name alone.

    Names are written as they are. With `options.explain`, a line whose layer changes H or
    W ends with its arithmetic as a `# …` comment, as the document's lines do (but correct).
    """
    lines = [f"Input:{_shape(result.input, result.input_formulas)}"]
    shapes: dict[object, str] = {}  # rows share a few shapes
    for row in visible(result, options.depth):
        module = row.module
        text = ""
        if row.shape is None:
            text = NOT_RUN
        elif row.is_leaf or module.depth == options.depth:  # a collapsed container: its shape
            key = row.shape.dims if row.formulas is None else row.formulas
            text = shapes.get(key, "")
            if not text:
                text = shapes[key] = _shape(row.shape, row.formulas)
        note = arithmetic(row) if options.explain else None
        comment = f" # {note}" if note else ""
        lines.append("\t" * (module.depth - 1) + f"{module.name}:{text}{comment}")
    return "\n".join(lines) + "\n"


def _shape(shape: Shape, formulas: Dims | None = None) -> str:
    """Return `C@H*W`, as formulas where given: `64@⌈H/2⌉*⌈W/2⌉`."""
    if formulas is None:
        cells = list(map(str, shape.dims))
    else:
        from shapecalc.formats._formula import show, term

        write = show if len(formulas) == 1 else term  # dims side by side, each one term
        cells = [UNKNOWN if dim is None else write(dim) for dim in formulas]
    if shape.is_map:
        return f"{cells[0]}@" + "*".join(cells[1:])
    return "*".join(cells)
