"""The arithmetic behind each change of H or W, with the real numbers."""

from __future__ import annotations

from shapecalc.engine import Row
from shapecalc.sizes import AXES


def arithmetic(row: Row) -> str | None:
    """Explain how a layer that changes H or W computes them, e.g. `112 = ⌊(…) / 2⌋ + 1`.

    Both axes are shown once when their arithmetic is the same, each by name when not.
    Returns None for a layer that keeps H and W, and for containers.
    """
    layer = row.layer
    if layer is None or not row.input.is_map or not row.shape.is_map:
        return None
    if row.input.spatial == row.shape.spatial:
        return None
    windows = layer.windows()
    steps = []
    for axis, (size, out) in enumerate(zip(row.input.spatial, row.shape.spatial, strict=True)):
        if windows is not None:
            steps.append(f"{out} = {windows[axis].formula(size)}")
        elif size == out:
            steps.append(f"{out}, kept")
        elif hasattr(layer, "output_size"):
            steps.append(f"{out} = output_size, pooled from {size}")
        else:  # Linear maps the last dimension, here W
            steps.append(f"{out} = out_features, from {size}")
    if steps[0] == steps[1]:
        return steps[0]
    return "; ".join(f"{name}: {step}" for name, step in zip(AXES, steps, strict=True))
