"""Windows, as Swin and MaxViT attend within them.

Swin keeps its maps channels-last (`56×56×96`, H × W × C) and attends within windows of
`window_size` positions, padding the map to whole windows first; its patch merging stacks
each 2×2 neighbourhood along the features. MaxViT cuts a C×H×W map into windows of p×p
positions, `windows × p² × C` (`64×49×64`), or into a grid of them, which a swap of axes
turns into groups of positions spread over the map; it attends within each group and puts
the map back. These describe that work on the dimensions as PyTorch holds them; the
modules' own parameters and children are the spec's.
"""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from shapecalc._pattern import Period
from shapecalc.arith import Axis, Window
from shapecalc.errors import LayerError
from shapecalc.field import Field, map_holds
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg
from shapecalc.layers.norm import normalized_shape
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims

# The window of a channels-last map's 2×2 patch merging along one axis: ⌈size / 2⌉ outputs,
# the last padded on the right when the size is odd.
_MERGE = Window(kernel=2, stride=2, ceil_mode=True)


def _channels_last(shape: Shape, kind: str, rank: int = 2) -> tuple[tuple[int, ...], int]:
    """Return a channels-last map's spatial sizes and features (`H×W×C`), or raise."""
    if len(shape.dims) != rank + 1:
        raise LayerError(f"{kind} takes a channels-last map, H × W × C, got {shape}")
    return shape.dims[:-1], shape.dims[-1]


