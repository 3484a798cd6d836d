"""The layers of issue 12 against PyTorch: norms, activations, reshapes, pads, upsampling, crops.

tests/data/torch_layers.json holds, for every case, what PyTorch made of the layer on a batch
of two (tools/record_layers.py): the output shape and parameter count, or its error. Each
case here gives the same shape and count, and MACs of 0 as FlopCounterMode counts them; or
refuses the input, with the message below. A few inputs PyTorch takes are refused on
purpose (`DIVERGES`, with why): there PyTorch reads the batch as a dimension of the sample,
returns an empty tensor, or reads memory it never wrote.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shapecalc.arith import Axis, Interpolate, Pad, Window
from shapecalc.errors import LayerError
from shapecalc.field import start
from shapecalc.layers import KINDS, MODULES, Layer, build
from shapecalc.layers.args import Value
from shapecalc.shape import Shape

RECORDED = json.loads(
    (Path(__file__).parent / "data" / "torch_layers.json").read_text(encoding="utf-8")
)
CASES: list[dict[str, Any]] = RECORDED["cases"]
FAMILIES = ("norm", "elementwise", "softmax", "reshape", "pad", "resample", "attention", "window")

BATCH = "PyTorch reads the batch as a dimension of one sample, which shapes here leave out"
AS_CHANNELS = "PyTorch reads a batch of these as one sample of a rank more, the batch as channels"
RANK = "a pad takes maps of its own rank; PyTorch pads whichever dimensions come last"
CHANNELS = "a list this long pads the channels too"
EMPTY = "PyTorch returns an empty tensor"
UNWRITTEN = "PyTorch wraps around memory it never wrote (and fails for one channel of one sample)"
TORCHVISION = "torchvision crops the last two dimensions, here the channels (and the batch)"

DIVERGES: dict[str, str] = {
    "InstanceNorm1d-vector": AS_CHANNELS,
    "InstanceNorm2d-1d": AS_CHANNELS,
    "InstanceNorm3d-2d": AS_CHANNELS,
    "Softmax2d-1d": AS_CHANNELS,
    "LayerNorm-with-batch": BATCH,
    "GLU-batch": BATCH,
    "GLU-batch-negative": BATCH,
    "Unflatten-batch": BATCH,
    "Unflatten-batch-negative": BATCH,
    "Permute-batch": BATCH,
    "SwapAxes-batch": BATCH,
    "PatchMerge-vector": BATCH,
    "PixelShuffle-3d": "PyTorch shuffles D as if it were the channels of an H×W map",
    "PixelUnshuffle-3d": "PyTorch shuffles H and W into D as if it were the channels",
    **{
        f"{mode}Pad{rank}d-{shape}": RANK
        for mode in ("Zero", "Constant", "Reflection", "Replication", "Circular")
        for rank, shapes in ((1, ("vector",)), (2, ("1d",)), (3, ("2d",)))
        for shape in shapes
    },
    **{f"{mode}Pad1d-2d": RANK for mode in ("Zero", "Constant")},
    **{f"{mode}Pad2d-{shape}": RANK for mode in ("Zero", "Constant") for shape in ("vector", "3d")},
    **{
        f"{mode}Pad{rank}d-long-list": CHANNELS
        for mode in ("Zero", "Constant", "Reflection", "Replication", "Circular")
        for rank in (2, 3)
        if rank == 2 or mode in ("Zero", "Constant")
    },
    "ZeroPad1d-zero-out": EMPTY,
    "ZeroPad1d-crop-all": EMPTY,
    "CircularPad1d-zero-out": EMPTY,
    "CircularPad1d-crop-all": EMPTY,
    "CircularPad1d-crop-far": UNWRITTEN,
    "CircularPad1d-crop-wrap-short": UNWRITTEN,
    "CircularPad1d-crop-then-wrap-over": UNWRITTEN,
    "CenterCrop-1d": TORCHVISION,
    "CenterCrop-vector": TORCHVISION,
    "CenterCrop-zero": "torchvision crops to nothing: an empty tensor",
    "CenterCrop-float": "torchvision truncates a size of 2.7 to 2",
}

# What shapecalc says for every case PyTorch refuses, and for every case in DIVERGES.
_PERMUTATION = (
    "dims: expected the dimensions 0, 1, …, n - 1 in a new order with the batch, 0, first"
)
MESSAGES: dict[str, str] = {
    "Permute-short": "dims [0, 2, 1] must name every dimension of the batched input, 4 for 6@3×4",
    "Permute-batch": f"{_PERMUTATION}, got [1, 0, 2, 3]",
    "SwapAxes-batch": "dim 0 would swap the batch dimension, which shapes here leave out",
    "SwapAxes-range": "dim 3 is out of range for a 3-dimensional batched input (expected -3 to 2)",
    "Permute-repeated": f"{_PERMUTATION}, got [0, 1, 1, 2]",
    "Chunk-none-left": (
        "torch.chunk makes 3 pieces of a size of 6 in 4 chunks: there is no piece 3"
    ),
    "Narrow-past-end": "torch.narrow takes 3 from 4 of a size of 6: past its end",
    "Narrow-start-past": "torch.narrow takes 0 from 4 of a size of 3: past its end",
    # attention
    "QKVAttention-wrong-channels": (
        "QKVAttention needs 20 channels, (2 × key_dim 3 + head_dim 4) × num_heads 2, got 21@3×5"
    ),
    "MultiHeadAttentionForward-wrong-features": (
        "MultiheadAttention takes tokens × embed_dim 8, a sequence, got 5@7"
    ),
    "MultiHeadAttentionForward-indivisible": "embed_dim 6 must be divisible by num_heads 4",
    # window
    "ShiftedWindowAttentionForward-indivisible": "12 features do not divide among num_heads 5",
    "ShiftedWindowAttentionForward-vector": (
        "ShiftedWindowAttention takes a channels-last map, H × W × C, got 7@8"
    ),
    "PatchMerge-vector": "PatchMerge takes a channels-last map, H × W × C, got 6@4",
    "WindowPartition-indivisible": (
        "57×56 is not a multiple of the partition size 7: PyTorch cannot reshape it into 7×7 "
        "windows"
    ),
    "WindowPartition-1d": "WindowPartition takes a C×H×W map, got 4@14",
    "WindowDepartition-other-map": (
        "16 windows of 49 positions do not make the 14×14 map of 7×7 windows it was built for"
    ),
    "WindowDepartition-indivisible": (
        "grid_size 60×60 is not a multiple of the partition size 7: torchvision refuses to build "
        "the model"
    ),
    "PartitionAttentionForward-other-length": (
        "its relative position bias is for 49 positions, not 98 (PyTorch: the size of tensor a "
        "(98) must match the size of tensor b (49))"
    ),
    "PartitionAttentionForward-partial-head": (
        "18 features are not queries, keys and values of whole heads of head_dim 4"
    ),
    # norm
    "BatchNorm1d-stated-wrong": "num_features is 4 but the input is 5@7 (C = 5)",
    "BatchNorm1d-stated-wrong-vector": "num_features is 4 but the input is 5 (C = 5)",
    "BatchNorm1d-stated-wrong-untracked": "num_features is 4 but the input is 5@7 (C = 5)",
    "BatchNorm1d-2d": "BatchNorm1d needs a C or C×L input, got 5@7×7",
    "BatchNorm1d-3d": "BatchNorm1d needs a C or C×L input, got 5@2×3×4",
    "BatchNorm2d-stated-wrong": "num_features is 32 but the input is 64@9×9 (C = 64)",
    "BatchNorm2d-vector": "BatchNorm2d needs a C×H×W input, got 7",
    "BatchNorm2d-1d": "BatchNorm2d needs a C×H×W input, got 3@5",
    "BatchNorm2d-3d": "BatchNorm2d needs a C×H×W input, got 2@3×4×5",
    "BatchNorm3d-stated-wrong": "num_features is 4 but the input is 5@2×3×4 (C = 5)",
    "BatchNorm3d-vector": "BatchNorm3d needs a C×D×H×W input, got 7",
    "BatchNorm3d-1d": "BatchNorm3d needs a C×D×H×W input, got 3@5",
    "BatchNorm3d-2d": "BatchNorm3d needs a C×D×H×W input, got 3@4×5",
    "InstanceNorm1d-one-position": (
        "input 5@1 has one position per channel: InstanceNorm1d needs more than one to take "
        "statistics over, unless track_running_stats is true"
    ),
    "InstanceNorm1d-stated-wrong-affine": "num_features is 4 but the input is 5@7 (C = 5)",
    "InstanceNorm1d-stated-wrong-tracked": "num_features is 4 but the input is 5@7 (C = 5)",
    "InstanceNorm1d-vector": "InstanceNorm1d needs a C×L input, got 7",
    "InstanceNorm1d-2d": "InstanceNorm1d needs a C×L input, got 3@4×5",
    "InstanceNorm1d-3d": "InstanceNorm1d needs a C×L input, got 2@3×4×5",
    "InstanceNorm2d-one-position": (
        "input 5@1×1 has one position per channel: InstanceNorm2d needs more than one to "
        "take statistics over, unless track_running_stats is true"
    ),
    "InstanceNorm2d-stated-wrong-affine": "num_features is 4 but the input is 5@3×4 (C = 5)",
    "InstanceNorm2d-stated-wrong-tracked": "num_features is 4 but the input is 5@3×4 (C = 5)",
    "InstanceNorm2d-vector": "InstanceNorm2d needs a C×H×W input, got 7",
    "InstanceNorm2d-1d": "InstanceNorm2d needs a C×H×W input, got 3@5",
    "InstanceNorm2d-3d": "InstanceNorm2d needs a C×H×W input, got 2@3×4×5",
    "InstanceNorm3d-one-position": (
        "input 5@1×1×1 has one position per channel: InstanceNorm3d needs more than one to "
        "take statistics over, unless track_running_stats is true"
    ),
    "InstanceNorm3d-stated-wrong-affine": "num_features is 4 but the input is 5@2×3×3 (C = 5)",
    "InstanceNorm3d-stated-wrong-tracked": "num_features is 4 but the input is 5@2×3×3 (C = 5)",
    "InstanceNorm3d-vector": "InstanceNorm3d needs a C×D×H×W input, got 7",
    "InstanceNorm3d-1d": "InstanceNorm3d needs a C×D×H×W input, got 3@5",
    "InstanceNorm3d-2d": "InstanceNorm3d needs a C×D×H×W input, got 3@4×5",
    "GroupNorm-stated-indivisible": "num_channels 6 is not divisible by num_groups 4",
    "GroupNorm-stated-wrong": "num_channels is 6 but the input is 8@3×3 (C = 8)",
    "GroupNorm-indivisible": "the input's 7 channels are not divisible by num_groups 2",
    "GroupNorm-indivisible-vector": "the input's 6 channels are not divisible by num_groups 4",
    "LayerNorm-wrong": (
        "normalized_shape [4, 7] needs an input whose last dimensions are 4×7, got 5@7"
    ),
    "LayerNorm-wrong-last": (
        "normalized_shape [6] needs an input whose last dimensions are 6, got 5@7"
    ),
    "LayerNorm-longer": (
        "normalized_shape [3, 5, 7] needs an input whose last dimensions are 3×5×7, got 5@7 "
        "(shapes here leave out the batch)"
    ),
    "LayerNorm-with-batch": (
        "normalized_shape [2, 5, 7] needs an input whose last dimensions are 2×5×7, got 5@7 "
        "(shapes here leave out the batch)"
    ),
    "LayerNorm-empty": (
        "normalized_shape: expected an integer ≥ 1 or a non-empty list of them, got []"
    ),
    "LayerNorm-zero": (
        "normalized_shape: expected an integer ≥ 1 or a non-empty list of them, got 0"
    ),
    "RMSNorm-wrong": "normalized_shape [4] needs an input whose last dimensions are 4, got 6@3",
    "LocalResponseNorm-vector": "LocalResponseNorm needs a C×… input, got 5",
    "LocalResponseNorm-zero": "size: expected an integer ≥ 1, got 0",
    "LayerNorm2d-wrong": "normalized_shape [4] needs a map of that many channels, got 6@3×4",
    "LayerNorm2d-1d": "LayerNorm2d needs a C×H×W input, got 6@3",
    # elementwise
    "CELU-alpha-zero": "alpha must not be 0: CELU divides by it",
    "Hardtanh-equal": "max_val 1.0 must be greater than min_val 1.0",
    "Hardtanh-inverted": "max_val 1.0 must be greater than min_val 2.0",
    "Softshrink-negative": "lambd must be at least 0, got -1.0",
    "RReLU-inverted": "lower 0.5 must not be greater than upper 0.1",
    "Threshold-missing-value": "Threshold needs value",
    "AlphaDropout-p-over": "p: expected a number from 0 to 1, got 1.5",
    "FeatureAlphaDropout-p-under": "p: expected a number from 0 to 1, got -0.1",
    "Dropout1d-2d": "Dropout1d needs a C or C×L input, got 3@4×5",
    "Dropout1d-3d": "Dropout1d needs a C or C×L input, got 2@3×4×5",
    "Dropout1d-p-over": "p: expected a number from 0 to 1, got 1.5",
    "PReLU-wrong": (
        "num_parameters is 4 but the input is 5@3 (C = 5); PReLU takes 1 or the number of channels"
    ),
    "PReLU-wrong-vector": (
        "num_parameters is 4 but the input is 5 (C = 5); PReLU takes 1 or the number of channels"
    ),
    "PReLU-zero": "num_parameters: expected an integer ≥ 1, got 0",
    "Softmax-dim-4": "dim -4 is out of range for a 3-dimensional batched input (expected -3 to 2)",
    "Softmax-dim3": "dim 3 is out of range for a 3-dimensional batched input (expected -3 to 2)",
    "LogSoftmax-dim-6-3d": (
        "dim -6 is out of range for a 5-dimensional batched input (expected -5 to 4)"
    ),
    "Softmin-dim2-vector": (
        "dim 2 is out of range for a 2-dimensional batched input (expected -2 to 1)"
    ),
    "Softmax2d-vector": "Softmax2d needs a C×H×W input, got 7",
    "Softmax2d-1d": "Softmax2d needs a C×H×W input, got 3@5",
    "Softmax2d-3d": "Softmax2d needs a C×H×W input, got 2@3×4×5",
    "GLU-odd": "GLU halves dim -1, which must be even, but it is 5 in the input 5@5",
    "GLU-odd-vector": "GLU halves dim -1, which must be even, but it is 7 in the input 7",
    "GLU-channels-odd": "GLU halves dim 1, which must be even, but it is 5 in the input 5@4×4",
    "GLU-batch": "dim 0 would halve the batch dimension, which shapes here leave out",
    "GLU-batch-negative": "dim -3 would halve the batch dimension, which shapes here leave out",
    "GLU-range": "dim 3 is out of range for a 3-dimensional batched input (expected -3 to 2)",
    "GLU-range-negative": (
        "dim -4 is out of range for a 3-dimensional batched input (expected -3 to 2)"
    ),
    # reshape
    "PixelShuffle-indivisible": (
        "PixelShuffle needs channels divisible by upscale_factor² = 4, got 6@3×5"
    ),
    "PixelShuffle-vector": "PixelShuffle needs a C×H×W input, got 8",
    "PixelShuffle-1d": "PixelShuffle needs a C×H×W input, got 8@3",
    "PixelShuffle-3d": "PixelShuffle needs a C×H×W input, got 3@8×3×3",
    "PixelShuffle-zero": "upscale_factor: expected an integer ≥ 1, got 0",
    "PixelUnshuffle-odd-height": (
        "PixelUnshuffle needs H and W divisible by downscale_factor 2, got 3@5×6 (H = 5)"
    ),
    "PixelUnshuffle-odd-width": (
        "PixelUnshuffle needs H and W divisible by downscale_factor 2, got 3@4×5 (W = 5)"
    ),
    "PixelUnshuffle-vector": "PixelUnshuffle needs a C×H×W input, got 8",
    "PixelUnshuffle-1d": "PixelUnshuffle needs a C×H×W input, got 3@4",
    "PixelUnshuffle-3d": "PixelUnshuffle needs a C×H×W input, got 3@4×4×4",
    "PixelUnshuffle-zero": "downscale_factor: expected an integer ≥ 1, got 0",
    "ChannelShuffle-vector": "ChannelShuffle needs a C×… input, got 4",
    "ChannelShuffle-indivisible": "the input's 4 channels are not divisible by groups 3",
    "ChannelShuffle-zero": "groups: expected an integer ≥ 1, got 0",
    "Unflatten-inferred-indivisible": (
        "unflattened_size [4, -1] does not multiply up to 6, the size of dim 1 of the input 6"
    ),
    "Unflatten-two-inferred": (
        "unflattened_size [-1, -1] has more than one -1: only one size can be inferred"
    ),
    "Unflatten-wrong": (
        "unflattened_size [2, 2] does not multiply up to 6, the size of dim 1 of the input 6"
    ),
    "Unflatten-batch": "dim 0 would unflatten the batch dimension, which shapes here leave out",
    "Unflatten-batch-negative": (
        "dim -3 would unflatten the batch dimension, which shapes here leave out"
    ),
    "Unflatten-range": "dim 3 is out of range for a 3-dimensional batched input (expected -3 to 2)",
    "Unflatten-range-negative": (
        "dim -4 is out of range for a 3-dimensional batched input (expected -3 to 2)"
    ),
    "Unflatten-empty": (
        "unflattened_size: expected a non-empty list of integers ≥ 1, one of which may be "
        "-1, got []"
    ),
    "Unflatten-zero": (
        "unflattened_size: expected a non-empty list of integers ≥ 1, one of which may be "
        "-1, got [0, 6]"
    ),
    "Unflatten-negative": (
        "unflattened_size: expected a non-empty list of integers ≥ 1, one of which may be "
        "-1, got [-2, -3]"
    ),
    "Unflatten-int": (
        "unflattened_size: expected a non-empty list of integers ≥ 1, one of which may be -1, got 6"
    ),
    # pad
    "ZeroPad1d-float": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got 1.5"
    ),
    "ZeroPad1d-vector": "ZeroPad1d needs a C×L input, got 7",
    "ZeroPad1d-2d": "ZeroPad1d needs a C×L input, got 3@4×5",
    "ZeroPad1d-odd-list": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got [1]"
    ),
    "ConstantPad1d-float": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got 1.5"
    ),
    "ConstantPad1d-vector": "ConstantPad1d needs a C×L input, got 7",
    "ConstantPad1d-2d": "ConstantPad1d needs a C×L input, got 3@4×5",
    "ConstantPad1d-odd-list": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got [1]"
    ),
    "ReflectionPad1d-float": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got 1.5"
    ),
    "ReflectionPad1d-vector": "ReflectionPad1d needs a C×L input, got 7",
    "ReflectionPad1d-2d": "ReflectionPad1d needs a C×L input, got 3@4×5",
    "ReflectionPad1d-odd-list": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got [1]"
    ),
    "ReplicationPad1d-float": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got 1.5"
    ),
    "ReplicationPad1d-vector": "ReplicationPad1d needs a C×L input, got 7",
    "ReplicationPad1d-2d": "ReplicationPad1d needs a C×L input, got 3@4×5",
    "ReplicationPad1d-odd-list": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got [1]"
    ),
    "CircularPad1d-float": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got 1.5"
    ),
    "CircularPad1d-vector": "CircularPad1d needs a C×L input, got 7",
    "CircularPad1d-2d": "CircularPad1d needs a C×L input, got 3@4×5",
    "CircularPad1d-odd-list": (
        "padding: expected an integer or a list of 2 integers ([left, right]), got [1]"
    ),
    "ZeroPad2d-float": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got 1.5"
    ),
    "ZeroPad2d-vector": "ZeroPad2d needs a C×H×W input, got 7",
    "ZeroPad2d-1d": "ZeroPad2d needs a C×H×W input, got 3@5",
    "ZeroPad2d-3d": "ZeroPad2d needs a C×H×W input, got 2@3×4×5",
    "ZeroPad2d-long-list": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got [1, 1, 1, 1, 1, 1]"
    ),
    "ZeroPad2d-odd-list": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got [1, 1, 1]"
    ),
    "ConstantPad2d-float": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got 1.5"
    ),
    "ConstantPad2d-vector": "ConstantPad2d needs a C×H×W input, got 7",
    "ConstantPad2d-1d": "ConstantPad2d needs a C×H×W input, got 3@5",
    "ConstantPad2d-3d": "ConstantPad2d needs a C×H×W input, got 2@3×4×5",
    "ConstantPad2d-long-list": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got [1, 1, 1, 1, 1, 1]"
    ),
    "ConstantPad2d-odd-list": (
        "padding: expected an integer or a list of 2 or 4 integers ([left, right, top, "
        "bottom]), got [1, 1, 1]"
    ),
    "ReflectionPad2d-list": (
        "padding (0, 3) on H must be less than its size 3 to reflect it (input 2@3×4)"
    ),
    "ReflectionPad2d-float": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), got 1.5"
    ),
    "ReflectionPad2d-vector": "ReflectionPad2d needs a C×H×W input, got 7",
    "ReflectionPad2d-1d": "ReflectionPad2d needs a C×H×W input, got 3@5",
    "ReflectionPad2d-3d": "ReflectionPad2d needs a C×H×W input, got 2@3×4×5",
    "ReflectionPad2d-short-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 2]"
    ),
    "ReflectionPad2d-long-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1, 1, 1, 1]"
    ),
    "ReflectionPad2d-odd-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1]"
    ),
    "ReplicationPad2d-float": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), got 1.5"
    ),
    "ReplicationPad2d-vector": "ReplicationPad2d needs a C×H×W input, got 7",
    "ReplicationPad2d-1d": "ReplicationPad2d needs a C×H×W input, got 3@5",
    "ReplicationPad2d-3d": "ReplicationPad2d needs a C×H×W input, got 2@3×4×5",
    "ReplicationPad2d-short-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 2]"
    ),
    "ReplicationPad2d-long-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1, 1, 1, 1]"
    ),
    "ReplicationPad2d-odd-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1]"
    ),
    "CircularPad2d-float": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), got 1.5"
    ),
    "CircularPad2d-vector": "CircularPad2d needs a C×H×W input, got 7",
    "CircularPad2d-1d": "CircularPad2d needs a C×H×W input, got 3@5",
    "CircularPad2d-3d": "CircularPad2d needs a C×H×W input, got 2@3×4×5",
    "CircularPad2d-short-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 2]"
    ),
    "CircularPad2d-long-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1, 1, 1, 1]"
    ),
    "CircularPad2d-odd-list": (
        "padding: expected an integer or a list of 4 integers ([left, right, top, bottom]), "
        "got [1, 1, 1]"
    ),
    "ZeroPad3d-float": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got 1.5"
    ),
    "ZeroPad3d-vector": "ZeroPad3d needs a C×D×H×W input, got 7",
    "ZeroPad3d-2d": "ZeroPad3d needs a C×D×H×W input, got 3@4×5",
    "ZeroPad3d-long-list": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got [1, 1, 1, 1, 1, 1, 1, 1]"
    ),
    "ZeroPad3d-odd-list": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got [1, 1, 1, 1, 1]"
    ),
    "ConstantPad3d-float": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got 1.5"
    ),
    "ConstantPad3d-vector": "ConstantPad3d needs a C×D×H×W input, got 7",
    "ConstantPad3d-2d": "ConstantPad3d needs a C×D×H×W input, got 3@4×5",
    "ConstantPad3d-long-list": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got [1, 1, 1, 1, 1, 1, 1, 1]"
    ),
    "ConstantPad3d-odd-list": (
        "padding: expected an integer or a list of 2, 4 or 6 integers ([left, right, top, "
        "bottom, front, back]), got [1, 1, 1, 1, 1]"
    ),
    "ReflectionPad3d-list": (
        "padding (2, 0) on D must be less than its size 2 to reflect it (input 2@2×3×4)"
    ),
    "ReflectionPad3d-float": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got 1.5"
    ),
    "ReflectionPad3d-vector": "ReflectionPad3d needs a C×D×H×W input, got 7",
    "ReflectionPad3d-2d": "ReflectionPad3d needs a C×D×H×W input, got 3@4×5",
    "ReflectionPad3d-short-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 2]"
    ),
    "ReflectionPad3d-long-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1, 1, 1, 1]"
    ),
    "ReflectionPad3d-odd-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1]"
    ),
    "ReplicationPad3d-float": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got 1.5"
    ),
    "ReplicationPad3d-vector": "ReplicationPad3d needs a C×D×H×W input, got 7",
    "ReplicationPad3d-2d": "ReplicationPad3d needs a C×D×H×W input, got 3@4×5",
    "ReplicationPad3d-short-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 2]"
    ),
    "ReplicationPad3d-long-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1, 1, 1, 1]"
    ),
    "ReplicationPad3d-odd-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1]"
    ),
    "CircularPad3d-float": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got 1.5"
    ),
    "CircularPad3d-vector": "CircularPad3d needs a C×D×H×W input, got 7",
    "CircularPad3d-2d": "CircularPad3d needs a C×D×H×W input, got 3@4×5",
    "CircularPad3d-short-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 2]"
    ),
    "CircularPad3d-long-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1, 1, 1, 1]"
    ),
    "CircularPad3d-odd-list": (
        "padding: expected an integer or a list of 6 integers ([left, right, top, bottom, "
        "front, back]), got [1, 1, 1, 1, 1]"
    ),
    "ConstantPad1d-missing-value": "ConstantPad1d needs value",
    "ZeroPad1d-zero-out": "input 2@3 is too small: the output would be 0 (L: 3 − 2 − 1 = 0)",
    "ZeroPad1d-negative-out": (
        "padding (-3, -1) on L crops 4 positions, more than its size 3 (input 2@3)"
    ),
    "ZeroPad1d-crop-over-size": (
        "padding (-4, 3) on L crops 4 positions, more than its size 3 (input 2@3)"
    ),
    "ZeroPad1d-crop-far": (
        "padding (-6, 4) on L crops 6 positions, more than its size 4 (input 2@4)"
    ),
    "ZeroPad1d-crop-wrap": (
        "padding (2, -4) on L crops 4 positions, more than its size 3 (input 2@3)"
    ),
    "ZeroPad1d-crop-all": "input 2@3 is too small: the output would be 0 (L: 3 − 3 + 0 = 0)",
    "ReflectionPad1d-zero-out": "input 2@3 is too small: the output would be 0 (L: 3 − 2 − 1 = 0)",
    "ReflectionPad1d-negative-out": (
        "input 2@3 is too small: the output would be -1 (L: 3 − 3 − 1 = -1)"
    ),
    "ReflectionPad1d-wide": (
        "padding (5, 6) on L must be less than its size 1 to reflect it (input 2@1)"
    ),
    "ReflectionPad1d-size": (
        "padding (4, 0) on L must be less than its size 4 to reflect it (input 2@4)"
    ),
    "ReflectionPad1d-size-after": (
        "padding (0, 4) on L must be less than its size 4 to reflect it (input 2@4)"
    ),
    "ReflectionPad1d-over-size": (
        "padding (5, 0) on L must be less than its size 3 to reflect it (input 2@3)"
    ),
    "ReflectionPad1d-crop-over-size": (
        "padding (-4, 3) on L must be less than its size 3 to reflect it (input 2@3)"
    ),
    "ReflectionPad1d-crop-far": (
        "padding (-6, 4) on L must be less than its size 4 to reflect it (input 2@4)"
    ),
    "ReflectionPad1d-crop-all": "input 2@3 is too small: the output would be 0 (L: 3 − 3 + 0 = 0)",
    "ReflectionPad1d-crop-then-wrap-over": (
        "padding (-1, 2) on L must be less than its size 2 to reflect it (input 2@2)"
    ),
    "ReplicationPad1d-zero-out": "input 2@3 is too small: the output would be 0 (L: 3 − 2 − 1 = 0)",
    "ReplicationPad1d-negative-out": (
        "input 2@3 is too small: the output would be -1 (L: 3 − 3 − 1 = -1)"
    ),
    "ReplicationPad1d-crop-all": "input 2@3 is too small: the output would be 0 (L: 3 − 3 + 0 = 0)",
    "CircularPad1d-zero-out": "input 2@3 is too small: the output would be 0 (L: 3 − 2 − 1 = 0)",
    "CircularPad1d-negative-out": (
        "input 2@3 is too small: the output would be -1 (L: 3 − 3 − 1 = -1)"
    ),
    "CircularPad1d-wide": (
        "padding (5, 6) on L must be at most its size 1: circular padding wraps around once "
        "(input 2@1)"
    ),
    "CircularPad1d-over-size": (
        "padding (5, 0) on L must be at most its size 3: circular padding wraps around once "
        "(input 2@3)"
    ),
    "CircularPad1d-crop-over-size": (
        "padding (-4, 3) on L would wrap around 3, but cropping leaves 0 of its 3 positions "
        "(input 2@3)"
    ),
    "CircularPad1d-crop-far": (
        "padding (-6, 4) on L would wrap around 4, but cropping leaves 0 of its 4 positions "
        "(input 2@4)"
    ),
    "CircularPad1d-crop-wrap": (
        "padding (2, -4) on L would wrap around 2, but cropping leaves 0 of its 3 positions "
        "(input 2@3)"
    ),
    "CircularPad1d-crop-wrap-short": (
        "padding (1, -3) on L would wrap around 1, but cropping leaves 0 of its 3 positions "
        "(input 2@3)"
    ),
    "CircularPad1d-crop-all": "input 2@3 is too small: the output would be 0 (L: 3 − 3 + 0 = 0)",
    "CircularPad1d-crop-then-wrap-over": (
        "padding (-1, 2) on L would wrap around 2, but cropping leaves 1 of its 2 positions "
        "(input 2@2)"
    ),
    "ReflectionPad2d-height-at-size": (
        "padding (3, 0) on H must be less than its size 3 to reflect it (input 2@3×5)"
    ),
    "ReflectionPad2d-width-at-size": (
        "padding (0, 3) on W must be less than its size 3 to reflect it (input 2@5×3)"
    ),
    "ReflectionPad3d-depth-at-size": (
        "padding (2, 0) on D must be less than its size 2 to reflect it (input 2@2×3×3)"
    ),
    "ReflectionPad2d-ones-padded": (
        "padding (1, 0) on W must be less than its size 1 to reflect it (input 2@1×1)"
    ),
    # resample
    "Upsample-zero-out": "input 2@5 is too small: the output would be 0 (L: ⌊5·0.1⌋ = 0)",
    "Upsample-zero-out-2d": "input 2@5×20 is too small: the output would be 0×2 (H: ⌊5·0.1⌋ = 0)",
    "Upsample-both": "Upsample takes size or scale_factor, not both",
    "Upsample-neither": "Upsample needs size or scale_factor",
    "Upsample-neither-mode": "Upsample needs size or scale_factor",
    "Upsample-corners-nearest": (
        "align_corners can only be set with an interpolating mode (linear, bilinear, bicubic "
        "or trilinear), not 'nearest'"
    ),
    "Upsample-corners-area": (
        "align_corners can only be set with an interpolating mode (linear, bilinear, bicubic "
        "or trilinear), not 'area'"
    ),
    "Upsample-corners-exact": (
        "align_corners can only be set with an interpolating mode (linear, bilinear, bicubic "
        "or trilinear), not 'nearest-exact'"
    ),
    "Upsample-linear-2d": "mode 'linear' needs a C×L input, got 2@3×3",
    "Upsample-bilinear-1d": "mode 'bilinear' needs a C×H×W input, got 2@3",
    "Upsample-bicubic-3d": "mode 'bicubic' needs a C×H×W input, got 2@3×3×3",
    "Upsample-trilinear-2d": "mode 'trilinear' needs a C×D×H×W input, got 2@3×3",
    "Upsample-lanczos": (
        "mode: expected 'nearest' or 'linear' or 'bilinear' or 'bicubic' or 'trilinear' or "
        "'area' or 'nearest-exact', got 'lanczos'"
    ),
    "Upsample-unknown-mode": (
        "mode: expected 'nearest' or 'linear' or 'bilinear' or 'bicubic' or 'trilinear' or "
        "'area' or 'nearest-exact', got 'cubic'"
    ),
    "Upsample-vector": "Upsample needs a C×… input, got 2",
    "Upsample-sizes-short": (
        "size [4, 5] must have one entry per spatial axis: the input 2@3×3×3 has 3, not 2"
    ),
    "Upsample-sizes-long": (
        "size [4, 5] must have one entry per spatial axis: the input 2@3 has 1, not 2"
    ),
    "Upsample-factors-long": (
        "scale_factor [2.0, 2.0] must have one entry per spatial axis: the input 2@3 has 1, not 2"
    ),
    "Upsample-recompute-size": "recompute_scale_factor is not meaningful with an explicit size",
    "Upsample-size-zero": "size: expected an integer ≥ 1 or a list of one per spatial axis, got 0",
    "Upsample-factor-zero": (
        "scale_factor: expected a number > 0 or a list of one per spatial axis, got 0"
    ),
    "Upsample-factor-negative": (
        "scale_factor: expected a number > 0 or a list of one per spatial axis, got -2.0"
    ),
    "UpsamplingNearest2d-both": "UpsamplingNearest2d takes size or scale_factor, not both",
    "UpsamplingNearest2d-neither": "UpsamplingNearest2d needs size or scale_factor",
    "UpsamplingBilinear2d-1d": "mode 'bilinear' needs a C×H×W input, got 2@3",
    "UpsamplingBilinear2d-3d": "mode 'bilinear' needs a C×H×W input, got 2@3×3×3",
    "UpsamplingBilinear2d-both": "UpsamplingBilinear2d takes size or scale_factor, not both",
    "CenterCrop-1d": "CenterCrop crops the last two axes of a C×H×W or C×D×H×W input, got 2@5",
    "CenterCrop-vector": "CenterCrop crops the last two axes of a C×H×W or C×D×H×W input, got 5",
    "CenterCrop-three": (
        "size: expected an integer ≥ 1 or a list of one or two of them ([h, w]), got [1, 2, 3]"
    ),
    "CenterCrop-zero": (
        "size: expected an integer ≥ 1 or a list of one or two of them ([h, w]), got 0"
    ),
    "CenterCrop-float": (
        "size: expected an integer ≥ 1 or a list of one or two of them ([h, w]), got 2.7"
    ),
}


def spec(value: Any) -> Value:
    """Return a recorded argument as a spec gives it: lists as tuples."""
    if isinstance(value, list):
        return tuple(spec(item) for item in value)
    return value  # type: ignore[no-any-return]


def family(case: dict[str, Any]) -> str:
    return KINDS[case["kind"]].__module__.rsplit(".", 1)[1]


def cases_of(name: str) -> list[Any]:
    return [pytest.param(case, id=case["id"]) for case in CASES if family(case) == name]


def layer_of(case: dict[str, Any]) -> Layer:
    return build(KINDS[case["kind"]], {name: spec(value) for name, value in case["args"].items()})


def check(case: dict[str, Any]) -> None:
    """Compare shapecalc with PyTorch's record of one case."""
    before = Shape(tuple(case["input"]))
    message = MESSAGES.get(case["id"])
    if message is not None:
        with pytest.raises(LayerError) as caught:
            layer_of(case).output(before)
        assert caught.value.what == message
        assert ("error" in case) is (case["id"] not in DIVERGES)
        return
    assert "error" not in case, f"PyTorch refuses it: {case['error']['message']}"
    layer = layer_of(case)
    after = layer.output(before)
    flops = case["batch"] * 2 * layer.macs(before, after)  # a MAC is two FLOPs, per sample
    made = (list(after.dims), layer.params(before), flops)
    assert made == (case["output"], case["params"], case["flops"])
    # A buffer does not come from the input: PyTorch's has a batch of one whatever the input's.
    assert case["batch"] == (1 if case["kind"] == "Buffer" else RECORDED["batch"])


