"""Layers that rearrange elements: pixel (un)shuffles, the channel shuffle, Unflatten, and
Permute, SwapAxes, Chunk and Narrow as forward() uses them."""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from shapecalc.arith import Axis, Interpolate, Window
from shapecalc.errors import LayerError, describe
from shapecalc.field import Field
from shapecalc.layers import args
from shapecalc.layers.args import Value
from shapecalc.layers.base import Base, arg, keeps_shape, require_map, sample_dim
from shapecalc.layers.spatial import Spatial, computed, resize
from shapecalc.shape import Shape, axis_names
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


@frozen(kw_only=True)
class PixelShuffle(Spatial):
    """torch.nn.PixelShuffle: C·r² channels of a C×H×W map become C channels r times larger.

    Output position `o` along an axis comes from input position `o // r`, as a nearest
    upsampling by r reads it. A map of another rank is refused: PyTorch would shuffle its
    last three dimensions, whatever they are.
    """

    upscale_factor: int = arg(args.positive_int)
    ops: tuple[Axis, ...] = computed()

    def make_ops(self) -> tuple[Axis, ...]:
        return (Interpolate(None, float(self.upscale_factor), "nearest"),) * self.RANK

    def output(self, shape: Shape) -> Shape:
        channels = self.channels(shape)
        square = self.upscale_factor**2
        if channels % square:
            raise LayerError(
                f"PixelShuffle needs channels divisible by upscale_factor² = {square}, got {shape}",
                arg="upscale_factor",
            )
        factor = self.upscale_factor  # whole numbers: exact at any size, unlike ⌊size·r⌋
        return Shape((channels // square, *(size * factor for size in shape.spatial)))


@frozen(kw_only=True)
class PixelUnshuffle(Spatial):
    """torch.nn.PixelUnshuffle: each r×r block of a C×H×W map becomes r² channels."""

    downscale_factor: int = arg(args.positive_int)
    ops: tuple[Axis, ...] = computed()

    def make_ops(self) -> tuple[Axis, ...]:
        factor = self.downscale_factor
        return (Window(factor, factor),) * self.RANK

    def output(self, shape: Shape) -> Shape:
        channels = self.channels(shape)
        factor = self.downscale_factor
        for name, size in zip(axis_names(self.RANK), shape.spatial, strict=True):
            if size % factor:
                raise LayerError(
                    f"PixelUnshuffle needs H and W divisible by downscale_factor {factor}, "
                    f"got {shape} ({name} = {size})",
                    arg="downscale_factor",
                )
        return Shape((channels * factor**2, *resize(shape, self.ops)))


@frozen(kw_only=True)
class ChannelShuffle(Base):
    """torch.nn.ChannelShuffle, of a map of any rank."""

    formulas = keeps_shape

    groups: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        channels = require_map(shape, "ChannelShuffle")
        if channels % self.groups:
            raise LayerError(
                f"the input's {channels} channels are not divisible by groups {self.groups}",
                arg="groups",
            )
        return shape


def permutation(value: Value) -> tuple[int, ...]:
    """Accept a permutation of 0, 1, …, n - 1 (n ≥ 2) that keeps 0, the batch, first."""
    whole = isinstance(value, tuple) and all(type(item) is int for item in value)
    if whole and sorted(value) == list(range(len(value))) and len(value) >= 2 and value[0] == 0:  # type: ignore[arg-type,index,type-var]
        return value  # type: ignore[return-value]
    raise ValueError(
        f"expected the dimensions 0, 1, …, n - 1 in a new order with the batch, 0, first, "
        f"got {describe(value)}"
    )


@frozen(kw_only=True)
class Permute(Base):
    """torchvision.ops.misc.Permute, as torch.permute: `dims` count the batch, kept first.

    A map's channels and spatial axes keep their meaning wherever they go (see Shape.order).
    """

    dims: tuple[int, ...] = arg(permutation)

    def output(self, shape: Shape) -> Shape:
        if len(self.dims) != len(shape.dims) + 1:
            raise LayerError(
                f"dims {describe(self.dims)} must name every dimension of the batched input, "
                f"{len(shape.dims) + 1} for {shape}",
                arg="dims",
            )
        moved = [index - 1 for index in self.dims[1:]]
        order = shape.order or tuple(range(len(shape.dims)))
        placed = tuple(order[index] for index in moved)
        kept = placed == tuple(range(len(placed))) or not shape.is_map
        return Shape(tuple(shape.dims[index] for index in moved), () if kept else placed)

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        holds = field.holds
        return Field(field.axes, tuple(holds[index - 1] for index in self.dims[1:]))

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return tuple(dims[index - 1] for index in self.dims[1:])


@frozen(kw_only=True)
class SwapAxes(Base):
    """torch.swapaxes(x, dim0, dim1), as MaxViT's SwapAxes module: `dims` count the batch."""

    dim0: int = arg(args.integer)
    dim1: int = arg(args.integer)

    def output(self, shape: Shape) -> Shape:
        first, second = self._places(shape)
        dims = list(shape.dims)
        dims[first], dims[second] = dims[second], dims[first]
        if not shape.order:
            return Shape(tuple(dims))
        order = list(shape.order)
        order[first], order[second] = order[second], order[first]
        return Shape(tuple(dims), () if order == sorted(order) else tuple(order))

    def _places(self, shape: Shape) -> tuple[int, int]:
        return sample_dim(self.dim0, shape, "swap"), sample_dim(self.dim1, shape, "swap")

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        first, second = self._places(before)
        holds = list(field.holds)
        holds[first], holds[second] = holds[second], holds[first]
        return Field(field.axes, tuple(holds))

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        first, second = self._places(before)
        swapped = list(dims)
        swapped[first], swapped[second] = swapped[second], swapped[first]
        return tuple(swapped)


@frozen(kw_only=True)
class Chunk(Base):
    """One piece of torch.chunk(x, chunks, dim): piece `index` (from 0) of those it makes.

    Each piece is ⌈size / chunks⌉ long but the last, which takes what remains, so that there
    may be fewer pieces than `chunks`, as in PyTorch. Always work in forward(): functional.
    """

    chunks: int = arg(args.positive_int)
    index: int = arg(args.non_negative_int)
    dim: int = arg(args.integer, 1)

    def output(self, shape: Shape) -> Shape:
        index = sample_dim(self.dim, shape, "split")
        size = shape.dims[index]
        piece = -(-size // self.chunks)
        count = -(-size // piece)
        if self.index >= count:
            raise LayerError(
                f"torch.chunk makes {count} pieces of a size of {size} in {self.chunks} chunks: "
                f"there is no piece {self.index}",
                arg="index",
            )
        length = min(piece, size - self.index * piece)
        dims = list(shape.dims)
        dims[index] = length
        return Shape(tuple(dims), shape.order)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The split dimension's piece, a minimum of two formulas, only of a number."""
        index = sample_dim(self.dim, before, "split")
        split = after.dims[index] if isinstance(dims[index], int) else None
        return (*dims[:index], split, *dims[index + 1 :])


@frozen(kw_only=True)
class Narrow(Base):
    """torch.narrow(x, dim, start, length): `length` elements of `dim` from `start`.

    As a tensor's split or slice, in forward() only: functional. A negative `start` counts
    from the end of `dim`, as PyTorch's does.
    """

    dim: int = arg(args.integer)
    start: int = arg(args.integer)
    length: int = arg(args.non_negative_int)

    def output(self, shape: Shape) -> Shape:
        index = sample_dim(self.dim, shape, "narrow")
        size = shape.dims[index]
        start = self.start + size if self.start < 0 else self.start
        if not 0 <= start <= size or start + self.length > size:
            raise LayerError(
                f"torch.narrow takes {self.length} from {self.start} of a size of {size}: "
                "past its end",
                arg="length" if 0 <= start <= size else "start",
            )
        dims = list(shape.dims)
        dims[index] = self.length
        return Shape(tuple(dims), shape.order)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The narrowed dimension is `length`, a number; the others are kept."""
        index = sample_dim(self.dim, before, "narrow")
        return (*dims[:index], self.length, *dims[index + 1 :])


def unflattened_size(value: Value) -> tuple[int, ...]:
    """Accept a non-empty list of integers ≥ 1, of which one may be -1: inferred."""
    if isinstance(value, tuple) and value:
        try:
            return tuple(-1 if item == -1 else args.positive_int(item) for item in value)
        except ValueError:
            pass
    raise ValueError(
        f"expected a non-empty list of integers ≥ 1, one of which may be -1, got {describe(value)}"
    )


@frozen(kw_only=True)
class Unflatten(Base):
    """torch.nn.Unflatten: splits `dim` (counting the batch) into `unflattened_size`."""

    dim: int = arg(args.integer)
    unflattened_size: tuple[int, ...] = arg(unflattened_size)

    def check(self) -> None:
        if self.unflattened_size.count(-1) > 1:
            raise LayerError(
                f"unflattened_size {describe(self.unflattened_size)} has more than one -1: "
                "only one size can be inferred",
                arg="unflattened_size",
            )

    def output(self, shape: Shape) -> Shape:
        index = self.index(shape)
        size = shape.dims[index]
        wanted = self.unflattened_size
        known = prod(part for part in wanted if part != -1)
        fits = size % known == 0 if -1 in wanted else size == known
        if not fits:
            raise LayerError(
                f"unflattened_size {describe(wanted)} does not multiply up to {size}, the size "
                f"of dim {self.dim} of the input {shape}",
                arg="unflattened_size",
            )
        parts = tuple(size // known if part == -1 else part for part in wanted)
        return Shape((*shape.dims[:index], *parts, *shape.dims[index + 1 :]))

    def index(self, shape: Shape) -> int:
        """Return the split dimension as an index into `shape`, which has no batch."""
        return sample_dim(self.dim, shape, "unflatten")

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The split dimension's parts: numbers, and the inferred one its size's quotient."""
        from shapecalc.formula import floor_div

        index, size = self.index(before), dims[self.index(before)]
        known = prod(part for part in self.unflattened_size if part != -1)
        inferred = None if size is None else floor_div(size, 1, 0, known)
        parts = (inferred if part == -1 else part for part in self.unflattened_size)
        return (*dims[:index], *parts, *dims[index + 1 :])

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field.split(self.index(before), len(self.unflattened_size))
