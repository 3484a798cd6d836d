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
    result = infer(load(recorded["model"]), Shape(tuple(recorded["input"])))
    used = memory(result, batch=recorded["batch"])
    assert used.forward_backward == recorded["forward_backward_bytes"]
    assert used.input == recorded["input_bytes"] - 64


BATCHED = sorted(name for name in TORCHINFO if TORCHINFO[name]["batch"] > 1)


def test_some_models_are_recorded_at_a_batch() -> None:
    assert BATCHED == ["densenet121@8", "mobilenet_v3_small@8", "resnet18@8"]


@pytest.mark.parametrize("name", BATCHED, ids=str)
def test_a_batch_scales_as_torch_counts_it(name: str) -> None:
    """At batch 8, torchinfo's input and forward/backward bytes are ours at --batch 8 (the
    input's 64 bytes aside, as at batch 1), and FlopCounterMode's count ÷ 2 is our MACs × 8.

    torchinfo's mult-adds are not ours: it also counts each BatchNorm's weight and bias and
    each Linear's bias, once per sample (10,600 for resnet18). So what compares is that they
    scale as ours do: its figure at batch 8 is 8 times its own at batch 1, and its gap to
    ours is 8 times the gap at batch 1.
    """
    recorded, alone = TORCHINFO[name], TORCHINFO[name.partition("@")[0]]
    batch = recorded["batch"]
    result = infer(load(recorded["model"]), Shape(tuple(recorded["input"])))
    used, single = memory(result, batch=batch), memory(result)
    assert used.input == recorded["input_bytes"] - 64
    assert used.forward_backward == recorded["forward_backward_bytes"]
    assert used.params == single.params == recorded["param_bytes"]
    assert result.batch_macs(batch) == recorded["flop_counter_macs"]
    assert recorded["mult_adds"] == batch * alone["mult_adds"]
    gap = alone["mult_adds"] - result.total_macs
    assert recorded["mult_adds"] - result.batch_macs(batch) == batch * gap > 0
