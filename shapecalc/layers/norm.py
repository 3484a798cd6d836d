"""Normalisation layers: batch, instance, group, layer, RMS and local response norms.

Their statistics are not part of a receptive field (see shapecalc/field.py): for fields
they are pointwise, and keep the default.
"""

from __future__ import annotations

from math import prod
from typing import ClassVar

from shapecalc.errors import LayerError, describe
from shapecalc.layers import args
from shapecalc.layers.args import Value
from shapecalc.layers.base import (
    Base,
    arg,
    check_stated,
    keeps_shape,
    require_map,
    require_rank,
)
from shapecalc.shape import Shape
from shapecalc.value import frozen


class _ChannelNorm(Base):
    """A norm with statistics per channel, and a weight and bias per channel when `affine`.

    PyTorch reads `num_features` only for its weights and running statistics: without
    either, a number that contradicts the input is ignored (InstanceNorm warns of it).
    """

    formulas = keeps_shape

    __slots__ = ()
    RANKS: ClassVar[tuple[int, ...]] = (2,)
    num_features: int | None
    affine: bool
    track_running_stats: bool

    def output(self, shape: Shape) -> Shape:
        channels = require_rank(shape, type(self).__name__, self.RANKS)
        if self.affine or self.track_running_stats:
            check_stated(self.num_features, channels, arg_name="num_features", shape=shape)
        return shape

    def params(self, before: Shape) -> int:
        return 2 * before.channels if self.affine else 0  # running statistics are buffers


@frozen(kw_only=True)
class BatchNorm(_ChannelNorm):
    """torch.nn.BatchNorm1d/2d/3d; `num_features` is taken from the input unless stated."""

    num_features: int | None = arg(args.positive_int, None)
    eps: float = arg(args.positive_number, 1e-5)
    momentum: float | None = arg(args.optional(args.probability), 0.1)
    affine: bool = arg(args.boolean, True)
    track_running_stats: bool = arg(args.boolean, True)


class BatchNorm1d(BatchNorm):
    """torch.nn.BatchNorm1d: of a vector's features or a signal's channels."""

    __slots__ = ()
    RANKS = (0, 1)


class BatchNorm2d(BatchNorm):
    """torch.nn.BatchNorm2d."""

    __slots__ = ()
    RANKS = (2,)


class BatchNorm3d(BatchNorm):
    """torch.nn.BatchNorm3d."""

    __slots__ = ()
    RANKS = (3,)


@frozen(kw_only=True)
class InstanceNorm(_ChannelNorm):
    """torch.nn.InstanceNorm1d/2d/3d: statistics of each sample's channel over its positions.

    A map of another rank is refused, though PyTorch would read a batch of them as one
    sample of a rank more, its batch as channels.
    """

    num_features: int | None = arg(args.positive_int, None)
    eps: float = arg(args.positive_number, 1e-5)
    momentum: float | None = arg(args.optional(args.probability), 0.1)
    affine: bool = arg(args.boolean, False)
    track_running_stats: bool = arg(args.boolean, False)

    def output(self, shape: Shape) -> Shape:
        _ChannelNorm.output(self, shape)
        # Without running statistics PyTorch takes the input's, even in eval mode.
        if not self.track_running_stats and prod(shape.spatial) == 1:
            raise LayerError(
                f"input {shape} has one position per channel: {type(self).__name__} needs "
                "more than one to take statistics over, unless track_running_stats is true"
            )
        return shape


class InstanceNorm1d(InstanceNorm):
    """torch.nn.InstanceNorm1d."""

    __slots__ = ()
    RANKS = (1,)


class InstanceNorm2d(InstanceNorm):
    """torch.nn.InstanceNorm2d."""

    __slots__ = ()
    RANKS = (2,)


class InstanceNorm3d(InstanceNorm):
    """torch.nn.InstanceNorm3d."""

    __slots__ = ()
    RANKS = (3,)


