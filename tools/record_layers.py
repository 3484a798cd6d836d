"""Record what PyTorch says of each layer kind of issue 12, case by case, as test data.

Run where torch and torchvision are installed (never a dependency of shapecalc), see
tools/record_torch.py:

    /tmp/tv/bin/python tools/record_layers.py

It writes tests/data/torch_layers.json: for each case its id, the layer's class, its
arguments as a spec writes them, and the input shape without the batch; then what PyTorch
made of it on a batch of two in eval mode: the output shape without the batch, the batch
size out, `sum(p.numel() for p in module.parameters())` and FlopCounterMode's total, or
the error it raised (at construction or in forward) and its message's first line; the
warnings it gave; and, for layers that move positions along spatial axes, each axis's
receptive field as measured from gradients (`field`: the largest field over every output
position, the largest step between neighbouring outputs, and where the output starts in the
input, see `measure`).

Arguments a spec may leave out because the input sets them (num_features, num_channels)
are filled in from the input for PyTorch. CenterCrop is torchvision.transforms.CenterCrop.
"""

from __future__ import annotations

import itertools
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import torch
import torchvision
import torchvision.models.swin_transformer as swin
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
BATCH = 2
CASES: list[dict[str, Any]] = []
SHAPES = {"vector": (7,), "1d": (3, 5), "2d": (3, 4, 5), "3d": (2, 3, 4, 5)}


def case(label: str, kind: str, args: dict[str, Any], shape: tuple[int, ...]) -> None:
    """Add a case: `kind(**args)` on one sample of `shape`; its id is `kind-label`."""
    name = f"{kind}-{label}"
    assert all(other["id"] != name for other in CASES), name
    CASES.append({"id": name, "kind": kind, "args": args, "input": list(shape)})


def norms() -> None:
    for label, shape in (("vector", (5,)), ("1d", (5, 7)), ("1d-one", (5, 1))):
        case(label, "BatchNorm1d", {}, shape)
    case("stated", "BatchNorm1d", {"num_features": 5}, (5, 7))
    case("stated-wrong", "BatchNorm1d", {"num_features": 4}, (5, 7))
    case("stated-wrong-vector", "BatchNorm1d", {"num_features": 4}, (5,))
    untracked = {"num_features": 4, "track_running_stats": False}
    case("stated-wrong-untracked", "BatchNorm1d", untracked, (5, 7))
    case(
        "stated-wrong-bare",
        "BatchNorm1d",
        {"num_features": 4, "affine": False, "track_running_stats": False},
        (5, 7),
    )
    case("not-affine", "BatchNorm1d", {"affine": False, "momentum": None}, (5, 7))
    case("2d", "BatchNorm1d", {}, (5, 7, 7))
    case("3d", "BatchNorm1d", {}, (5, 2, 3, 4))
    case("odd", "BatchNorm2d", {}, (64, 7, 9))
    case("one", "BatchNorm2d", {"eps": 0.001, "momentum": 0.01}, (3, 1, 1))
    case("stated-wrong", "BatchNorm2d", {"num_features": 32}, (64, 9, 9))
    case("not-affine", "BatchNorm2d", {"affine": False}, (6, 3, 3))
    for label in ("vector", "1d", "3d"):
        case(label, "BatchNorm2d", {}, SHAPES[label])
    case("odd", "BatchNorm3d", {}, (5, 2, 3, 7))
    case("stated-wrong", "BatchNorm3d", {"num_features": 4}, (5, 2, 3, 4))
    case("not-affine", "BatchNorm3d", {"affine": False}, (5, 2, 3, 4))
    for label in ("vector", "1d", "2d"):
        case(label, "BatchNorm3d", {}, SHAPES[label])
    instance_norms()
    group_norms()
    layer_norms()


def instance_norms() -> None:
    ones = {1: (5, 1), 2: (5, 1, 1), 3: (5, 1, 1, 1)}
    for rank, shape in ((1, (5, 7)), (2, (5, 3, 4)), (3, (5, 2, 3, 3))):
        kind = f"InstanceNorm{rank}d"
        one = ones[rank]
        case("default", kind, {}, shape)
        case("affine", kind, {"affine": True}, shape)
        case("tracked", kind, {"track_running_stats": True}, shape)
        case("one-position", kind, {}, one)
        case("one-position-tracked", kind, {"track_running_stats": True}, one)
        case("stated-wrong", kind, {"num_features": 4}, shape)
        case("stated-wrong-affine", kind, {"num_features": 4, "affine": True}, shape)
        case("stated-wrong-tracked", kind, {"num_features": 4, "track_running_stats": True}, shape)
        for label, other in SHAPES.items():
            if len(other) != rank + 1:
                case(label, kind, {}, other)


def group_norms() -> None:
    for label, shape in (("vector", (6,)), ("1d", (6, 5)), ("2d", (6, 3, 3)), ("3d", (6, 5, 2, 2))):
        case(label, "GroupNorm", {"num_groups": 2}, shape)
    case("stated", "GroupNorm", {"num_groups": 3, "num_channels": 6}, (6, 3, 3))
    case("stated-indivisible", "GroupNorm", {"num_groups": 4, "num_channels": 6}, (6, 3, 3))
    case("stated-wrong", "GroupNorm", {"num_groups": 2, "num_channels": 6}, (8, 3, 3))
    case(
        "stated-wrong-not-affine",
        "GroupNorm",
        {"num_groups": 2, "num_channels": 6, "affine": False},
        (8, 3, 3),
    )
    case("indivisible", "GroupNorm", {"num_groups": 2}, (7, 3, 3))
    case("indivisible-vector", "GroupNorm", {"num_groups": 4}, (6,))
    case("not-affine", "GroupNorm", {"num_groups": 2, "affine": False}, (6, 3, 3))
    case("per-channel", "GroupNorm", {"num_groups": 6, "eps": 0.001}, (6, 1, 1))
    case("one-group", "GroupNorm", {"num_groups": 1}, (6, 4, 4))


