"""Record PyTorch's output sizes for every layer that changes a spatial size, in 1-, 2- and 3-D.

Run where torch is installed (never a dependency of shapecalc), see tools/record_torch.py:

    /tmp/tv/bin/python tools/record_sizes.py

It writes tests/data/torch_sizes.json. A grid section gives, per combination of arguments,
PyTorch's output size at every input size of its "sizes" list (varied on the first spatial
axis; the other axes are 1, with neutral arguments), or the kind of error PyTorch raises:
"too small", "padding", "output_padding", ...; "messages" maps every message seen (digits
masked) to its kind and one example. The "*_axes" sections give each axis its own size and
arguments, to show that axes are independent.

Sections: windows (conv, max_pool, avg_pool, lp_pool), transposed (conv_transpose),
window_axes; scale (nn.Upsample by scale_factor, every mode of each rank), scale_axes, resize
(by size), float_vs_exact (the sizes where ⌊size·factor⌋ in doubles, on the exact value of
the double, and on the decimal written differ, with PyTorch's answer); padding (the padding
layers, positive and negative), padding_axes; pixel_shuffle; flatten; unflatten; onednn.

Everything but "onednn" runs PyTorch's reference kernels (oneDNN off): oneDNN, which PyTorch
picks by thread count, CPU and kernel shape, skips the check that refuses a transposed
convolution's output below 1 on one axis. "onednn" shows such cases with either backend.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
RANKS = (1, 2, 3)
SIZES = list(range(1, 13))
WINDOW_GRID = {
    "kernel": range(1, 6),
    "stride": range(1, 5),
    "padding": range(4),
    "dilation": range(1, 4),
    "ceil_mode": (False, True),
}
TRANSPOSED_GRID = {
    "kernel": range(1, 6),
    "stride": range(1, 5),
    "padding": range(4),
    "dilation": range(1, 4),
    "output_padding": range(4),
}
NEUTRAL = {"kernel": 1, "stride": 1, "padding": 0, "dilation": 1, "output_padding": 0}
SLIDING = ("conv", "max_pool", "avg_pool", "lp_pool", "conv_transpose")
MODES = {
    1: ("nearest", "nearest-exact", "linear", "area"),
    2: ("nearest", "nearest-exact", "bilinear", "bicubic", "area"),
    3: ("nearest", "nearest-exact", "trilinear", "area"),
}
FACTORS = (0.1, 0.25, 0.3, 1 / 3, 0.5, 2 / 3, 0.7, 0.9, 1.1, 1.5, 1.7, 2.0, 2.3, 2.5, 2.9, 3.0, 4.1)
SCALE_SIZES = [*range(1, 65), 100, 1000, 12345, 100_000]
EXACT_UP_TO = 500  # sizes searched for float-vs-exact disagreements
PADS = ("ZeroPad", "ConstantPad", "ReflectionPad", "ReplicationPad", "CircularPad")
PAD_SIZES = list(range(1, 7))
PAD_RANGE = range(-4, 7)
AXES_CASES = 200  # random all-axes cases per op and rank
FIRST = slice(2, 3)  # the first spatial axis of a batched tensor
SPATIAL = slice(2, None)
KINDS = {
    "too small": (
        "can't be greater than actual input size",
        "Output size is too small",
        "Invalid computed output size",
        "smaller than kernel size",
        "sizes should be greater than 0",
        "is too small. Calculated output",
        "must be >= 1 in every dimension",
        "length must be non-negative",
        "resulting in an empty dimension",
        "negative dimension",
        "integer multiplication overflow",
    ),
    "padding": (
        "should be at most half",
        "equal to half of kernel size",
        "Padding size should be less than",
        "wrapping around more than once",
    ),
    "output_padding": ("output padding must be smaller",),
    # No check but PyTorch's own copying failing: circular padding that crops one side and
    # wraps the other, and oneDNN's transposed convolutions.
    "internal": (
        "refer to a single memory location",
        "doesn't match the broadcast shape",
        "must match the size of tensor b",
        "could not construct a memory descriptor",
    ),
    "channels": ("'channel' dimension to be divisible",),
    "height": ("expects height to be divisible",),
    "width": ("expects width to be divisible",),
    "factor": ("expects a positive",),
    "dim": ("Dimension out of range",),
    "order": ("start_dim cannot come after end_dim",),
    "product": ("don't multiply up",),
    "inferred": ("only one dimension can be inferred",),
}
MESSAGES: dict[str, list[str]] = {}  # each message seen, digits masked -> [kind, example]


def versions() -> dict[str, str]:
    return {
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "script": "tools/record_sizes.py",
    }


def error_kind(error: Exception) -> str:
    """Name the kind of a PyTorch error by its message; raise on a message never seen."""
    message = " ".join(line for line in str(error).splitlines()[:2] if line)
    for kind, needles in KINDS.items():
        if any(needle in message for needle in needles):
            masked = re.sub(r"#(?:(?:, | x |x)#)*", "#", re.sub(r"-?\d+", "#", message))
            MESSAGES.setdefault(masked, [kind, message])
            return kind
    raise error


def attempt(axes: slice, run: Callable[..., torch.Tensor], *args: Any, **kwargs: Any) -> Any:
    """Return the sizes `axes` selects of `run`'s output, or the kind of error it raises.

    The first spatial axis alone comes back as a number, not a list.
    """
    try:
        sizes = list(run(*args, **kwargs).shape[axes])
    except (RuntimeError, ValueError, IndexError) as error:
        return error_kind(error)
    return sizes[0] if axes == FIRST else sizes


def tensor(sizes: int | tuple[int, ...] | list[int]) -> torch.Tensor:
    """A batch of one single-channel sample of these spatial sizes."""
    return torch.zeros(1, 1, *([sizes] if isinstance(sizes, int) else sizes))


def first_axis(value: Any, rank: int, rest: Any) -> Any:
    """An argument per axis: `value` on the first spatial axis, `rest` on the others."""
    return value if rank == 1 else (value, *[rest] * (rank - 1))


def sliding(op: str, rank: int, x: torch.Tensor, args: dict[str, Any]) -> torch.Tensor:
    """Run the functional form of `op` in `rank` dimensions with per-axis arguments."""
    run = getattr(functional, f"{op}{rank}d")
    k, s, p, d = args["kernel"], args["stride"], args["padding"], args["dilation"]
    if op in ("conv", "conv_transpose"):
        weight = torch.zeros(1, 1, *(k if isinstance(k, tuple) else (k,)))
        if op == "conv":
            return run(x, weight, stride=s, padding=p, dilation=d)
        return run(
            x, weight, stride=s, padding=p, output_padding=args["output_padding"], dilation=d
        )
    if op == "max_pool":
        return run(x, k, s, p, d, ceil_mode=args["ceil_mode"])
    if op == "avg_pool":
        return run(x, k, s, p, ceil_mode=args["ceil_mode"])
    return run(x, 2, k, s, ceil_mode=args["ceil_mode"])  # lp_pool: no padding, no dilation


def grid_row(op: str, rank: int, case: dict[str, Any]) -> list[Any]:
    """One row of a grid: the arguments, then the output size at every size of SIZES."""
    args = {
        name: first_axis(value, rank, NEUTRAL[name]) if name in NEUTRAL else value
        for name, value in case.items()
    }
    args.setdefault("ceil_mode", False)
    outputs = [
        attempt(FIRST, sliding, op, rank, tensor(first_axis(size, rank, 1)), args) for size in SIZES
    ]
    return [*case.values(), outputs]


def wanted(op: str, case: dict[str, Any]) -> bool:
    """Whether `op` takes the grid's `case`: only what PyTorch's op has an argument for."""
    if op == "conv" and case["ceil_mode"]:
        return False
    if op not in ("conv", "max_pool") and case["dilation"] != 1:
        return False
    return not (op == "lp_pool" and case["padding"])


def record_windows() -> dict[str, Any]:
    rows = []
    for rank, op in itertools.product(RANKS, SLIDING[:4]):
        for values in itertools.product(*WINDOW_GRID.values()):
            case = dict(zip(WINDOW_GRID, values, strict=True))
            if wanted(op, case):
                rows.append([op, rank, *grid_row(op, rank, case)])
    return {"sizes": SIZES, "columns": ["op", "rank", *WINDOW_GRID, "outputs"], "cases": rows}


def record_transposed() -> dict[str, Any]:
    rows = []
    for rank, values in itertools.product(RANKS, itertools.product(*TRANSPOSED_GRID.values())):
        case = dict(zip(TRANSPOSED_GRID, values, strict=True))
        rows.append([rank, *grid_row("conv_transpose", rank, case)])
    return {"sizes": SIZES, "columns": ["rank", *TRANSPOSED_GRID, "outputs"], "cases": rows}


def random_case(draw: random.Random, op: str, rank: int) -> dict[str, Any]:
    """Each axis its own size and arguments, within the grids' ranges."""

    def axes(low: int, high: int, used: bool = True) -> tuple[int, ...]:
        return tuple(draw.randint(low, high) if used else low for _ in range(rank))

    return {
        "size": axes(1, 12),
        "kernel": axes(1, 5),
        "stride": axes(1, 4),
        "padding": axes(0, 3, op != "lp_pool"),
        "dilation": axes(1, 3, op in ("conv", "max_pool", "conv_transpose")),
        "ceil_mode": draw.random() < 0.5 and op not in ("conv", "conv_transpose"),
        "output_padding": axes(0, 3, op == "conv_transpose"),
    }


