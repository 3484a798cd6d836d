"""Each axis formula against hand-worked cases, PyTorch's recorded sizes and brute force."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache
from typing import Any

import pytest
from conftest import torch_data
from hypothesis import assume, given
from hypothesis import strategies as st

from shapecalc.arith import Interpolate, Pad, Transposed, Window
from shapecalc.errors import LayerError
from shapecalc.layers import KINDS, build
from shapecalc.shape import Shape

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


# What tools/record_sizes.py recorded: sliding, transposed, upsampling, padding and reshaping
# layers in 1, 2 and 3 dimensions.
RANKS = [pytest.param(rank, id=f"{rank}d") for rank in (1, 2, 3)]
POOLS = ("max_pool", "avg_pool")


@cache
def sizes() -> Any:
    return torch_data("torch_sizes.json")


def argument_error(
    op: str, kernel: int, stride: int, padding: int, dilation: int, extra: int
) -> str:
    """The error PyTorch raises for one axis's arguments whatever the input, or ""."""
    if op in POOLS and padding > kernel // 2:
        return "padding"
    if op == "conv_transpose" and extra >= max(stride, dilation):
        return "output_padding"
    return ""


def axis_size(
    op: str,
    rank: int,
    size: int,
    kernel: int,
    stride: int,
    padding: int,
    dilation: int,
    ceil_mode: bool,
    extra: int,
) -> int:
    """One axis's output size; below 1 when PyTorch refuses the input as too small."""
    if op == "conv_transpose":
        return Transposed(kernel, stride, padding, dilation, extra).output(size)
    if op in ("avg_pool", "lp_pool") and rank == 3 and size < kernel:
        return 0  # avg_pool3d (which lp_pool3d runs) checks the unpadded input against the kernel
    return Window(kernel, stride, padding, dilation, ceil_mode).output(size)


def expected_sizes(op: str, rank: int, axes: list[tuple[Any, ...]]) -> list[int] | str:
    """Every axis's output size, or the error PyTorch raises: arguments are checked first.

    Each of `axes` is (size, kernel, stride, padding, dilation, ceil_mode, output_padding).
    """
    for _, kernel, stride, padding, dilation, _, extra in axes:
        error = argument_error(op, kernel, stride, padding, dilation, extra)
        if error:
            return error
    out = [axis_size(op, rank, *axis) for axis in axes]
    return out if min(out) >= 1 else "too small"


def test_windows_match_every_size_pytorch_recorded_in_every_rank() -> None:
    """conv, max_pool, avg_pool and lp_pool in 1, 2 and 3 dimensions, on the first axis."""
    data = sizes()["windows"]
    assert data["columns"] == [
        "op",
        "rank",
        "kernel",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "outputs",
    ]
    wrong = []
    for op, rank, kernel, stride, padding, dilation, ceil, outputs in data["cases"]:
        for size, recorded in zip(data["sizes"], outputs, strict=True):
            axis = (size, kernel, stride, padding, dilation, ceil, 0)
            got = expected_sizes(op, rank, [axis])
            if got != (recorded if isinstance(recorded, str) else [recorded]):
                wrong.append((op, rank, *axis, recorded, got))
    assert len(data["cases"]) * len(data["sizes"]) > 3 * 6600
    assert wrong == []


def test_transposed_matches_every_size_pytorch_recorded_in_every_rank() -> None:
    """conv_transpose in 1, 2 and 3 dimensions, output_padding and dilation included."""
    data = sizes()["transposed"]
    assert data["columns"] == [
        "rank",
        "kernel",
        "stride",
        "padding",
        "dilation",
        "output_padding",
        "outputs",
    ]
    wrong = []
    for rank, kernel, stride, padding, dilation, extra, outputs in data["cases"]:
        for size, recorded in zip(data["sizes"], outputs, strict=True):
            axis = (size, kernel, stride, padding, dilation, False, extra)
            got = expected_sizes("conv_transpose", rank, [axis])
            if got != (recorded if isinstance(recorded, str) else [recorded]):
                wrong.append((rank, *axis, recorded, got))
    assert len(data["cases"]) * len(data["sizes"]) > 3 * 6600
    assert wrong == []


