"""Pools in 1, 2 and 3 dimensions: max, average and power-average slide a window; the
adaptive pools pick their output size."""

from __future__ import annotations

from shapecalc.arith import Axis, Resize
from shapecalc.errors import LayerError
from shapecalc.layers import args
from shapecalc.layers.args import Sizes
from shapecalc.layers.base import arg
from shapecalc.layers.spatial import Pool, Spatial, computed, resize, windows
from shapecalc.shape import Shape
from shapecalc.value import frozen


@frozen(kw_only=True)
class MaxPool(Pool):
    """torch.nn.MaxPool1d/2d/3d; `stride` defaults to `kernel_size`."""

    kernel_size: Sizes = arg(args.positive_sizes, per_axis=True)
    stride: Sizes | None = arg(args.optional_per_axis(args.positive_sizes), None, per_axis=True)
    padding: Sizes = arg(args.non_negative_sizes, 0, per_axis=True)
    dilation: Sizes = arg(args.positive_sizes, 1, per_axis=True)
    return_indices: bool = arg(args.boolean, False)
    ceil_mode: bool = arg(args.boolean, False)
    ops: tuple[Axis, ...] = computed()

    def make_ops(self) -> tuple[Axis, ...]:
        stride = self.stride or self.kernel_size
        return windows(
            self.kernel_size, stride, self.padding, self.dilation, ceil_mode=self.ceil_mode
        )


class MaxPool1d(MaxPool):
    """torch.nn.MaxPool1d."""

    __slots__ = ()
    RANK = 1


class MaxPool2d(MaxPool):
    """torch.nn.MaxPool2d."""

    __slots__ = ()
    RANK = 2


class MaxPool3d(MaxPool):
    """torch.nn.MaxPool3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class AvgPool(Pool):
    """torch.nn.AvgPool1d/2d/3d; `stride` defaults to `kernel_size`."""

    kernel_size: Sizes = arg(args.positive_sizes, per_axis=True)
    stride: Sizes | None = arg(args.optional_per_axis(args.positive_sizes), None, per_axis=True)
    padding: Sizes = arg(args.non_negative_sizes, 0, per_axis=True)
    ceil_mode: bool = arg(args.boolean, False)
    count_include_pad: bool = arg(args.boolean, True)
    ops: tuple[Axis, ...] = computed()

    def make_ops(self) -> tuple[Axis, ...]:
        stride = self.stride or self.kernel_size
        ones = (1,) * self.RANK
        return windows(self.kernel_size, stride, self.padding, ones, ceil_mode=self.ceil_mode)


class AvgPool1d(AvgPool):
    """torch.nn.AvgPool1d."""

    __slots__ = ()
    RANK = 1


@frozen(kw_only=True)
class _AvgPoolDivided(AvgPool):
    """The average pools of 2 and 3 dimensions, which can divide by a fixed number."""

    divisor_override: int | None = arg(args.optional(args.positive_int), None)


class AvgPool2d(_AvgPoolDivided):
    """torch.nn.AvgPool2d."""

    __slots__ = ()
    RANK = 2


class AvgPool3d(_AvgPoolDivided):
    """torch.nn.AvgPool3d: unlike the others, refuses an input smaller than its kernel."""

    __slots__ = ()
    RANK = 3

    def output(self, shape: Shape) -> Shape:
        _check_covers(shape, self.kernel_size, type(self).__name__)
        return Pool.output(self, shape)


def _check_covers(shape: Shape, kernel: Sizes, kind: str) -> None:
    """Refuse an input smaller than the kernel on some axis, padding or not.

    PyTorch's 3-D average pool (and the power-average pool built on it) checks this
    before it pads.
    """
    if shape.is_map and any(size < each for size, each in zip(shape.spatial, kernel, strict=False)):
        raise LayerError(
            f"input {shape} is smaller than kernel_size {'×'.join(map(str, kernel))}, which "
            f"{kind} refuses whatever its padding"
        )


@frozen(kw_only=True)
class LPPool(Pool):
    """torch.nn.LPPool1d/2d/3d: the p-norm of each window, sized as an average pool's."""

    norm_type: float = arg(args.positive_number)
    kernel_size: Sizes = arg(args.positive_sizes, per_axis=True)
    stride: Sizes | None = arg(args.optional_per_axis(args.positive_sizes), None, per_axis=True)
    ceil_mode: bool = arg(args.boolean, False)
    ops: tuple[Axis, ...] = computed()

    @property
    def padding(self) -> Sizes:  # type: ignore[override]
        return (0,) * self.RANK

    def make_ops(self) -> tuple[Axis, ...]:
        stride = self.stride or self.kernel_size
        ones = (1,) * self.RANK
        return windows(self.kernel_size, stride, self.padding, ones, ceil_mode=self.ceil_mode)


class LPPool1d(LPPool):
    """torch.nn.LPPool1d."""

    __slots__ = ()
    RANK = 1


class LPPool2d(LPPool):
    """torch.nn.LPPool2d."""

    __slots__ = ()
    RANK = 2


class LPPool3d(LPPool):
    """torch.nn.LPPool3d: an AvgPool3d inside, which refuses an input smaller than its kernel."""

    __slots__ = ()
    RANK = 3

    def output(self, shape: Shape) -> Shape:
        _check_covers(shape, self.kernel_size, type(self).__name__)
        return Pool.output(self, shape)


@frozen(kw_only=True)
class Adaptive(Spatial):
    """torch.nn.AdaptiveAvgPool1d/2d/3d; a null in `output_size` keeps that input size."""

    output_size: tuple[int | None, ...] = arg(args.output_sizes, per_axis=True)
    ops: tuple[Axis, ...] = computed()

    def make_ops(self) -> tuple[Axis, ...]:
        return tuple(
            None if size is None else Resize(size, "output_size") for size in self.output_size
        )

    def output(self, shape: Shape) -> Shape:
        return Shape((self.channels(shape), *resize(shape, self.ops)))


class AdaptiveAvgPool1d(Adaptive):
    """torch.nn.AdaptiveAvgPool1d."""

    __slots__ = ()
    RANK = 1


class AdaptiveAvgPool2d(Adaptive):
    """torch.nn.AdaptiveAvgPool2d."""

    __slots__ = ()
    RANK = 2


class AdaptiveAvgPool3d(Adaptive):
    """torch.nn.AdaptiveAvgPool3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class AdaptiveMax(Adaptive):
    """torch.nn.AdaptiveMaxPool1d/2d/3d."""

    return_indices: bool = arg(args.boolean, False)


class AdaptiveMaxPool1d(AdaptiveMax):
    """torch.nn.AdaptiveMaxPool1d."""

    __slots__ = ()
    RANK = 1


class AdaptiveMaxPool2d(AdaptiveMax):
    """torch.nn.AdaptiveMaxPool2d."""

    __slots__ = ()
    RANK = 2


class AdaptiveMaxPool3d(AdaptiveMax):
    """torch.nn.AdaptiveMaxPool3d."""

    __slots__ = ()
    RANK = 3