def layer_norms() -> None:
    case("int", "LayerNorm", {"normalized_shape": 7}, (5, 7))
    case("vector", "LayerNorm", {"normalized_shape": 10}, (10,))
    case("list", "LayerNorm", {"normalized_shape": [5, 7]}, (5, 7))
    case("whole-2d", "LayerNorm", {"normalized_shape": [3, 5, 7]}, (3, 5, 7))
    case("last-of-3d", "LayerNorm", {"normalized_shape": [9]}, (4, 2, 8, 9))
    case("no-bias", "LayerNorm", {"normalized_shape": [5, 7], "bias": False}, (5, 7))
    case("not-affine", "LayerNorm", {"normalized_shape": 7, "elementwise_affine": False}, (5, 7))
    case("wrong", "LayerNorm", {"normalized_shape": [4, 7]}, (5, 7))
    case("wrong-last", "LayerNorm", {"normalized_shape": 6}, (5, 7))
    case("longer", "LayerNorm", {"normalized_shape": [3, 5, 7]}, (5, 7))
    case("with-batch", "LayerNorm", {"normalized_shape": [2, 5, 7]}, (5, 7))
    case("empty", "LayerNorm", {"normalized_shape": []}, (5, 7))
    case("zero", "LayerNorm", {"normalized_shape": 0}, (5, 7))
    case("int", "RMSNorm", {"normalized_shape": 3}, (6, 3))
    case("list", "RMSNorm", {"normalized_shape": [4, 5], "eps": 1e-6}, (3, 4, 5))
    case("not-affine", "RMSNorm", {"normalized_shape": [3], "elementwise_affine": False}, (6, 3))
    case("wrong", "RMSNorm", {"normalized_shape": [4]}, (6, 3))
    case("map", "LayerNorm2d", {"normalized_shape": 6}, (6, 3, 4))
    case("eps", "LayerNorm2d", {"normalized_shape": 6, "eps": 1e-6}, (6, 1, 1))
    case(
        "not-affine", "LayerNorm2d", {"normalized_shape": 6, "elementwise_affine": False}, (6, 3, 4)
    )
    case("wrong", "LayerNorm2d", {"normalized_shape": 4}, (6, 3, 4))
    case("1d", "LayerNorm2d", {"normalized_shape": 6}, (6, 3))
    for label in ("1d", "2d", "3d"):
        case(label, "LocalResponseNorm", {"size": 2}, SHAPES[label])
    case("wide", "LocalResponseNorm", {"size": 9, "alpha": 0.001, "beta": 0.5, "k": 2.0}, (3, 4, 4))
    case("vector", "LocalResponseNorm", {"size": 2}, (5,))
    case("zero", "LocalResponseNorm", {"size": 0}, (5, 3))


KEEPING: list[tuple[str, dict[str, Any]]] = [
    ("ELU", {"alpha": 0.5}),
    ("CELU", {"alpha": 2.0}),
    ("SELU", {}),
    ("Hardtanh", {"min_val": -2.0, "max_val": 3.0}),
    ("Hardshrink", {"lambd": 0.3}),
    ("Softshrink", {"lambd": 0.0}),
    ("Tanhshrink", {}),
    ("LogSigmoid", {}),
    ("Softplus", {"beta": 2.0, "threshold": 10.0}),
    ("Softsign", {}),
    ("Mish", {}),
    ("RReLU", {"lower": 0.1, "upper": 0.3}),
    ("Threshold", {"threshold": 0.1, "value": 20.0}),
    ("AlphaDropout", {"p": 0.2}),
    ("FeatureAlphaDropout", {"p": 0.2}),
    ("Dropout3d", {"p": 0.3}),
    ("PReLU", {}),
    ("Softmin", {"dim": 1}),
    ("Identity", {}),
    ("ReLU", {"inplace": True}),
    ("ReLU6", {}),
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("SiLU", {}),
    ("Hardswish", {}),
    ("Hardsigmoid", {}),
    ("Sigmoid", {}),
    ("Tanh", {}),
    ("GELU", {"approximate": "tanh"}),
    ("Dropout", {"p": 0.1}),
    ("Dropout2d", {"p": 0.1}),
    ("StochasticDepth", {"p": 0.2, "mode": "row"}),
]


def elementwise() -> None:
    for kind, args in KEEPING:
        for label, shape in SHAPES.items():
            case(label, kind, args, shape)
    for kind in ("ELU", "CELU", "SELU", "Mish", "Softplus", "Hardtanh", "RReLU", "Dropout3d"):
        case("defaults", kind, {}, (3, 4, 4))
    case("inplace", "ELU", {"alpha": -1.0, "inplace": True}, (3, 4))
    case("alpha-zero", "CELU", {"alpha": 0.0}, (3, 4))
    case("equal", "Hardtanh", {"min_val": 1.0, "max_val": 1.0}, (3, 4))
    case("inverted", "Hardtanh", {"min_val": 2.0, "max_val": 1.0}, (3, 4))
    case("negative", "Hardshrink", {"lambd": -1.0}, (3, 4))
    case("negative", "Softshrink", {"lambd": -1.0}, (3, 4))
    case("beta-zero", "Softplus", {"beta": 0.0}, (3, 4))
    case("equal", "RReLU", {"lower": 0.2, "upper": 0.2}, (3, 4))
    case("inverted", "RReLU", {"lower": 0.5, "upper": 0.1}, (3, 4))
    case("missing-value", "Threshold", {"threshold": 0.1}, (3, 4))
    case("p-over", "AlphaDropout", {"p": 1.5}, (3, 4))
    case("p-under", "FeatureAlphaDropout", {"p": -0.1}, (3, 4))
    for label, shape in SHAPES.items():
        case(label, "Dropout1d", {"p": 0.2}, shape)
    case("p-over", "Dropout1d", {"p": 1.5}, (3, 4))
    case("channels", "PReLU", {"num_parameters": 5, "init": 0.1}, (5, 3))
    case("channels-2d", "PReLU", {"num_parameters": 5}, (5, 3, 3))
    case("features", "PReLU", {"num_parameters": 5}, (5,))
    case("wrong", "PReLU", {"num_parameters": 4}, (5, 3))
    case("wrong-vector", "PReLU", {"num_parameters": 4}, (5,))
    case("zero", "PReLU", {"num_parameters": 0}, (5,))
    softmaxes()
    glu()