def test_each_axis_slides_on_its_own() -> None:
    """Every axis with its own size and arguments: the axes' answers, side by side."""
    data = sizes()["window_axes"]
    wrong = []
    for op, rank, size, kernel, stride, padding, dilation, ceil, extra, recorded in data["cases"]:
        axes = [
            (*axis[:5], ceil, axis[5])
            for axis in zip(size, kernel, stride, padding, dilation, extra, strict=True)
        ]
        got = expected_sizes(op, rank, axes)
        if got != recorded:
            wrong.append((op, rank, axes, recorded, got))
    outcomes = {(op, out if isinstance(out, str) else "ok") for op, *_, out in data["cases"]}
    for op in {op for op, _ in outcomes}:
        assert {out for of, out in outcomes if of == op} > {"ok"}  # succeeds, and fails
    assert wrong == []


def test_onednn_skips_the_transposed_size_check() -> None:
    """PyTorch's reference kernels refuse an axis below 1, as shapecalc does; oneDNN may
    return that axis as 0 (or fail with an error of its own)."""
    data = sizes()["onednn"]
    for rank, *columns, default, reference in data["cases"]:
        axes = [(*axis[:5], False, axis[5]) for axis in zip(*columns, strict=True)]
        assert expected_sizes("conv_transpose", rank, axes) == reference == "too small"
        if isinstance(default, list):
            out = [
                Transposed(kernel, stride, padding, dilation, extra).output(size)
                for size, kernel, stride, padding, dilation, _, extra in axes
            ]
            assert default == [max(size, 0) for size in out]
    assert any(isinstance(default, list) for *_, default, _ in data["cases"])


# size, kernel, stride, padding, dilation, output_padding -> output
TRANSPOSED_CASES = [
    pytest.param(4, 4, 2, 1, 1, 0, 8, id="dcgan-doubles"),
    pytest.param(28, 2, 2, 0, 1, 0, 56, id="unet-up-conv"),
    pytest.param(7, 3, 2, 1, 1, 1, 14, id="output-padding-restores-even-size"),
    pytest.param(7, 3, 2, 1, 1, 0, 13, id="without-output-padding"),
    pytest.param(5, 3, 1, 0, 2, 1, 10, id="output-padding-below-dilation"),
    pytest.param(1, 1, 1, 1, 1, 0, -1, id="padding-crops-below-one"),
]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation", "extra", "out"), TRANSPOSED_CASES
)
def test_transposed_output(
    size: int, kernel: int, stride: int, padding: int, dilation: int, extra: int, out: int
) -> None:
    assert Transposed(kernel, stride, padding, dilation, extra).output(size) == out


def spread(size: int, axis: Transposed) -> list[bool]:
    """Build the output line position by position: each input position lays its kernel taps
    at i·stride + dilation·t (True where a tap lands), the padding is cut off both ends, and
    output_padding positions are appended."""
    reach = [i * axis.stride + axis.dilation * t for i in range(size) for t in range(axis.kernel)]
    line = [False] * (max(reach) + 1)
    for position in reach:
        line[position] = True
    return line[axis.padding : len(line) - axis.padding] + [False] * axis.output_padding


@given(
    size=st.integers(1, 60),
    kernel=st.integers(1, 8),
    stride=st.integers(1, 6),
    padding=st.integers(0, 6),
    dilation=st.integers(1, 4),
    extra=st.integers(0, 5),
)
def test_transposed_formula_counts_spread_taps(
    size: int, kernel: int, stride: int, padding: int, dilation: int, extra: int
) -> None:
    assume(extra < max(stride, dilation))  # PyTorch refuses any other output_padding
    axis = Transposed(kernel, stride, padding, dilation, extra)
    assume(axis.output(size) - extra >= 1)  # else the paddings crop away the whole line
    assert axis.output(size) == len(spread(size, axis))


@given(
    size=st.integers(1, 200),
    kernel=st.integers(1, 8),
    stride=st.integers(1, 6),
    padding=st.integers(0, 6),
    dilation=st.integers(1, 4),
    extra=st.integers(0, 5),
)
def test_transposed_undoes_the_convolution(
    size: int, kernel: int, stride: int, padding: int, dilation: int, extra: int
) -> None:
    """The convolution of the same arguments takes a transposed output back to its input."""
    assume(extra < stride)
    out = Transposed(kernel, stride, padding, dilation, extra).output(size)
    assume(out >= 1)
    assert Window(kernel, stride, padding, dilation).output(out) == size


def upsampled(mode: str, sizes_in: list[int], axes: list[Interpolate]) -> list[int] | str:
    """Upsampling's output sizes, or "too small": only area mode makes an axis 0."""
    out = [axis.output(size) for axis, size in zip(axes, sizes_in, strict=True)]
    return out if min(out) >= 1 or mode == "area" else "too small"


