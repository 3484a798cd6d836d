"""Convolutions and transposed convolutions, in 1, 2 and 3 dimensions."""

from __future__ import annotations

from shapecalc.arith import Axis, Transposed, Window
from shapecalc.errors import LayerError
from shapecalc.layers import args
from shapecalc.layers.args import Sizes
from shapecalc.layers.base import arg, check_stated
from shapecalc.layers.spatial import Spatial, computed, resize, windows
from shapecalc.shape import Shape, axis_names
from shapecalc.value import frozen

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _Convolution(Spatial):
    """What convolutions of both directions share: channels, groups, weights."""

    __slots__ = ()
    out_channels: int
    kernel_size: Sizes
    in_channels: int | None
    groups: int
    bias: bool

    def check(self) -> None:
        if self.out_channels % self.groups:
            raise LayerError(
                f"out_channels {self.out_channels} is not divisible by groups {self.groups}",
                arg="groups",
            )

    def output(self, shape: Shape) -> Shape:
        channels = self.channels(shape)
        check_stated(self.in_channels, channels, arg_name="in_channels", shape=shape)
        if channels % self.groups:
            raise LayerError(
                f"the input's {channels} channels are not divisible by groups {self.groups}",
                arg="groups",
            )
        return Shape((self.out_channels, *resize(shape, self.ops)))

    def params(self, before: Shape) -> int:
        weights = self.out_channels * (before.channels // self.groups) * self.taps()
        return weights + (self.out_channels if self.bias else 0)

    def taps(self) -> int:
        """Return the kernel's elements per channel pair."""
        count = 1
        for size in self.kernel_size:
            count *= size
        return count


@frozen(kw_only=True)
class Conv(_Convolution):
    """torch.nn.Conv1d/2d/3d; `in_channels` is taken from the input unless the spec states it."""

    out_channels: int = arg(args.positive_int)
    kernel_size: Sizes = arg(args.positive_sizes, per_axis=True)
    in_channels: int | None = arg(args.positive_int, None)
    stride: Sizes = arg(args.positive_sizes, 1, per_axis=True)
    padding: Sizes | str = arg(args.conv_padding, 0, per_axis=True)
    dilation: Sizes = arg(args.positive_sizes, 1, per_axis=True)
    groups: int = arg(args.positive_int, 1)
    bias: bool = arg(args.boolean, True)
    padding_mode: str = arg(args.choice(*PADDING_MODES), "zeros")
    ops: tuple[Axis, ...] = computed()

    def check(self) -> None:
        if self.padding == "same" and any(step != 1 for step in self.stride):
            raise LayerError(
                "padding='same' is not supported for strided convolutions", arg="padding"
            )
        _Convolution.check(self)

    def make_ops(self) -> tuple[Axis, ...]:
        if isinstance(self.padding, str):  # 'same': what pads each axis to keep its size
            return tuple(
                Window(kernel, 1, dilation * (kernel - 1) // 2, dilation, same=True)
                for kernel, dilation in zip(self.kernel_size, self.dilation, strict=True)
            )
        return windows(self.kernel_size, self.stride, self.padding, self.dilation)

    def macs(self, before: Shape, after: Shape) -> int:
        return after.numel * (before.channels // self.groups) * self.taps()


class Conv1d(Conv):
    """torch.nn.Conv1d."""

    __slots__ = ()
    RANK = 1


class Conv2d(Conv):
    """torch.nn.Conv2d."""

    __slots__ = ()
    RANK = 2


class Conv3d(Conv):
    """torch.nn.Conv3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class ConvTranspose(_Convolution):
    """torch.nn.ConvTranspose1d/2d/3d: each input position spreads a kernel over the output.

    Its weight is `in_channels × out_channels/groups × kernel`; a MAC per input element,
    output channel of its group and kernel element.
    """

    out_channels: int = arg(args.positive_int)
    kernel_size: Sizes = arg(args.positive_sizes, per_axis=True)
    in_channels: int | None = arg(args.positive_int, None)
    stride: Sizes = arg(args.positive_sizes, 1, per_axis=True)
    padding: Sizes = arg(args.non_negative_sizes, 0, per_axis=True)
    output_padding: Sizes = arg(args.non_negative_sizes, 0, per_axis=True)
    groups: int = arg(args.positive_int, 1)
    bias: bool = arg(args.boolean, True)
    dilation: Sizes = arg(args.positive_sizes, 1, per_axis=True)
    padding_mode: str = arg(args.choice("zeros"), "zeros")
    ops: tuple[Axis, ...] = computed()

    def check(self) -> None:
        for name, extra, stride, dilation in zip(
            axis_names(self.RANK), self.output_padding, self.stride, self.dilation, strict=True
        ):
            if extra >= max(stride, dilation):
                raise LayerError(
                    f"output_padding {extra} on {name} must be smaller than stride {stride} "
                    f"or dilation {dilation}",
                    arg="output_padding",
                )
        _Convolution.check(self)

    def make_ops(self) -> tuple[Axis, ...]:
        return tuple(
            Transposed(*each)
            for each in zip(
                self.kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                self.output_padding,
                strict=True,
            )
        )

    def macs(self, before: Shape, after: Shape) -> int:
        return before.numel * (self.out_channels // self.groups) * self.taps()


class ConvTranspose1d(ConvTranspose):
    """torch.nn.ConvTranspose1d."""

    __slots__ = ()
    RANK = 1


class ConvTranspose2d(ConvTranspose):
    """torch.nn.ConvTranspose2d."""

    __slots__ = ()
    RANK = 2


class ConvTranspose3d(ConvTranspose):
    """torch.nn.ConvTranspose3d."""

    __slots__ = ()
    RANK = 3
