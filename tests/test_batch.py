"""A batch: every format's MACs and memory scaled, the batch shown, one sample's shapes kept."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest

from shapecalc import api
from shapecalc.compare import Sides
from shapecalc.engine import Result, infer
from shapecalc.errors import UsageError
from shapecalc.formats import Format, Options, text
from shapecalc.formats.tree import Drawing
from shapecalc.memory import DType, memory
from shapecalc.modules import Model
from shapecalc.value import replace

BATCH = 8
CAPTION = "8 × 3@224×224 · shapes per sample"


@pytest.fixture(scope="module")
def result(resnet18: Model) -> Result:
    return infer(resnet18, resnet18.input)


def at(result: Result, fmt: Format, batch: int = BATCH, **options: object) -> str:
    return text(result, fmt, replace(Options(), batch=batch, **options))


@pytest.mark.parametrize(
    "dtype", [DType.FLOAT32, DType.FLOAT16, DType.INT8], ids=lambda dtype: dtype.value
)
def test_memory_scales_all_but_the_params(result: Result, dtype: DType) -> None:
    one, eight = memory(result, dtype), memory(result, dtype, BATCH)
    assert eight.input == BATCH * one.input
    assert eight.activations == BATCH * one.activations
    assert eight.forward_backward == BATCH * one.forward_backward
    assert eight.params == one.params
    assert eight.total == one.total + (BATCH - 1) * (one.input + one.activations)
    assert (one.batch, eight.batch) == (1, BATCH)
    assert result.batch_macs(BATCH) == BATCH * 1_814_073_344


def test_json(result: Result) -> None:
    one, eight = (json.loads(at(result, Format.JSON, batch)) for batch in (1, BATCH))
    assert "batch" not in one
    assert eight["batch"] == BATCH
    assert list(eight)[:5] == ["model", "type", "input", "batch", "output"]
    # Shapes stay one sample's: the keys mean what they always did.
    assert (eight["input"], eight["output"]) == ([3, 224, 224], [1000])
    assert eight["total_macs"] == BATCH * one["total_macs"]
    assert eight["total_params"] == one["total_params"]
    scaled = ("input_bytes", "activation_bytes")
    for key in scaled:
        assert eight["memory"][key] == BATCH * one["memory"][key]
    assert eight["memory"]["param_bytes"] == one["memory"]["param_bytes"]
    for before, after in zip(one["layers"], eight["layers"], strict=True):
        assert after["macs"] == BATCH * before["macs"]
        assert after["output_bytes"] == BATCH * before["output_bytes"]
        assert (after["shape"], after["params"]) == (before["shape"], before["params"])


def test_csv(result: Result) -> None:
    one, eight = (
        list(csv.DictReader(io.StringIO(at(result, Format.CSV, batch)))) for batch in (1, BATCH)
    )
    assert list(one[0]) == list(eight[0])  # the same columns
    for before, after in zip(one, eight, strict=True):
        assert int(after["macs"]) == BATCH * int(before["macs"])
        assert int(after["bytes"]) == BATCH * int(before["bytes"])
        same = {key: value for key, value in after.items() if key not in ("macs", "bytes")}
        assert same == {key: before[key] for key in same}


def test_markdown(result: Result) -> None:
    lines = at(result, Format.MARKDOWN, depth=1).splitlines()
    assert lines[0] == f"**resnet18** · {CAPTION}"
    assert lines[4] == (
        "| conv1     | Conv2d            | 7 s2 p3 | 64@112×112   |          9,408 |"
        "        944,111,616 | 7     |"
    )
    assert "| **total** |" in lines[-7]
    assert "**8 × 1000** | **11,689,512** | **14,512,586,752** |" in lines[-7]
    assert lines[-5] == "- **output**: 8 × 1000"
    assert lines[-3] == "- **MACs**: 14,512,586,752 (14.5 G; FLOPs = 2 × MACs = 29.0 G)"
    assert lines[-1].startswith("- **torchinfo**: 369.55 MB:")  # 0.60·8 + 39.75·8 + 46.76


def test_tree(result: Result) -> None:
    lines = at(result, Format.TREE, depth=1).splitlines()
    assert lines[0] == f"input {CAPTION}"
    assert re.split(r"\s{2,}", lines[2]) == ["resnet18", "ResNet", "8 × 1000", "11.7M", "14.5G"]
    assert re.split(r"\s{2,}", lines[3])[-3:] == ["9.41K", "944M", "7"]  # conv1: 118M × 8
    assert lines[-5:] == [
        "output     8 × 1000",
        "params     11,689,512 (46.76 MB as float32)",
        "MACs       14,512,586,752 (14.5 G; FLOPs = 2 × MACs = 29.0 G)",
        "memory     input 4.82 + activations 215.20 + params 46.76 = 266.78 MB (float32, a batch "
        "of 8; 1 MB = 10^6 B)",
        "torchinfo  369.55 MB: outputs of layers with weights, twice (317.98), in place of "
        "activations",
    ]


def test_table(result: Result) -> None:
    lines = at(result, Format.TABLE, depth=1, columns=None).splitlines()
    assert lines[0] == f"resnet18 · {CAPTION}"
    total = re.split(r"\s{2,}", lines[14].strip())
    assert total == ["total", "8 × 1000", "11,689,512", "14,512,586,752"]


def test_bytes_column(result: Result) -> None:
    from shapecalc.formats.columns import parse

    table = at(result, Format.TABLE, depth=1, columns=parse("layer,output,bytes"))
    rows = [re.split(r"\s{2,}", line.strip()) for line in table.splitlines()]
    assert rows[3] == ["conv1", "64@112×112", f"{BATCH * 64 * 112 * 112 * 4:,}"]
    assert rows[14] == ["total", "8 × 1000", f"{memory(result, batch=BATCH).activations:,}"]


@pytest.mark.parametrize("fmt", [Format.HTML, Format.SVG], ids=lambda fmt: fmt.value)
def test_exports_say_the_batch(result: Result, fmt: Format) -> None:
    page = at(result, fmt, depth=1).replace("&#160;", " ")
    title = "<title>resnet18 · " if fmt is Format.HTML else "shapecalc resnet18 · "
    assert title + CAPTION in page
    assert "14,512,586,752" in page


@pytest.mark.parametrize("fmt", [Format.TREE, Format.TABLE], ids=lambda fmt: fmt.value)
def test_fits_80_columns_at_a_batch(resnet18: Model, fmt: Format) -> None:
    from shapecalc.formats._fit import cell_len

    big = infer(resnet18, resnet18.input)
    drawn = at(big, fmt, batch=1_000_000, width=80)
    assert max(map(cell_len, drawn.splitlines())) <= 80
    assert drawn.splitlines()[0].endswith("1000000 × 3@224×224 · shapes per sample")


def each_format() -> list[Format]:
    """The formats that show MACs or bytes: not the listing, nor dynamic's declarations."""
    return [fmt for fmt in Format if fmt not in (Format.LISTING, Format.DYNAMIC)]


