"""Sliding a window over H and W: shared by convolutions and pools."""

from __future__ import annotations

from typing import Any

from shapecalc.arith import Window
from shapecalc.errors import LayerError
from shapecalc.field import Field
from shapecalc.layers.args import Pair
from shapecalc.layers.base import Base, require_map
from shapecalc.shape import Shape
from shapecalc.value import attribute

AXES = ("H", "W")


def windows(
    kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, *, ceil_mode: bool = False
) -> tuple[Window, Window]:
    """Build the H and W windows from per-axis pairs."""
    return (
        Window(kernel[0], stride[0], padding[0], dilation[0], ceil_mode),
        Window(kernel[1], stride[1], padding[1], dilation[1], ceil_mode),
    )


def slide(shape: Shape, axes: tuple[Window, Window]) -> Pair:
    """Return the output H and W, or raise with the arithmetic of each axis that collapses."""
    height, width = shape.spatial
    out = (axes[0].output(height), axes[1].output(width))
    if min(out) >= 1:
        return out
    steps = [
        f"{name}: {window.formula(size)} = {size_out}"
        for name, window, size, size_out in zip(AXES, axes, (height, width), out, strict=True)
        if size_out < 1
    ]
    raise LayerError(
        f"input {shape} is too small: the output would be {out[0]}×{out[1]} ({'; '.join(steps)})"
    )


def check_pool_padding(kernel: Pair, padding: Pair) -> None:
    """Refuse padding over half the kernel, as PyTorch's pools do whatever the input."""
    for name, size, pad in zip(AXES, kernel, padding, strict=True):
        if pad > size // 2:
            raise LayerError(
                f"padding {pad} is more than half of kernel_size {size} on {name}; "
                "PyTorch pools allow at most kernel_size // 2",
                arg="padding",
            )


def computed() -> Any:
    """Declare a field derived from the arguments: not an argument, not compared."""
    return attribute(init=False, repr=False, compare=False, default=None)


Steps = tuple[tuple[int, int], tuple[int, int]]  # per axis: the window's extent and stride


def steps_of(axes: tuple[Window, Window]) -> Steps:
    """Return each window's extent and stride: all a receptive field needs of it."""
    return (axes[0].extent, axes[0].stride), (axes[1].extent, axes[1].stride)


class Sliding(Base):
    """A layer that slides windows over H and W, built once from its arguments.

    Subclasses are value classes with `computed()` fields `axes`, set by `make_windows`, and
    `steps`, what the receptive field needs of them.
    """

    __slots__ = ()
    axes: tuple[Window, Window] | None
    steps: Steps

    def __post_init__(self) -> None:
        object.__setattr__(self, "axes", self.make_windows())
        object.__setattr__(self, "steps", self.make_steps())

    def make_windows(self) -> tuple[Window, Window] | None:
        raise NotImplementedError

    def make_steps(self) -> Steps:
        assert self.axes is not None
        return steps_of(self.axes)

    def windows(self) -> tuple[Window, Window] | None:
        return self.axes

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field.slide(self.steps, after.spatial)


class Pool(Sliding):
    """MaxPool2d and AvgPool2d: the channels stay, H and W slide."""

    __slots__ = ()
    kernel_size: Pair
    padding: Pair

    def check(self) -> None:
        check_pool_padding(self.kernel_size, self.padding)

    def output(self, shape: Shape) -> Shape:
        channels, _, _ = require_map(shape, type(self).__name__)
        assert self.axes is not None
        return Shape((channels, *slide(shape, self.axes)))
