"""The receptive-field recurrence, adaptive pools against their windows, and layouts."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shapecalc.field import POINT, WHOLE, Field, H, Reach, W, join, map_holds, start


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
    assert join([Reach(67, 8), WHOLE]) == WHOLE
    assert join([Reach(9, 2, uniform=False), Reach(11, 2)]) == Reach(11, 2, uniform=False)


def test_layouts_say_which_dimension_holds_positions() -> None:
    assert map_holds((7, 9)) == (0, H, W)
    assert map_holds((1, 9)) == (0, 0, W)
    field = start((7, 9))
    assert field == Field(POINT, POINT, (0, H, W))
    flat = field.merge(0, 2)
    assert flat.holds == (H | W,)
    assert flat.mix_last() == Field(WHOLE, WHOLE, (0,))
    partial = field.merge(1, 2)
    assert partial.holds == (0, H | W)
    assert field.mix_last() == Field(POINT, WHOLE, (0, H, 0))  # Linear on a map mixes W only
    one = start((1, 1)).merge(0, 2).mix_last()
    assert one == Field(POINT, POINT, (0,))  # one position: mixing it widens nothing