def softmaxes() -> None:
    for kind in ("Softmax", "LogSoftmax", "Softmin"):
        for label, shape in SHAPES.items():
            case(f"implicit-{label}", kind, {}, shape)
    for dim in (-4, -3, -2, -1, 0, 1, 2, 3):
        case(f"dim{dim}", "Softmax", {"dim": dim}, (3, 5))
    case("dim3-2d", "Softmax", {"dim": 3}, (3, 4, 5))
    case("dim4-3d", "LogSoftmax", {"dim": 4}, (2, 3, 4, 5))
    case("dim-6-3d", "LogSoftmax", {"dim": -6}, (2, 3, 4, 5))
    case("dim2-vector", "Softmin", {"dim": 2}, (7,))
    for label, shape in SHAPES.items():
        case(label, "Softmax2d", {}, shape)


def glu() -> None:
    case("default", "GLU", {}, (5, 4))
    case("vector", "GLU", {}, (8,))
    case("odd", "GLU", {}, (5, 5))
    case("odd-vector", "GLU", {}, (7,))
    case("channels", "GLU", {"dim": 1}, (6, 5))
    case("channels-odd", "GLU", {"dim": 1}, (5, 4, 4))
    case("height", "GLU", {"dim": 2}, (3, 8, 5))
    case("depth", "GLU", {"dim": -3}, (2, 6, 3, 4))
    case("width-3d", "GLU", {"dim": 4}, (2, 3, 4, 10))
    case("batch", "GLU", {"dim": 0}, (6, 5))
    case("batch-negative", "GLU", {"dim": -3}, (6, 5))
    case("range", "GLU", {"dim": 3}, (6, 5))
    case("range-negative", "GLU", {"dim": -4}, (6, 5))


def reshapes() -> None:
    case("2x", "PixelShuffle", {"upscale_factor": 2}, (8, 3, 5))
    case("3x", "PixelShuffle", {"upscale_factor": 3}, (18, 2, 1))
    case("1x", "PixelShuffle", {"upscale_factor": 1}, (6, 3, 5))
    case("indivisible", "PixelShuffle", {"upscale_factor": 2}, (6, 3, 5))
    case("vector", "PixelShuffle", {"upscale_factor": 2}, (8,))
    case("1d", "PixelShuffle", {"upscale_factor": 2}, (8, 3))
    case("3d", "PixelShuffle", {"upscale_factor": 2}, (3, 8, 3, 3))
    case("zero", "PixelShuffle", {"upscale_factor": 0}, (8, 3, 5))
    case("2x", "PixelUnshuffle", {"downscale_factor": 2}, (3, 4, 6))
    case("3x", "PixelUnshuffle", {"downscale_factor": 3}, (2, 6, 9))
    case("1x", "PixelUnshuffle", {"downscale_factor": 1}, (2, 5, 7))
    case("odd-height", "PixelUnshuffle", {"downscale_factor": 2}, (3, 5, 6))
    case("odd-width", "PixelUnshuffle", {"downscale_factor": 2}, (3, 4, 5))
    case("vector", "PixelUnshuffle", {"downscale_factor": 2}, (8,))
    case("1d", "PixelUnshuffle", {"downscale_factor": 2}, (3, 4))
    case("3d", "PixelUnshuffle", {"downscale_factor": 2}, (3, 4, 4, 4))
    case("zero", "PixelUnshuffle", {"downscale_factor": 0}, (3, 4, 4))
    for label in ("1d", "2d", "3d"):
        case(label, "ChannelShuffle", {"groups": 3}, (6, *SHAPES[label][1:]))
    case("vector", "ChannelShuffle", {"groups": 2}, (4,))
    case("indivisible", "ChannelShuffle", {"groups": 3}, (4, 3, 3))
    case("one", "ChannelShuffle", {"groups": 1}, (4, 3, 3))
    case("all", "ChannelShuffle", {"groups": 4}, (4, 3, 3))
    case("zero", "ChannelShuffle", {"groups": 0}, (4, 3, 3))
    unflatten = [
        ("vector", 1, [2, 3], (6,)),
        ("inferred", 1, [2, -1], (6,)),
        ("inferred-first", 1, [-1, 3, 1], (6,)),
        ("inferred-indivisible", 1, [4, -1], (6,)),
        ("two-inferred", 1, [-1, -1], (6,)),
        ("wrong", 1, [2, 2], (6,)),
        ("last", -1, [2, 3], (4, 6)),
        ("channels", 1, [3, 4], (12, 3, 4)),
        ("height", 2, [2, 6], (3, 12, 5)),
        ("to-map", 1, [3, 4, 5], (60,)),
        ("batch", 0, [2, 1], (4, 6)),
        ("batch-negative", -3, [1, 2], (4, 6)),
        ("range", 3, [2, 3], (4, 6)),
        ("range-negative", -4, [2, 3], (4, 6)),
        ("empty", 1, [], (6,)),
        ("zero", 1, [0, 6], (6,)),
        ("negative", 1, [-2, -3], (6,)),
        ("single", 1, [6], (6,)),
        ("int", 1, 6, (6,)),
    ]
    for label, dim, sizes, shape in unflatten:
        case(label, "Unflatten", {"dim": dim, "unflattened_size": sizes}, shape)
    permutes = [
        ("channels-last", [0, 2, 3, 1], (6, 3, 4)),
        ("channels-first", [0, 3, 1, 2], (3, 4, 6)),
        ("swap", [0, 1, 3, 2], (6, 3, 4)),
        ("3d", [0, 2, 3, 4, 1], (2, 3, 4, 5)),
        ("same", [0, 1], (5,)),
        ("short", [0, 2, 1], (6, 3, 4)),
        ("batch", [1, 0, 2, 3], (6, 3, 4)),
        ("repeated", [0, 1, 1, 2], (6, 3, 4)),
    ]
    for label, dims, shape in permutes:
        case(label, "Permute", {"dims": dims}, shape)
    chunks = [
        ("halves", {"chunks": 2, "index": 0}, (6, 3, 4)),
        ("second-half", {"chunks": 2, "index": 1}, (6, 3, 4)),
        ("uneven-last", {"chunks": 2, "index": 1}, (5, 3, 4)),
        ("fewer", {"chunks": 4, "index": 2}, (6, 3)),
        ("none-left", {"chunks": 4, "index": 3}, (6, 3)),
        ("height", {"chunks": 3, "index": 2, "dim": 2}, (2, 7, 3)),
        ("last", {"chunks": 2, "index": 0, "dim": -1}, (2, 3, 5)),
        ("vector", {"chunks": 3, "index": 1}, (7,)),
    ]
    for label, args, shape in chunks:
        case(label, "Chunk", args, shape)
    narrows = [
        ("channels", {"dim": 1, "start": 2, "length": 3}, (6, 3, 4)),
        ("all", {"dim": 1, "start": 0, "length": 6}, (6, 3)),
        ("empty", {"dim": 1, "start": 6, "length": 0}, (6, 3)),
        ("negative", {"dim": -1, "start": -2, "length": 2}, (2, 3, 5)),
        ("past-end", {"dim": 1, "start": 4, "length": 3}, (6, 3)),
        ("start-past", {"dim": 2, "start": 4, "length": 0}, (6, 3)),
        ("vector", {"dim": 1, "start": 1, "length": 5}, (7,)),
    ]
    for label, args, shape in narrows:
        case(label, "Narrow", args, shape)
    swaps: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("windows", {"dim0": -2, "dim1": -3}, (6, 49, 8)),
        ("channels-last", {"dim0": 1, "dim1": 3}, (6, 3, 4)),
        ("same", {"dim0": 2, "dim1": -2}, (6, 3, 4)),
        ("batch", {"dim0": 0, "dim1": 1}, (6, 3)),
        ("range", {"dim0": 1, "dim1": 3}, (6, 3)),
    ]
    for label, args, shape in swaps:
        case(label, "SwapAxes", args, shape)


