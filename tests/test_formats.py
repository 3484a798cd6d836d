"""The documentation formats: table, Markdown, CSV, HTML, SVG; --depth and --columns."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from conftest import RESNET18_TOP

from shapecalc.engine import Result, infer
from shapecalc.formats import Format, Options, View, text
from shapecalc.formats.columns import CSV, TABLE, Column, parse
from shapecalc.modules import Model


@pytest.fixture(scope="module")
def result(resnet18: Model) -> Result:
    return infer(resnet18, resnet18.input)


@pytest.fixture(scope="module")
def layers(result: Result) -> list[dict[str, object]]:
    data = json.loads(text(result, Format.JSON, Options()))
    rows: list[dict[str, object]] = data["layers"]
    return rows


def grouped(value: object) -> str:
    return f"{value:,}"


def test_csv_loads_one_record_per_module(result: Result, layers: list[dict[str, object]]) -> None:
    records = list(csv.DictReader(io.StringIO(text(result, Format.CSV, Options()))))
    assert len(records) == len(layers) == 67
    assert list(records[0]) == [column.value for column in CSV]
    for record, layer in zip(records, layers, strict=True):
        assert record["path"] == layer["path"]
        assert record["type"] == layer["type"]
        assert int(record["params"]) == layer["params"]
        assert int(record["macs"]) == layer["macs"]
        assert int(record["bytes"]) == layer["output_bytes"]
        assert record["output"] == "×".join(str(dim) for dim in layer["shape"])  # type: ignore[attr-defined]
    assert records[0] | {} == records[0]
    assert (records[0]["kernel"], records[0]["stride"], records[0]["padding"]) == ("7", "2", "3")
    assert (records[0]["field"], records[0]["field_stride"]) == ("7", "2")
    assert records[-1]["field"] == "all"


def table_rows(output: str) -> list[list[str]]:
    """Split a rich table's plain text into cells (two or more spaces apart)."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if set(line) == {"─"}) + 1
    body = []
    for line in lines[start:]:
        if set(line) == {"─"}:
            break
        body.append(re.split(r"\s{2,}", line.strip()))
    return body


def test_table_rows_agree_with_json(result: Result, layers: list[dict[str, object]]) -> None:
    output = text(result, Format.TABLE, Options())
    rows = table_rows(output)
    assert len(rows) == 67
    for cells, layer in zip(rows, layers, strict=True):
        assert cells[0] == layer["name"]
        assert grouped(layer["params"]) in cells
        assert grouped(layer["macs"]) in cells
    assert "total" in output.splitlines()[-6]
    assert "11,689,512   1,814,073,344" in output
    assert max(len(line) for line in output.splitlines()) <= 100


def test_markdown_rows_agree_with_json(result: Result, layers: list[dict[str, object]]) -> None:
    output = text(result, Format.MARKDOWN, Options())
    lines = output.splitlines()
    assert lines[0].split("|")[1:-1] == [
        " layer          ",
        " type              ",
        " window  ",
        " output     ",
        "         params ",
        "              MACs ",
        " field ",
    ]
    assert lines[1] == (
        "| :------------- | :---------------- | :------ | :--------- | -------------: "
        "| ----------------: | :---- |"
    )
    body = lines[2 : 2 + 67]
    for line, layer in zip(body, layers, strict=True):
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        assert cells[0].removeprefix("· " * (int(layer["depth"]) - 1)) == layer["name"]  # type: ignore[call-overload]
        assert (cells[4], cells[5]) == (grouped(layer["params"]), grouped(layer["macs"]))
    assert lines[2 + 67].split("|")[1].strip() == "**total**"
    assert "- **params**: 11,689,512 (46.76 MB as float32)" in lines
    assert len({len(line) for line in lines[: 2 + 68]}) == 1  # aligned in the source too


def test_markdown_escapes_what_would_be_markup() -> None:
    from shapecalc.formats.markdown import escape

    assert escape("a|b_c*d`e<f>[g]\\") == "a\\|b\\_c\\*d\\`e\\<f\\>\\[g\\]\\\\"


