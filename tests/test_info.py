"""`shapecalc info MODEL`: a model at a glance, with its parameters (shapecalc/formats/info.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from shapecalc import api
from shapecalc.cli import main
from shapecalc.errors import describe

RESNET18 = """\
model   resnet18
about   ResNet-18 (torchvision), basic blocks [2, 2, 2, 2]
input   3@224×224
output  1000
params  11,689,512
MACs    1,814,073,344 (1.81 G)

parameter    value  (change with --set NAME=VALUE)
num_classes  1000
in_channels  3
"""


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_info_shows_the_parameters_and_their_defaults() -> None:
    result = run("info", "resnet18")
    assert (result.exit_code, result.stdout, result.stderr) == (0, RESNET18, "")


def test_info_shows_the_values_set_beside_their_defaults() -> None:
    result = run("info", "resnet18", "--set", "num_classes=10", "--set", "in_channels=1")
    lines = result.stdout.splitlines()
    assert lines[2:4] == ["input   1@224×224", "output  10"]
    assert lines[-2:] == ["num_classes  10     default 1000", "in_channels  1      default 3"]


def test_info_of_a_spec_without_parameters(write_spec: Callable[..., Path]) -> None:
    path = write_spec("input: [3, 8, 8]\nmodel: {type: Conv2d, out_channels: 4, kernel_size: 3}\n")
    result = run("info", str(path))
    assert result.stdout.splitlines()[-1] == "parameters: none declared"
    assert result.stdout.splitlines()[1] == "input   3@8×8"  # no description, no `about`


@pytest.mark.parametrize(
    ("args", "status", "error"),
    [
        (
            ["info"],
            2,
            "error: missing MODEL: a built-in name (see shapecalc --list) or a spec file; see "
            "shapecalc info --help",
        ),
        (
            ["info", "resnet", "--set", "a=1"],
            1,
            "error: resnet: no built-in model or spec file of "
            "that name (did you mean 'resnet50'?); `shapecalc --list` shows the built-in models",
        ),
        (
            ["info", "resnet18", "--set", "a"],
            2,
            "error: --set: 'a' is not NAME=VALUE, such as num_classes=10",
        ),
    ],
    ids=["no-model", "unknown-model", "bad-set"],
)
def test_info_errors(args: list[str], status: int, error: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (status, "", error + "\n")


def test_info_help_lists_set() -> None:
    result = run("info", "--help")
    assert result.exit_code == 0
    assert "--set NAME=VALUE" in result.stdout


def test_api_info_is_the_commands_text() -> None:
    assert api.info(api.load("resnet18")) == RESNET18


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        (True, "true"),
        (1e-06, "1e-06"),
        ("a\nb", "'a\\nb'"),
        ((1, (2, "x")), "[1, [2, 'x']]"),
    ],
    ids=["null", "bool", "float", "text-escaped", "nested-list"],
)
def test_values_are_shown_as_a_spec_writes_them(value: object, shown: str) -> None:
    assert describe(value) == shown


def test_a_long_description_wraps_at_80_columns_under_itself() -> None:
    lines = run("info", "deeplabv3_mobilenet_v3_large").stdout.splitlines()
    assert lines[1:3] == [
        "about   DeepLabV3 with a MobileNetV3-Large backbone (torchvision,",
        "        aux_loss=False)",
    ]
    assert max(map(len, lines)) <= 80
