"""Receptive fields: the input region one output element depends on, per spatial axis.

The recurrence is the standard one (Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019): a layer with kernel extent `e` and stride `s`
turns a field of `r` positions, with neighbouring outputs `j` positions apart, into
`r + (e − 1)·j` positions, `j·s` apart. Sizes are not clipped to the input: a field can be
larger than the image, the rest being padding.

Transposed convolutions and upsampling make fields differ by position: output `o` of such a
layer depends on a run of inputs that repeats, shifted, every few outputs. Those fields are
kept exactly as one such period (shapecalc/_pattern.py) and compose exactly; a period
longer than MAX_FIELD_PERIOD is given up for bounds, marked as varying. Normalisation
statistics are not part of a field: a norm is pointwise here, as a convolution's is drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from math import floor, gcd
from typing import TYPE_CHECKING

from shapecalc._pattern import (
    TAPS,
    Period,
    compose,
    exact_ratio,
    float_scale,
    largest_step,
    monotone,
    shortest,
    sources,
    span_monotone,
    span_scanned,
    transposed,
    transposed_span,
    widest,
)
from shapecalc.arith import Axis, Interpolate, Pad, Resize, Transposed, Window
from shapecalc.limits import MAX_FIELD_PERIOD, MAX_FIELD_SCAN
from shapecalc.value import frozen

if TYPE_CHECKING:
    from shapecalc.shape import Shape


@frozen
class Reach:
    """One axis of a receptive field: `size` positions seen, outputs `stride` apart.

    `size` None means the whole input (after global pooling or a fully connected layer, and
    after a gate that scales a map by a pooled summary of it, as squeeze-and-excitation);
    `stride` is then None, unless the outputs still stand `stride` apart, as after such a gate.
    `uniform` is False where fields differ by position (after an adaptive pool whose output
    size does not divide its input, a transposed convolution, an upsampling): `size` and
    `stride` are then the largest field and the largest step between neighbouring outputs.
    `period` is the exact pattern of such fields when it is known, else they are bounds.
    """

    size: int | None
    stride: int | None
    uniform: bool = True
    period: Period | None = None

    @property
    def whole(self) -> bool:
        return self.size is None

    @property
    def varies(self) -> bool:
        """Whether fields differ in size by position, `size` being the largest.

        A ×2 transposed convolution of kernel 2 gives every output a field of one size,
        moved by 0 and 1 inputs in turn: not uniform, but not varying.
        """
        if self.uniform:
            return False
        if self.period is None:
            return True
        pairs = zip(self.period.lo, self.period.hi, strict=True)
        return len({last - first for first, last in pairs if first <= last}) > 1

    def slide(
        self, extent: int, stride: int, padding: int = 0, outputs: int | None = None
    ) -> Reach:
        """Apply a window of `extent` input positions moved by `stride`.

        `padding` places the windows and `outputs` counts them, which matter only where
        fields vary by position.
        """
        if self.size is None or self.stride is None:
            return self if self.stride is None else Reach(None, self.stride * stride, self.uniform)
        if self.period is not None:
            window = Period((-padding,), (extent - 1 - padding,), stride)
            return self.follow(window, outputs=outputs)
        # Every field given by position: the quick way to make the value most rows make.
        return Reach(
            self.size + (extent - 1) * self.stride, self.stride * stride, self.uniform, None
        )

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
        reach = self.bound().slide(longest, quotient + carries)
        uniform = not carries and longest == -(-size_in // size_out)
        return Reach(reach.size, reach.stride, reach.uniform and uniform)

    def follow(
        self, layer: Period | None, span: int = 1, step: int = 1, *, outputs: int | None = None
    ) -> Reach:
        """Apply a layer whose output `o` depends on inputs `layer.at(o)`.

        A layer whose pattern is too long to keep is None, described by bounds alone: at
        most `span` inputs per output, and at most `step` between neighbouring outputs.
        `outputs` is how many the layer makes: where the axis is shorter than the pattern,
        its largest field and step are among those that exist.
        """
        if self.size is None or self.stride is None:
            if self.stride is None:
                return self
            return Reach(None, self.stride * (step if layer is None else _spacing(layer)), False)
        if layer is not None:
            mine = self.period or Period((0,), (self.size - 1,), self.stride)
            if self.uniform or self.period is not None:
                made = compose(mine, layer)
                if made is not None:
                    return _reach(made, outputs)
            span, step = widest(layer), largest_step(layer)
        return Reach(self.size + (span - 1) * self.stride, self.stride * step, uniform=False)

    def bound(self) -> Reach:
        """Return the largest field and step alone, forgetting the exact pattern."""
        if self.period is None:
            return self
        return Reach(self.size, self.stride, uniform=False)


def _spacing(layer: Period) -> int:
    """Return how far apart a layer's outputs read their inputs: on average, when that is a
    whole number (windows of attention: 1), else at most."""
    steps, rest = divmod(layer.shift, len(layer.lo))
    return largest_step(layer) if rest else steps


WHOLE = Reach(None, None)
POINT = Reach(1, 1)


def _reach(period: Period, outputs: int | None = None) -> Reach:
    """Return the reach a pattern describes, as an affine one when it repeats every output.

    Its largest field and step are among the first `outputs` outputs (None: all).
    """
    period = shortest(period)
    if len(period.lo) == 1 and period.hi[0] >= period.lo[0]:
        return Reach(period.hi[0] - period.lo[0] + 1, period.shift)
    size, step = widest(period, outputs), largest_step(period, outputs)
    return Reach(size, step, uniform=False, period=period)


def join(reaches: list[Reach]) -> Reach:
    """Combine parallel branches: the largest field, as a residual or concatenation sees.

    Branches' fields are taken to nest, as they do about a common centre: a branch whose
    field and step are the largest is the join's, its pattern kept.
    """
    if any(reach.whole for reach in reaches):  # a gate: the strides of what it scales remain
        strides = [reach.stride for reach in reaches if reach.stride is not None]
        if not strides:
            return WHOLE
        return Reach(None, max(strides), all(reach.uniform for reach in reaches))
    largest = max(reaches, key=lambda reach: (reach.size or 0, reach.stride or 0))
    if all((reach.stride or 0) <= (largest.stride or 0) for reach in reaches):
        return largest
    return Reach(
        max(reach.size or 0 for reach in reaches),
        max(reach.stride or 0 for reach in reaches),
        all(reach.uniform for reach in reaches),
    )


@frozen
class Field:
    """A receptive field along each spatial axis, with the layout of the tensor it describes.

    `holds` says, per dimension of that tensor, which spatial axes it holds several
    positions of (bit `1 << i` for axis i): a layer that mixes a dimension mixes those
    positions.
    """

    axes: tuple[Reach, ...]
    holds: tuple[int, ...]

    def through(self, ops: Sequence[Axis], before: Sequence[int], after: Sequence[int]) -> Field:
        """Apply what a layer does to each spatial axis, from sizes `before` to `after`.

        One of each per axis, as the engine passes them.
        """
        axes = tuple(
            [
                _through(reach, op, size_in, size_out)
                for reach, op, size_in, size_out in zip(self.axes, ops, before, after)  # noqa: B905
            ]
        )
        return Field(axes, map_holds(after))

    def mix(self, dim: int) -> Field:
        """Mix dimension `dim`, as Linear does the last: its positions become the whole axis."""
        mixed = self.holds[dim]
        axes = tuple(WHOLE if mixed >> axis & 1 else reach for axis, reach in enumerate(self.axes))
        holds = list(self.holds)
        holds[dim] = 0
        return Field(axes, tuple(holds))

    def mix_last(self) -> Field:
        """Mix the last dimension, as Linear does."""
        return self.mix(len(self.holds) - 1)

    def merge(self, start: int, end: int) -> Field:
        """Merge dimensions `start` to `end` (inclusive) into one, as Flatten does."""
        merged = 0
        for bits in self.holds[start : end + 1]:
            merged |= bits
        return Field(self.axes, (*self.holds[:start], merged, *self.holds[end + 1 :]))

    def split(self, dim: int, count: int) -> Field:
        """Split dimension `dim` into `count`, as Unflatten does: each holds what it held."""
        holds = self.holds
        return Field(self.axes, (*holds[:dim], *(holds[dim],) * count, *holds[dim + 1 :]))


def _through(reach: Reach, op: Axis, size_in: int, size_out: int) -> Reach:
    """Apply one axis's description to one axis's reach."""
    if isinstance(op, Window):
        return reach.slide(op.extent, op.stride, op.padding, size_out)
    if isinstance(op, Transposed):
        return reach.follow(transposed(op), transposed_span(op), 1, outputs=size_out)
    if isinstance(op, Resize):
        return reach.adapt(size_in, size_out)
    if isinstance(op, Interpolate):
        return _interpolated(reach, op, size_in, size_out)
    if isinstance(op, Pad) and reach.period is not None:  # it moves which outputs vary
        return reach.follow(Period((-op.before,), (-op.before,), 1), outputs=size_out)
    return reach  # padding and cropping move fields, never widen them


def _interpolated(reach: Reach, op: Interpolate, size_in: int, size_out: int) -> Reach:
    """Apply an upsampling: each output reads the input at a scaled position, one or two taps."""
    if op.mode == "area":
        return reach.adapt(size_in, size_out)
    ratio = exact_ratio(op, size_in, size_out)
    if ratio is not None and ratio.denominator <= MAX_FIELD_PERIOD:
        period = ratio.denominator
        # Read the pattern one period in, past the clamping at the first input.
        scale = float(ratio)
        spans = [
            sources(op, scale, output, size_in, size_out) for output in range(period, 2 * period)
        ]
        lo = tuple(first - ratio.numerator for first, _ in spans)
        hi = tuple(last - ratio.numerator for _, last in spans)
        return reach.follow(Period(lo, hi, ratio.numerator), outputs=size_out)
    scale = float_scale(op, size_in, size_out)
    if (reach.uniform or reach.period is not None) and size_out <= MAX_FIELD_SCAN:
        return _scanned(reach, op, scale, size_in, size_out)
    return reach.follow(None, TAPS.get(op.mode, 4), floor(scale) + 1)


def _scanned(reach: Reach, op: Interpolate, scale: float, size_in: int, size_out: int) -> Reach:
    """Apply an upsampling with no short pattern by reading each output's inputs in turn.

    The field is exact for this layer, but holds no pattern for the layers that follow.
    """
    if reach.size is None or reach.stride is None:  # its step is no longer known exactly
        return reach if reach.stride is None else Reach(None, reach.stride, uniform=False)
    mine = reach.period or Period((0,), (reach.size - 1,), reach.stride)
    span = span_monotone if monotone(mine) else span_scanned
    last_input = size_in - 1  # PyTorch clamps to the input
    fields = []
    for output in range(size_out):
        first, last = sources(op, scale, output, size_in, size_out)
        fields.append(span(mine, min(first, last_input), min(last, last_input)))
    widths = {last - first for first, last in fields}
    steps = {b[0] - a[0] for a, b in pairwise(fields)}
    uniform = len(widths) == 1 and len(steps) <= 1
    return Reach(max(widths) + 1, max(steps, default=reach.stride), uniform, None)


def start(spatial: tuple[int, ...]) -> Field:
    """Return the field of the input itself: one position each, one apart."""
    return Field((POINT,) * len(spatial), map_holds(spatial))


def layout(shape: Shape) -> tuple[int, ...]:
    """Return the layout of a map whose axes a Permute may have moved (see Shape.order)."""
    if not shape.order:
        return map_holds(shape.spatial)
    return tuple(
        1 << axis - 1 if axis and size > 1 else 0
        for axis, size in zip(shape.order, shape.dims, strict=True)
    )


def map_holds(spatial: Sequence[int]) -> tuple[int, ...]:
    """Return the layout of a map: a spatial axis holds positions when larger than 1."""
    return (0, *[1 << axis if size > 1 else 0 for axis, size in enumerate(spatial)])


def join_fields(fields: list[Field]) -> Field:
    """Combine the fields of parallel branches whose outputs have one layout."""
    axes = tuple(
        join([field.axes[axis] for field in fields]) for axis in range(len(fields[0].axes))
    )
    return Field(axes, fields[0].holds)
