"""The arithmetic shown for each change of a spatial size."""

from __future__ import annotations

import pytest
from conftest import spec

from shapecalc.engine import infer
from shapecalc.formats.explain import arithmetic
from shapecalc.modules import Model
from shapecalc.shape import Shape


def explained(model: Model, shape: Shape) -> dict[str, str | None]:
    return {row.path: arithmetic(row) for row in infer(model, shape).rows}


def test_resnet18(resnet18: Model) -> None:
    notes = explained(resnet18, resnet18.input)
    assert notes["conv1"] == "112 = ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"
    assert notes["layer2.0.downsample.0"] == "28 = ⌊(56 + 2·0 − 1·(1 − 1) − 1) / 2⌋ + 1"
    assert notes["avgpool"] == "1 = output_size, pooled from 7"
    for path in ("bn1", "layer1", "layer1.0.conv1", "layer2.0", "layer2.0.downsample", "fc"):
        assert notes[path] is None, path


def test_non_square_input_names_each_axis(resnet18: Model) -> None:
    notes = explained(resnet18, Shape((3, 97, 131)))
    assert notes["conv1"] == (
        "H: 49 = ⌊(97 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1; "
        "W: 66 = ⌊(131 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"
    )


@pytest.mark.parametrize(
    ("layer", "shape", "note"),
    [
        pytest.param(
            "{type: MaxPool2d, kernel_size: 2, ceil_mode: true}",
            (1, 7, 7),
            "4 = ⌈(7 + 2·0 − 1·(2 − 1) − 1) / 2⌉ + 1",
            id="ceil",
        ),
        pytest.param(
            "{type: MaxPool2d, kernel_size: 2, padding: 1, ceil_mode: true}",
            (1, 5, 5),
            "3 = ⌈(5 + 2·1 − 1·(2 − 1) − 1) / 2⌉ + 1 − 1 (the last window would start "
            "in the padding)",
            id="ceil-dropped",
        ),
        pytest.param(
            "{type: Conv2d, out_channels: 1, kernel_size: 3, dilation: 2}",
            (1, 9, 9),
            "5 = ⌊(9 + 2·0 − 2·(3 − 1) − 1) / 1⌋ + 1",
            id="dilation",
        ),
        pytest.param(
            "{type: AdaptiveAvgPool2d, output_size: [2, null]}",
            (1, 9, 9),
            "H: 2 = output_size, pooled from 9; W: 9, kept",
            id="adaptive-one-axis",
        ),
        pytest.param(
            "{type: Linear, out_features: 4}",
            (1, 9, 9),
            "H: 9, kept; W: 4 = out_features, from 9",
            id="linear-over-w",
        ),
        pytest.param(
            "{type: Conv2d, out_channels: 1, kernel_size: 3, padding: same}",
            (1, 9, 9),
            None,
            id="same-keeps",
        ),
        pytest.param(
            "{type: ConvTranspose2d, out_channels: 1, kernel_size: 4, stride: 2, padding: 1}",
            (1, 28, 28),
            "56 = (28 − 1)·2 − 2·1 + 1·(4 − 1) + 0 + 1",
            id="transposed",
        ),
        pytest.param(
            "{type: ConvTranspose1d, out_channels: 1, kernel_size: 3, stride: 2, "
            "output_padding: 1, dilation: 2}",
            (1, 10),
            "24 = (10 − 1)·2 − 2·0 + 2·(3 − 1) + 1 + 1",
            id="transposed-1d-output-padding",
        ),
        pytest.param(
            "{type: Upsample, scale_factor: 2.3}",
            (1, 100, 10),
            "H: 229 = ⌊100·2.3⌋; W: 23 = ⌊10·2.3⌋",
            id="upsample-float-product",
        ),
        pytest.param(
            "{type: Upsample, size: [4, 6, 8]}",
            (1, 3, 3, 3),
            "D: 4 = size, resampled from 3; H: 6 = size, resampled from 3; "
            "W: 8 = size, resampled from 3",
            id="upsample-3d-size",
        ),
        pytest.param(
            "{type: ZeroPad2d, padding: [1, -2, 0, 3]}",
            (1, 5, 5),
            "H: 8 = 5 + 0 + 3; W: 4 = 5 + 1 − 2",
            id="pad-and-crop",
        ),
        pytest.param(
            "{type: MaxPool3d, kernel_size: [1, 2, 2]}",
            (1, 4, 8, 8),
            "D: 4 = ⌊(4 + 2·0 − 1·(1 − 1) − 1) / 1⌋ + 1; "
            "H: 4 = ⌊(8 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1; "
            "W: 4 = ⌊(8 + 2·0 − 1·(2 − 1) − 1) / 2⌋ + 1",
            id="3d-a-window-of-one",
        ),
    ],
)
def test_layers(layer: str, shape: tuple[int, ...], note: str | None) -> None:
    model = spec(f"input: {list(shape)}\nmodel: [{layer}]\n")
    assert explained(model, model.input)["0"] == note