@pytest.mark.parametrize("case", cases_of("norm"))
def test_norms(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("elementwise"))
def test_elementwise(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("softmax"))
def test_softmaxes_and_glu(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("reshape"))
def test_reshapes(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("attention"))
def test_attention(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("window"))
def test_windows(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("pad"))
def test_pads(case: dict[str, Any]) -> None:
    check(case)


@pytest.mark.parametrize("case", cases_of("resample"))
def test_resampling(case: dict[str, Any]) -> None:
    check(case)


def test_every_refusal_has_its_message() -> None:
    refused = {case["id"] for case in CASES if "error" in case}
    assert set(MESSAGES) == refused | set(DIVERGES)


def test_every_kind_is_recorded_in_every_family() -> None:
    recorded = {case["kind"] for case in CASES}
    mine = {kind for kind, made in KINDS.items() if made.__module__.rsplit(".", 1)[1] in FAMILIES}
    assert mine - recorded == set()
    assert {family(case) for case in CASES} == set(FAMILIES)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case["id"])
        for case in CASES
        if "field" in case and case["id"] not in DIVERGES
    ],
)
def test_fields(case: dict[str, Any]) -> None:
    """Each axis's field as measured from PyTorch's gradients over every output position.

    A field PyTorch's arithmetic makes exact (uniform, or a known repeating pattern) is
    the measured largest; one kept as bounds is at least it. The step is at least the
    largest measured: at the edges, clamping and short outputs make steps smaller. Where
    the output starts in the input is where each axis's description puts it: a pad or a
    crop by its amount before; a kept axis or an unpadded window at the start.
    """
    layer = layer_of(case)
    before = Shape(tuple(case["input"]))
    after = layer.output(before)
    field = layer.field(start(before.spatial), before, after)
    assert field is not None
    ops = layer.axes(before) or (None,) * before.rank
    for op, (_, _, offset) in zip(ops, case["field"], strict=True):
        if not isinstance(op, Interpolate):  # where resampling starts is its own affair
            assert offset == (-op.before if isinstance(op, Pad) else 0)
    for reach, (size, step, _), size_in in zip(
        field.axes, case["field"], before.spatial, strict=True
    ):
        if reach.size is None:
            assert size == size_in  # the whole axis
            continue
        if reach.uniform or reach.period is not None:
            assert reach.size == size
        else:
            assert reach.size >= size
        assert reach.stride is not None
        assert step is None or reach.stride >= step


