"""What a layer does to one spatial axis, with PyTorch's size formula for each kind.

A layer describes each spatial axis of its input as one of these values (None: the axis is
kept). The shape arithmetic, `--explain`, receptive fields, the size checks and the window
column all read these descriptions; none of them needs to know the layer.
"""

from __future__ import annotations

from math import floor
from typing import TYPE_CHECKING, TypeAlias

from shapecalc.value import frozen

if TYPE_CHECKING:
    from shapecalc.formula import Formula


@frozen
class Window:
    """A sliding window, as convolutions and pools move one, with PyTorch's meaning for each field.

    `same` is Conv's padding='same': the padding, perhaps uneven, that keeps the size.
    """

    kernel: int
    stride: int
    padding: int = 0
    dilation: int = 1
    ceil_mode: bool = False
    same: bool = False

    @property
    def extent(self) -> int:
        """Input positions one window spans: `dilation·(kernel − 1) + 1`."""
        return self.dilation * (self.kernel - 1) + 1

    def rounded_output(self, size: int) -> int:
        """Output size by the rounded formula alone, before ceil mode drops a window."""
        if self.same:
            return size
        span = size + 2 * self.padding - self.extent
        if self.ceil_mode:
            return -(-span // self.stride) + 1
        return span // self.stride + 1

    def drops_last(self, size: int) -> bool:
        """Whether ceil mode's last window starts in the right padding, which PyTorch drops."""
        return (
            self.ceil_mode and (self.rounded_output(size) - 1) * self.stride >= size + self.padding
        )

    def output(self, size: int) -> int:
        """Output size for an input of `size`, exactly as PyTorch computes it.

        `floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1`, with ceil in
        place of floor in ceil mode, minus one when that last window would start inside the
        right padding. A result below 1 means PyTorch refuses the input.
        """
        return self.rounded_output(size) - self.drops_last(size)

    def symbolic(self, size: Formula) -> Formula:
        """Return the output size as a formula of the input's.

        Ceil mode drops the last window when ⌈y/s⌉·s ≥ size + padding (y the padded span
        past one window), that is when (−y) mod s ≥ c = extent − padding; so it is
        ⌊(y + min(c, s) − 1)/s⌋ + 1, one floor whatever the size.
        """
        from shapecalc.formula import floor_div

        if self.same:
            return size
        span = 2 * self.padding - self.extent  # y − size
        if self.ceil_mode:
            span += min(max(self.extent - self.padding, 0), self.stride) - 1
        return floor_div(size, 1, span + self.stride, self.stride)

    def formula(self, size: int | str) -> str:
        """Show the arithmetic for `size`, e.g. `⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1`."""
        if self.same:
            return f"{size}, kept (padding='same')"
        inner = (
            f"({size} + 2·{self.padding} − {self.dilation}·({self.kernel} − 1) − 1) / {self.stride}"
        )
        text = f"⌈{inner}⌉ + 1" if self.ceil_mode else f"⌊{inner}⌋ + 1"
        if isinstance(size, int) and self.drops_last(size):
            text += " − 1 (the last window would start in the padding)"
        return text


@frozen
class Transposed:
    """A transposed convolution's window: each input position spreads over `kernel` outputs."""

    kernel: int
    stride: int
    padding: int = 0
    dilation: int = 1
    output_padding: int = 0

    def output(self, size: int) -> int:
        """`(size − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1`."""
        return (
            (size - 1) * self.stride
            - 2 * self.padding
            + self.dilation * (self.kernel - 1)
            + self.output_padding
            + 1
        )

    def symbolic(self, size: Formula) -> Formula:
        """Return the output size as a formula of the input's."""
        from shapecalc.formula import affine

        extra = self.dilation * (self.kernel - 1) + self.output_padding + 1 - 2 * self.padding
        return affine(size, self.stride, extra - self.stride)

    def formula(self, size: int | str) -> str:
        """Show the arithmetic for `size`, e.g. `(28 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1`."""
        return (
            f"({size} − 1)·{self.stride} − 2·{self.padding} + {self.dilation}·({self.kernel} − 1)"
            f" + {self.output_padding} + 1"
        )


@frozen
class Resize:
    """An output size that an argument sets whatever the input's, as adaptive pools do.

    `argument` names the constructor argument that sets it; `pooled` says whether the input
    positions are pooled into the output (an adaptive pool) rather than mapped (Linear).
    """

    size: int
    argument: str
    pooled: bool = True

    def output(self, size: int) -> int:
        return self.size

    def symbolic(self, size: Formula) -> Formula:
        return self.size

    def formula(self, size: int | str) -> str:
        how = "pooled from" if self.pooled else "from"
        return f"{self.argument}, {how} {size}"


@frozen
class Interpolate:
    """Upsampling: to a `size`, or by a `scale` factor, with one of PyTorch's modes.

    By a factor the output is ⌊size·scale⌋ in double precision, as PyTorch computes it:
    ⌊100·2.3⌋ is 229.
    """

    size: int | None
    scale: float | None
    mode: str = "nearest"
    align_corners: bool = False
    recompute: bool = False  # recompute_scale_factor: sample by in/out, not by the factor

    def output(self, size: int) -> int:
        if self.size is not None:
            return self.size
        assert self.scale is not None
        return floor(float(size) * self.scale)

    def symbolic(self, size: Formula) -> Formula:
        if self.size is not None:
            return self.size
        assert self.scale is not None
        from shapecalc.formula import scaled

        return scaled(size, self.scale)

    def formula(self, size: int | str) -> str:
        if self.size is not None:
            return f"size, resampled from {size}"
        return f"⌊{size}·{self.scale}⌋"


@frozen
class Pad:
    """Padding added before and after the axis; negative amounts crop."""

    before: int
    after: int

    def output(self, size: int) -> int:
        return size + self.before + self.after

    def symbolic(self, size: Formula) -> Formula:
        from shapecalc.formula import affine

        return affine(size, 1, self.before + self.after)

    def formula(self, size: int | str) -> str:
        def signed(amount: int) -> str:
            return f"+ {amount}" if amount >= 0 else f"− {-amount}"

        return f"{size} {signed(self.before)} {signed(self.after)}"


Axis: TypeAlias = "Window | Transposed | Resize | Interpolate | Pad | None"
"""What a layer does to one spatial axis; None keeps it."""
