"""The built-in models as a text table: input, params, MACs and description."""

from __future__ import annotations

from shapecalc import catalog
from shapecalc.engine import infer
from shapecalc.formats.text import compact

HEADINGS = ("model", "input", "params", "MACs", "description")
NUMERIC = frozenset({2, 3})


def render() -> str:
    """Return one line per built-in model, at its default input, under a heading."""
    lines = [HEADINGS]
    for name in catalog.builtin_names():
        model = catalog.load(name)
        result = infer(model, model.input)
        size = "×".join(str(dim) for dim in model.input.dims)
        lines.append(
            (
                name,
                size,
                compact(result.total_params),
                compact(result.total_macs),
                model.description,
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADINGS))]
    return "".join(
        "  ".join(
            cell.rjust(width) if column in NUMERIC else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        + "\n"
        for line in lines
    )
