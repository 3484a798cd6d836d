"""The Python API a docs build calls: load, infer, render."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import shapecalc
from shapecalc.errors import ShapecalcError, ShapeError, SpecError, UsageError
from shapecalc.modules import Model


def test_load_infer_render() -> None:
    model = shapecalc.load("resnet18")
    result = shapecalc.infer(model, input=224)
    page = shapecalc.render(result, "markdown", depth=1)
    assert "| layer4    | Sequential" in page
    assert "**11,689,512**" in page


@pytest.mark.parametrize(
    "size",
    [None, 224, (224, 224), (3, 224, 224), "224", "224x224", "3x224x224"],
    ids=str,
)
def test_every_way_to_give_an_input(size: int | tuple[int, ...] | str | None) -> None:
    assert shapecalc.infer("resnet18", size).input.dims == (3, 224, 224)


def test_a_path_works_like_a_name(write_spec: Callable[[str], Path]) -> None:
    path = write_spec(
        "input: [1, 9, 9]\nmodel: [{type: Conv2d, out_channels: 2, kernel_size: 3}]\n"
    )
    assert isinstance(shapecalc.load(path), Model)
    result = shapecalc.infer(str(path), (5, 7))
    assert result.output.dims == (2, 3, 5)


def test_render_every_format_as_a_string() -> None:
    result = shapecalc.infer("resnet18")
    assert json.loads(shapecalc.render(result, "json"))["total_macs"] == 1_814_073_344
    records = list(
        csv.DictReader(io.StringIO(shapecalc.render(result, "csv", columns="path,macs")))
    )
    assert records[0] == {"path": "conv1", "macs": "118013952"}
    assert shapecalc.render(result, "listing").startswith("Input:3@224*224\nconv1:64@112*112\n")
    assert shapecalc.render(result, "tree", depth=1).count("\n") == 18
    assert "\x1b[" not in shapecalc.render(result, "table")
    assert shapecalc.render(result, "svg", view="tree").startswith("<svg")
    assert shapecalc.render(result, "html", dtype="float16").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        pytest.param(lambda: shapecalc.load("resnet19"), ShapecalcError, id="unknown-model"),
        pytest.param(lambda: shapecalc.infer("resnet18", "224x"), ValueError, id="bad-size"),
        pytest.param(
            lambda: shapecalc.render(shapecalc.infer("resnet18"), "pdf"),
            ValueError,
            id="bad-format",
        ),
        pytest.param(
            lambda: shapecalc.render(shapecalc.infer("resnet18"), columns="colour"),
            ValueError,
            id="bad-column",
        ),
    ],
)
def test_errors(call: Callable[[], object], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


def test_errors_are_the_shapecalc_ones(write_spec: Callable[[str], Path]) -> None:
    with pytest.raises(SpecError):
        shapecalc.load(write_spec("model: [\n"))
    with pytest.raises(ShapeError):
        shapecalc.infer(
            write_spec("input: [1, 9, 9]\nmodel: [{type: MaxPool2d, kernel_size: 4}]\n"), 2
        )
    with pytest.raises(UsageError):
        shapecalc.infer(write_spec("input: [9]\nmodel: [ReLU]\n"), 2)


def test_import_is_cheap() -> None:
    code = (
        "import sys, shapecalc\n"
        "names = ('shapecalc', 'click', 'rich', 'yaml')\n"
        "print(sorted(m for m in sys.modules if m.startswith(names)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['shapecalc']"


@pytest.mark.parametrize(
    ("fmt", "options", "option"),
    [
        pytest.param("json", {"explain": True}, "--explain", id="json-explain"),
        pytest.param("tree", {"columns": "layer"}, "--columns", id="tree-columns"),
        pytest.param("listing", {"dtype": "int8"}, "--dtype", id="listing-dtype"),
        pytest.param("csv", {"view": "tree"}, "--view", id="csv-view"),
    ],
)
def test_render_refuses_what_a_format_would_ignore(
    fmt: str, options: dict[str, Any], option: str
) -> None:
    result = shapecalc.infer("resnet18")
    with pytest.raises(UsageError, match=f"^{option}: the {fmt} format"):
        shapecalc.render(result, fmt, **options)


SIGNAL = "input: [1, 400]\nmodel: [{type: Conv1d, out_channels: 4, kernel_size: 10, stride: 5}]\n"
VOLUME = (
    "input: [3, 8, 32, 32]\nmodel: [{type: Conv3d, out_channels: 4, kernel_size: 3, stride: 2}]\n"
)


@pytest.mark.parametrize(
    ("text", "size", "shape"),
    [
        pytest.param(SIGNAL, None, (1, 400), id="1d-default"),
        pytest.param(SIGNAL, 16000, (1, 16000), id="1d-length"),
        pytest.param(SIGNAL, "2x16000", (2, 16000), id="1d-channels-and-length"),
        pytest.param(VOLUME, 64, (3, 64, 64, 64), id="3d-one-size-for-all"),
        pytest.param(VOLUME, "16x112x112", (3, 16, 112, 112), id="3d-sizes"),
        pytest.param(VOLUME, (1, 4, 5, 6), (1, 4, 5, 6), id="3d-channels-and-sizes"),
    ],
)
def test_an_input_of_any_rank(
    write_spec: Callable[[str], Path], text: str, size: Any, shape: tuple[int, ...]
) -> None:
    model = shapecalc.load(write_spec(text))
    assert shapecalc.api.input_shape(model, size).dims == shape


@pytest.mark.parametrize(
    ("text", "size", "message"),
    [
        pytest.param(
            SIGNAL,
            "1x2x3x4",
            "--input: the model takes a C×L input (1@400): give one size, 1 (L), 2 (C×L) or 3 "
            "(1×C×L), not 4",
            id="1d",
        ),
        pytest.param(
            VOLUME,
            (16, 16),
            "--input: the model takes a C×D×H×W input (3@8×32×32): give one size, 3 (D×H×W), 4 "
            "(C×D×H×W) or 5 (1×C×D×H×W), not 2",
            id="3d",
        ),
    ],
)
def test_an_input_of_the_wrong_rank(
    write_spec: Callable[[str], Path], text: str, size: Any, message: str
) -> None:
    model = shapecalc.load(write_spec(text))
    with pytest.raises(UsageError) as raised:
        shapecalc.api.input_shape(model, size)
    assert str(raised.value) == message


def test_attempt_and_show_a_run_that_stops(write_spec: Callable[[str], Path]) -> None:
    model = shapecalc.load(write_spec(SIGNAL))
    stopped = shapecalc.api.attempt(model, 9)
    assert isinstance(stopped, shapecalc.api.Stopped)
    drawn = io.StringIO()
    shapecalc.api.show(stopped, drawn, "tree")
    assert drawn.getvalue().splitlines()[-1] == "✗ stopped at 0: see the error below"
    nothing = io.StringIO()
    shapecalc.api.show(stopped, nothing, "json")
    assert nothing.getvalue() == ""


def test_everything_the_command_does_is_in_the_api() -> None:
    model = shapecalc.load("resnet18")
    result = shapecalc.api.attempt(model, 225)
    assert isinstance(result, shapecalc.api.Result)
    assert shapecalc.api.warnings(result)[1].startswith("warning: conv1 (Conv2d)")
    assert shapecalc.api.sweep(model, range(31, 34)).splitlines()[0].startswith("input")
    assert "square: 1×1" in shapecalc.api.smallest(model)
    assert "resnet18" in shapecalc.api.models()
    shown = io.StringIO()
    shapecalc.api.show(result, shown, "listing")
    assert shown.getvalue() == shapecalc.render(result, "listing")
