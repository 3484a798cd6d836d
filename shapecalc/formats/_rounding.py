"""Which rows' output sizes an uneven stride rounded, for every format that marks them."""

from __future__ import annotations

from enum import Enum

from shapecalc.engine import Result


class Rounded(Enum):
    """How a row's output size was rounded; its value is the mark the tables show."""

    HERE = "yes"  # the row's own layer's input does not divide by its stride
    WITHIN = "within"  # a container drawn collapsed (at --depth) holds such a layer


def rounded(result: Result, depth: int | None) -> dict[str, Rounded]:
    """Return the rounded rows down to `depth` (all when None), by path.

    None with symbols in the input: which sizes round is what the notes on them say.
    """
    if result.input_formulas is not None:
        return {}
    from shapecalc.sizes import uneven

    found = uneven(result)
    # Work in forward() shows in a row around it: the rows' paths, only for that.
    inline = any(item.row.module.functional for item in found)
    shown = {row.path for row in result.rows} if inline else set()
    marks = {
        _owner(item.row.path, shown) if item.row.module.functional else item.row.path: Rounded.HERE
        for item in found
    }
    if depth is not None:
        for path in list(marks):
            parts = path.split(".")
            if len(parts) > depth:
                marks.setdefault(".".join(parts[:depth]), Rounded.WITHIN)
    return marks


def _owner(path: str, shown: set[str]) -> str:
    """Return the row that shows a layer's work: its own, or for work in forward(), that of
    the nearest module around it."""
    while path and path not in shown:
        path = path.rpartition(".")[0]
    return path