def attention() -> None:
    heads = [
        ("map", {"num_heads": 2, "key_dim": 3, "head_dim": 4}, (20, 3, 5)),
        ("one-head", {"num_heads": 1, "key_dim": 2, "head_dim": 8}, (12, 4, 4)),
        ("signal", {"num_heads": 2, "key_dim": 1, "head_dim": 2}, (8, 7)),
        ("volume", {"num_heads": 1, "key_dim": 2, "head_dim": 2}, (6, 2, 3, 2)),
        ("wrong-channels", {"num_heads": 2, "key_dim": 3, "head_dim": 4}, (21, 3, 5)),
    ]
    for label, args, shape in heads:
        case(label, "QKVAttention", args, shape)
    sequences = [
        ("tokens", {"embed_dim": 8, "num_heads": 2}, (5, 8)),
        ("one-head", {"embed_dim": 6, "num_heads": 1}, (3, 6)),
        ("one-token", {"embed_dim": 4, "num_heads": 4}, (1, 4)),
        ("wrong-features", {"embed_dim": 8, "num_heads": 2}, (5, 7)),
        ("indivisible", {"embed_dim": 6, "num_heads": 4}, (5, 6)),
    ]
    for label, args, shape in sequences:
        case(label, "MultiHeadAttentionForward", args, shape)


def windows() -> None:
    """Swin's and MaxViT's work in forward(): windows, merging, partitions."""
    shifted: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("whole-windows", {"window_size": [7, 7], "num_heads": 3}, (14, 14, 12)),
        ("shifted", {"window_size": [7, 7], "shift_size": [3, 3], "num_heads": 3}, (14, 14, 12)),
        ("padded", {"window_size": [7, 7], "shift_size": [3, 3], "num_heads": 2}, (9, 16, 8)),
        ("smaller", {"window_size": [8, 8], "shift_size": [4, 4], "num_heads": 1}, (3, 2, 4)),
        ("oblong", {"window_size": [2, 3], "num_heads": 2}, (5, 7, 6)),
        ("indivisible", {"window_size": [7, 7], "num_heads": 5}, (7, 7, 12)),
        ("vector", {"window_size": [7, 7], "num_heads": 1}, (7, 8)),
    ]  # fmt: skip
    for label, args, shape in shifted:
        case(label, "ShiftedWindowAttentionForward", args, shape)
    for label, shape in [("even", (6, 8, 5)), ("odd", (7, 5, 3)), ("one", (1, 1, 4))]:
        case(label, "PatchMerge", {}, shape)
    case("vector", "PatchMerge", {}, (6, 4))
    case("table", "Buffer", {"dims": [15, 15, 2]}, (3, 4, 5))
    partitions: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("7", {"partition_size": 7}, (6, 14, 21)),
        ("8", {"partition_size": 8}, (4, 56, 56)),
        ("1", {"partition_size": 1}, (3, 2, 5)),
        ("indivisible", {"partition_size": 7}, (4, 57, 56)),
        ("1d", {"partition_size": 7}, (4, 14)),
    ]
    for label, args, shape in partitions:
        case(label, "WindowPartition", args, shape)
    departitions: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("7", {"partition_size": 7, "grid_size": [14, 21]}, (6, 49, 6)),
        ("grid", {"partition_size": 8, "grid_size": [56, 56]}, (49, 64, 4)),
        ("other-map", {"partition_size": 7, "grid_size": [14, 14]}, (16, 49, 4)),
        ("same-elements", {"partition_size": 7, "grid_size": [14, 14]}, (2, 98, 4)),
        ("indivisible", {"partition_size": 7, "grid_size": [60, 60]}, (64, 49, 4)),
    ]
    for label, args, shape in departitions:
        case(label, "WindowDepartition", args, shape)
    attended: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("window", {"head_dim": 4, "max_seq_len": 49, "window": 7}, (6, 49, 24)),
        ("grid", {"head_dim": 2, "max_seq_len": 4}, (9, 4, 12)),
        ("other-length", {"head_dim": 4, "max_seq_len": 49}, (3, 98, 24)),
        ("partial-head", {"head_dim": 4, "max_seq_len": 4}, (3, 4, 18)),
    ]
    for label, args, shape in attended:
        case(label, "PartitionAttentionForward", args, shape)