@pytest.mark.parametrize("fmt", each_format(), ids=lambda fmt: fmt.value)
def test_a_batch_of_one_is_no_batch(result: Result, fmt: Format) -> None:
    assert api.render(result, fmt, batch=1) == api.render(result, fmt)
    assert api.render(result, fmt, batch=2) != api.render(result, fmt)


@pytest.mark.parametrize("fmt", [Format.LISTING, Format.DYNAMIC], ids=lambda fmt: fmt.value)
def test_the_listing_has_nothing_to_scale(result: Result, fmt: Format) -> None:
    with pytest.raises(UsageError, match=f"the {fmt.value} format shows no MACs or bytes"):
        api.render(result, fmt, batch=BATCH)


@pytest.mark.parametrize("batch", [0, 1_000_001], ids=["zero", "beyond-the-limit"])
def test_render_refuses_a_batch_out_of_range(result: Result, batch: int) -> None:
    with pytest.raises(UsageError, match="give one from 1 to 1,000,000"):
        api.render(result, Format.TREE, batch=batch)


def test_show_writes_what_render_returns(result: Result) -> None:
    stream = io.StringIO()
    api.show(result, stream, Format.TABLE, batch=BATCH)
    assert stream.getvalue() == api.render(result, Format.TABLE, batch=BATCH)


@pytest.fixture(scope="module")
def sides(resnet18: Model) -> Sides:
    return api.side_by_side(resnet18, [224, 320])


def test_side_by_side_json(sides: Sides) -> None:
    one, eight = (
        json.loads(api.render_sides(sides, "json", depth=1, batch=batch)) for batch in (1, BATCH)
    )
    assert "batch" not in one
    assert eight["batch"] == BATCH
    assert eight["inputs"] == one["inputs"] == [[3, 224, 224], [3, 320, 320]]
    for before, after in zip(one["results"], eight["results"], strict=True):
        assert after["total_macs"] == BATCH * before["total_macs"]
        assert after["output"] == before["output"]
    for before, after in zip(one["layers"], eight["layers"], strict=True):
        assert after["macs"] == [BATCH * count for count in before["macs"]]


@pytest.mark.parametrize(
    ("fmt", "first"),
    [
        pytest.param("tree", f"inputs 8 × 3@224×224, {CAPTION.replace('224', '320')}", id="tree"),
        pytest.param(
            "table", f"resnet18 · 8 × 3@224×224, {CAPTION.replace('224', '320')}", id="table"
        ),
        pytest.param(
            "markdown",
            f"**resnet18** · 8 × 3@224×224, {CAPTION.replace('224', '320')}",
            id="markdown",
        ),
    ],
)
def test_side_by_side_says_the_batch(sides: Sides, fmt: str, first: str) -> None:
    lines = api.render_sides(sides, fmt, depth=1, batch=BATCH).splitlines()
    assert lines[0] == first
    summary = "\n".join(lines[-4:]).replace("\\|", "|")  # as Markdown shows it
    assert "8 × 1000 | 8 × 1000" in summary
    assert "14.5 G | 29.6 G" in summary
    assert "266.78 MB | 495.73 MB (float32, a batch of 8)" in summary


def test_the_tree_scales_each_count(result: Result) -> None:
    """The tree counts its MACs as the table does, through the Sheet, of the batch."""
    from shapecalc.formats.tree import ShapeTree

    tree: Drawing = ShapeTree.of(result, replace(Options(), batch=3))
    assert "5.44G" in tree.plain()  # 1.81 G × 3


Check = Callable[[str, str], None]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("batch_resnet18.tree.txt", Format.TREE), ("batch_resnet18.table.80.txt", Format.TABLE)],
    ids=["tree", "table-80"],
)
def test_golden(result: Result, golden: Check, name: str, fmt: Format) -> None:
    golden(name, at(result, fmt, depth=2, width=80 if "80" in name else None))