@pytest.mark.parametrize(
    "fmt",
    [Format.TABLE, Format.MARKDOWN, Format.CSV, Format.TREE, Format.JSON, Format.LISTING],
    ids=lambda fmt: fmt.value,
)
def test_depth_one(result: Result, fmt: Format) -> None:
    output = text(result, fmt, Options(depth=1))
    for name in RESNET18_TOP:
        assert name in output
    for deeper in ("downsample", "conv2", "bn2"):
        assert deeper not in output
    if fmt not in (Format.LISTING, Format.CSV):  # the others show the totals
        assert "11,689,512" in output or "11689512" in output


def test_depth_keeps_a_collapsed_containers_shape_and_sums(result: Result) -> None:
    listing = text(result, Format.LISTING, Options(depth=1)).splitlines()
    assert listing[5:9] == [
        "layer1:64@56*56",
        "layer2:128@28*28",
        "layer3:256@14*14",
        "layer4:512@7*7",
    ]
    records = list(csv.DictReader(io.StringIO(text(result, Format.CSV, Options(depth=1)))))
    assert [record["path"] for record in records] == RESNET18_TOP
    assert sum(int(record["params"]) for record in records) == 11_689_512
    assert sum(int(record["macs"]) for record in records) == 1_814_073_344


def test_columns(result: Result) -> None:
    picked = parse("path, output ,params")
    assert picked == (Column.PATH, Column.OUTPUT, Column.PARAMS)
    output = text(result, Format.CSV, Options(columns=picked, depth=1))
    assert output.splitlines()[:2] == ["path,output,params", "conv1,64×112×112,9408"]
    markdown = text(result, Format.MARKDOWN, Options(columns=(Column.LAYER, Column.WINDOW)))
    assert markdown.splitlines()[0].split() == ["|", "layer", "|", "window", "|"]
    assert markdown.splitlines()[2].split() == ["|", "conv1", "|", "7", "s2", "p3", "|"]
    assert TABLE[0] is Column.LAYER


@pytest.mark.parametrize(
    ("names", "message"),
    [
        pytest.param(
            "layer,outptu",
            "no column 'outptu' (did you mean 'output'?); the columns are "
            + ", ".join(column.value for column in Column),
            id="misspelt",
        ),
        pytest.param(
            "",
            "no column ''; the columns are " + ", ".join(column.value for column in Column),
            id="empty",
        ),
    ],
)
def test_columns_refused(names: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse(names)


def test_window_column_shows_what_differs_from_the_default(resnet18: Model) -> None:
    from conftest import spec

    model = spec("""
        input: [3, 32, 32]
        model:
          - {type: Conv2d, out_channels: 4, kernel_size: [3, 5], dilation: 2, padding: [2, 4]}
          - {type: Conv2d, out_channels: 4, kernel_size: 3, padding: same}
          - {type: MaxPool2d, kernel_size: 2}
    """)
    output = text(
        infer(model, model.input),
        Format.CSV,
        Options(columns=parse("path,window,kernel,stride,padding")),
    )
    assert output.splitlines()[1:] == [
        "0,3×5 p2×4 d2,3×5,1,2×4",
        "1,3 psame,3,1,same",
        "2,2 s2,2,2,0",
    ]


@pytest.mark.parametrize(
    ("view", "marker"),
    [(View.TABLE, "1,814,073,344"), (View.TREE, "└── ")],
    ids=["table", "tree"],
)
def test_html_is_a_standalone_page(result: Result, view: View, marker: str) -> None:
    page = text(result, Format.HTML, Options(view=view))
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    assert marker in page.replace("&#x27;", "'")
    assert "layer2.0.downsample" not in page  # names, not paths, as in the table


def test_svg_is_a_drawing(result: Result) -> None:
    drawing = text(result, Format.SVG, Options())
    assert drawing.startswith("<svg")
    assert drawing.rstrip().endswith("</svg>")
    assert "1,814,073,344" in drawing


def test_every_format_renders(result: Result, write_spec: Callable[[str], object]) -> None:
    for fmt in Format:
        assert text(result, fmt, Options(explain=True, depth=2))