SIDES = {1: (3,), 2: (3, 4), 3: (2, 3, 4)}  # spatial sizes, one per rank


def pads() -> None:
    for rank in (1, 2, 3):
        spatial = SIDES[rank]
        listed = [1, 2, 0, 3, 2, 0][: 2 * rank]
        cropped = [-1, 2, 1, -2, 0, -1][: 2 * rank]
        for mode, extra in (
            ("Zero", {}),
            ("Constant", {"value": 3.5}),
            ("Reflection", {}),
            ("Replication", {}),
            ("Circular", {}),
        ):
            kind = f"{mode}Pad{rank}d"
            case("int", kind, {"padding": 1, **extra}, (2, *spatial))
            case("list", kind, {"padding": listed, **extra}, (2, *spatial))
            case("crop", kind, {"padding": cropped, **extra}, (2, *spatial))
            case("float", kind, {"padding": 1.5, **extra}, (2, *spatial))
            for label, shape in SHAPES.items():
                near = abs(len(shape) - rank - 1) == 1
                if len(shape) != rank + 1 and (label == "vector" or near):
                    case(label, kind, {"padding": 1, **extra}, shape)
            if rank > 1:
                case("short-list", kind, {"padding": [1, 2], **extra}, (2, *spatial))
                case("long-list", kind, {"padding": [1] * (2 * rank + 2), **extra}, (2, *spatial))
            case("odd-list", kind, {"padding": [1] * (2 * rank - 1), **extra}, (2, *spatial))
    case("missing-value", "ConstantPad1d", {"padding": 2}, (2, 3))
    edges = [
        ("zero-out", (3,), [-2, -1]),
        ("negative-out", (3,), [-3, -1]),
        ("crop-to-one", (5,), [-2, -2]),
        ("wide", (1,), [5, 6]),
        ("size-less-one", (4,), [3, 3]),
        ("size", (4,), [4, 0]),
        ("size-after", (4,), [0, 4]),
        ("over-size", (3,), [5, 0]),
        ("crop-over-size", (3,), [-4, 3]),
        ("crop-far", (4,), [-6, 4]),
        ("crop-wrap", (3,), [2, -4]),
        ("crop-wrap-short", (3,), [1, -3]),
        ("crop-left-pad-right", (5,), [-1, 2]),
        ("crop-all", (3,), [-3, 0]),
        ("crop-then-wrap-over", (2,), [-1, 2]),
    ]
    for mode in ("Zero", "Reflection", "Replication", "Circular"):
        for label, spatial, padding in edges:
            case(label, f"{mode}Pad1d", {"padding": padding}, (2, *spatial))
    axes = [
        ("height-at-size", 2, (2, 3, 5), [1, 1, 3, 0]),
        ("width-at-size", 2, (2, 5, 3), [0, 3, 1, 1]),
        ("depth-at-size", 3, (2, 2, 3, 3), [0, 0, 0, 0, 2, 0]),
        ("depth-crop", 3, (2, 2, 3, 3), [0, 0, 1, 1, -1, 0]),
        ("mixed", 3, (2, 3, 4, 5), [2, -1, 0, 3, 1, 1]),
        ("ones", 2, (2, 1, 1), [0, 0, 0, 0]),
        ("ones-padded", 2, (2, 1, 1), [1, 0, 0, 0]),
    ]
    for mode in ("Zero", "Reflection", "Replication", "Circular"):
        for label, rank, shape, padding in axes:
            case(label, f"{mode}Pad{rank}d", {"padding": padding}, shape)


MODES = {
    1: ("nearest", "nearest-exact", "linear", "area"),
    2: ("nearest", "nearest-exact", "bilinear", "bicubic", "area"),
    3: ("nearest", "nearest-exact", "trilinear", "area"),
}
ODD = {1: (2, 7), 2: (2, 5, 7), 3: (2, 3, 5, 7)}


def upsampling() -> None:
    for rank, modes in MODES.items():
        shape = ODD[rank]
        for mode in modes:
            case(f"{rank}d-{mode}-2x", "Upsample", {"scale_factor": 2, "mode": mode}, shape)
            case(f"{rank}d-{mode}-1.5x", "Upsample", {"scale_factor": 1.5, "mode": mode}, shape)
            case(f"{rank}d-{mode}-half", "Upsample", {"scale_factor": 0.5, "mode": mode}, shape)
            case(f"{rank}d-{mode}-size", "Upsample", {"size": 9, "mode": mode}, shape)
            sizes = [4, 11, 6][:rank]
            case(f"{rank}d-{mode}-sizes", "Upsample", {"size": sizes, "mode": mode}, shape)
            if mode not in ("nearest", "nearest-exact", "area"):
                args = {"scale_factor": 2.3, "mode": mode, "align_corners": True}
                case(f"{rank}d-{mode}-corners", "Upsample", args, shape)
                args = {**args, "align_corners": False}
                case(f"{rank}d-{mode}-not-corners", "Upsample", args, shape)
        factors = [2.3, 0.5, 1.5][:rank]
        case(f"{rank}d-factors", "Upsample", {"scale_factor": factors}, shape)
        args = {"scale_factor": 2.3, "recompute_scale_factor": True}
        case(f"{rank}d-recompute", "Upsample", args, shape)
    upsampling_edges()
    crops()