def _padded(size: int, window: int) -> int:
    """Return `size` padded on the end to whole windows, as shifted_window_attention pads."""
    return -(-size // window) * window


def windows(window: int, shift: int = 0) -> Period:
    """Return which positions each output of attention within windows of `window` reads:
    its window's, the windows starting `shift` in (as a roll by −shift places them).

    The roll wraps the last window round to the first positions; a mask keeps those apart,
    so that a border output reads fewer: as a convolution's at a padded border, the field
    is the interior's.
    """
    lo = tuple(shift - window if place < shift else shift for place in range(window))
    return Period(lo, tuple(first + window - 1 for first in lo), window)


def _windowed(field: Field, patterns: dict[int, Period]) -> Field:
    """Return the field after attention across the features (the last dimension) and, for
    each dimension in `patterns`, within the windows its pattern says along each spatial
    axis the dimension holds."""
    field = field.mix_last()
    axes = list(field.axes)
    for dim, pattern in patterns.items():
        for axis in range(len(axes)):
            if field.holds[dim] >> axis & 1:
                axes[axis] = axes[axis].follow(pattern)
    return Field(tuple(axes), field.holds)


@frozen(kw_only=True)
class ShiftedWindowAttentionForward(Base):
    """torchvision's shifted_window_attention, as Swin's ShiftedWindowAttention (V1 and V2)
    runs it on a channels-last map: the whole of the module's work, in its forward().

    The map is padded on the right and bottom to whole windows, rolled by `shift_size`
    (where a window is smaller than the map), cut into windows of `window_size` positions
    that attend within themselves, and put back; the output has the input's shape. Its MACs
    are those of its four matrix products over the padded map's N positions of C features:
    the query, key and value projection (N·C·3C), the scores and the weighted values
    (N·w²·C each, over all heads, w² positions per window), and the output projection
    (N·C·C). The padding costs as much as the map: a map smaller than a window costs a
    whole window.
    """

    RANK = 2
    window_size: tuple[int, ...] = arg(args.positive_sizes, per_axis=True)
    shift_size: tuple[int, ...] = arg(args.non_negative_sizes, 0, per_axis=True)
    num_heads: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        _, features = _channels_last(shape, "ShiftedWindowAttention")
        if features % self.num_heads:
            raise LayerError(
                f"{features} features do not divide among num_heads {self.num_heads}",
                arg="num_heads",
            )
        return shape

    def macs(self, before: Shape, after: Shape) -> int:
        positions, features = self._positions(before)
        return 4 * positions * features * features + self.attention_macs(before, after)

    def attention_macs(self, before: Shape, after: Shape) -> int:
        positions, features = self._positions(before)
        return 2 * positions * prod(self.window_size) * features

    def _positions(self, shape: Shape) -> tuple[int, int]:
        """Return the positions of the map padded to whole windows, and its features."""
        sizes, features = _channels_last(shape, "ShiftedWindowAttention")
        return prod(map(_padded, sizes, self.window_size)), features

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        sizes, _ = _channels_last(before, "ShiftedWindowAttention")
        if any(bin(field.holds[dim]).count("1") > 1 for dim in (0, 1)):
            return field.mix(0).mix(1).mix_last()  # windows along a flattened dimension
        patterns = {}
        for dim, (size, window, shift) in enumerate(zip(sizes, self.window_size, self.shift_size)):  # noqa: B905
            # torchvision shifts only where a window is smaller than the padded map
            shifted = shift if window < _padded(size, window) else 0
            patterns[dim] = windows(window, shifted)
        return _windowed(field, patterns)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return dims


@frozen(kw_only=True)
class PatchMerge(Base):
    """Swin's PatchMerging in forward(): each 2×2 neighbourhood of a channels-last map
    stacked along its features, `x[..., 0::2, 0::2, :]`, `x[..., 1::2, 0::2, :]`,
    `x[..., 0::2, 1::2, :]` and `x[..., 1::2, 1::2, :]` concatenated: `H×W×C` becomes
    `⌈H/2⌉×⌈W/2⌉×4C`, an odd size padded first (torchvision's _patch_merging_pad).
    """

    def output(self, shape: Shape) -> Shape:
        sizes, features = _channels_last(shape, "PatchMerge")
        merged = tuple(_MERGE.output(size) for size in sizes)
        return Shape((*merged, 4 * features), shape.order)

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        """Say that each spatial axis is halved, rounding up, wherever the dims hold it."""
        if not before.is_map or before.holds_spatial(-1):
            return None
        return (_MERGE,) * before.rank

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        ops = self.axes(before)
        if ops is None:
            return field.mix_last()
        axes = field.through(ops, before.placed_spatial, after.placed_spatial).axes
        return Field(axes, field.holds)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """Each spatial size halved, rounding up; four times the features."""
        from shapecalc.formula import affine

        *sizes, features = dims
        merged = tuple(None if size is None else _MERGE.symbolic(size) for size in sizes)
        return (*merged, None if features is None else affine(features, 4, 0))


@frozen(kw_only=True)
class Buffer(Base):
    """A tensor the module registered and forward() feeds to a child in place of its input,
    as Swin V2's attention feeds its `relative_coords_table` to `cpb_mlp`: `dims`, whatever
    the input, channels last.

    Swin V2's table is `[1, 2w−1, 2w−1, 2]`, and PyTorch's hooks see its leading 1 where a
    batch would be: `dims` leaves it out, as shapes here leave out the batch. Nothing in it
    comes from the input, so that it has no receptive field, and a batch has one of it: the
    work on it is done once a pass, whatever the batch.
    """

    FROM_INPUT = False
    dims: tuple[int, ...] = arg(normalized_shape)

    def output(self, shape: Shape) -> Shape:
        rank = len(self.dims) - 1
        return Shape(self.dims, (*range(1, rank + 1), 0) if rank else ())

    def field(self, field: Field, before: Shape, after: Shape) -> Field | None:
        return None

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return after.dims


@frozen(kw_only=True)
class WindowPartition(Base):
    """MaxViT's WindowPartition, called with `partition_size` p: a C×H×W map becomes
    `(H/p · W/p) × p² × C`, its windows of p×p positions, each a sequence.

    H and W must be multiples of p, else PyTorch's reshape fails.
    """

    partition_size: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        if shape.rank != 2 or shape.order:
            raise LayerError(f"WindowPartition takes a C×H×W map, got {shape}")
        p = self.partition_size
        if any(size % p for size in shape.spatial):
            raise LayerError(
                f"{'×'.join(map(str, shape.spatial))} is not a multiple of the partition size "
                f"{p}: PyTorch cannot reshape it into {p}×{p} windows",
                arg="partition_size",
            )
        height, width = shape.spatial
        return Shape(((height // p) * (width // p), p * p, shape.channels), (1, 2, 0))

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        windows = [1 << axis if size > self.partition_size else 0 for axis, size in
                   enumerate(before.spatial)]  # fmt: skip
        within = [1 << axis if self.partition_size > 1 else 0 for axis in range(2)]
        return Field(field.axes, (windows[0] | windows[1], within[0] | within[1], 0))

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The windows are the product of both axes' counts; the rest are numbers."""
        from shapecalc.formula import floor_div, product

        p = self.partition_size
        counts = [None if size is None else floor_div(size, 1, 0, p) for size in dims[1:]]
        windows = None if None in counts else product(counts)  # type: ignore[arg-type]
        return (windows, p * p, dims[0])


@frozen(kw_only=True)
class WindowDepartition(Base):
    """MaxViT's WindowDepartition, called with `partition_size` p by a layer built for a
    `grid_size` map: `windows × p² × C` becomes that C×H×W map again.

    The grid must be a multiple of p, else torchvision refuses to build the model (MaxVit
    checks every block's grid; PartitionAttentionLayer asserts it). PyTorch reshapes the
    input whatever it holds: any input of as many elements passes.
    """

    RANK = 2
    partition_size: int = arg(args.positive_int)
    grid_size: tuple[int, ...] = arg(args.positive_sizes, per_axis=True)

    def check(self) -> None:
        if any(size % self.partition_size for size in self.grid_size):
            raise LayerError(
                f"grid_size {'×'.join(map(str, self.grid_size))} is not a multiple of the "
                f"partition size {self.partition_size}: torchvision refuses to build the model",
                arg="grid_size",
            )

    def output(self, shape: Shape) -> Shape:
        if len(shape.dims) != 3:
            raise LayerError(f"WindowDepartition takes windows × positions × C, got {shape}")
        windows, positions, channels = shape.dims
        p, (height, width) = self.partition_size, self.grid_size
        if windows * positions != height * width:
            raise LayerError(
                f"{windows} windows of {positions} positions do not make the {height}×{width} "
                f"map of {p}×{p} windows it was built for",
                arg="grid_size",
            )
        return Shape((channels, *self.grid_size))

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return Field(field.axes, map_holds(after.spatial))

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return (dims[2], *after.spatial)


@frozen(kw_only=True)
class PartitionAttentionForward(Base):
    """MaxViT's RelativePositionalMultiHeadAttention in forward(), between its `to_qkv` and
    `merge` Linears: `groups × P × 3D` queries, keys and values become `groups × P × D`,
    each group's P positions attending to each other, head by head.

    Its relative position bias is built for `max_seq_len` positions, so that P must be that
    many. `window` is the partition's size when a group is a window of neighbouring
    positions; null when it is a grid's positions, spread over the whole map. Its MACs are
    the scores and the weighted values, groups·P²·D each.
    """

    head_dim: int = arg(args.positive_int)
    max_seq_len: int = arg(args.positive_int)
    window: int | None = arg(args.optional(args.positive_int), None)

    def output(self, shape: Shape) -> Shape:
        if len(shape.dims) != 3:
            raise LayerError(f"the attention takes groups × positions × 3D, got {shape}")
        groups, positions, stacked = shape.dims
        if stacked % (3 * self.head_dim):
            raise LayerError(
                f"{stacked} features are not queries, keys and values of whole heads of "
                f"head_dim {self.head_dim}",
                arg="head_dim",
            )
        if positions != self.max_seq_len:
            raise LayerError(
                f"its relative position bias is for {self.max_seq_len} positions, not "
                f"{positions} (PyTorch: the size of tensor a ({positions}) must match the size "
                f"of tensor b ({self.max_seq_len}))",
                arg="max_seq_len",
            )
        return Shape((groups, positions, stacked // 3), shape.order)

    def macs(self, before: Shape, after: Shape) -> int:
        groups, positions, features = after.dims
        return 2 * groups * positions * positions * features

    def attention_macs(self, before: Shape, after: Shape) -> int:
        return self.macs(before, after)

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        if self.window is None:
            return field.mix(1).mix_last()
        # The positions hold both axes: each axis's windows, as WindowPartition cut them.
        return _windowed(field, {1: windows(self.window)})

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return (dims[0], dims[1], after.dims[2])