def scaled(factor: float, size: int, mode: str) -> int | str:
    """One axis upsampled by `factor`, or "too small"."""
    out = upsampled(mode, [size], [Interpolate(size=None, scale=factor, mode=mode)])
    return out if isinstance(out, str) else out[0]


def test_scale_factor_matches_every_size_pytorch_recorded() -> None:
    """nn.Upsample by a factor in every mode of each rank, recomputing the factor or not."""
    data = sizes()["scale"]
    wrong = []
    for mode, rank, factor, recompute, outputs in data["cases"]:
        for size, recorded in zip(data["sizes"], outputs, strict=True):
            if scaled(factor, size, mode) != recorded:
                wrong.append((mode, rank, factor, recompute, size, recorded))
    assert {mode for mode, *_ in data["cases"]} == {
        "nearest",
        "nearest-exact",
        "linear",
        "bilinear",
        "bicubic",
        "trilinear",
        "area",
    }
    assert len(data["cases"]) * len(data["sizes"]) > 30_000
    assert wrong == []


def test_upsampling_scales_each_axis_on_its_own() -> None:
    """Every axis by its own factor, and to a size (0 included), in every mode of each rank."""
    data = sizes()
    wrong = []
    for mode, rank, size, factor, recorded in data["scale_axes"]["cases"]:
        axes = [Interpolate(size=None, scale=f, mode=mode) for f in factor]
        if upsampled(mode, size, axes) != recorded:
            wrong.append((mode, rank, size, factor, recorded))
    for mode, rank, size, target, recorded in data["resize"]["cases"]:
        axes = [Interpolate(size=t, scale=None, mode=mode) for t in target]
        if upsampled(mode, size, axes) != recorded:
            wrong.append((mode, rank, size, target, recorded))
    assert len(data["scale_axes"]["cases"]) + len(data["resize"]["cases"]) > 400
    assert wrong == []


# size, scale_factor -> PyTorch's output: ⌊size·factor⌋ of the double product, which is
# neither the decimal written (2.3·100 = 230) nor the double's exact value (3·(1/3) < 1).
FLOAT_CASES = [
    pytest.param(100, 2.3, 229, id="2.3x100-is-229.99999999999997"),
    pytest.param(30, 0.7, 21, id="0.7x30-rounds-up-to-21"),
    pytest.param(3, 1 / 3, 1, id="third-of-3-rounds-up-to-1"),
    pytest.param(1000, 0.3, 300, id="0.3x1000"),
    pytest.param(12345, 2.3, 28393, id="large"),
    pytest.param(7, 0.5, 3, id="floor"),
]


@pytest.mark.parametrize(("size", "factor", "out"), FLOAT_CASES)
def test_scale_factor_output(size: int, factor: float, out: int) -> None:
    assert Interpolate(size=None, scale=factor).output(size) == out


def test_pytorch_floors_the_double_product_not_the_exact_one() -> None:
    """Where the double product, the double's exact value and the decimal written disagree,
    PyTorch floors the double product, whether it recomputes the factor or not."""
    data = sizes()["float_vs_exact"]
    assert data["columns"] == [
        "size",
        "scale_factor",
        "recompute_scale_factor",
        "output",
        "float",
        "binary",
        "decimal",
    ]
    cases = data["cases"]
    assert all(output == rounded for _, _, _, output, rounded, _, _ in cases if rounded >= 1)
    assert all(scaled(factor, size, "nearest") == output for size, factor, _, output, *_ in cases)
    assert sum(rounded != decimal for *_, rounded, _, decimal in cases) > 100
    assert sum(rounded != binary for *_, rounded, binary, _ in cases) > 100
    assert [100, 2.3, None, 229, 229, 229, 230] in cases


@given(
    size=st.integers(1, 10**6),
    digits=st.integers(1, 999),
    places=st.integers(0, 3),
)
def test_scale_factor_floors_the_exact_product_unless_it_is_a_whole_number(
    size: int, digits: int, places: int
) -> None:
    """A factor written with a few decimals: exact arithmetic agrees with the double product
    except where size·factor is a whole number n, which the doubles may make n − 1."""
    exact = size * Fraction(digits, 10**places)
    out = Interpolate(size=None, scale=digits / 10**places).output(size)
    if exact.denominator == 1:
        assert out in (exact - 1, exact)
    else:
        assert out == math.floor(exact)
    # Against the double's own exact value, rounding the product may add one, never more.
    assert out - math.floor(size * Fraction(digits / 10**places)) in (0, 1)


