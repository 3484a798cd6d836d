"""Every layer kind a spec can name, by its PyTorch class name."""

from __future__ import annotations

from shapecalc.layers.base import Layer, build
from shapecalc.layers.conv import Conv2d
from shapecalc.layers.elementwise import (
    GELU,
    Dropout,
    Dropout2d,
    Hardsigmoid,
    Hardswish,
    Identity,
    LeakyReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Tanh,
)
from shapecalc.layers.linear import Flatten, Linear
from shapecalc.layers.norm import BatchNorm2d
from shapecalc.layers.pool import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool2d

KINDS: dict[str, type[Layer]] = {
    kind.__name__: kind
    for kind in (
        Conv2d,
        BatchNorm2d,
        MaxPool2d,
        AvgPool2d,
        AdaptiveAvgPool2d,
        AdaptiveMaxPool2d,
        Linear,
        Flatten,
        Identity,
        ReLU,
        ReLU6,
        LeakyReLU,
        SiLU,
        Hardswish,
        Hardsigmoid,
        Sigmoid,
        Tanh,
        GELU,
        Dropout,
        Dropout2d,
    )
}

__all__ = ["KINDS", "Layer", "build"]
