"""The sliding-window size formula shared by convolutions and pools, per spatial axis."""

from __future__ import annotations

from shapecalc.value import frozen


@frozen
class Window:
    """One axis of a sliding window, with PyTorch's meaning for every field."""

    kernel: int
    stride: int
    padding: int = 0
    dilation: int = 1
    ceil_mode: bool = False

    @property
    def extent(self) -> int:
        """Input positions one window spans: `dilation·(kernel − 1) + 1`."""
        return self.dilation * (self.kernel - 1) + 1

    def rounded_output(self, size: int) -> int:
        """Output size by the rounded formula alone, before ceil mode drops a window."""
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

    def formula(self, size: int) -> str:
        """Show the arithmetic for `size`, e.g. `⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1`."""
        inner = (
            f"({size} + 2·{self.padding} − {self.dilation}·({self.kernel} − 1) − 1) / {self.stride}"
        )
        text = f"⌈{inner}⌉ + 1" if self.ceil_mode else f"⌊{inner}⌋ + 1"
        if self.drops_last(size):
            text += " − 1 (the last window would start in the padding)"
        return text