def pad_pairs(rank: int, padding: list[int]) -> list[tuple[int, int]]:
    """Each spatial axis's (before, after), first axis first, from PyTorch's last-first list."""
    return [(padding[2 * axis], padding[2 * axis + 1]) for axis in reversed(range(rank))]


def test_padding_matches_every_size_pytorch_recorded() -> None:
    """Every padding layer's output size where PyTorch gives one (negative padding crops)."""
    data = sizes()
    wrong: list[Any] = []
    checked = 0
    for kind, rank, before, after, outputs in data["padding"]["cases"]:
        for size, recorded in zip(data["padding"]["sizes"], outputs, strict=True):
            if isinstance(recorded, int):
                checked += 1
                if Pad(before, after).output(size) != recorded:
                    wrong.append((kind, rank, size, before, after, recorded))
    for kind, rank, size, padding, recorded in data["padding_axes"]["cases"]:
        if isinstance(recorded, list):
            checked += 1
            got = [
                Pad(*pair).output(n) for n, pair in zip(size, pad_pairs(rank, padding), strict=True)
            ]
            if got != recorded:
                wrong.append((kind, rank, size, padding, recorded, got))
    assert checked > 5000
    assert wrong == []


@pytest.mark.parametrize(
    ("pad", "size", "out"),
    [
        pytest.param(Pad(1, 1), 5, 7, id="both-sides"),
        pytest.param(Pad(0, 3), 5, 8, id="after-only"),
        pytest.param(Pad(-1, -2), 5, 2, id="negative-crops"),
        pytest.param(Pad(-2, 4), 5, 7, id="crop-one-side-pad-the-other"),
    ],
)
def test_pad_output(pad: Pad, size: int, out: int) -> None:
    assert pad.output(size) == out


# Through the layer classes: arguments PyTorch refuses whatever the input make `build` raise,
# inputs it refuses make `output` raise.
ARGUMENTS, INPUT = "arguments", "input"


def answer(kind: str, given: dict[str, Any], dims: tuple[int, ...]) -> tuple[int, ...] | str:
    """What shapecalc says of `kind` built from `given` on a sample of `dims`: the output's
    dims, or at which step it refuses."""
    try:
        layer = build(KINDS[kind], given)
    except LayerError:
        return ARGUMENTS
    try:
        return layer.output(Shape(dims)).dims
    except LayerError:
        return INPUT


def agrees(recorded: Any, got: tuple[int, ...] | str, stage: str = INPUT) -> bool:
    """Whether shapecalc's answer for a one-channel sample is PyTorch's: the same sizes, or a
    refusal at `stage`. Where PyTorch makes an axis 0, shapecalc may refuse instead."""
    if isinstance(recorded, str):
        return got == stage
    return got == (1, *recorded) or (0 in recorded and got in (ARGUMENTS, INPUT))


def per_axis(value: Any, rank: int, rest: Any) -> Any:
    """A layer argument: `value` on the first spatial axis, `rest` on the others."""
    return value if rank == 1 else (value, *[rest] * (rank - 1))


NEUTRAL = {"kernel": 1, "stride": 1, "padding": 0, "dilation": 1, "output_padding": 0}
LAYER_NAMES = {
    "conv": "Conv",
    "max_pool": "MaxPool",
    "avg_pool": "AvgPool",
    "lp_pool": "LPPool",
    "conv_transpose": "ConvTranspose",
}


