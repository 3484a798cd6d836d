"""The window formula against hand-worked cases, PyTorch's recorded sizes and brute force."""

from __future__ import annotations

import pytest
from conftest import torch_data
from hypothesis import assume, given
from hypothesis import strategies as st

from shapecalc.arith import Window

# size, kernel, stride, padding, dilation, ceil_mode -> output
CASES = [
    pytest.param(224, 7, 2, 3, 1, False, 112, id="resnet-conv1"),
    pytest.param(112, 3, 2, 1, 1, False, 56, id="resnet-maxpool"),
    pytest.param(56, 1, 2, 0, 1, False, 28, id="downsample-1x1-s2"),
    pytest.param(225, 7, 2, 3, 1, False, 113, id="odd-input-rounds-up-by-padding"),
    pytest.param(7, 3, 2, 0, 1, False, 3, id="floor"),
    pytest.param(7, 3, 2, 0, 1, True, 3, id="ceil-equals-floor-when-exact"),
    pytest.param(8, 3, 2, 0, 1, False, 3, id="floor-drops-partial-window"),
    pytest.param(8, 3, 2, 0, 1, True, 4, id="ceil-keeps-partial-window"),
    pytest.param(5, 2, 2, 1, 1, True, 3, id="ceil-last-window-in-padding-dropped"),
    pytest.param(10, 3, 1, 0, 2, False, 6, id="dilation-2"),
    pytest.param(2, 3, 1, 0, 1, False, 0, id="kernel-larger-than-input"),
    pytest.param(1, 1, 2, 0, 1, False, 1, id="one-pixel-survives-stride"),
    pytest.param(10**9, 3, 2, 1, 1, False, 500_000_000, id="huge"),
]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "dilation", "ceil", "out"), CASES)
def test_window_output(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil: bool, out: int
) -> None:
    assert Window(kernel, stride, padding, dilation, ceil).output(size) == out


def test_window_matches_every_size_pytorch_recorded() -> None:
    """Every case of the grid tools/record_torch.py ran through PyTorch's own ops."""
    data = torch_data("torch_windows.json")
    assert data["columns"] == [
        "op",
        "size",
        "kernel",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "output",
    ]
    wrong = []
    for op, size, kernel, stride, padding, dilation, ceil, expected in data["cases"]:
        if op != "conv2d" and padding > kernel // 2:
            got: int | str = "padding"
        else:
            out = Window(kernel, stride, padding, dilation, ceil).output(size)
            got = out if out >= 1 else "too small"
        if got != expected:
            wrong.append((op, size, kernel, stride, padding, dilation, ceil, expected, got))
    assert len(data["cases"]) > 6000
    assert wrong == []


def brute_force(size: int, window: Window) -> int:
    """Count window positions one by one over the padded input.

    A window at `start` (in padded coordinates) is kept when it fits in the padded input; in
    ceil mode also when it overhangs the end by less than a stride but starts inside the input
    or its left padding.
    """
    padded = size + 2 * window.padding
    count = 0
    start = 0
    while start + window.extent <= padded + (window.stride - 1 if window.ceil_mode else 0):
        fits = start + window.extent <= padded
        if fits or start < size + window.padding:
            count += 1
        start += window.stride
    return count


@given(
    size=st.integers(1, 200),
    kernel=st.integers(1, 12),
    stride=st.integers(1, 8),
    padding=st.integers(0, 6),
    dilation=st.integers(1, 4),
    ceil_mode=st.booleans(),
)
def test_window_formula_counts_window_positions(
    size: int, kernel: int, stride: int, padding: int, dilation: int, ceil_mode: bool
) -> None:
    assume(not ceil_mode or padding <= kernel // 2)  # ceil mode is for pools, which demand it
    window = Window(kernel, stride, padding, dilation, ceil_mode)
    assert max(window.output(size), 0) == brute_force(size, window)


@pytest.mark.parametrize(
    ("window", "size", "text"),
    [
        (Window(7, 2, 3), 224, "⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"),
        (Window(3, 2, 0, 1, True), 8, "⌈(8 + 2·0 − 1·(3 − 1) − 1) / 2⌉ + 1"),
        (
            Window(2, 2, 1, 1, True),
            5,
            "⌈(5 + 2·1 − 1·(2 − 1) − 1) / 2⌉ + 1 − 1 (the last window would start in the padding)",
        ),
    ],
    ids=["floor", "ceil", "ceil-dropped"],
)
def test_formula_shows_the_numbers(window: Window, size: int, text: str) -> None:
    assert window.formula(size) == text