@pytest.mark.parametrize(
    ("kind", "args", "shape", "axes"),
    [
        ("ZeroPad2d", {"padding": (1, 2, 0, 0)}, (3, 4, 5), (None, Pad(1, 2))),
        ("ZeroPad3d", {"padding": (0, 1)}, (3, 4, 5, 6), (None, None, Pad(0, 1))),
        ("ReflectionPad1d", {"padding": (-1, 2)}, (3, 5), (Pad(-1, 2),)),
        ("CircularPad3d", {"padding": 1}, (3, 4, 5, 6), (Pad(1, 1),) * 3),
        ("PixelShuffle", {"upscale_factor": 3}, (9, 4, 5), (Interpolate(None, 3.0),) * 2),
        ("PixelUnshuffle", {"downscale_factor": 2}, (3, 4, 6), (Window(2, 2),) * 2),
        ("CenterCrop", {"size": (3, 8)}, (2, 8, 6), (Pad(-2, -3), Pad(1, 1))),
        ("CenterCrop", {"size": 2}, (2, 4, 5, 7), (None, Pad(-2, -1), Pad(-2, -3))),
        (
            "Upsample",
            {"scale_factor": (2, 1.5), "mode": "bilinear", "align_corners": True},
            (2, 4, 5),
            (Interpolate(None, 2.0, "bilinear", True), Interpolate(None, 1.5, "bilinear", True)),
        ),
        (
            "Upsample",
            {"size": 9, "mode": "nearest-exact"},
            (2, 4, 5, 6),
            (Interpolate(9, None, "nearest-exact"),) * 3,
        ),
        (
            "UpsamplingBilinear2d",
            {"size": (4, 5)},
            (2, 3, 3),
            (Interpolate(4, None, "bilinear", True), Interpolate(5, None, "bilinear", True)),
        ),
        (
            "Upsample",
            {"scale_factor": 2.3, "recompute_scale_factor": True},
            (2, 10),
            (Interpolate(None, 2.3, "nearest", False, True),),
        ),
    ],
    ids=[
        "zero-pad-width",
        "zero-pad-last-axis-only",
        "reflection-crop",
        "circular-every-axis",
        "pixel-shuffle",
        "pixel-unshuffle",
        "centre-crop-and-pad",
        "centre-crop-3d",
        "upsample-factors",
        "upsample-size-3d",
        "bilinear-2d-size",
        "upsample-recompute",
    ],
)
def test_axes(
    kind: str, args: dict[str, Value], shape: tuple[int, ...], axes: tuple[Axis, ...]
) -> None:
    """What each layer says it does to each spatial axis, which every consumer reads."""
    assert build(KINDS[kind], args).axes(Shape(shape)) == axes


