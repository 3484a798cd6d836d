"""Which inputs each output of a layer reads, as one period of a pattern that repeats.

A transposed convolution or an upsampling makes fields differ by position: output `o`
reads a run of inputs that repeats, shifted, every few outputs. These are those patterns,
how they compose through the layers that follow, and what they say of a field's largest
size and step (see shapecalc/field.py).
"""

from __future__ import annotations

from math import floor, gcd
from typing import TYPE_CHECKING

from shapecalc.arith import Interpolate, Transposed
from shapecalc.limits import MAX_FIELD_PERIOD
from shapecalc.value import frozen

if TYPE_CHECKING:
    from fractions import Fraction


@frozen
class Period:
    """Which inputs each output depends on, one period of a pattern that repeats, shifted.

    Output `q·P + r` (P the period) depends on inputs `lo[r] + q·shift` to `hi[r] + q·shift`;
    on none when `lo[r] > hi[r]`.
    """

    lo: tuple[int, ...]
    hi: tuple[int, ...]
    shift: int

    def at(self, output: int) -> tuple[int, int]:
        """Return the first and last input that `output` depends on."""
        turns, index = divmod(output, len(self.lo))
        offset = turns * self.shift
        return self.lo[index] + offset, self.hi[index] + offset


def compose(outer: Period, inner: Period) -> Period | None:
    """Return the inputs of `outer` that each output of `inner` depends on, or None if long.

    `inner` maps a layer's outputs to its inputs, `outer` those inputs to the network's.
    """
    outer_period, inner_period = len(outer.lo), len(inner.lo)
    turns = outer_period // gcd(inner.shift, outer_period)
    period = inner_period * turns
    if period > MAX_FIELD_PERIOD:
        return None
    span = span_monotone if monotone(outer) else span_scanned
    lo, hi = [], []
    for output in range(period):
        first, last = span(outer, *inner.at(output))
        lo.append(first)
        hi.append(last)
    shift = outer.shift * (inner.shift * turns // outer_period)
    return Period(tuple(lo), tuple(hi), shift)


NONE = (1, 0)  # the span of an output that depends on no input


def monotone(period: Period) -> bool:
    """Whether first and last inputs never go back from one output to the next that reads."""
    for index in range(len(period.lo)):
        if depends(period, index):
            here, after = period.at(index), period.at(nonempty(period, index + 1, 1))
            if after[0] < here[0] or after[1] < here[1]:
                return False
    return True


def span_monotone(period: Period, first: int, last: int) -> tuple[int, int]:
    """Return the inputs that outputs `first` to `last` of `period` depend on, together."""
    if first > last:
        return NONE
    start, end = nonempty(period, first, 1), nonempty(period, last, -1)
    if start > end:
        return NONE
    return period.at(start)[0], period.at(end)[1]


def span_scanned(period: Period, first: int, last: int) -> tuple[int, int]:
    """As `span_monotone`, for a pattern that goes back: the extremes of one period each.

    Beyond a period the pattern only moves on by its shift, so the lowest first input is
    within a period of `first`, and the highest last input within a period of `last`.
    """
    length = len(period.lo)
    lows = [period.at(index) for index in range(first, min(last, first + length - 1) + 1)]
    highs = [period.at(index) for index in range(max(first, last - length + 1), last + 1)]
    lows = [span for span in lows if span[0] <= span[1]]
    highs = [span for span in highs if span[0] <= span[1]]
    if not lows:
        return NONE
    return min(low for low, _ in lows), max(high for _, high in highs)


def nonempty(period: Period, index: int, direction: int) -> int:
    """Return the nearest output from `index` in `direction` that depends on some input."""
    for _ in range(len(period.lo)):
        if depends(period, index):
            return index
        index += direction
    return index  # a pattern of nothing at all: keeps the empty run


def shortest(period: Period) -> Period:
    """Return the same pattern over its shortest period."""
    length = len(period.lo)
    for short in range(1, length):
        if length % short or (period.shift * short) % length:
            continue
        shift = period.shift * short // length
        if all(
            period.at(index + short) == (first + shift, last + shift)
            for index, (first, last) in enumerate(zip(period.lo, period.hi, strict=True))
        ):
            return Period(period.lo[:short], period.hi[:short], shift)
    return period


def widest(period: Period, outputs: int | None = None) -> int:
    """Return the most inputs an output reads, among the first `outputs` (None: all)."""
    return max(last - first + 1 for first, last in map(period.at, _indices(period, outputs)))


def largest_step(period: Period, outputs: int | None = None) -> int:
    """Return the largest step from an output to the next that depends on some input.

    Among the first `outputs` outputs (None: all): an axis shorter than the pattern has
    only some of its steps.
    """
    last = None if outputs is None else outputs - 1
    steps = [
        period.at(nonempty(period, index + 1, 1))[0] - period.at(index)[0]
        for index in _indices(period, last)
        if depends(period, index)
    ]
    return max(steps, default=0)


def _indices(period: Period, outputs: int | None) -> range:
    """Return one period of outputs, or the first `outputs` where the axis is shorter."""
    length = len(period.lo)
    return range(length if outputs is None else max(min(outputs, length), 1))


def depends(period: Period, index: int) -> bool:
    first, last = period.at(index)
    return first <= last


def transposed(op: Transposed) -> Period | None:
    """Return which inputs each output of a transposed convolution depends on, per period.

    Input `i` reaches outputs `i·stride − padding + dilation·t` for taps `t` below `kernel`;
    so output `o` takes the inputs `(o + padding − dilation·t) / stride` that are whole.
    """
    stride, dilation = op.stride, op.dilation
    if stride > MAX_FIELD_PERIOD:
        return None
    common = gcd(dilation, stride)
    modulus = stride // common
    inverse = pow(dilation // common, -1, modulus) if modulus > 1 else 0
    lo, hi = [], []
    for output in range(stride):
        x = output + op.padding
        first_tap = (x // common * inverse) % modulus if x % common == 0 else op.kernel
        if first_tap >= op.kernel:
            lo.append(NONE[0])
            hi.append(NONE[1])
            continue
        last_tap = first_tap + (op.kernel - 1 - first_tap) // modulus * modulus
        lo.append((x - dilation * last_tap) // stride)
        hi.append((x - dilation * first_tap) // stride)
    return Period(tuple(lo), tuple(hi), 1)


def transposed_span(op: Transposed) -> int:
    return (op.dilation * (op.kernel - 1)) // op.stride + 1


TAPS = {"nearest": 1, "nearest-exact": 1, "linear": 2, "bilinear": 2, "trilinear": 2}


def exact_ratio(op: Interpolate, size_in: int, size_out: int) -> Fraction | None:
    """Return input positions per output as PyTorch scales them; None if not a ratio at all."""
    from fractions import Fraction  # it imports decimal: only upsampling needs it

    if op.align_corners and op.mode not in ("nearest", "nearest-exact"):
        return Fraction(size_in - 1, size_out - 1) if size_out > 1 else None
    nearest_shortcut = op.mode == "nearest" and size_out in (size_in, 2 * size_in)
    if op.scale is not None and not op.recompute and not nearest_shortcut:
        return 1 / Fraction(op.scale)
    return Fraction(size_in, size_out)


def float_scale(op: Interpolate, size_in: int, size_out: int) -> float:
    """Return input positions per output in double precision, as PyTorch computes them."""
    if op.align_corners and op.mode not in ("nearest", "nearest-exact"):
        return (size_in - 1) / (size_out - 1) if size_out > 1 else 0.0
    if op.scale is not None and not op.recompute:
        return 1.0 / op.scale
    return size_in / size_out


def sources(
    op: Interpolate, scale: float, output: int, size_in: int, size_out: int
) -> tuple[int, int]:
    """Return the first and last input that output `output` reads with a non-zero weight."""
    if op.mode in ("nearest", "nearest-exact"):
        offset = 0.5 if op.mode == "nearest-exact" else 0.0
        if size_out == 2 * size_in and op.mode == "nearest":
            return output >> 1, output >> 1
        index = floor((output + offset) * scale)
        return index, index
    position = output * scale if op.align_corners else max(scale * (output + 0.5) - 0.5, 0.0)
    index = floor(position)
    if position == index:  # the other taps weigh nothing
        return index, index
    if op.mode in TAPS:
        return index, index + 1
    return index - 1, index + 2  # bicubic: four taps
