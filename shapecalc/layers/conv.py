"""Conv2d."""

from __future__ import annotations

from shapecalc.arith import Window
from shapecalc.errors import LayerError
from shapecalc.layers import args
from shapecalc.layers.args import Pair
from shapecalc.layers.base import arg, check_stated, require_map
from shapecalc.layers.spatial import Sliding, Steps, computed, slide, steps_of, windows
from shapecalc.shape import Shape
from shapecalc.value import frozen

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


@frozen(kw_only=True)
class Conv2d(Sliding):
    """torch.nn.Conv2d; `in_channels` is taken from the input unless the spec states it."""

    out_channels: int = arg(args.positive_int)
    kernel_size: Pair = arg(args.positive_pair)
    in_channels: int | None = arg(args.positive_int, None)
    stride: Pair = arg(args.positive_pair, (1, 1))
    padding: Pair | str = arg(args.conv_padding, (0, 0))
    dilation: Pair = arg(args.positive_pair, (1, 1))
    groups: int = arg(args.positive_int, 1)
    bias: bool = arg(args.boolean, True)
    padding_mode: str = arg(args.choice(*PADDING_MODES), "zeros")
    axes: tuple[Window, Window] | None = computed()
    steps: Steps = computed()

    def check(self) -> None:
        if self.padding == "same" and self.stride != (1, 1):
            raise LayerError(
                "padding='same' is not supported for strided convolutions", arg="padding"
            )
        if self.out_channels % self.groups:
            raise LayerError(
                f"out_channels {self.out_channels} is not divisible by groups {self.groups}",
                arg="groups",
            )

    def output(self, shape: Shape) -> Shape:
        channels, height, width = require_map(shape, "Conv2d")
        check_stated(self.in_channels, channels, arg_name="in_channels", shape=shape)
        if channels % self.groups:
            raise LayerError(
                f"the input's {channels} channels are not divisible by groups {self.groups}",
                arg="groups",
            )
        if self.axes is None:  # padding='same' keeps H and W
            return Shape((self.out_channels, height, width))
        return Shape((self.out_channels, *slide(shape, self.axes)))

    def make_windows(self) -> tuple[Window, Window] | None:
        """Return the H and W windows, or None for padding='same'."""
        if isinstance(self.padding, str):
            return None
        return windows(self.kernel_size, self.stride, self.padding, self.dilation)

    def params(self, before: Shape) -> int:
        weights = self.out_channels * (before.channels // self.groups) * self._taps()
        return weights + (self.out_channels if self.bias else 0)

    def macs(self, before: Shape, after: Shape) -> int:
        return after.numel * (before.channels // self.groups) * self._taps()

    def make_steps(self) -> Steps:
        # Padding moves where a field starts, never its size: 'same' slides like any other.
        return steps_of(windows(self.kernel_size, self.stride, (0, 0), self.dilation))

    def _taps(self) -> int:
        return self.kernel_size[0] * self.kernel_size[1]
