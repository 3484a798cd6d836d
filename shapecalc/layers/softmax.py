"""Layers that work along one dimension: the softmaxes, which mix it, and GLU, which halves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.arith import Axis, Window
from shapecalc.errors import LayerError
from shapecalc.field import Field, map_holds
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, batched_dim, require_rank, sample_dim
from shapecalc.layers.elementwise import ShapeKeeping, _Stateless
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


@frozen(kw_only=True)
class _Softmax(ShapeKeeping):
    """A softmax along `dim` (counting the batch), which mixes that dimension's positions.

    Each kind is a plain subclass (see shapecalc/layers/spatial.py).
    """

    dim: int | None = arg(args.optional(args.integer), None)

    def output(self, shape: Shape) -> Shape:
        self.batched_dim(shape)
        return shape

    def batched_dim(self, shape: Shape) -> int:
        """Return the dimension as an index into the batched shape; 0 is the batch."""
        if self.dim is None:  # PyTorch's implicit choice, with a warning: the batch of C×L
            return 0 if len(shape.dims) == 2 else 1
        return batched_dim(self.dim, shape, "dim")

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        dim = self.batched_dim(before)
        return field.mix(dim - 1) if dim else field


class Softmax(_Softmax):
    """torch.nn.Softmax."""

    __slots__ = ()


class Softmin(_Softmax):
    """torch.nn.Softmin."""

    __slots__ = ()


class LogSoftmax(_Softmax):
    """torch.nn.LogSoftmax."""

    __slots__ = ()


class Softmax2d(_Stateless):
    """torch.nn.Softmax2d: a softmax over the channels of each position of a C×H×W map.

    A C×L map is refused, though PyTorch would read a batch of them as one C×H×W sample.
    """

    __slots__ = ()

    def output(self, shape: Shape) -> Shape:
        require_rank(shape, "Softmax2d", (2,))
        return shape


@frozen(kw_only=True)
class GLU(Base):
    """torch.nn.GLU: halves `dim` (counting the batch), gating one half by the other.

    Output `i` along `dim` reads inputs `i` and `i + half`, as a window of two taps
    `half` apart would.
    """

    dim: int = arg(args.integer, -1)

    def output(self, shape: Shape) -> Shape:
        index = self.index(shape)
        size = shape.dims[index]
        if size % 2:
            raise LayerError(
                f"GLU halves dim {self.dim}, which must be even, but it is {size} in the "
                f"input {shape}",
                arg="dim",
            )
        dims = list(shape.dims)
        dims[index] = size // 2
        return Shape(tuple(dims))

    def index(self, shape: Shape) -> int:
        """Return the halved dimension as an index into `shape`, which has no batch."""
        return sample_dim(self.dim, shape, "halve")

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        from shapecalc.formula import floor_div

        index, size = self.index(before), dims[self.index(before)]
        halved = None if size is None else floor_div(size, 1, 0, 2)
        return (*dims[:index], halved, *dims[index + 1 :])

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        index = self.index(before)
        if (
            index == 0  # the channels: they hold no positions
            or not before.is_map
            or len(field.axes) != before.rank
            or field.holds != map_holds(before.spatial)
        ):
            return field.mix(index)
        taps: list[Axis] = [None] * before.rank
        taps[index - 1] = Window(2, 1, dilation=before.dims[index] // 2)
        return field.through(taps, before.spatial, after.spatial)