@pytest.mark.parametrize(
    ("kind", "args", "shape", "holds", "whole"),
    [
        ("Softmax", {"dim": 2}, (3, 5, 6), (0, 0, 2), (True, False)),
        ("Softmax", {"dim": 1}, (3, 5, 6), (0, 1, 2), (False, False)),
        ("LogSoftmax", {"dim": -1}, (3, 5, 6), (0, 1, 0), (False, True)),
        ("Softmin", {}, (3, 5), (0, 1), (False,)),  # PyTorch's implicit dim: the batch
        ("GLU", {"dim": 1}, (4, 5, 6), (0, 1, 2), (False, False)),
    ],
    ids=["softmax-height", "softmax-channels", "log-softmax-width", "softmin-implicit", "glu"],
)
def test_mixing_fields(
    kind: str,
    args: dict[str, Value],
    shape: tuple[int, ...],
    holds: tuple[int, ...],
    whole: tuple[bool, ...],
) -> None:
    """A softmax over a spatial dim makes that axis's field the whole of it."""
    layer = build(KINDS[kind], args)
    before = Shape(shape)
    field = layer.field(start(before.spatial), before, layer.output(before))
    assert field is not None
    assert field.holds == holds
    assert tuple(reach.whole for reach in field.axes) == whole


def test_glu_over_an_axis_reads_two_positions_half_apart() -> None:
    layer = build(KINDS["GLU"], {"dim": 2})
    before = Shape((3, 8, 5))
    field = layer.field(start(before.spatial), before, layer.output(before))
    assert field is not None
    assert (field.axes[0].size, field.axes[0].stride, field.axes[1].size) == (5, 1, 1)