def record_window_axes() -> dict[str, Any]:
    draw = random.Random(12)
    rows = []
    for rank, op, _ in itertools.product((2, 3), SLIDING, range(AXES_CASES)):
        case = random_case(draw, op, rank)
        out = attempt(SPATIAL, sliding, op, rank, tensor(case["size"]), case)
        rows.append([op, rank, *case.values(), out])
    columns = ["op", "rank", "size", "kernel", "stride", "padding", "dilation", "ceil_mode"]
    return {"columns": [*columns, "output_padding", "output"], "cases": rows}


def upsample(x: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    return nn.Upsample(**kwargs)(x)


def record_scale() -> dict[str, Any]:
    """Every mode of each rank by one factor on the first axis, recomputed or not."""
    rows = []
    for rank in RANKS:
        for mode, factor, recompute in itertools.product(MODES[rank], FACTORS, (None, True)):
            scale = first_axis(factor, rank, 1.0)
            outputs = [
                attempt(
                    FIRST,
                    upsample,
                    tensor(first_axis(size, rank, 1)),
                    scale_factor=scale,
                    mode=mode,
                    recompute_scale_factor=recompute,
                )
                for size in SCALE_SIZES
            ]
            rows.append([mode, rank, factor, recompute, outputs])
    columns = ["mode", "rank", "scale_factor", "recompute_scale_factor", "outputs"]
    return {"sizes": SCALE_SIZES, "columns": columns, "cases": rows}


def record_scale_axes() -> dict[str, Any]:
    """Every axis scaled by its own factor; and `size` targets (0 included)."""
    draw = random.Random(13)
    rows = []
    for rank in RANKS:
        for mode, _ in itertools.product(MODES[rank], range(20)):
            axes = [draw.choice(SCALE_SIZES[:65]) for _ in range(rank)]  # up to 100
            scale = [draw.choice(FACTORS) for _ in range(rank)]
            out = attempt(SPATIAL, upsample, tensor(axes), scale_factor=tuple(scale), mode=mode)
            rows.append([mode, rank, axes, scale, out])
    targets = []
    for rank, first, target in itertools.product(RANKS, (1, 5, 64), (0, 1, 7, 100)):
        sizes = [first, *[2] * (rank - 1)]
        goal = [target, *[3] * (rank - 1)]
        for mode in MODES[rank]:
            out = attempt(SPATIAL, upsample, tensor(sizes), size=tuple(goal), mode=mode)
            targets.append([mode, rank, sizes, goal, out])
    return {
        "scale_axes": {
            "columns": ["mode", "rank", "size", "scale_factor", "output"],
            "cases": rows,
        },
        "resize": {"columns": ["mode", "rank", "size", "target", "output"], "cases": targets},
    }


def record_float_vs_exact() -> dict[str, Any]:
    """The sizes where ⌊size·factor⌋ in doubles, on the exact value of the double, and on the
    decimal the factor is written as do not all agree, with what PyTorch makes of them."""
    rows = []
    for factor, size in itertools.product(FACTORS, range(1, EXACT_UP_TO + 1)):
        rounded = math.floor(float(size) * factor)
        binary = math.floor(size * Fraction(factor))
        decimal = math.floor(size * Fraction(repr(factor)))
        if rounded == binary == decimal:
            continue
        for recompute in (None, True):
            x = tensor([size])
            out = attempt(FIRST, upsample, x, scale_factor=factor, recompute_scale_factor=recompute)
            rows.append([size, factor, recompute, out, rounded, binary, decimal])
    columns = ["size", "scale_factor", "recompute_scale_factor", "output", "float", "binary"]
    return {"columns": [*columns, "decimal"], "cases": rows}


def pad(x: torch.Tensor, kind: str, padding: tuple[int, ...]) -> torch.Tensor:
    layer = getattr(nn, f"{kind}{x.dim() - 2}d")
    return (layer(padding, 0.0) if kind == "ConstantPad" else layer(padding))(x)


def record_padding() -> dict[str, Any]:
    """Each padding layer, `before` and `after` on the first spatial axis (the last pair)."""
    rows = []
    for kind, rank, before, after in itertools.product(PADS, RANKS, PAD_RANGE, PAD_RANGE):
        padding = (0, 0) * (rank - 1) + (before, after)
        outputs = [
            attempt(FIRST, pad, tensor(first_axis(size, rank, 1)), kind, padding)
            for size in PAD_SIZES
        ]
        rows.append([kind, rank, before, after, outputs])
    columns = ["kind", "rank", "before", "after", "outputs"]
    return {"sizes": PAD_SIZES, "columns": columns, "cases": rows}


def record_padding_axes() -> dict[str, Any]:
    """Every axis its own size and padding; `padding` as PyTorch takes it, last axis first."""
    draw = random.Random(14)
    rows = []
    for kind, rank, _ in itertools.product(PADS, RANKS, range(60)):
        size = [draw.randint(1, 6) for _ in range(rank)]
        padding = tuple(draw.randint(-3, 5) for _ in range(2 * rank))
        rows.append(
            [kind, rank, size, list(padding), attempt(SPATIAL, pad, tensor(size), kind, padding)]
        )
    return {"columns": ["kind", "rank", "size", "padding", "output"], "cases": rows}


def shuffle(op: str, factor: int, shape: tuple[int, ...]) -> torch.Tensor:
    return getattr(nn, op)(factor)(torch.zeros(1, *shape))


def record_pixel_shuffle() -> dict[str, Any]:
    """PixelShuffle by channels, PixelUnshuffle by H and W: the output C, H, W or the error."""
    rows = []
    channels = [(c, 2, 3) for c in range(1, 19)]
    sizes = [(2, h, w) for h, w in itertools.product(range(1, 9), repeat=2)]
    for op, shapes in (("PixelShuffle", channels), ("PixelUnshuffle", channels[:4] + sizes)):
        for factor, shape in itertools.product(range(5), shapes):
            rows.append(
                [op, factor, list(shape), attempt(slice(1, None), shuffle, op, factor, shape)]
            )
    return {"columns": ["op", "factor", "input", "output"], "cases": rows}


FLATTEN_INPUT = [2, 3, 4, 5]  # a batch of 2 included: dims count the batch, as in PyTorch
UNFLATTEN_INPUT = [2, 12, 3]
UNFLATTEN_SIZES = [(3, 4), (2, 6), (-1, 4), (4, -1), (-1, -1), (5, -1), (2, 3), (0, -1), (12,)]
UNFLATTEN_SIZES += [(1, 12, 1), (2, 2, 3), (-1,), (3,), (1, 3), (3, 1), (1, -1, 1)]


def reshape(layer: nn.Module, sizes: list[int]) -> torch.Tensor:
    return layer(torch.zeros(*sizes))


def record_flatten() -> dict[str, Any]:
    """Flatten over every start and end dim; Unflatten over dims and sizes; batch included."""
    everything = slice(None)
    flat = [
        [start, end, attempt(everything, reshape, nn.Flatten(start, end), FLATTEN_INPUT)]
        for start, end in itertools.product(range(-5, 5), repeat=2)
    ]
    unflat = [
        [dim, list(sizes), attempt(everything, reshape, nn.Unflatten(dim, sizes), UNFLATTEN_INPUT)]
        for dim, sizes in itertools.product(range(-4, 4), UNFLATTEN_SIZES)
    ]
    columns = ["start_dim", "end_dim", "output"]
    return {
        "flatten": {"input": FLATTEN_INPUT, "columns": columns, "cases": flat},
        "unflatten": {
            "input": UNFLATTEN_INPUT,
            "columns": ["dim", "unflattened_size", "output"],
            "cases": unflat,
        },
    }


# Transposed convolutions with an output below 1 on one axis, which oneDNN either returns
# (an empty tensor) or fails on with its own error, while the reference kernels refuse them.
ONEDNN_CASES = [
    (2, (1, 6), (5, 4), (4, 2), (3, 2), (1, 2), (1, 0)),
    (2, (1, 1), (5, 4), (4, 2), (3, 2), (1, 2), (1, 0)),
    (2, (1, 6), (5, 4), (4, 2), (3, 2), (1, 1), (1, 0)),
    (2, (1, 6), (5, 4), (4, 2), (3, 2), (1, 2), (0, 0)),
    (2, (1, 6), (4, 4), (1, 1), (3, 2), (1, 2), (0, 0)),
    (2, (2, 3), (1, 3), (1, 1), (1, 1), (1, 1), (0, 0)),
]


def record_onednn() -> dict[str, Any]:
    """ONEDNN_CASES with PyTorch's default backend and with its reference kernels."""
    rows = []
    for rank, *values in ONEDNN_CASES:
        case = dict(zip(["size", *TRANSPOSED_GRID], values, strict=True))
        x = tensor(case["size"])
        default = attempt(SPATIAL, sliding, "conv_transpose", rank, x, case)
        with reference():
            checked = attempt(SPATIAL, sliding, "conv_transpose", rank, x, case)
        rows.append([rank, *values, default, checked])
    columns = ["rank", "size", *TRANSPOSED_GRID, "default", "reference"]
    return {"threads": torch.get_num_threads(), "columns": columns, "cases": rows}


@contextmanager
def reference() -> Iterator[None]:
    """Run PyTorch's reference kernels, not oneDNN's, and keep its warnings quiet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.backends.mkldnn.flags(enabled=False):
            yield


def record() -> dict[str, Any]:
    data: dict[str, Any] = {"recorded_with": versions()}
    with reference():
        data["windows"] = record_windows()
        data["transposed"] = record_transposed()
        data["window_axes"] = record_window_axes()
        data["scale"] = record_scale()
        data |= record_scale_axes()
        data["float_vs_exact"] = record_float_vs_exact()
        data["padding"] = record_padding()
        data["padding_axes"] = record_padding_axes()
        data["pixel_shuffle"] = record_pixel_shuffle()
        data |= record_flatten()
    data["onednn"] = record_onednn()
    data["messages"] = {pattern: MESSAGES[pattern] for pattern in sorted(MESSAGES)}
    return data


def main() -> None:
    path = DATA / "torch_sizes.json"
    path.write_text(json.dumps(record(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(DATA.parent.parent)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
