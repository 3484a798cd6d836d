"""The arithmetic behind each change of a spatial size, with the real numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.engine import Row
from shapecalc.shape import Shape, axis_names

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


def arithmetic(row: Row) -> str | None:
    """Explain how a layer that changes spatial sizes computes them, e.g. `112 = ⌊(…) / 2⌋ + 1`.

    Every axis is shown once when their arithmetic is the same, each by name when not.
    With symbols, the arithmetic is of formulas: `⌈H/4⌉ = ⌊(⌈H/2⌉ + 2·1 − …) / 2⌋ + 1`.
    Returns None for a layer that keeps its sizes, for one whose input or output is not a
    map of one rank, and for containers.
    """
    layer = row.layer
    before, after = row.input, row.shape
    if layer is None or before is None or after is None:
        return None
    if not before.is_map or not after.is_map or before.rank != after.rank:
        return None
    sizes, outputs = _sizes(before, row.input_formulas), _sizes(after, row.formulas)
    if sizes == outputs:
        return None
    ops = layer.axes(before)
    steps = []
    for axis, (size, out) in enumerate(zip(sizes, outputs, strict=True)):
        op = ops[axis] if ops is not None else None
        if op is not None:
            steps.append(f"{out} = {op.formula(size)}")
        elif size == out:
            steps.append(f"{out}, kept")
        else:
            steps.append(f"{out}, from {size}")
    if len(set(steps)) == 1:
        return steps[0]
    names = axis_names(before.rank)
    return "; ".join(f"{name}: {step}" for name, step in zip(names, steps, strict=True))


def _sizes(shape: Shape, formulas: Dims | None) -> tuple[int | str, ...]:
    """Return a map's spatial sizes in its own order, as formulas' text where they are
    formulas of symbols."""
    if formulas is None:
        return shape.placed_spatial
    from shapecalc.formats._formula import show

    placed = (formulas[shape.spatial_index(axis)] for axis in range(shape.rank))
    return tuple(
        size if formula is None or isinstance(formula, int) else show(formula)
        for size, formula in zip(shape.placed_spatial, placed, strict=True)
    )
