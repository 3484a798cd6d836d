"""Bytes of outputs and parameters at each element type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shapecalc.api import load
from shapecalc.engine import infer
from shapecalc.memory import DType, memory, nbytes
from shapecalc.modules import Model
from shapecalc.shape import Shape


@pytest.mark.parametrize(
    ("dtype", "size"),
    [
        (DType.FLOAT32, 4),
        (DType.FLOAT16, 2),
        (DType.BFLOAT16, 2),
        (DType.FLOAT64, 8),
        (DType.INT8, 1),
    ],
    ids=lambda value: value.value if isinstance(value, DType) else None,
)
def test_sizes(dtype: DType, size: int) -> None:
    assert dtype.size == size
    assert nbytes(Shape((64, 112, 112)), dtype) == 64 * 112 * 112 * size


def test_resnet18_memory(resnet18: Model) -> None:
    result = infer(resnet18, resnet18.input)
    used = memory(result)
    leaves = [row for row in result.rows if row.is_leaf]
    assert len(leaves) == 52
    assert used.input == 3 * 224 * 224 * 4 == 602_112
    assert used.params == 11_689_512 * 4 == 46_758_048
    assert used.activations == 26_900_384
    assert used.total == used.input + used.activations + used.params


TORCHINFO = json.loads((Path(__file__).parent / "data" / "torchinfo_memory.json").read_text())


@pytest.mark.parametrize("name", sorted(TORCHINFO), ids=str)
def test_torchinfo_forward_backward_as_torchinfo_reports_it(name: str) -> None:
    """tools/record_torchinfo.py's figures: its forward/backward pass size.

    Its input bytes are 64 more (it sizes the input tensor as a Python object), and its
    parameter bytes miss
    ConvNeXt's layer scales: neither is ours to copy.
    """
    recorded = TORCHINFO[name]
    used = memory(infer(load(name), Shape(tuple(recorded["input"]))))
    assert used.forward_backward == recorded["forward_backward_bytes"]
    assert used.input == recorded["input_bytes"] - 64