def upsampling_edges() -> None:
    case("2.3-of-100", "Upsample", {"scale_factor": 2.3}, (1, 100))
    case("1.1-of-10", "Upsample", {"scale_factor": 1.1, "mode": "linear"}, (1, 10))
    case("0.3-of-10", "Upsample", {"scale_factor": 0.3, "mode": "area"}, (1, 10, 10))
    case("one-third-of-9", "Upsample", {"scale_factor": 1 / 3}, (1, 9))
    case("zero-out", "Upsample", {"scale_factor": 0.1}, (2, 5))
    case("zero-out-2d", "Upsample", {"scale_factor": 0.1}, (2, 5, 20))
    case("both", "Upsample", {"size": 4, "scale_factor": 2}, (2, 3))
    case("neither", "Upsample", {}, (2, 3))
    case("neither-mode", "Upsample", {"mode": "bilinear"}, (2, 3, 3))
    case("corners-nearest", "Upsample", {"scale_factor": 2, "align_corners": False}, (2, 3))
    for mode in ("area", "nearest-exact"):
        args = {"scale_factor": 2, "mode": mode, "align_corners": True}
        case(f"corners-{mode.split('-')[-1]}", "Upsample", args, (2, 3))
    case("linear-2d", "Upsample", {"scale_factor": 2, "mode": "linear"}, (2, 3, 3))
    case("bilinear-1d", "Upsample", {"scale_factor": 2, "mode": "bilinear"}, (2, 3))
    case("bicubic-3d", "Upsample", {"scale_factor": 2, "mode": "bicubic"}, (2, 3, 3, 3))
    case("trilinear-2d", "Upsample", {"scale_factor": 2, "mode": "trilinear"}, (2, 3, 3))
    case("lanczos", "Upsample", {"scale_factor": 2, "mode": "lanczos"}, (2, 3, 3))
    case("unknown-mode", "Upsample", {"scale_factor": 2, "mode": "cubic"}, (2, 3, 3))
    case("vector", "Upsample", {"scale_factor": 2}, (2,))
    case("sizes-short", "Upsample", {"size": [4, 5]}, (2, 3, 3, 3))
    case("sizes-long", "Upsample", {"size": [4, 5]}, (2, 3))
    case("factors-long", "Upsample", {"scale_factor": [2.0, 2.0]}, (2, 3))
    case("recompute-size", "Upsample", {"size": 3, "recompute_scale_factor": True}, (2, 5))
    case("recompute-false-size", "Upsample", {"size": 3, "recompute_scale_factor": False}, (2, 5))
    case("size-zero", "Upsample", {"size": 0}, (2, 5))
    case("factor-zero", "Upsample", {"scale_factor": 0}, (2, 5))
    case("factor-negative", "Upsample", {"scale_factor": -2.0}, (2, 5))
    for label, shape in (("2d", (2, 3, 5)), ("1d", (2, 3)), ("3d", (2, 3, 3, 3))):
        case(label, "UpsamplingNearest2d", {"scale_factor": 2}, shape)
    case("size", "UpsamplingNearest2d", {"size": [4, 5]}, (2, 3, 3))
    case("both", "UpsamplingNearest2d", {"size": 4, "scale_factor": 2}, (2, 3, 3))
    case("neither", "UpsamplingNearest2d", {}, (2, 3, 3))
    case("2x", "UpsamplingBilinear2d", {"scale_factor": 2}, (2, 3, 5))
    case("1.5x", "UpsamplingBilinear2d", {"scale_factor": 1.5}, (2, 3, 5))
    case("size", "UpsamplingBilinear2d", {"size": [4, 5]}, (2, 3, 3))
    case("1d", "UpsamplingBilinear2d", {"scale_factor": 2}, (2, 3))
    case("3d", "UpsamplingBilinear2d", {"scale_factor": 2}, (2, 3, 3, 3))
    case("both", "UpsamplingBilinear2d", {"size": [4, 5], "scale_factor": 2}, (2, 3, 3))


def crops() -> None:
    for crop in range(1, 10):
        case(f"{crop}-of-5x6", "CenterCrop", {"size": crop}, (2, 5, 6))
    case("pair", "CenterCrop", {"size": [3, 4]}, (2, 8, 9))
    case("one-listed", "CenterCrop", {"size": [4]}, (2, 7, 7))
    case("mixed", "CenterCrop", {"size": [8, 3]}, (2, 5, 6))
    case("same", "CenterCrop", {"size": [5, 6]}, (2, 5, 6))
    case("round-half-even", "CenterCrop", {"size": [1, 2]}, (1, 8, 7))
    case("3d", "CenterCrop", {"size": [1, 2]}, (2, 5, 5, 5))
    case("3d-pads", "CenterCrop", {"size": [6, 9]}, (2, 3, 5, 5))
    case("1d", "CenterCrop", {"size": [1, 2]}, (2, 5))
    case("vector", "CenterCrop", {"size": [1, 2]}, (5,))
    case("three", "CenterCrop", {"size": [1, 2, 3]}, (2, 5, 5, 5))
    case("zero", "CenterCrop", {"size": 0}, (2, 5, 5))
    case("float", "CenterCrop", {"size": 2.7}, (2, 5, 5))


# Layers whose receptive fields are measured: they move positions along spatial axes.
FIELD_KINDS = (
    "Pad",
    "Upsampl",
    "PixelShuffle",
    "PixelUnshuffle",
    "CenterCrop",
    "GLU",
    "Softm",
    "QKVAttention",
)


def torch_args(kind: str, args: dict[str, Any], shape: list[int]) -> dict[str, Any]:
    """PyTorch's arguments: lists as tuples, the channels a spec may leave out filled in."""
    made = {key: tuple(value) if isinstance(value, list) else value for key, value in args.items()}
    if kind.startswith(("BatchNorm", "InstanceNorm")):
        made.setdefault("num_features", shape[0])
    if kind == "GroupNorm":
        made.setdefault("num_channels", shape[0])
    return made


