"""Pools: MaxPool2d and AvgPool2d slide a window; the adaptive pools pick their output size."""

from __future__ import annotations

from shapecalc.arith import Window
from shapecalc.field import Field
from shapecalc.layers import args
from shapecalc.layers.args import Pair
from shapecalc.layers.base import Base, arg, require_map
from shapecalc.layers.spatial import Pool, Steps, computed, windows
from shapecalc.shape import Shape
from shapecalc.value import frozen


@frozen(kw_only=True)
class MaxPool2d(Pool):
    """torch.nn.MaxPool2d; `stride` defaults to `kernel_size`."""

    kernel_size: Pair = arg(args.positive_pair)
    stride: Pair | None = arg(args.optional(args.positive_pair), None)
    padding: Pair = arg(args.non_negative_pair, (0, 0))
    dilation: Pair = arg(args.positive_pair, (1, 1))
    return_indices: bool = arg(args.boolean, False)
    ceil_mode: bool = arg(args.boolean, False)
    axes: tuple[Window, Window] | None = computed()
    steps: Steps = computed()

    def make_windows(self) -> tuple[Window, Window]:
        stride = self.stride or self.kernel_size
        return windows(
            self.kernel_size, stride, self.padding, self.dilation, ceil_mode=self.ceil_mode
        )


@frozen(kw_only=True)
class AvgPool2d(Pool):
    """torch.nn.AvgPool2d; `stride` defaults to `kernel_size`."""

    kernel_size: Pair = arg(args.positive_pair)
    stride: Pair | None = arg(args.optional(args.positive_pair), None)
    padding: Pair = arg(args.non_negative_pair, (0, 0))
    ceil_mode: bool = arg(args.boolean, False)
    count_include_pad: bool = arg(args.boolean, True)
    divisor_override: int | None = arg(args.optional(args.positive_int), None)
    axes: tuple[Window, Window] | None = computed()
    steps: Steps = computed()

    def make_windows(self) -> tuple[Window, Window]:
        stride = self.stride or self.kernel_size
        return windows(self.kernel_size, stride, self.padding, (1, 1), ceil_mode=self.ceil_mode)


def _adaptive(kind: str, size: tuple[int | None, int | None], shape: Shape) -> Shape:
    channels, height, width = require_map(shape, kind)
    return Shape((channels, size[0] or height, size[1] or width))


@frozen(kw_only=True)
class AdaptiveAvgPool2d(Base):
    """torch.nn.AdaptiveAvgPool2d; a null in `output_size` keeps that input size."""

    output_size: tuple[int | None, int | None] = arg(args.size_pair)

    def output(self, shape: Shape) -> Shape:
        return _adaptive("AdaptiveAvgPool2d", self.output_size, shape)

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field.adapt(before.spatial, after.spatial)


@frozen(kw_only=True)
class AdaptiveMaxPool2d(Base):
    """torch.nn.AdaptiveMaxPool2d; a null in `output_size` keeps that input size."""

    output_size: tuple[int | None, int | None] = arg(args.size_pair)
    return_indices: bool = arg(args.boolean, False)

    def output(self, shape: Shape) -> Shape:
        return _adaptive("AdaptiveMaxPool2d", self.output_size, shape)

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field.adapt(before.spatial, after.spatial)