def sliding_layer(op: str, rank: int, case: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The layer kind and arguments for `op` in `rank` dimensions, from a case whose values
    are as PyTorch takes them: a number, or one per axis."""
    given: dict[str, Any] = {"kernel_size": case["kernel"], "stride": case["stride"]}
    if op != "lp_pool":
        given["padding"] = case["padding"]
    if op in ("conv", "max_pool", "conv_transpose"):
        given["dilation"] = case["dilation"]
    if op in ("conv", "conv_transpose"):
        given["out_channels"] = 1
    else:
        given["ceil_mode"] = case["ceil_mode"]
    if op == "conv_transpose":
        given["output_padding"] = case["output_padding"]
    if op == "lp_pool":
        given["norm_type"] = 2
    return f"{LAYER_NAMES[op]}{rank}d", given


def refusal(recorded: str) -> str:
    """At which step shapecalc must refuse what PyTorch refused with this kind of error."""
    return ARGUMENTS if recorded in ("padding", "output_padding", "factor") else INPUT


def layer_mismatches(op: str, rank: int, columns: list[str], cases: list[list[Any]]) -> list[Any]:
    """Run one op's grid cases of one rank through its layer class; return the mismatches."""
    wrong = []
    for values in cases:
        case = {
            name: per_axis(value, rank, NEUTRAL[name]) if name in NEUTRAL else value
            for name, value in zip(columns, values, strict=True)
        }
        case.setdefault("ceil_mode", False)
        kind, given = sliding_layer(op, rank, case)
        for size, recorded in zip(sizes()["windows"]["sizes"], case["outputs"], strict=True):
            dims = (1, size, *[1] * (rank - 1))
            want = refusal(recorded) if isinstance(recorded, str) else (1, recorded, *dims[2:])
            got = answer(kind, given, dims)
            if got != want:
                wrong.append((kind, given, dims, recorded, got))
    return wrong


def window_cases(op: str, rank: int) -> tuple[list[str], list[list[Any]]]:
    data = sizes()["windows"]
    rows = [row[2:] for row in data["cases"] if row[0] == op and row[1] == rank]
    return data["columns"][2:], rows


@pytest.mark.parametrize("rank", RANKS)
def test_pool_layers_refuse_as_pytorch_does(rank: int) -> None:
    """MaxPool, AvgPool and LPPool: padding over half the kernel at build, too small inputs
    (and, in 3-D average pools, inputs smaller than the kernel) at output."""
    wrong = []
    for op in ("max_pool", "avg_pool", "lp_pool"):
        columns, rows = window_cases(op, rank)
        assert rows
        wrong += layer_mismatches(op, rank, columns, rows)
    assert wrong == []


@pytest.mark.parametrize("rank", RANKS)
def test_conv_layers_refuse_as_pytorch_does(rank: int) -> None:
    columns, rows = window_cases("conv", rank)
    assert rows
    assert layer_mismatches("conv", rank, columns, rows) == []


@pytest.mark.parametrize("rank", RANKS)
def test_transposed_layers_refuse_as_pytorch_does(rank: int) -> None:
    """ConvTranspose: output_padding not below stride or dilation at build, outputs below 1
    at output."""
    data = sizes()["transposed"]
    rows = [row[1:] for row in data["cases"] if row[0] == rank]
    assert layer_mismatches("conv_transpose", rank, data["columns"][1:], rows) == []


def test_sliding_layers_take_each_axis_on_its_own() -> None:
    """Convolutions, pools and transposed convolutions given one value per axis."""
    data = sizes()["window_axes"]
    columns = data["columns"][3:-1]
    wrong = []
    for op, rank, size, *values, recorded in data["cases"]:
        case = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in zip(columns, values, strict=True)
        }
        kind, given = sliding_layer(op, rank, case)
        want = refusal(recorded) if isinstance(recorded, str) else (1, *recorded)
        got = answer(kind, given, (1, *size))
        if got != want:
            wrong.append((kind, given, size, recorded, got))
    assert wrong == []


def test_upsample_layers_match_pytorch() -> None:
    """Upsample by per-axis factors and to sizes; an area resize to 0 may be refused."""
    data = sizes()
    runs = [
        ({"scale_factor": tuple(factor), "mode": mode}, size, recorded)
        for mode, _, size, factor, recorded in data["scale_axes"]["cases"]
    ]
    runs += [
        ({"size": tuple(target), "mode": mode}, size, recorded)
        for mode, _, size, target, recorded in data["resize"]["cases"]
    ]
    scale = data["scale"]
    for mode, rank, factor, _, outputs in scale["cases"]:
        for size, recorded in zip(scale["sizes"], outputs, strict=True):
            sizes_in = [size, *[1] * (rank - 1)]
            out = recorded if isinstance(recorded, str) else [recorded, *[1] * (rank - 1)]
            runs.append(
                ({"scale_factor": per_axis(factor, rank, 1.0), "mode": mode}, sizes_in, out)
            )
    wrong = []
    for arguments, size, recorded in runs:
        got = answer("Upsample", arguments, (1, *size))
        # A size of 0 is refused whatever the input.
        stage = ARGUMENTS if 0 in arguments.get("size", ()) else INPUT
        if not agrees(recorded, got, stage):
            wrong.append((arguments, size, recorded, got))
    assert wrong == []