class Chunk(nn.Module):  # type: ignore[misc]
    """Piece `index` of torch.chunk, as shapecalc's functional Chunk."""

    def __init__(self, chunks: int, index: int, dim: int = 1) -> None:
        super().__init__()
        self.chunks, self.index, self.dim = chunks, index, dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.chunk(self.chunks, self.dim)[self.index]


class Narrow(nn.Module):  # type: ignore[misc]
    """torch.narrow, as shapecalc's functional Narrow."""

    def __init__(self, dim: int, start: int, length: int) -> None:
        super().__init__()
        self.dim, self.start, self.length = dim, start, length

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.narrow(self.dim, self.start, self.length)


class QKVAttention(nn.Module):  # type: ignore[misc]
    """The attention in Ultralytics' Attention.forward, between its qkv and proj convolutions."""

    def __init__(self, num_heads: int, key_dim: int, head_dim: int) -> None:
        super().__init__()
        self.num_heads, self.key_dim, self.head_dim = num_heads, key_dim, head_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, _, *spatial = x.shape
        positions = x[0, 0].numel()
        per_head = self.key_dim * 2 + self.head_dim
        q, k, v = x.view(batch, self.num_heads, per_head, positions).split(
            [self.key_dim, self.key_dim, self.head_dim], dim=2
        )
        attn = ((q * self.key_dim**-0.5).transpose(-2, -1) @ k).softmax(dim=-1)
        return (v @ attn.transpose(-2, -1)).reshape(batch, -1, *spatial)


