"""Specs of every rank against PyTorch: the constructs of each rank, the examples, r3d_18.

tools/record_torch.py recorded each spec's PyTorch twin at several sizes: every module's
path, type, output shape, parameters and MACs, or the module running when PyTorch refused
the input, and at some sizes each module's receptive field along each axis, measured from
input gradients.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import TESTS, torch_data

from shapecalc.engine import Result, infer
from shapecalc.errors import ShapeError
from shapecalc.field import Reach
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.spec import load_spec

ROOT = TESTS.parent
RECORDED = {
    name: spec
    for file in ("torch_constructs_nd.json", "torch_examples.json", "torch_r3d_18.json")
    for name, spec in torch_data(file)["specs"].items()
}


def cases(*, fields: bool = False) -> list[Any]:
    """Every recorded case (or those whose fields were measured), named spec-CxHxW."""
    return [
        pytest.param(name, case, id=f"{name}-{'x'.join(map(str, case['input']))}")
        for name, spec in RECORDED.items()
        for case in spec["cases"]
        if case.get("fields") or not fields
    ]


CASES = cases()
FIELD_CASES = cases(fields=True)
# Every layer the any-rank contract adds, each used by at least one recorded twin.
CONTRACT = {
    *(f"{kind}{rank}d" for rank in (1, 2, 3) for kind in ("Conv", "ConvTranspose")),
    *(f"{kind}{rank}d" for rank in (1, 2, 3) for kind in ("MaxPool", "AvgPool", "LPPool")),
    *(f"Adaptive{kind}Pool{rank}d" for rank in (1, 3) for kind in ("Avg", "Max")),
    *(f"{kind}Pad{rank}d" for rank in (1, 2, 3) for kind in ("Zero", "Constant", "Replication")),
    *("ReflectionPad1d", "ReflectionPad2d", "CircularPad1d", "CircularPad3d"),
    *("BatchNorm1d", "BatchNorm3d", "InstanceNorm1d", "InstanceNorm3d", "GroupNorm"),
    *("LayerNorm", "LocalResponseNorm"),
    *("Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"),
    *("PixelShuffle", "PixelUnshuffle", "ChannelShuffle", "Flatten", "Unflatten"),
    *("PReLU", "GLU", "Softmax", "LogSoftmax", "CenterCrop", "Dropout1d", "Dropout3d"),
}
COMBINATORS = ["mul:", "crop: center", "dim: -1", "dim: 2"]


def spec_path(name: str) -> Path:
    return ROOT / str(RECORDED[name]["spec"])


def load(name: str) -> Model:
    path = spec_path(name)
    return load_spec(path, path.name)


def run(name: str, case: dict[str, Any]) -> Result:
    return infer(load(name), Shape(tuple(case["input"])))


@pytest.mark.parametrize(("name", "case"), CASES)
def test_spec_matches_pytorch(name: str, case: dict[str, Any]) -> None:
    """Every module named_modules() lists, in order, with its type, output shape,
    parameters and MACs; or, where PyTorch refuses the input, a shape error there."""
    if "failure" in case:
        with pytest.raises(ShapeError) as caught:
            run(name, case)
        failed = case["failure"]
        if failed["in_leaf"]:  # else forward() refused after it: a join, which has no row
            assert caught.value.where.endswith(failed["path"]), str(caught.value)
        return
    result = run(name, case)
    got = [
        (row.path, row.type, row.shape and list(row.shape.dims), row.params, row.macs)
        for row in result.rows
    ]
    expected = [
        (row["path"], row["type"], row["shape"], row["params"], row["macs"]) for row in case["rows"]
    ]
    assert got == expected
    top = [row for row in case["rows"] if "." not in row["path"]]
    assert result.total_params == sum(row["params"] for row in top)
    assert result.total_macs == sum(row["macs"] for row in top)


def compared(axis: Reach, row: dict[str, Any], index: int) -> tuple[Any, Any]:
    """Return the engine's field along one axis and the recorded one: the largest field
    and the largest step between neighbouring outputs' fields, or the field alone where no
    two neighbours' fields fitted inside the input to show a step.

    Where the engine gives bounds (a field that varies with no pattern kept, after an
    upsampling by 2.3, say, or an adaptive pool), the recorded figures must not exceed
    them. Steps are measured only between fields inside the input (never between whole
    ones, which the engine may still place a stride apart, after a gate): on an axis too short
    to hold two periods of a varying pattern inside, the engine's step, over every
    output, may be the larger.
    """
    field, step = row["receptive_field"][index], row["effective_stride"][index]
    mine: Any = (axis.size, axis.stride)
    theirs: Any = (field, step)
    if field is not None and step is None:
        mine, theirs = axis.size, field
    if axis.whole:  # every output reads every input: gradients show no step between them
        return axis.size, field
    if field is None:
        return mine, theirs
    if is_bound(axis):
        within = (axis.size or 0) >= field and (step is None or (axis.stride or 0) >= step)
        return ("bounds", within), ("bounds", True)
    short = axis.period is not None and row["shape"][1 + index] < 3 * len(axis.period.lo)
    if short and step is not None and (axis.stride or 0) > step:
        return (axis.size, "≥ the step inside"), (field, "≥ the step inside")
    return mine, theirs


def is_bound(axis: Reach) -> bool:
    """Whether the engine says its figures are bounds: fields vary, and no pattern is kept."""
    return not axis.uniform and axis.period is None


@pytest.mark.parametrize(("name", "case"), FIELD_CASES)
def test_fields_match_pytorch_gradients(name: str, case: dict[str, Any]) -> None:
    """Per axis, the largest field and the largest step between neighbouring outputs'
    fields, as measured from input gradients; null is the whole input. Rows the measurement
    leaves out (a flattened map, whose elements see different parts) are not compared."""
    result = run(name, case)
    got, expected = [], []
    for row, want in zip(result.rows, case["rows"], strict=True):
        if "receptive_field" not in want:
            continue
        assert row.field is not None, row.path
        pairs = [compared(axis, want, index) for index, axis in enumerate(row.field.axes)]
        got.append((row.path, [mine for mine, _ in pairs]))
        expected.append((want["path"], [theirs for _, theirs in pairs]))
    assert got == expected
    assert len(expected) >= len(case["rows"]) - 1


def test_most_recorded_fields_are_exact() -> None:
    """Bounds are the exception: after fractional upsampling and adaptive pools only."""
    exact = bounds = 0
    for param in FIELD_CASES:
        name, case = param.values
        result = run(name, case)
        for row, want in zip(result.rows, case["rows"], strict=True):
            if "receptive_field" in want and row.field is not None:
                for axis in row.field.axes:
                    bounds += is_bound(axis)
                    exact += not is_bound(axis)
    assert bounds < exact / 5


def test_recorded_twins_cover_the_contract() -> None:
    used = {
        row["type"]
        for spec in RECORDED.values()
        for case in spec["cases"]
        for row in case.get("rows", ())
    }
    assert CONTRACT - used == set()
    text = "".join(spec_path(name).read_text(encoding="utf-8") for name in RECORDED)
    assert [word for word in COMBINATORS if word not in text] == []


def test_recordings_hold_odd_sizes_fields_and_refusals() -> None:
    for name, spec in RECORDED.items():
        inputs = [case["input"] for case in spec["cases"]]
        assert len(inputs) >= 2, name
        assert any(any(size % 2 for size in shape[1:]) for shape in inputs), name
    fields = {
        name for name, spec in RECORDED.items() if any(c.get("fields") for c in spec["cases"])
    }
    assert fields == set(RECORDED) - {"r3d_18"}
    refused = {
        name for name, spec in RECORDED.items() if any("failure" in c for c in spec["cases"])
    }
    assert {"unet", "audio_1d", "volume_3d"} <= refused


@pytest.mark.parametrize(
    ("name", "output"),
    [
        pytest.param("audio_1d", (512, 49), id="audio-1s-gives-49-frames"),
        pytest.param("decoder", (3, 64, 64), id="dcgan-64x64"),
        pytest.param("unet", (2, 388, 388), id="unet-572-gives-388"),
        pytest.param("volume_3d", (3, 32, 64, 64), id="unet3d-keeps-its-size"),
        pytest.param("r3d_18", (400,), id="r3d-400-classes"),
    ],
)
def test_examples_at_their_default_input(name: str, output: tuple[int, ...]) -> None:
    model = load(name)
    result = infer(model, model.input)
    assert result.output == Shape(output)


def test_r3d_18_costs_what_torchvision_publishes() -> None:
    """torchvision's R3D_18_Weights: 33,371,472 parameters and 40.697 GFLOPS (its GMACs)."""
    model = load("r3d_18")
    result = infer(model, model.input)
    assert result.total_params == 33_371_472
    assert round(result.total_macs / 1e9, 3) == 40.697
