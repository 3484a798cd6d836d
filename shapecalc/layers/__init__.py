"""Every layer kind a spec can name, by its PyTorch class name.

A kind's module is imported when a spec first names it: a run pays only for the layers its
model uses (tests/test_layers_nd.py checks this table against the modules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from shapecalc.layers.base import Builder, Layer, build

# The kinds each module of this package defines, in the order --list and hints show them.
MODULES: dict[str, tuple[str, ...]] = {
    "conv": (
        "Conv1d",
        "Conv2d",
        "Conv3d",
        "ConvTranspose1d",
        "ConvTranspose2d",
        "ConvTranspose3d",
    ),
    "norm": (
        "BatchNorm1d",
        "BatchNorm2d",
        "BatchNorm3d",
        "InstanceNorm1d",
        "InstanceNorm2d",
        "InstanceNorm3d",
        "GroupNorm",
        "LayerNorm",
        "LayerNorm2d",
        "RMSNorm",
        "LocalResponseNorm",
    ),
    "pool": (
        "MaxPool1d",
        "MaxPool2d",
        "MaxPool3d",
        "AvgPool1d",
        "AvgPool2d",
        "AvgPool3d",
        "LPPool1d",
        "LPPool2d",
        "LPPool3d",
        "AdaptiveAvgPool1d",
        "AdaptiveAvgPool2d",
        "AdaptiveAvgPool3d",
        "AdaptiveMaxPool1d",
        "AdaptiveMaxPool2d",
        "AdaptiveMaxPool3d",
    ),
    "softmax": (
        "Softmax",
        "Softmin",
        "LogSoftmax",
        "Softmax2d",
        "GLU",
    ),
    "linear": (
        "Linear",
        "Flatten",
    ),
    "reshape": (
        "Unflatten",
        "PixelShuffle",
        "PixelUnshuffle",
        "ChannelShuffle",
        "Permute",
        "SwapAxes",
        "Chunk",
        "Narrow",
    ),
    "attention": ("QKVAttention", "MultiHeadAttentionForward"),
    "sequence": ("ClassToken", "PositionEmbedding", "Select", "ExpectSize"),
    "window": (
        "ShiftedWindowAttentionForward",
        "PatchMerge",
        "Buffer",
        "WindowPartition",
        "WindowDepartition",
        "PartitionAttentionForward",
    ),
    "resample": (
        "Upsample",
        "UpsamplingNearest2d",
        "UpsamplingBilinear2d",
        "CenterCrop",
    ),
    "pad": (
        "ZeroPad1d",
        "ZeroPad2d",
        "ZeroPad3d",
        "ConstantPad1d",
        "ConstantPad2d",
        "ConstantPad3d",
        "ReflectionPad1d",
        "ReflectionPad2d",
        "ReflectionPad3d",
        "ReplicationPad1d",
        "ReplicationPad2d",
        "ReplicationPad3d",
        "CircularPad1d",
        "CircularPad2d",
        "CircularPad3d",
    ),
    "elementwise": (
        "Identity",
        "ReLU",
        "ReLU6",
        "LeakyReLU",
        "SiLU",
        "Hardswish",
        "Hardsigmoid",
        "Sigmoid",
        "Tanh",
        "GELU",
        "ELU",
        "CELU",
        "SELU",
        "Hardtanh",
        "Hardshrink",
        "Softshrink",
        "Tanhshrink",
        "LogSigmoid",
        "Softplus",
        "Softsign",
        "Mish",
        "RReLU",
        "Threshold",
        "PReLU",
        "Dropout",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "AlphaDropout",
        "FeatureAlphaDropout",
        "StochasticDepth",
    ),
}


class _Kinds(Mapping[str, type[Layer]]):
    """The layer kinds by name, each imported on first use."""

    def __init__(self) -> None:
        self._where = {name: module for module, names in MODULES.items() for name in names}
        self._loaded: dict[str, type[Layer]] = {}

    def __getitem__(self, name: str) -> type[Layer]:
        kind = self._loaded.get(name)
        if kind is None:
            module = import_module(f"shapecalc.layers.{self._where[name]}")
            kind = self._loaded[name] = getattr(module, name)
        return kind

    def __contains__(self, name: object) -> bool:
        return name in self._where

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


KINDS: Mapping[str, type[Layer]] = _Kinds()

__all__ = ["KINDS", "MODULES", "Builder", "Layer", "build"]