def test_every_kind_is_listed_where_it_is_defined() -> None:
    """KINDS imports a kind's module on first use, by the table MODULES: it must be whole.

    A kind is a layer class no other layer class derives from; the bases (Conv, Pool, …)
    are not kinds.
    """
    defined: dict[str, str] = {}
    for module in MODULES:
        loaded = importlib.import_module(f"shapecalc.layers.{module}")
        for name, item in vars(loaded).items():
            own = isinstance(item, type) and item.__module__ == loaded.__name__
            if own and not name.startswith("_") and hasattr(item, "output"):
                defined[name] = module
    classes = {
        name: getattr(importlib.import_module(f"shapecalc.layers.{m}"), name)
        for name, m in defined.items()
    }
    kinds = {
        name: module
        for name, module in defined.items()
        if not any(
            other is not classes[name] and issubclass(other, classes[name])
            for other in classes.values()
        )
    }
    assert {name: module for module, names in MODULES.items() for name in names} == kinds
    assert all(KINDS[name].__name__ == name for name in KINDS)


def test_a_run_imports_only_the_layers_it_uses() -> None:
    code = (
        "import sys; from shapecalc import api; api.infer(api.load('resnet18'), 32); "
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
        "if m.startswith('shapecalc.layers.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("'")[1::2] == [
        "args",
        "base",
        "conv",
        "elementwise",
        "linear",
        "norm",
        "pool",
        "spatial",
    ]


