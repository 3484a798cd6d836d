"""The built-in models as a text table: input, params, MACs and description."""

from __future__ import annotations

from shapecalc import catalog
from shapecalc.engine import infer
from shapecalc.formats import Format
from shapecalc.formats.grid import Grid
from shapecalc.formats.text import compact
from shapecalc.modules import Model

HEADINGS = ("model", "input", "params", "MACs", "description")


def render(fmt: Format = Format.TABLE) -> str:
    """Return one line per built-in model, at its default input, under a heading.

    The table and Markdown show counts in three figures (`11.7M`); CSV and JSON in full.
    """
    items = []
    for name in catalog.builtin_names():
        model = catalog.load(name)
        result = infer(model, model.input)
        items.append((name, model.input.dims, result.total_params, result.total_macs, model))
    if fmt is Format.JSON:
        return _json(items)
    count = str if fmt is Format.CSV else compact
    rows = tuple(
        (name, "×".join(map(str, dims)), count(params), count(macs), model.description)
        for name, dims, params, macs, model in items
    )
    return Grid(HEADINGS, rows, frozenset({2, 3}), frozenset({0, 4})).render(fmt)


def _json(items: list[tuple[str, tuple[int, ...], int, int, Model]]) -> str:
    from shapecalc.formats.json import dumps

    lines = (
        "  "
        + dumps(
            {
                "model": name,
                "input": list(dims),
                "params": params,
                "macs": macs,
                "description": model.description,
            }
        )
        for name, dims, params, macs, model in items
    )
    return "[\n" + ",\n".join(lines) + "\n]\n"
