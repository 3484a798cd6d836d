"""JSON: every figure of every row, and the totals, as numbers."""

from __future__ import annotations

import json

import pytest
from conftest import spec

from shapecalc.engine import infer
from shapecalc.formats import Options
from shapecalc.formats.json import render
from shapecalc.memory import DType
from shapecalc.modules import Model
from shapecalc.shape import Shape


def test_json(resnet18: Model) -> None:
    data = json.loads(render(infer(resnet18, Shape((3, 7, 9))), Options()))
    assert {key: data[key] for key in ("model", "type", "input", "output")} == {
        "model": "resnet18",
        "type": "ResNet",
        "input": [3, 7, 9],
        "output": [1000],
    }
    assert (data["total_params"], data["total_stride"]) == (11_689_512, [32, 32])
    assert len(data["layers"]) == 67
    assert data["layers"][0] == {
        "path": "conv1",
        "name": "conv1",
        "type": "Conv2d",
        "depth": 1,
        "shape": [64, 4, 5],
        "params": 9408,
        "macs": 9408 * 20,
        "output_bytes": 64 * 4 * 5 * 4,
        "receptive_field": [7, 7],
        "effective_stride": [2, 2],
        "field_uniform": True,
    }
    downsample = data["layers"][25]
    assert (downsample["path"], downsample["shape"]) == ("layer2.0.downsample.0", [128, 1, 2])
    # layer4 is 1×1 here, so the global pool changes nothing: fields stay unclipped.
    assert data["layers"][-1]["receptive_field"] == [435, 435]
    assert json.loads(render(infer(resnet18, resnet18.input), Options()))["layers"][-1][
        "receptive_field"
    ] == [None, None]
    assert data["uneven"][0] == {"path": "conv1", "axis": "H", "input": 7, "stride": 2, "output": 4}


def test_json_memory_follows_the_dtype(resnet18: Model) -> None:
    result = infer(resnet18, resnet18.input)
    data = json.loads(render(result, Options(dtype=DType.FLOAT16)))
    assert data["memory"] == {
        "dtype": "float16",
        "input_bytes": 3 * 224 * 224 * 2,
        "activation_bytes": sum(row.shape.numel for row in result.rows if row.is_leaf and row.shape)
        * 2,
        "param_bytes": 11_689_512 * 2,
        "total_bytes": data["memory"]["input_bytes"]
        + data["memory"]["activation_bytes"]
        + 11_689_512 * 2,
        "torchinfo_forward_backward_bytes": 2
        * 2
        * sum(row.shape.numel for row in result.rows if row.is_leaf and row.shape and row.params),
        "torchinfo_total_bytes": data["memory"]["input_bytes"]
        + data["memory"]["torchinfo_forward_backward_bytes"]
        + 11_689_512 * 2,
    }
    assert data["layers"][0]["output_bytes"] == 64 * 112 * 112 * 2
    assert data["uneven"] == []


def test_json_of_a_model_that_takes_vectors(write_spec: object) -> None:
    from conftest import spec

    model = spec("input: [512]\nmodel: [{type: Linear, out_features: 10}]\n")
    data = json.loads(render(infer(model, model.input), Options()))
    assert data["layers"] == [
        {
            "path": "0",
            "name": "0",
            "type": "Linear",
            "depth": 1,
            "shape": [10],
            "params": 5130,
            "macs": 5120,
            "output_bytes": 40,
        }
    ]
    assert data["total_stride"] is None


@pytest.mark.parametrize(
    "size",
    [(3, 64, 64), (3, 5, 7), (10,)],
    ids=["map", "uneven-map", "vector"],
)
def test_rows_are_written_as_json_dumps_writes_them(size: tuple[int, ...]) -> None:
    """Names with quotes, backslashes, markup and beyond ASCII; fields that cover the whole
    input (null sizes); inputs with no field at all."""
    model = spec(
        """
        input: [3, 64, 64]
        model:
          children:
            'say "hi"': {type: Conv2d, out_channels: 4, kernel_size: 3, stride: 2}
            back\\slash: {type: AdaptiveAvgPool2d, output_size: 1}
            "</script>😀": Flatten
            größe: {type: Linear, out_features: 2}
        """
        if len(size) == 3
        else "input: [10]\nmodel:\n  children:\n    'é\"': {type: Linear, out_features: 3}\n"
    )
    result = infer(model, Shape(size))
    document = render(result, Options())
    lines = document.splitlines()
    layers = json.loads(document)["layers"]
    assert [layer["name"] for layer in layers] == [row.name for row in result.rows]
    written = lines[lines.index('  "layers": [') + 1 : -2]
    for line, layer in zip(written, layers, strict=True):
        assert line.strip().removesuffix(",") == json.dumps(layer, ensure_ascii=False)


def test_rows_give_attention_macs_where_the_model_attends() -> None:
    from shapecalc import catalog

    model = catalog.load("vit_b_32")
    data = json.loads(render(infer(model, model.input), Options(depth=2)))
    attention = {row["path"]: row["attention_macs"] for row in data["layers"]}
    assert attention["encoder"] == data["total_attention_macs"] == 12 * 2 * 50 * 50 * 768
    assert attention["conv_proj"] == 0