class MultiHeadAttentionForward(nn.Module):  # type: ignore[misc]
    """nn.MultiheadAttention's self-attention, batch first, with its weights as buffers: the
    work of its forward(), whose parameters a spec counts on the module around it.

    Counted as torchvision's published figures are: the fused fast path off, and attention
    by matrix products (SDPA's math backend).
    """

    def __init__(self, embed_dim: int, num_heads: int) -> None:
        super().__init__()
        attention = nn.MultiheadAttention(embed_dim, num_heads, batch_first=True)
        self.embed_dim, self.num_heads = embed_dim, num_heads
        for name, parameter in [*attention.named_parameters()]:
            self.register_buffer(name.replace(".", "_"), parameter.detach().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        from torch.nn.attention import SDPBackend, sdpa_kernel

        query = x.transpose(0, 1)
        with sdpa_kernel(SDPBackend.MATH):
            out, _ = nn.functional.multi_head_attention_forward(
                query, query, query, self.embed_dim, self.num_heads,
                self.in_proj_weight, self.in_proj_bias, None, None, False, 0.0,
                self.out_proj_weight, self.out_proj_bias, training=False, need_weights=False,
            )  # fmt: skip
        return out.transpose(0, 1)


class SwapAxes(nn.Module):  # type: ignore[misc]
    """MaxViT's SwapAxes, with shapecalc's argument names."""

    def __init__(self, dim0: int, dim1: int) -> None:
        super().__init__()
        self.swap = torchvision.models.maxvit.SwapAxes(dim0, dim1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.swap(x)


class ShiftedWindowAttentionForward(nn.Module):  # type: ignore[misc]
    """torchvision's shifted_window_attention, with weights made for the input's features."""

    def __init__(self, window_size: tuple[int, int], num_heads: int, shift_size=(0, 0)) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.window, self.shift, self.heads = list(window_size), list(shift_size), num_heads

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = x.shape[-1]
        area = self.window[0] * self.window[1]
        bias = torch.zeros(1, self.heads, area, area, dtype=x.dtype)
        return swin.shifted_window_attention(
            x, torch.ones(3 * features, features, dtype=x.dtype) / features,
            torch.ones(features, features, dtype=x.dtype) / features, bias, self.window,
            self.heads, self.shift, qkv_bias=torch.zeros(3 * features, dtype=x.dtype),
            proj_bias=torch.zeros(features, dtype=x.dtype), training=False,
        )  # fmt: skip


class PatchMerge(nn.Module):  # type: ignore[misc]
    """PatchMerging.forward without its norm and reduction: _patch_merging_pad pads, slices
    and concatenates."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return swin._patch_merging_pad(x)


class Buffer(nn.Module):  # type: ignore[misc]
    """A registered tensor of `[1, *dims]`, returned whatever the input, as Swin V2 feeds its
    relative_coords_table to cpb_mlp."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        super().__init__()
        self.register_buffer("table", torch.zeros(1, *dims, dtype=torch.float64))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table


class WindowPartition(nn.Module):  # type: ignore[misc]
    def __init__(self, partition_size: int) -> None:
        super().__init__()
        self.p = partition_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torchvision.models.maxvit.WindowPartition()(x, self.p)


class WindowDepartition(nn.Module):  # type: ignore[misc]
    """MaxViT's WindowDepartition, as a PartitionAttentionLayer built for `grid_size` calls it;
    refused at construction where the grid is not a multiple of p, as MaxVit refuses it."""

    def __init__(self, partition_size: int, grid_size: tuple[int, int]) -> None:
        super().__init__()
        if grid_size[0] % partition_size or grid_size[1] % partition_size:
            raise ValueError(f"Input size {grid_size} is not divisible by {partition_size}")
        self.p, self.grid = partition_size, grid_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        made = torchvision.models.maxvit.WindowDepartition()
        return made(x, self.p, self.grid[0] // self.p, self.grid[1] // self.p)


class PartitionAttentionForward(nn.Module):  # type: ignore[misc]
    """RelativePositionalMultiHeadAttention.forward between its to_qkv and merge."""

    def __init__(self, head_dim: int, max_seq_len: int, window: int | None = None) -> None:
        super().__init__()
        self.head_dim, self.max_seq_len = head_dim, max_seq_len

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, groups, positions, stacked = x.shape
        heads = stacked // 3 // self.head_dim
        split = (batch, groups, positions, heads, self.head_dim)
        q, k, v = (part.reshape(split).permute(0, 1, 3, 2, 4) for part in x.chunk(3, dim=-1))
        dot = torch.einsum("B G H I D, B G H J D -> B G H I J", q, k)
        bias = torch.zeros(1, heads, self.max_seq_len, self.max_seq_len, dtype=x.dtype)
        out = torch.einsum("B G H I J, B G H J D -> B G H I D", (dot + bias).softmax(-1), v)
        return out.permute(0, 1, 3, 2, 4).reshape(batch, groups, positions, -1)


def construct(kind: str, args: dict[str, Any]) -> nn.Module:
    made: dict[str, Any] = {
        "CenterCrop": torchvision.transforms.CenterCrop,
        "StochasticDepth": torchvision.ops.StochasticDepth,
        "Permute": torchvision.ops.misc.Permute,
        "LayerNorm2d": torchvision.models.convnext.LayerNorm2d,
        "Chunk": Chunk,
        "Narrow": Narrow,
        "QKVAttention": QKVAttention,
        "MultiHeadAttentionForward": MultiHeadAttentionForward,
        **{
            twin.__name__: twin
            for twin in (
                SwapAxes,
                ShiftedWindowAttentionForward,
                PatchMerge,
                Buffer,
                WindowPartition,
                WindowDepartition,
                PartitionAttentionForward,
            )
        },
    }
    return made[kind](**args) if kind in made else getattr(nn, kind)(**args)


def first_line(error: BaseException) -> str:
    return str(error).split("\n")[0].strip()


def failure(stage: str, error: BaseException) -> dict[str, Any]:
    return {"error": {"stage": stage, "type": type(error).__name__, "message": first_line(error)}}


def run(entry: dict[str, Any]) -> dict[str, Any]:
    """Return PyTorch's outcome for one case."""
    kind, shape = entry["kind"], entry["input"]
    try:
        module = construct(kind, torch_args(kind, entry["args"], shape)).double().eval()
    except Exception as error:  # whatever PyTorch raises is the record
        return failure("construct", error)
    x = torch.rand(BATCH, *shape, dtype=torch.float64) + 0.5
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with torch.no_grad():
                out = module(x)
        except Exception as error:
            return failure("forward", error)
    # Counted in a run of its own: under FlopCounterMode some of PyTorch's checks do not run
    # (an upsampling to size 0 passes).
    counter = FlopCounterMode(display=False)
    with warnings.catch_warnings(), torch.no_grad(), counter:
        warnings.simplefilter("ignore")
        module(x)
    made: dict[str, Any] = {
        "output": list(out.shape[1:]),
        "batch": out.shape[0],
        "params": sum(p.numel() for p in module.parameters()),
        "flops": counter.get_total_flops(),
    }
    if caught:
        made["warnings"] = sorted({first_line(warning.message) for warning in caught})  # type: ignore[arg-type]
    if kind.startswith(FIELD_KINDS) and out.dim() == x.dim() and out.dim() > 2:
        made["field"] = measure(positive(module), shape)
    return made


def positive(module: nn.Module) -> nn.Module:
    """Pads that copy positions into the border stand as zero pads, as tools/record_torch.py."""
    name = type(module).__name__
    for mode in ("Reflection", "Replication", "Circular"):
        if name.startswith(mode):
            return getattr(nn, name.replace(mode, "Constant"))(module.padding, 0.0).double()
    return module


def measure(module: nn.Module, shape: list[int]) -> list[list[int | None]]:
    """Return per spatial axis the largest field over its output positions, the largest step
    and the offset: the first input position the first output that reads one reads, less
    that output's position (a pad by p before the axis gives −p).

    Each output position along an axis (the other axes at their centre, all channels of
    sample 0, as tools/record_torch.py measures) takes its gradient; its field is from the
    first to the last input position along the axis with a non-zero one. The channels are
    weighed at random, so that a softmax over them does not sum to a constant. The step is
    the largest between the first positions of neighbouring outputs that both depend on
    some input; null when there are none.
    """
    x = (torch.rand(BATCH, *shape, dtype=torch.float64) + 0.5).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = module(x)
    weights = torch.rand(out.shape[1], dtype=torch.float64) + 0.5
    rank = len(shape) - 1
    fields: list[list[int | None]] = []
    for axis in range(rank):
        spans: list[tuple[int, int] | None] = []
        for position in range(out.shape[2 + axis]):
            index: list[Any] = [0, slice(None), *(size // 2 for size in out.shape[2:])]
            index[2 + axis] = position
            target = (out[tuple(index)] * weights).sum()
            (grad,) = torch.autograd.grad(target, x, retain_graph=True)
            other = tuple(dim for dim in range(grad.dim()) if dim != 2 + axis)
            nonzero = ((grad != 0).sum(dim=other) > 0).nonzero().flatten()
            spans.append((int(nonzero[0]), int(nonzero[-1])) if len(nonzero) else None)
        sizes = [last - first + 1 for first, last in filter(None, spans)]
        steps = [
            after[0] - before[0]
            for before, after in itertools.pairwise(spans)
            if before is not None and after is not None
        ]
        first = next((index for index, span in enumerate(spans) if span is not None), None)
        offset = None if first is None else spans[first][0] - first  # type: ignore[index]
        fields.append([max(sizes, default=None), max(steps, default=None), offset])
    return fields


def versions() -> dict[str, str]:
    return {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": sys.version.split()[0],
        "script": "tools/record_layers.py",
    }


def main() -> None:
    torch.manual_seed(12)
    for family in (norms, elementwise, reshapes, pads, upsampling, attention, windows):
        family()
    cases = [{**entry, **run(entry)} for entry in CASES]
    path = DATA / "torch_layers.json"
    head = json.dumps({"recorded_with": versions(), "batch": BATCH})[:-1]
    lines = ",\n".join(json.dumps(entry, separators=(",", ":")) for entry in cases)
    path.write_text(f'{head}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")
    errors = sum("error" in entry for entry in cases)
    print(f"wrote {path.relative_to(DATA.parent.parent)}: {len(cases)} cases, {errors} errors")


if __name__ == "__main__":
    main()
