"""Warnings, sweep tables and the smallest input, as the user reads them."""

from __future__ import annotations

import json

from conftest import spec
from test_sizes import NARROW

from shapecalc.engine import infer
from shapecalc.formats import Format
from shapecalc.formats.checks import smallest_text, sweep_text, warnings
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.sizes import Smallest, smallest, sweep


def test_warnings_at_225(resnet18: Model) -> None:
    lines = warnings(resnet18, infer(resnet18, Shape((3, 225, 225))))
    assert lines[0] == "note: the total stride is 32; clean input sizes near 225: 224 or 256"
    assert lines[1] == (
        "warning: conv1 (Conv2d): input 225×225 is not a multiple of its stride 2; "
        "the output 113×113 is rounded"
    )
    # A block's convolution and its shortcut round alike: one line for both.
    assert lines[3] == (
        "warning: layer2.0.conv1 (Conv2d) and layer2.0.downsample.0 (Conv2d): input 57×57 is "
        "not a multiple of their stride 2; each output 29×29 is rounded"
    )
    assert len(lines) == 6


def test_layers_that_round_alike_share_a_line_that_names_a_few() -> None:
    model = spec("""
        input: [3, 9, 9]
        model:
          children:
            split:
              type: Branches
              cat:
                - [{type: Conv2d, out_channels: 2, kernel_size: 1, stride: 2}]
                - [{type: Conv2d, out_channels: 2, kernel_size: 1, stride: 2}]
                - [{type: MaxPool2d, kernel_size: 1, stride: 2}]
                - [{type: Conv2d, out_channels: 2, kernel_size: 3, stride: 2, padding: 1}]
            last: {type: Conv2d, out_channels: 2, kernel_size: 1, stride: 2}
    """)
    assert warnings(model, infer(model, model.input))[1:] == [
        "warning: split.0 (Conv2d), split.1 (Conv2d), split.2 (MaxPool2d) and 1 more: input "
        "9×9 is not a multiple of their stride 2; each output 5×5 is rounded",
        "warning: last (Conv2d): input 5×5 is not a multiple of its stride 2; the output 3×3 is "
        "rounded",
    ]


def test_warnings_on_one_axis(resnet18: Model) -> None:
    lines = warnings(resnet18, infer(resnet18, Shape((3, 224, 230))))
    assert lines[1] == (
        "warning: maxpool (MaxPool2d): input W 115 is not a multiple of its stride 2, "
        "output W 58 is rounded"
    )
    assert lines[0] == (
        "note: the total stride is 32; clean input sizes near 224×230: H 192 or 256, W 224 or 256"
    )


def test_no_warnings_at_a_clean_size(resnet18: Model) -> None:
    assert warnings(resnet18, infer(resnet18, resnet18.input)) == []


def test_sweep_table(resnet18: Model) -> None:
    lines = sweep_text(list(sweep(resnet18, range(223, 226))), Format.TABLE).splitlines()
    assert lines[0].split() == [
        "input",
        "conv1",
        "maxpool",
        "layer2",
        "layer3",
        "layer4",
        "avgpool",
        "output",
        "status",
    ]
    assert lines[1].split() == [
        "223",
        "112",
        "56",
        "28",
        "14",
        "7",
        "1",
        "1000",
        "uneven:",
        "conv1",
    ]
    assert lines[2].split() == ["224", "112", "56", "28", "14", "7", "1", "1000", "clean"]
    assert lines[3].endswith("uneven: conv1, maxpool, layer2.0.conv1 and 5 more")


def test_sweep_table_with_invalid_sizes() -> None:
    lines = sweep_text(list(sweep(spec(NARROW), range(4, 7))), Format.TABLE).splitlines()
    assert lines[1].split()[:5] == ["4", "invalid:", "net.yaml:4:5:", "0:", "Conv2d:"]
    assert lines[2].split()[:5] == ["5", "invalid:", "net.yaml:5:5:", "1:", "MaxPool2d:"]
    assert lines[3].split() == ["6", "2×4", "1×2", "4@1×2", "clean"]


def test_sweep_json(resnet18: Model) -> None:
    items = json.loads(sweep_text(list(sweep(resnet18, range(224, 226))), Format.JSON))
    assert items[0] == {
        "input": 224,
        "status": "clean",
        "stages": {
            "conv1": [112, 112],
            "maxpool": [56, 56],
            "layer2": [28, 28],
            "layer3": [14, 14],
            "layer4": [7, 7],
            "avgpool": [1, 1],
        },
        "output": [1000],
        "uneven": [],
    }
    assert items[1]["status"] == "uneven"
    invalid = json.loads(sweep_text(list(sweep(spec(NARROW), range(5, 6))), Format.JSON))
    assert invalid[0]["status"] == "invalid"
    assert invalid[0]["error"].startswith("net.yaml:5:5: 1: MaxPool2d: input 4@1×3 is too small")


def test_smallest_text(resnet18: Model) -> None:
    text = smallest_text(resnet18, resnet18.input, Smallest((1, 1), 1, 1024), Format.TABLE)
    assert text == (
        "smallest input for resnet18:\n"
        "  H: 1 (with W = 224)\n"
        "  W: 1 (with H = 224)\n"
        "  square: 1×1\n"
    )
    missing = smallest_text(
        resnet18, Shape((3, 9, 9)), Smallest((None, 3), None, 1024), Format.TABLE
    )
    assert "H: none up to 1,024" in missing
    assert "square: none up to 1,024" in missing


SIGNAL_NET = """
input: [1, 100]
model:
  - {type: Conv1d, out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
  - {type: Conv1d, out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
"""
VOLUME_NET = """
input: [1, 8, 16, 16]
model: [{type: Conv3d, out_channels: 2, kernel_size: [1, 3, 3], stride: [1, 2, 2]}]
"""


def test_checks_of_a_signal_name_its_one_axis() -> None:
    model = spec(SIGNAL_NET)
    result = infer(model, Shape((1, 99)))
    assert warnings(model, result) == [
        "note: the total stride is 4; clean input sizes near 99: 96 or 100",
        "warning: 0 (Conv1d): input L 99 is not a multiple of its stride 2, output L 50 is rounded",
    ]
    assert smallest_text(model, model.input, smallest(model, model.input), Format.TABLE) == (
        "smallest input for net:\n  L: 1\n"
    )


def test_checks_of_a_volume_name_each_axis() -> None:
    model = spec(VOLUME_NET)
    text = smallest_text(model, model.input, smallest(model, model.input), Format.TABLE)
    assert text == (
        "smallest input for net:\n"
        "  D: 1 (with H = 16, W = 16)\n"
        "  H: 3 (with D = 8, W = 16)\n"
        "  W: 3 (with D = 8, H = 16)\n"
        "  square: 3×3×3\n"
    )
    found = json.loads(smallest_text(model, model.input, smallest(model, model.input), Format.JSON))
    assert (found["depth"], found["height"], found["width"], found["square"]) == (1, 3, 3, 3)