@pytest.mark.parametrize(
    "dims",
    [(0, "a", 1), (0, True, 2, 3), (0, (1,), 2), (0,)],
    ids=["text", "bool", "list", "batch-alone"],
)
def test_permute_refuses_what_is_not_a_permutation(dims: tuple[Any, ...]) -> None:
    with pytest.raises(LayerError, match=r"^dims: expected the dimensions 0, 1, …, n - 1"):
        build(KINDS["Permute"], {"dims": dims})


def test_attention_within_windows_reads_its_window_and_the_shifted_one_two() -> None:
    """Swin's first block reads a window of 7; the next, shifted by 3, straddles two."""
    from shapecalc._pattern import Period
    from shapecalc.field import Field
    from shapecalc.layers.window import windows

    assert windows(4) == Period((0, 0, 0, 0), (3, 3, 3, 3), 4)
    assert windows(4, 1) == Period((-3, 1, 1, 1), (0, 4, 4, 4), 4)
    plain = build(KINDS["ShiftedWindowAttentionForward"], {"window_size": 7, "num_heads": 1})
    shifted = build(
        KINDS["ShiftedWindowAttentionForward"],
        {"window_size": 7, "shift_size": 3, "num_heads": 1},
    )
    channels_last = Shape((28, 28, 4), (1, 2, 0))
    field = Field(start((28, 28)).axes, (1, 2, 0))
    once = plain.field(field, channels_last, channels_last)
    assert once is not None
    assert [(reach.size, reach.varies) for reach in once.axes] == [(7, False)] * 2
    twice = shifted.field(once, channels_last, channels_last)
    assert twice is not None
    assert [reach.size for reach in twice.axes] == [14, 14]


@pytest.mark.parametrize(("window", "size"), [(7, 7), (None, None)], ids=["window", "grid"])
def test_partitioned_attention_reads_a_window_or_the_whole_map(
    window: int | None, size: int | None
) -> None:
    layer = build(
        KINDS["PartitionAttentionForward"], {"head_dim": 2, "max_seq_len": 49, "window": window}
    )
    partition = build(KINDS["WindowPartition"], {"partition_size": 7})
    mapped = Shape((6, 14, 21))
    cut = partition.output(mapped)
    field = partition.field(start(mapped.spatial), mapped, cut)
    stacked = Shape((*cut.dims[:2], 6 * 3), cut.order)
    assert field is not None
    made = layer.field(field, stacked, layer.output(stacked))
    assert made is not None
    assert [reach.size for reach in made.axes] == [size, size]
