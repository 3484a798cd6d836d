"""Layers that work on each spatial axis of a map: the machinery they share."""

from __future__ import annotations

from typing import Any, ClassVar

from shapecalc.arith import Axis, Window
from shapecalc.errors import LayerError
from shapecalc.field import Field
from shapecalc.layers.args import Sizes
from shapecalc.layers.base import Base, require_map
from shapecalc.shape import Shape, axis_names
from shapecalc.value import attribute


def resize(shape: Shape, ops: tuple[Axis, ...]) -> tuple[int, ...]:
    """Return the output's spatial sizes, or raise with the arithmetic of each axis below 1."""
    sizes = shape.spatial
    # A list, not a generator, and zip unchecked (one op per axis, by construction): this is
    # the hottest line of a large model.
    out = tuple([size if op is None else op.output(size) for op, size in zip(ops, sizes)])  # noqa: B905
    if min(out) >= 1:
        return out
    steps = [
        f"{name}: {op.formula(size)} = {size_out}"
        for name, op, size, size_out in zip(axis_names(len(sizes)), ops, sizes, out, strict=True)
        if op is not None and size_out < 1
    ]
    raise LayerError(
        f"input {shape} is too small: the output would be {'×'.join(map(str, out))} "
        f"({'; '.join(steps)})"
    )


def windows(
    kernel: Sizes, stride: Sizes, padding: Sizes, dilation: Sizes, *, ceil_mode: bool = False
) -> tuple[Window, ...]:
    """Build one window per axis from per-axis sizes."""
    return tuple(
        Window(*each, ceil_mode) for each in zip(kernel, stride, padding, dilation, strict=True)
    )


def check_pool_padding(kernel: Sizes, padding: Sizes) -> None:
    """Refuse padding over half the kernel, as PyTorch's pools do whatever the input."""
    for name, size, pad in zip(axis_names(len(kernel)), kernel, padding, strict=True):
        if pad > size // 2:
            raise LayerError(
                f"padding {pad} is more than half of kernel_size {size} on {name}; "
                "PyTorch pools allow at most kernel_size // 2",
                arg="padding",
            )


def computed() -> Any:
    """Declare a field derived from the arguments: not an argument, not compared."""
    return attribute(init=False, repr=False, compare=False, default=None)


class Spatial(Base):
    """A layer of a fixed number of spatial axes, `RANK`, that describes each axis once.

    Subclasses are value classes with a `computed()` field `ops`, set by `make_ops`. A kind
    that only sets `RANK` (Conv1d, Conv2d, Conv3d) is a plain subclass of its family's value
    class, with `__slots__ = ()`: it has its base's fields and methods, and making a value
    class of its own would cost every run that loads the family about 30 µs a kind.
    """

    __slots__ = ()
    RANK: ClassVar[int] = 2
    ops: tuple[Axis, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "ops", self.make_ops())

    def make_ops(self) -> tuple[Axis, ...]:
        raise NotImplementedError

    def axes(self, before: Shape) -> tuple[Axis, ...]:
        return self.ops

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        # The output was computed, so the input is a map of RANK axes, as the field is.
        return field.through(self.ops, before.spatial, after.spatial)

    def channels(self, shape: Shape) -> int:
        """Return the input's channels, or raise if it is not a map of this layer's rank."""
        return require_map(shape, type(self).__name__, self.RANK)


class Pool(Spatial):
    """A max, average or power-average pool: the channels stay, each axis slides."""

    __slots__ = ()
    kernel_size: Sizes
    padding: Sizes

    def check(self) -> None:
        check_pool_padding(self.kernel_size, self.padding)

    def output(self, shape: Shape) -> Shape:
        return Shape((self.channels(shape), *resize(shape, self.ops)))
