"""The receptive-field recurrence, adaptive pools against their windows, and layouts."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shapecalc._pattern import Period
from shapecalc.arith import Interpolate, Transposed, Window
from shapecalc.field import POINT, WHOLE, Field, Reach, join, map_holds, start

H, W = 1, 2  # the bits of the first and second spatial axes in a layout


@pytest.mark.parametrize(
    ("reach", "extent", "stride", "expected"),
    [
        pytest.param(POINT, 7, 2, Reach(7, 2), id="resnet-stem"),
        pytest.param(Reach(7, 2), 3, 2, Reach(11, 4), id="resnet-maxpool"),
        pytest.param(Reach(11, 4), 3, 1, Reach(19, 4), id="3x3-after-stride-4"),
        pytest.param(Reach(11, 4), 1, 2, Reach(11, 8), id="1x1-strided-shortcut"),
        pytest.param(POINT, 5, 1, Reach(5, 1), id="dilated-3-by-2"),
        pytest.param(WHOLE, 3, 2, WHOLE, id="whole-stays-whole"),
        pytest.param(Reach(9, 2, uniform=False), 3, 1, Reach(13, 2, uniform=False), id="varies"),
    ],
)
def test_slide(reach: Reach, extent: int, stride: int, expected: Reach) -> None:
    assert reach.slide(extent, stride) == expected


def windows(size_in: int, size_out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling windows, as ATen computes them: [start, end)."""
    return [(i * size_in // size_out, -(-(i + 1) * size_in // size_out)) for i in range(size_out)]


@given(
    size_in=st.integers(1, 300),
    size_out=st.integers(1, 300),
    size=st.integers(1, 50),
    stride=st.integers(1, 8),
)
def test_adapt_equals_the_largest_window(
    size_in: int, size_out: int, size: int, stride: int
) -> None:
    reach = Reach(size, stride).adapt(size_in, size_out)
    spans = windows(size_in, size_out)
    if size_out == 1 and size_in > 1:
        assert reach == WHOLE
        return
    lengths = [end - begin for begin, end in spans]
    steps = [b[0] - a[0] for a, b in itertools.pairwise(spans)] or [1]
    assert reach.size == size + (max(lengths) - 1) * stride
    assert reach.stride == max(steps) * stride
    assert reach.uniform == (len(set(lengths)) == 1 and len(set(steps)) == 1)


@pytest.mark.parametrize(
    ("size_in", "size_out", "expected"),
    [
        pytest.param(7, 1, WHOLE, id="global"),
        pytest.param(1, 1, Reach(435, 32), id="one-to-one-keeps"),
        pytest.param(14, 7, Reach(435 + 32, 64), id="divides: a window of 2"),
        pytest.param(41, 10, Reach(435 + 4 * 32, 4 * 32), id="uniform though not dividing"),
        pytest.param(26, 7, Reach(435 + 4 * 32, 4 * 32, uniform=False), id="windows vary"),
    ],
)
def test_adapt(size_in: int, size_out: int, expected: Reach) -> None:
    assert Reach(435, 32).adapt(size_in, size_out) == expected


def test_join_takes_the_largest() -> None:
    assert join([Reach(67, 8), Reach(43, 8)]) == Reach(67, 8)
    # A gate, the whole input scaling a map: the map's outputs stay 8 apart, and so on.
    assert join([Reach(67, 8), WHOLE]) == Reach(None, 8)
    assert Reach(None, 8).slide(3, 2) == Reach(None, 16)
    assert join([WHOLE, WHOLE]) == WHOLE
    # The widest field holds the others, varying or not: it is the join, pattern and all.
    assert join([Reach(9, 2, uniform=False), Reach(11, 2)]) == Reach(11, 2)
    varying = Reach(13, 1, uniform=False, period=Period((0, 0), (12, 11), 1))
    assert join([Reach(5, 1), varying]) is varying
    # A narrower field with a longer step is not held: the largest of each.
    assert join([Reach(11, 2), Reach(9, 4)]) == Reach(11, 4)


def test_layouts_say_which_dimension_holds_positions() -> None:
    assert map_holds((7, 9)) == (0, H, W)
    assert map_holds((1, 9)) == (0, 0, W)
    field = start((7, 9))
    assert field == Field((POINT, POINT), (0, H, W))
    flat = field.merge(0, 2)
    assert flat.holds == (H | W,)
    assert flat.mix_last() == Field((WHOLE, WHOLE), (0,))
    partial = field.merge(1, 2)
    assert partial.holds == (0, H | W)
    assert field.mix_last() == Field((POINT, WHOLE), (0, H, 0))  # Linear on a map mixes W only
    one = start((1, 1)).merge(0, 2).mix_last()
    assert one == Field((POINT, POINT), (0,))  # one position: mixing it widens nothing


# A chain of axis operations run on index sets: which input positions each output reads.
Op = Window | Transposed | Interpolate


def _reads(op: Op, size: int) -> list[set[int]]:
    """Return, for each output position of `op` over `size` inputs, the inputs it reads."""
    out = op.output(size)
    if isinstance(op, Window):
        return [
            {
                i
                for t in range(op.kernel)
                if 0 <= (i := o * op.stride - op.padding + op.dilation * t) < size
            }
            for o in range(out)
        ]
    if isinstance(op, Transposed):
        reads: list[set[int]] = [set() for _ in range(out)]
        for i in range(size):
            for t in range(op.kernel):
                o = i * op.stride - op.padding + op.dilation * t
                if 0 <= o < out:
                    reads[o].add(i)
        return reads
    scale = Fraction(size, out)  # integer factors: PyTorch's ratio, exactly
    if op.mode == "nearest":
        return [{min(o * scale.numerator // scale.denominator, size - 1)} for o in range(out)]
    found = []
    for o in range(out):
        position = max(scale * (2 * o + 1) / 2 - Fraction(1, 2), Fraction(0))
        first = math.floor(position)
        found.append({first, min(first + 1, size - 1)} if position != first else {first})
    return found


def _measured(ops: list[Op], size: int) -> tuple[int, int]:
    """Return the largest field, and the largest step between neighbours inside the input."""
    deps: list[set[int]] = [{i} for i in range(size)]
    for op in ops:
        deps = [set().union(*(deps[i] for i in read)) for read in _reads(op, len(deps))]
    spans = [(min(d), max(d)) for d in deps if d]
    inside = [first if first > 0 and last < size - 1 else None for first, last in spans]
    steps = [b - a for a, b in itertools.pairwise(inside) if a is not None and b is not None]
    return max(last - first + 1 for first, last in spans), max(steps)


def _computed(ops: list[Op], size: int) -> Reach:
    field = start((size,))
    sizes = [size]
    for op in ops:
        sizes.append(op.output(sizes[-1]))
        field = field.through((op,), sizes[-2:-1], sizes[-1:])
    return field.axes[0]


CHAINS = [
    pytest.param([Transposed(4, 2, 1)], id="transposed-k4-s2"),
    pytest.param([Transposed(2, 2)], id="transposed-k2-s2-one-each"),
    pytest.param([Transposed(3, 2, 1, output_padding=1)], id="transposed-k3-s2-op1"),
    pytest.param([Transposed(3, 3, 0, 2)], id="transposed-dilated"),
    pytest.param([Window(3, 2, 1), Transposed(4, 2, 1), Window(3, 1, 1)], id="down-up-conv"),
    pytest.param([Transposed(4, 2, 1), Transposed(4, 2, 1), Window(3, 1, 1)], id="up-up-conv"),
    pytest.param([Window(2, 2), Interpolate(None, 2.0)], id="pool-nearest-x2"),
    pytest.param([Window(3, 2, 1), Interpolate(None, 3.0), Window(3, 1)], id="nearest-x3"),
    pytest.param([Window(3, 2, 1), Interpolate(None, 2.0, "linear")], id="linear-x2"),
    pytest.param([Interpolate(None, 2.0, "linear"), Window(5, 3)], id="linear-then-stride-3"),
]


@pytest.mark.parametrize("ops", CHAINS)
def test_varying_fields_match_the_inputs_each_output_reads(
    ops: list[Op],
) -> None:
    size = 96
    reach = _computed(ops, size)
    assert (reach.size, reach.stride) == _measured(ops, size)


@settings(max_examples=400)
@given(
    kernel=st.integers(1, 6),
    stride=st.integers(1, 4),
    padding=st.integers(0, 3),
    dilation=st.integers(1, 3),
    before=st.sampled_from([Window(1, 1), Window(3, 2, 1), Window(2, 2), Window(5, 3, 2)]),
    after=st.sampled_from([Window(1, 1), Window(3, 1, 1), Window(3, 2, 1), Window(4, 4)]),
)
def test_transposed_fields_compose_exactly(
    kernel: int, stride: int, padding: int, dilation: int, before: Window, after: Window
) -> None:
    ops: list[Op] = [before, Transposed(kernel, stride, padding, dilation), after]
    reach = _computed(ops, 120)
    assert (reach.size, reach.stride) == _measured(ops, 120)


@given(
    scale=st.integers(2, 5),
    mode=st.sampled_from(["nearest", "linear"]),
    before=st.sampled_from([Window(1, 1), Window(3, 2, 1), Window(2, 2)]),
    after=st.sampled_from([Window(1, 1), Window(3, 1, 1), Window(3, 2, 1), Window(5, 3)]),
)
def test_upsampled_fields_compose_exactly(
    scale: int, mode: str, before: Window, after: Window
) -> None:
    ops: list[Op] = [before, Interpolate(None, float(scale), mode), after]
    reach = _computed(ops, 90)
    assert (reach.size, reach.stride) == _measured(ops, 90)
