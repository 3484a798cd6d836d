"""The arithmetic behind each change of a spatial size, with the real numbers."""

from __future__ import annotations

from shapecalc.engine import Row
from shapecalc.shape import axis_names


def arithmetic(row: Row) -> str | None:
    """Explain how a layer that changes spatial sizes computes them, e.g. `112 = ⌊(…) / 2⌋ + 1`.

    Every axis is shown once when their arithmetic is the same, each by name when not.
    Returns None for a layer that keeps its sizes, for one whose input or output is not a
    map of one rank, and for containers.
    """
    layer = row.layer
    before, after = row.input, row.shape
    if layer is None or before is None or after is None:
        return None
    if not before.is_map or not after.is_map or before.rank != after.rank:
        return None
    if before.spatial == after.spatial:
        return None
    ops = layer.axes(before)
    steps = []
    for axis, (size, out) in enumerate(zip(before.spatial, after.spatial, strict=True)):
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
