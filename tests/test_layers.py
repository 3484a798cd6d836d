"""Each layer kind: arguments as PyTorch takes them, output shapes, and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from shapecalc.errors import LayerError
from shapecalc.layers import KINDS, build
from shapecalc.shape import Shape


def output(kind: str, shape: tuple[int, ...], **args: Any) -> tuple[int, ...]:
    return build(KINDS[kind], args).output(Shape(shape)).dims


@pytest.mark.parametrize(
    ("kind", "args", "shape", "out"),
    [
        (
            "Conv2d",
            {"out_channels": 64, "kernel_size": 7, "stride": 2, "padding": 3},
            (3, 224, 224),
            (64, 112, 112),
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": (3, 1), "padding": (1, 0)},
            (4, 10, 10),
            (8, 10, 10),
        ),
        ("Conv2d", {"out_channels": 8, "kernel_size": 3, "dilation": 2}, (4, 10, 12), (8, 6, 8)),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 4, "padding": "same", "dilation": 3},
            (4, 9, 11),
            (8, 9, 11),
        ),
        ("Conv2d", {"out_channels": 8, "kernel_size": 3, "padding": "valid"}, (4, 9, 9), (8, 7, 7)),
        (
            "Conv2d",
            {"out_channels": 32, "kernel_size": 3, "groups": 32, "padding": 1},
            (32, 5, 5),
            (32, 5, 5),
        ),
        ("BatchNorm2d", {}, (64, 7, 9), (64, 7, 9)),
        ("MaxPool2d", {"kernel_size": 3, "stride": 2, "padding": 1}, (64, 112, 112), (64, 56, 56)),
        ("MaxPool2d", {"kernel_size": 2}, (8, 7, 7), (8, 3, 3)),
        ("MaxPool2d", {"kernel_size": 2, "ceil_mode": True}, (8, 7, 7), (8, 4, 4)),
        (
            "MaxPool2d",
            {"kernel_size": 3, "stride": 2, "ceil_mode": True},
            (64, 112, 112),
            (64, 56, 56),
        ),
        ("AvgPool2d", {"kernel_size": (2, 3)}, (8, 7, 7), (8, 3, 2)),
        ("AvgPool2d", {"kernel_size": 3, "stride": 1, "padding": 1}, (8, 5, 5), (8, 5, 5)),
        ("AdaptiveAvgPool2d", {"output_size": 1}, (512, 7, 7), (512, 1, 1)),
        ("AdaptiveAvgPool2d", {"output_size": (None, 3)}, (5, 8, 8), (5, 8, 3)),
        ("AdaptiveMaxPool2d", {"output_size": (6, 6)}, (256, 2, 2), (256, 6, 6)),
        ("Flatten", {}, (512, 1, 1), (512,)),
        ("Flatten", {"start_dim": 2}, (5, 8, 8), (5, 64)),
        ("Flatten", {"start_dim": 1, "end_dim": 2}, (5, 8, 3), (40, 3)),
        ("Linear", {"out_features": 1000}, (512,), (1000,)),
        ("Linear", {"out_features": 10}, (5, 8, 3), (5, 8, 10)),
        ("Dropout", {"p": 0.2}, (7,), (7,)),
        ("GELU", {"approximate": "tanh"}, (3, 4, 5), (3, 4, 5)),
        ("Identity", {}, (3, 4, 5), (3, 4, 5)),
    ],
    ids=[
        "conv-stem",
        "conv-asymmetric-kernel",
        "conv-dilated",
        "conv-same-dilated",
        "conv-valid",
        "conv-depthwise",
        "batchnorm",
        "maxpool-stem",
        "maxpool-stride-defaults-to-kernel",
        "maxpool-ceil",
        "maxpool-ceil-exact",
        "avgpool-pair-kernel",
        "avgpool-padded",
        "adaptive-avg-global",
        "adaptive-avg-keeps-null-axis",
        "adaptive-max-upsamples",
        "flatten-default",
        "flatten-start-2",
        "flatten-span",
        "linear",
        "linear-last-dim",
        "dropout",
        "gelu",
        "identity",
    ],
)
def test_output(
    kind: str, args: dict[str, Any], shape: tuple[int, ...], out: tuple[int, ...]
) -> None:
    assert output(kind, shape, **args) == out


@pytest.mark.parametrize(
    "kind",
    [
        "ReLU",
        "ReLU6",
        "LeakyReLU",
        "SiLU",
        "Hardswish",
        "Hardsigmoid",
        "Sigmoid",
        "Tanh",
        "Dropout2d",
    ],
)
def test_shape_keeping_layers(kind: str) -> None:
    assert output(kind, (3, 5, 7)) == (3, 5, 7)


@pytest.mark.parametrize(
    ("kind", "args", "message", "arg"),
    [
        ("Conv2d", {"out_channels": 8}, "Conv2d needs kernel_size", None),
        (
            "Conv2d",
            {"out_channels": 8, "kernal_size": 3},
            "Conv2d has no argument 'kernal_size' (did you mean 'kernel_size'?)",
            "kernal_size",
        ),
        (
            "Conv2d",
            {"out_channels": 0, "kernel_size": 3},
            "out_channels: expected an integer ≥ 1, got 0",
            "out_channels",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": "3"},
            "kernel_size: expected an integer ≥ 1 or an [h, w] pair of them, got '3'",
            "kernel_size",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": (3, 3, 3)},
            "kernel_size: expected an integer ≥ 1 or an [h, w] pair of them, got [3, 3, 3]",
            "kernel_size",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": True},
            "kernel_size: expected an integer ≥ 1 or an [h, w] pair of them, got true",
            "kernel_size",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 2.5},
            "kernel_size: expected an integer ≥ 1 or an [h, w] pair of them, got 2.5",
            "kernel_size",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 3, "padding": -1},
            "padding: expected an integer ≥ 0, an [h, w] pair, 'same' or 'valid', got -1",
            "padding",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 3, "stride": 2, "padding": "same"},
            "padding='same' is not supported for strided convolutions",
            "padding",
        ),
        (
            "Conv2d",
            {"out_channels": 10, "kernel_size": 3, "groups": 4},
            "out_channels 10 is not divisible by groups 4",
            "groups",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 3, "bias": "no"},
            "bias: expected true or false, got 'no'",
            "bias",
        ),
        (
            "MaxPool2d",
            {"kernel_size": 3, "padding": 2},
            "padding 2 is more than half of kernel_size 3 on H; PyTorch pools allow at most "
            "kernel_size // 2",
            "padding",
        ),
        ("Dropout", {"p": 1.5}, "p: expected a number from 0 to 1, got 1.5", "p"),
        (
            "GELU",
            {"approximate": "fast"},
            "approximate: expected 'none' or 'tanh', got 'fast'",
            "approximate",
        ),
    ],
    ids=[
        "missing",
        "misspelt",
        "zero-channels",
        "string",
        "three-long-pair",
        "bool",
        "float",
        "negative-padding",
        "same-strided",
        "groups-out",
        "bool-string",
        "pool-padding",
        "dropout-p",
        "gelu-approximate",
    ],
)
def test_arguments_refused(kind: str, args: dict[str, Any], message: str, arg: str | None) -> None:
    with pytest.raises(LayerError) as caught:
        build(KINDS[kind], args)
    assert (caught.value.what, caught.value.arg) == (message, arg)


@pytest.mark.parametrize(
    ("kind", "args", "shape", "message"),
    [
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 3},
            (4, 2, 9),
            "input 4@2×9 is too small: the output would be 0×7 "
            "(H: ⌊(2 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = 0)",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 3, "in_channels": 3},
            (4, 9, 9),
            "in_channels is 3 but the input is 4@9×9 (C = 4)",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 1, "groups": 2},
            (3, 9, 9),
            "the input's 3 channels are not divisible by groups 2",
        ),
        (
            "Conv2d",
            {"out_channels": 8, "kernel_size": 1},
            (512,),
            "Conv2d needs a C×H×W input, got 512",
        ),
        (
            "BatchNorm2d",
            {"num_features": 32},
            (64, 9, 9),
            "num_features is 32 but the input is 64@9×9 (C = 64)",
        ),
        (
            "MaxPool2d",
            {"kernel_size": 3, "stride": 2},
            (64, 2, 2),
            "input 64@2×2 is too small: the output would be 0×0 "
            "(H: ⌊(2 + 2·0 − 1·(3 − 1) − 1) / 2⌋ + 1 = 0; "
            "W: ⌊(2 + 2·0 − 1·(3 − 1) − 1) / 2⌋ + 1 = 0)",
        ),
        (
            "Linear",
            {"out_features": 10, "in_features": 512},
            (512, 1, 1),
            "in_features is 512 but the input is 512@1×1 (last dimension = 1); "
            "is a Flatten missing before it?",
        ),
        (
            "Flatten",
            {"start_dim": 0},
            (5, 4, 4),
            "start_dim 0 would flatten the batch dimension, which shapes here leave out",
        ),
        (
            "Flatten",
            {"start_dim": 5},
            (5, 4, 4),
            "start_dim 5 is out of range for a 4-dimensional batched input (expected -4 to 3)",
        ),
        ("Flatten", {"start_dim": 3, "end_dim": 2}, (5, 4, 4), "start_dim 3 comes after end_dim 2"),
        (
            "AdaptiveAvgPool2d",
            {"output_size": 1},
            (512,),
            "AdaptiveAvgPool2d needs a C×H×W input, got 512",
        ),
    ],
    ids=[
        "conv-collapses",
        "conv-in-channels",
        "conv-groups-in",
        "conv-vector",
        "bn-features",
        "maxpool-collapses",
        "linear-without-flatten",
        "flatten-batch",
        "flatten-range",
        "flatten-order",
        "adaptive-vector",
    ],
)
def test_shapes_refused(
    kind: str, args: dict[str, Any], shape: tuple[int, ...], message: str
) -> None:
    layer = build(KINDS[kind], args)
    with pytest.raises(LayerError) as caught:
        layer.output(Shape(shape))
    assert caught.value.what == message
