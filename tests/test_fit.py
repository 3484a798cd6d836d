"""The tree and the table fitted to a terminal's width, and the summary wrapped."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from functools import cache

import pytest
from rich.cells import cell_len

from shapecalc import api
from shapecalc.engine import Result
from shapecalc.formats import Format, Options, text, write
from shapecalc.formats._fit import MIN_WIDTH, shorten, wrap
from shapecalc.formats.columns import parse
from shapecalc.value import replace

BIG = ["densenet121", "resnet152", "efficientnet_b7", "regnet_y_128gf", "convnext_large"]
DRAWN = [Format.TREE, Format.TABLE]


@cache
def result_of(model: str) -> Result:
    return api.infer(model)


def shown(result: Result, fmt: Format, width: int | None, options: Options | None = None) -> str:
    """Return `result` drawn for a terminal `width` columns wide (None: as piped)."""
    return text(result, fmt, replace(options or Options(), width=width))


@pytest.mark.parametrize("width", [60, 80, 100, 120], ids=lambda width: f"{width}-columns")
@pytest.mark.parametrize("fmt", DRAWN, ids=lambda fmt: fmt.value)
@pytest.mark.parametrize("model", BIG, ids=BIG)
def test_big_models_fit_the_width(model: str, fmt: Format, width: int) -> None:
    text = shown(result_of(model), fmt, width)
    assert max(map(cell_len, text.splitlines())) <= width
    assert len(text.splitlines()) > len(result_of(model).rows)


@pytest.mark.parametrize("width", [80, 120], ids=["80-columns", "120-columns"])
@pytest.mark.parametrize("fmt", DRAWN, ids=lambda fmt: fmt.value)
def test_resnet18_golden_at_width(
    fmt: Format, width: int, golden: Callable[[str, str], None]
) -> None:
    golden(f"resnet18_224.{fmt.value}.{width}.txt", shown(result_of("resnet18"), fmt, width))


def test_piped_output_keeps_its_natural_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # as pytest sets it: not a terminal's
    stream = io.StringIO()
    write(result_of("efficientnet_b7"), Format.TABLE, stream, Options())
    assert max(map(cell_len, stream.getvalue().splitlines())) == 121
    assert "37,743,324,192" in stream.getvalue()


def test_a_wide_terminal_shows_full_figures() -> None:
    assert "1,814,073,344" in shown(result_of("resnet18"), Format.TABLE, 120)
    assert "1,814,073,344" not in shown(result_of("resnet18"), Format.TABLE, 80).split("\n\n")[0]


@pytest.mark.parametrize("fmt", DRAWN, ids=lambda fmt: fmt.value)
def test_columns_drop_in_order(fmt: Format) -> None:
    """The field goes first, then (in the table) the window, then MACs, then params."""
    result = result_of("efficientnet_b7")
    headings = [shown(result, fmt, width).splitlines()[1].split() for width in (120, 80, 60)]
    if fmt is Format.TREE:
        assert headings == [["output", "params", "MACs", "field"], ["output", "params"], ["output"]]
    else:
        assert headings == [  # the rounded column stays: a layer of efficientnet_b7 rounds
            ["layer", "type", "window", "output", "params", "MACs", "field", "rounded"],
            ["layer", "type", "output", "params", "MACs", "rounded"],
            ["layer", "type", "output", "rounded"],
        ]


def test_picked_columns_are_never_dropped() -> None:
    columns = parse("path,type,output,params,macs,field")
    text = shown(result_of("efficientnet_b7"), Format.TABLE, 60, Options(columns=columns))
    assert text.splitlines()[1].split() == ["path", "type", "output", "params", "MACs", "field"]
    assert "…k.1.activation  SiLU" in text  # a path cut to fit loses its start


def test_below_the_minimum_the_layout_is_the_minimums() -> None:
    result = result_of("densenet121")
    assert shown(result, Format.TREE, 40) == shown(result, Format.TREE, MIN_WIDTH)


def test_summary_wraps_under_itself_between_figures() -> None:
    lines = shown(result_of("densenet121"), Format.TREE, 60).splitlines()
    assert lines[-4:] == [
        "memory     input 0.60 + activations 154.25 +",
        "           params 31.92 = 186.76 MB (float32; 1 MB = 10^6 B)",
        "torchinfo  213.06 MB: outputs of layers with weights, twice",
        "           (180.54), in place of activations",
    ]


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("Conv2dNormActivation", 12, "Conv2dNormA…"),
        ("Conv2d", 12, "Conv2d"),
        ("卷积层卷积层", 7, "卷积层…"),
        ("卷积", 4, "卷积"),
    ],
    ids=["cut", "short", "wide-cut", "wide-fits"],
)
def test_shorten(text: str, width: int, expected: str) -> None:
    assert shorten(text, width) == expected
    assert cell_len(shorten(text, width)) <= width


@pytest.mark.parametrize(
    ("text", "expected"),
    [("features.1.0.block", "…0.block"), ("层.卷积层", "….卷积层")],
    ids=["ascii", "wide"],
)
def test_shorten_from_the_start(text: str, expected: str) -> None:
    assert shorten(text, 8, start=True) == expected


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        (
            "1,814,073,344 (1.81 G; FLOPs = 2 × MACs = 3.63 G)",
            30,
            ["1,814,073,344 (1.81 G;", "FLOPs = 2 × MACs = 3.63 G)"],
        ),
        ("a " + "9" * 40 + " b", 20, ["a " + "9" * 40, "b"]),
        ("input 0.60 + activations 26.90", 14, ["input 0.60 +", "activations 26.90"]),
    ],
    ids=["units-stay", "long-figure-whole", "labels-stay"],
)  # fmt: skip
def test_wrap(text: str, width: int, expected: list[str]) -> None:
    assert wrap(text, width) == expected


@pytest.mark.parametrize("fmt", DRAWN, ids=lambda fmt: fmt.value)
def test_the_command_fits_a_terminal(fmt: Format) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shapecalc", "densenet121", "--format", fmt.value, "--quiet"],
        capture_output=True,
        env={**os.environ, "COLUMNS": "80", "TTY_COMPATIBLE": "1", "PYTHONIOENCODING": "utf-8"},
        check=True,
    )
    lines = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout.decode()).splitlines()
    assert "\x1b[" in done.stdout.decode()  # rich took it for a terminal
    assert max(map(cell_len, lines)) <= 80


@pytest.mark.parametrize("fmt", DRAWN, ids=lambda fmt: fmt.value)
def test_the_arithmetic_is_left_to_wrap(fmt: Format) -> None:
    """--explain's arithmetic is longer than a terminal: the rest fits, as without it."""
    result = api.infer("resnet18", "97x131")
    explained = shown(result, fmt, 80, Options(explain=True)).splitlines()
    plain = shown(result, fmt, 80).splitlines()
    assert max(map(cell_len, explained)) > 80
    cut = [
        line.split("  rounded: ")[0].split("  H: ")[0].removesuffix("  arithmetic")
        for line in explained
    ]
    assert max(map(cell_len, cut)) <= 80
    assert explained[1].split()[:3] == plain[1].split()[:3]
