"""Receptive fields: the input region one output element depends on, per spatial axis.

The recurrence is the standard one (Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019): a layer with kernel extent `e` and stride `s`
turns a field of `r` positions, with neighbouring outputs `j` positions apart, into
`r + (e − 1)·j` positions, `j·s` apart. Sizes are not clipped to the input: a field can be
larger than the image, the rest being padding.
"""

from __future__ import annotations

from math import gcd

from shapecalc.value import frozen

H, W = 1, 2  # bits naming the spatial axes, for Field.holds


@frozen
class Reach:
    """One axis of a receptive field: `size` positions seen, outputs `stride` apart.

    `size` None means the whole input (after global pooling or a fully connected layer).
    `uniform` is False after an adaptive pool whose output size does not divide its input:
    its windows differ in size and spacing, so `size` and `stride` are the largest.
    """

    size: int | None
    stride: int | None
    uniform: bool = True

    @property
    def whole(self) -> bool:
        return self.size is None

    def slide(self, extent: int, stride: int) -> Reach:
        """Apply a window of `extent` input positions moved by `stride`."""
        if self.size is None or self.stride is None:
            return self
        return Reach(self.size + (extent - 1) * self.stride, self.stride * stride, self.uniform)

    def adapt(self, size_in: int, size_out: int) -> Reach:
        """Apply an adaptive pool from `size_in` to `size_out` positions.

        PyTorch's output `i` pools inputs `⌊i·in/out⌋` to `⌈(i+1)·in/out⌉ − 1`; one output
        pools the whole axis. Otherwise, with `in = q·out + r` and `g = gcd(in, out)`, the
        longest window is `⌈(in + out − g) / out⌉`, and neighbouring windows start `q` apart,
        or `q + 1` where the fractions carry over, which happens unless `r` is 0, or `r` and
        `g` are both 1. Windows that differ make the reach non-uniform: its largest.
        """
        if size_in == size_out:
            return self
        if size_out == 1:
            return WHOLE
        quotient, remainder = divmod(size_in, size_out)
        longest = -(-(size_in + size_out - gcd(size_in, size_out)) // size_out)
        carries = remainder > 0 and not (remainder == 1 and gcd(size_in, size_out) == 1)
        reach = self.slide(longest, quotient + carries)
        uniform = not carries and longest == -(-size_in // size_out)
        return Reach(reach.size, reach.stride, reach.uniform and uniform)


WHOLE = Reach(None, None)
POINT = Reach(1, 1)


def join(reaches: list[Reach]) -> Reach:
    """Combine parallel branches: the largest field, as a residual or concatenation sees."""
    if any(reach.whole for reach in reaches):
        return WHOLE
    return Reach(
        max(reach.size or 0 for reach in reaches),
        max(reach.stride or 0 for reach in reaches),
        all(reach.uniform for reach in reaches),
    )


@frozen
class Field:
    """A receptive field along H and W, with the layout of the tensor it describes.

    `holds` says, per dimension of that tensor, which spatial axes it holds several
    positions of (bits H and W): a layer that mixes a dimension mixes those positions.
    """

    h: Reach
    w: Reach
    holds: tuple[int, ...]

    def slide(self, axes: tuple[tuple[int, int], tuple[int, int]], out: tuple[int, int]) -> Field:
        """Apply a window given as (extent, stride) per axis; `out` is the output H and W."""
        (extent_h, stride_h), (extent_w, stride_w) = axes
        return Field(
            self.h.slide(extent_h, stride_h), self.w.slide(extent_w, stride_w), map_holds(out)
        )

    def adapt(self, size_in: tuple[int, int], size_out: tuple[int, int]) -> Field:
        """Apply an adaptive pool from `size_in` to `size_out` (H, W)."""
        return Field(
            self.h.adapt(size_in[0], size_out[0]),
            self.w.adapt(size_in[1], size_out[1]),
            map_holds(size_out),
        )

    def mix_last(self) -> Field:
        """Mix the last dimension, as Linear does: its positions become the whole axis."""
        mixed = self.holds[-1]
        return Field(
            WHOLE if mixed & H else self.h,
            WHOLE if mixed & W else self.w,
            (*self.holds[:-1], 0),
        )

    def merge(self, start: int, end: int) -> Field:
        """Merge dimensions `start` to `end` (inclusive) into one, as Flatten does."""
        merged = 0
        for bits in self.holds[start : end + 1]:
            merged |= bits
        holds = (*self.holds[:start], merged, *self.holds[end + 1 :])
        return Field(self.h, self.w, holds)


def map_holds(spatial: tuple[int, int]) -> tuple[int, ...]:
    """Return the layout of a C×H×W map: H and W hold positions when larger than 1."""
    return (0, H if spatial[0] > 1 else 0, W if spatial[1] > 1 else 0)


def start(spatial: tuple[int, int]) -> Field:
    """Return the field of the input itself: one position each, one apart."""
    return Field(POINT, POINT, map_holds(spatial))


def join_fields(fields: list[Field]) -> Field:
    """Combine the fields of parallel branches whose outputs have one layout."""
    return Field(
        join([field.h for field in fields]), join([field.w for field in fields]), fields[0].holds
    )