@frozen(kw_only=True)
class GroupNorm(Base):
    """torch.nn.GroupNorm, of a vector or a map of any rank; `num_channels` as the input's."""

    formulas = keeps_shape

    num_groups: int = arg(args.positive_int)
    num_channels: int | None = arg(args.positive_int, None)
    eps: float = arg(args.positive_number, 1e-5)
    affine: bool = arg(args.boolean, True)

    def check(self) -> None:
        if self.num_channels is not None and self.num_channels % self.num_groups:
            raise LayerError(
                f"num_channels {self.num_channels} is not divisible by num_groups "
                f"{self.num_groups}",
                arg="num_groups",
            )

    def output(self, shape: Shape) -> Shape:
        channels = shape.dims[0]
        if self.affine:  # else PyTorch never reads num_channels
            check_stated(self.num_channels, channels, arg_name="num_channels", shape=shape)
        if channels % self.num_groups:
            raise LayerError(
                f"the input's {channels} channels are not divisible by num_groups "
                f"{self.num_groups}",
                arg="num_groups",
            )
        return shape

    def params(self, before: Shape) -> int:
        return 2 * before.dims[0] if self.affine else 0


def normalized_shape(value: Value) -> tuple[int, ...]:
    """Accept an integer ≥ 1 or a non-empty list of them, as LayerNorm's normalized_shape."""
    try:
        if not isinstance(value, tuple):
            return (args.positive_int(value),)
        if value:
            return tuple(args.positive_int(item) for item in value)
    except ValueError:
        pass
    raise ValueError(f"expected an integer ≥ 1 or a non-empty list of them, got {describe(value)}")


class _Normalized(Base):
    """A norm over the input's trailing dimensions, `normalized_shape`."""

    formulas = keeps_shape

    __slots__ = ()
    normalized_shape: tuple[int, ...]

    def output(self, shape: Shape) -> Shape:
        wanted = self.normalized_shape
        longer = len(wanted) > len(shape.dims)
        if longer or shape.dims[-len(wanted) :] != wanted:
            batch = " (shapes here leave out the batch)" if longer else ""
            raise LayerError(
                f"normalized_shape {describe(wanted)} needs an input whose last dimensions are "
                f"{'×'.join(map(str, wanted))}, got {shape}{batch}",
                arg="normalized_shape",
            )
        return shape

    def elements(self) -> int:
        """Return the number of elements normalised together: one weight each."""
        return prod(self.normalized_shape)


@frozen(kw_only=True)
class LayerNorm(_Normalized):
    """torch.nn.LayerNorm over the input's trailing dimensions."""

    normalized_shape: tuple[int, ...] = arg(normalized_shape)
    eps: float = arg(args.positive_number, 1e-5)
    elementwise_affine: bool = arg(args.boolean, True)
    bias: bool = arg(args.boolean, True)

    def params(self, before: Shape) -> int:
        return self.elements() * (1 + self.bias) if self.elementwise_affine else 0


@frozen(kw_only=True)
class LayerNorm2d(Base):
    """torchvision's LayerNorm2d (ConvNeXt): LayerNorm over a C×H×W map's channels.

    `normalized_shape`, the channels, is taken from the input unless the spec states it.
    """

    formulas = keeps_shape

    normalized_shape: tuple[int, ...] | None = arg(args.optional(normalized_shape), None)
    eps: float = arg(args.positive_number, 1e-5)
    elementwise_affine: bool = arg(args.boolean, True)
    bias: bool = arg(args.boolean, True)

    def output(self, shape: Shape) -> Shape:
        channels = require_map(shape, "LayerNorm2d", 2)
        if self.normalized_shape not in (None, (channels,)):
            raise LayerError(
                f"normalized_shape {describe(self.normalized_shape)} needs a map of that many "
                f"channels, got {shape}",
                arg="normalized_shape",
            )
        return shape

    def params(self, before: Shape) -> int:
        return before.channels * (1 + self.bias) if self.elementwise_affine else 0


@frozen(kw_only=True)
class RMSNorm(_Normalized):
    """torch.nn.RMSNorm over the input's trailing dimensions: a weight, no bias."""

    normalized_shape: tuple[int, ...] = arg(normalized_shape)
    eps: float | None = arg(args.optional(args.positive_number), None)
    elementwise_affine: bool = arg(args.boolean, True)

    def params(self, before: Shape) -> int:
        return self.elements() if self.elementwise_affine else 0


@frozen(kw_only=True)
class LocalResponseNorm(Base):
    """torch.nn.LocalResponseNorm: across `size` neighbouring channels, of a map of any rank."""

    formulas = keeps_shape

    size: int = arg(args.positive_int)
    alpha: float = arg(args.number, 1e-4)
    beta: float = arg(args.number, 0.75)
    k: float = arg(args.number, 1.0)

    def output(self, shape: Shape) -> Shape:
        require_map(shape, "LocalResponseNorm")
        return shape