def padding_runs() -> list[tuple[str, tuple[int, ...], list[int], Any]]:
    """(layer kind, PyTorch's padding list, input sizes, recorded output) for every case."""
    data = sizes()
    runs = [
        (
            f"{kind}{rank}d",
            (0, 0) * (rank - 1) + (before, after),
            [size, *[1] * (rank - 1)],
            out if isinstance(out, str) else [out, *[1] * (rank - 1)],
        )
        for kind, rank, before, after, outputs in data["padding"]["cases"]
        for size, out in zip(data["padding"]["sizes"], outputs, strict=True)
    ]
    runs += [
        (f"{kind}{rank}d", tuple(padding), size, out)
        for kind, rank, size, padding, out in data["padding_axes"]["cases"]
    ]
    return runs


def test_padding_layers_refuse_as_pytorch_does() -> None:
    """Reflection padding must be below the size, circular at most the size, and a crop may
    not pass the input's end; all depend on the input, so `output` refuses them.

    PyTorch sometimes makes an axis 0 (a crop to nothing), which shapecalc may refuse; where
    circular padding both crops and wraps one axis, PyTorch's own copying fails ("internal")
    or not, by no rule worth copying, so those cases are not compared.
    """
    wrong = []
    for kind, padding, size, recorded in padding_runs():
        if recorded == "internal" or _wraps_cropped(kind, padding):
            continue
        given: dict[str, Any] = {"padding": padding}
        if kind.startswith("ConstantPad"):
            given["value"] = 0.0
        got = answer(kind, given, (1, *size))
        if not agrees(recorded, got):
            wrong.append((kind, padding, size, recorded, got))
    assert wrong == []


def _wraps_cropped(kind: str, padding: int | Sequence[int]) -> bool:
    """Whether circular padding crops one side of an axis and wraps the other.

    PyTorch then fails, or copies memory it never wrote: tests/test_layers_nd.py holds
    shapecalc's refusal of the wraps that cropping leaves nothing for.
    """
    pads = [padding, padding] if isinstance(padding, int) else list(padding)
    sides = zip(pads[::2], pads[1::2], strict=True)
    return kind.startswith("CircularPad") and any(a * b < 0 for a, b in sides)


def test_pixel_shuffle_layers_refuse_as_pytorch_does() -> None:
    """Channels not divisible by factor², sizes not by the factor: refused at output."""
    wrong = []
    for op, factor, dims, recorded in sizes()["pixel_shuffle"]["cases"]:
        argument = "upscale_factor" if op == "PixelShuffle" else "downscale_factor"
        want = refusal(recorded) if isinstance(recorded, str) else tuple(recorded)
        got = answer(op, {argument: factor}, tuple(dims))
        if got != want:
            wrong.append((op, factor, dims, recorded, got))
    assert wrong == []


def batch_dim(dim: int, rank: int) -> bool:
    """Whether `dim` of a batched `rank`-dimensional tensor is its batch dimension."""
    return -rank <= dim < rank and dim % rank == 0


def reshaped(recorded: Any, got: tuple[int, ...] | str, batch: bool) -> bool:
    """Whether shapecalc's answer is PyTorch's (the batch left out); a dim that is the
    batch's must be refused, as shapes here leave the batch out."""
    if batch or isinstance(recorded, str):
        return got in (ARGUMENTS, INPUT)
    return got == tuple(recorded[1:])


def test_flatten_layer_matches_pytorch() -> None:
    """Flatten over every start_dim and end_dim, counting the batch as PyTorch does."""
    data = sizes()["flatten"]
    rank = len(data["input"])
    wrong = []
    for start, end, recorded in data["cases"]:
        got = answer("Flatten", {"start_dim": start, "end_dim": end}, tuple(data["input"][1:]))
        if not reshaped(recorded, got, batch_dim(start, rank)):
            wrong.append((start, end, recorded, got))
    assert wrong == []


def test_unflatten_layer_matches_pytorch() -> None:
    """Unflatten over dims and sizes: -1 inferred, sizes that do not multiply up refused."""
    data = sizes()["unflatten"]
    rank = len(data["input"])
    wrong = []
    for dim, size, recorded in data["cases"]:
        given = {"dim": dim, "unflattened_size": tuple(size)}
        got = answer("Unflatten", given, tuple(data["input"][1:]))
        if not reshaped(recorded, got, batch_dim(dim, rank)):
            wrong.append((dim, size, recorded, got))
    assert wrong == []
