"""The documentation formats: table, Markdown, CSV, HTML, SVG; --depth and --columns."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import string
from collections.abc import Callable

import pytest
from conftest import RESNET18_TOP, spec

from shapecalc import api
from shapecalc.engine import Result, infer
from shapecalc.formats import Format, Options, View, columns, text
from shapecalc.formats.columns import CSV, TABLE, Column, Sheet, parse
from shapecalc.formats.tree import Drawing
from shapecalc.memory import DType
from shapecalc.modules import Model
from shapecalc.shape import Shape


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
    assert "total" in output.splitlines()[-7]
    assert "11,689,512   1,814,073,344" in output
    assert max(len(line) for line in output.splitlines()) <= 100


def table_lines(markdown: str) -> list[str]:
    """Return a Markdown output's lines after its caption and the blank line below it."""
    caption, blank, *lines = markdown.splitlines()
    assert caption.startswith("**") and blank == ""
    return lines


def test_markdown_says_which_model_and_input_it_shows(result: Result) -> None:
    assert text(result, Format.MARKDOWN, Options()).startswith("**resnet18** · 3@224×224\n\n|")


def test_markdown_rows_agree_with_json(result: Result, layers: list[dict[str, object]]) -> None:
    output = text(result, Format.MARKDOWN, Options())
    lines = table_lines(output)
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
    assert table_lines(markdown)[0].split() == ["|", "layer", "|", "window", "|"]
    assert table_lines(markdown)[2].split() == ["|", "conv1", "|", "7", "s2", "p3", "|"]
    assert TABLE[0] is Column.LAYER


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.CSV, Format.MARKDOWN], ids=str)
def test_the_input_column_is_what_each_module_takes(result: Result, fmt: Format) -> None:
    """As torchinfo's input_size column: a block's first conv takes the block's input."""
    output = text(result, fmt, Options(columns=parse("path,input,output")))
    cells = {line[0]: line[1:] for line in map(cells_of, output.splitlines()) if line}
    image = "3×224×224" if fmt is Format.CSV else "3@224×224"
    assert cells["conv1"] == [image, cells["bn1"][0]]
    assert cells["layer2.0.conv1"][0] == cells["layer1"][1]
    assert cells["layer2.0.downsample.0"][0] == cells["layer1"][1]


def cells_of(line: str) -> list[str]:
    """Return a line's cells, whatever the format's separators."""
    cells = re.split(r"[|,]| {2,}", line.replace("\\.", "."))  # Markdown escapes dots
    return [cell.strip() for cell in cells if cell.strip()]


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
    named = api.infer(result.model, "HxW")
    for fmt in Format:
        shown = named if fmt is Format.DYNAMIC else result  # it declares named sizes only
        assert text(shown, fmt, Options(explain=True, depth=2))


# Printable names that would be markup, a formula or a cell's end somewhere, and beyond ASCII.
HOSTILE = [
    "conv[/red]",
    "[link=javascript:alert(1)]x[/link]",
    "[bold]x",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "a|b",
    "a\\|b",
    "`x`",
    "\\",
    "&lt;",
    "*x*",
    "_x_",
    "~~x~~",
    "![i](http://x)",
    "http://x",
    ":smile:",
    " edges ",
    "卷积",
    "😀",
]
ASCII_PUNCTUATION = frozenset(string.punctuation)
FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would start a formula with


def hostile(name: str) -> Model:
    """A model named `name`, whose container and layer are named `name` and the container's
    type is `name`, followed by a plain layer that must stay itself."""
    quoted = json.dumps(name, ensure_ascii=False)  # a YAML double-quoted scalar too
    return spec(
        f"name: {quoted}\n"
        "input: [3, 8, 8]\n"
        "model:\n"
        "  children:\n"
        f"    {quoted}:\n"
        f"      type: {quoted}\n"
        f"      children: {{{quoted}: {{type: Conv2d, out_channels: 4, kernel_size: 3}}}}\n"
        "    plain: ReLU\n"
    )


def expected_rows(name: str) -> list[dict[str, str]]:
    return [
        {"path": name, "name": name, "type": name},
        {"path": f"{name}.{name}", "name": name, "type": "Conv2d"},
        {"path": "plain", "name": "plain", "type": "ReLU"},
    ]


_RAW_CELL = re.compile(r"((?:\\.|[^\\|])*)\|")
_INLINE = re.compile(r"\\([!-/:-@\[-`{-~])|(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def markdown_cells(line: str) -> list[str]:
    """Split a table line as GitHub does: on pipes not escaped, each cell trimmed."""
    assert line.startswith("|")
    raw = _RAW_CELL.findall(line[1:])
    assert "".join(f"{cell}|" for cell in raw) == line[1:], line
    return [cell.strip(" ") for cell in raw]


def markdown_text(cell: str) -> str:
    """Read a cell that holds no markup: undo backslash escapes of ASCII punctuation and
    decode entities (an unescaped `&lt;` would be `<`); no other punctuation may be left."""
    bare = re.sub(r"\\.", "", cell.replace("&#32;", ""))
    assert not ASCII_PUNCTUATION & set(bare), cell
    return _INLINE.sub(lambda found: found[1] or html.unescape(found[2]), cell)


def _read_markdown(output: str) -> list[dict[str, str]]:
    lines = [markdown_cells(line) for line in output.split("\n\n")[1].splitlines()]
    assert {len(cells) for cells in lines} == {4}  # every line keeps its shape
    keys = ["layer", "path", "name", "type"]
    rows = [dict(zip(keys, map(markdown_text, cells), strict=True)) for cells in lines[2:-1]]
    for row in rows:
        assert row.pop("layer").removeprefix("· ") == row["name"]
    return rows


def _read_csv(output: str) -> list[dict[str, str]]:
    records = list(csv.DictReader(io.StringIO(output)))
    assert [record["params"] for record in records] == ["112", "112", "0"]  # numbers stay raw
    return [{key: record[key] for key in ("path", "name", "type")} for record in records]


def _read_json(output: str) -> list[dict[str, str]]:
    layers = json.loads(output)["layers"]
    return [{key: layer[key] for key in ("path", "name", "type")} for layer in layers]


def _read_listing(output: str) -> list[dict[str, str]]:
    lines = output.splitlines()[1:]
    return [{"name": line.lstrip("\t").rpartition(":")[0]} for line in lines]


def _unformula(cell: str) -> str:
    """Undo CSV's guard against formulas, checking that no cell is left unguarded."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA):
        return cell[1:]
    assert not cell.startswith(FORMULA), cell
    return cell


READERS: dict[Format, Callable[[str], list[dict[str, str]]]] = {
    Format.MARKDOWN: _read_markdown,
    Format.CSV: lambda output: [
        {key: _unformula(cell) for key, cell in record.items()} for record in _read_csv(output)
    ],
    Format.JSON: _read_json,
    Format.LISTING: _read_listing,
}


@pytest.mark.parametrize("name", HOSTILE, ids=lambda name: name)
@pytest.mark.parametrize("fmt", list(READERS), ids=lambda fmt: fmt.value)
def test_names_are_shown_as_they_are(fmt: Format, name: str) -> None:
    model = hostile(name)
    chosen = parse("layer,path,name,type") if fmt is Format.MARKDOWN else None
    output = text(infer(model, model.input), fmt, Options(columns=chosen))
    expected = expected_rows(name)
    if fmt is Format.LISTING:
        expected = [{"name": row["name"]} for row in expected]
    assert READERS[fmt](output) == expected
    if fmt is Format.JSON:
        assert json.loads(output)["model"] == name


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"], ids=str)
def test_csv_cells_that_would_be_formulas_are_text(name: str) -> None:
    model = hostile(name)
    records = _read_csv(text(infer(model, model.input), Format.CSV, Options()))
    assert records[0] == {"path": f"'{name}", "name": f"'{name}", "type": f"'{name}"}
    assert records[2] == {"path": "plain", "name": "plain", "type": "ReLU"}


CONV1 = "112 = ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"


@pytest.mark.parametrize(
    "fmt",
    [Format.TABLE, Format.MARKDOWN, Format.CSV, Format.HTML, Format.SVG],
    ids=lambda fmt: fmt.value,
)
def test_explain_adds_the_arithmetic_column(result: Result, fmt: Format) -> None:
    def shown(options: Options) -> str:  # as a reader sees it
        output = html.unescape(text(result, fmt, options)).replace("\xa0", " ")
        return output.replace("\\_", "_") if fmt is Format.MARKDOWN else output

    plain = shown(Options(depth=1))
    explained = shown(Options(depth=1, explain=True))
    for line in (CONV1, "1 = output_size, pooled from 7"):
        assert line not in plain
        assert line in explained
    assert "arithmetic" not in plain
    assert "arithmetic" in explained


@pytest.mark.parametrize(
    ("picked", "explain", "header"),
    [
        pytest.param(
            None, True, ",".join(column.value for column in CSV) + ",arithmetic", id="default"
        ),
        pytest.param("path,output", True, "path,output,arithmetic", id="picked"),
        pytest.param("arithmetic,path", True, "arithmetic,path", id="picked-with-it"),
        pytest.param("path,arithmetic", False, "path,arithmetic", id="picked-alone"),
    ],
)
def test_the_arithmetic_column_is_appended_once(
    result: Result, picked: str | None, explain: bool, header: str
) -> None:
    chosen = parse(picked) if picked else None
    output = text(result, Format.CSV, Options(columns=chosen, explain=explain, depth=1))
    records = list(csv.DictReader(io.StringIO(output)))
    assert output.splitlines()[0] == header
    assert [record["arithmetic"] for record in records][:4] == [
        CONV1,
        "",
        "",
        "56 = ⌊(112 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1",
    ]


def test_markdown_escapes_the_arithmetic(result: Result) -> None:
    lines = table_lines(text(result, Format.MARKDOWN, Options(depth=1, explain=True)))
    cells = {markdown_cells(line)[0]: markdown_cells(line)[-1] for line in lines[2:12]}
    assert cells["conv1"] == CONV1
    assert cells["avgpool"] == "1 = output\\_size, pooled from 7"
    assert cells["bn1"] == ""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("resnet18", id="resnet18"),
        pytest.param(
            """
            input: [3, 33, 31]
            model:
              - {type: Conv2d, out_channels: 4, kernel_size: [3, 5], dilation: 2, padding: [2, 4]}
              - {type: Conv2d, out_channels: 4, kernel_size: 3, padding: same}
              - {type: MaxPool2d, kernel_size: 2, ceil_mode: true}
              - {type: AdaptiveAvgPool2d, output_size: [2, null]}
              - {type: Linear, out_features: 5}
              - children: {flat: Flatten, fc: {type: Linear, out_features: 3}}
            """,
            id="layers",
        ),
        pytest.param("input: [7]\nmodel: [{type: Linear, out_features: 2}, ReLU]\n", id="vector"),
    ],
)
def test_a_sheet_makes_the_cells_value_and_text_make(resnet18: Model, source: str) -> None:
    model = resnet18 if source == "resnet18" else spec(source)
    rows = infer(model, Shape((3, 97, 131)) if model is resnet18 else model.input).rows
    sheet = Sheet(rows, DType.FLOAT16)
    for column in set(Column) - {Column.ROUNDED}:  # which needs the other rows
        assert sheet.values(column) == [columns.value(column, row, DType.FLOAT16) for row in rows]
        assert sheet.texts(column) == [columns.text(column, row, DType.FLOAT16) for row in rows]


def test_huge_figures_are_exact_in_every_format() -> None:
    """Sizes of 10^70 make MACs of about 4·10^420, far beyond a float (issue: no crash)."""
    big = 10**70
    model = spec(f"""
        input: [{big}, {big}, {big}]
        model:
          - {{type: Conv2d, out_channels: {big}, kernel_size: {big}, padding: {big}}}
          - {{type: MaxPool2d, kernel_size: 2}}
    """)
    result = infer(model, model.input)
    macs = result.rows[0].macs
    assert macs == big * (2 * big + 1) ** 2 * big * big**2 > 10**420
    records = list(csv.DictReader(io.StringIO(text(result, Format.CSV, Options()))))
    assert int(records[0]["macs"]) == macs
    assert json.loads(text(result, Format.JSON, Options()))["total_macs"] == macs
    markdown = text(result, Format.MARKDOWN, Options(explain=True))
    assert markdown_cells(table_lines(markdown)[2])[5] == f"{macs:,}"
    assert f"- **MACs**: {macs:,} (4.00e420; FLOPs = 2 × MACs = 8.00e420)" in markdown
    assert f"{2 * big + 1}*{2 * big + 1}" in text(result, Format.LISTING, Options())


def rounded_cells(fmt: Format, options: Options) -> list[tuple[str, str]]:
    """Return the rows the rounded column marks, as (first cell, mark)."""
    shown = text(infer(spec_of_resnet18(), Shape((3, 225, 225))), fmt, options)
    if fmt is Format.CSV:
        records = list(csv.DictReader(io.StringIO(shown)))
        return [(record["path"], record["rounded"]) for record in records if record["rounded"]]
    if fmt is Format.MARKDOWN:
        lines = [markdown_cells(line) for line in table_lines(shown) if line.startswith("|")]
        assert lines[0][-1] == "rounded"
        return [(cells[0].lstrip("· "), cells[-1]) for cells in lines[2:] if cells[-1]]
    assert shown.splitlines()[1].split()[-1] == "rounded"
    marked = [line.split() for line in shown.splitlines() if line.endswith((" yes", " within"))]
    return [(words[0], words[-1]) for words in marked]


@pytest.mark.parametrize("fmt", [Format.TABLE, Format.MARKDOWN, Format.CSV], ids=lambda f: f.value)
def test_rounded_rows_are_marked(fmt: Format) -> None:
    assert rounded_cells(fmt, Options(depth=1)) == [
        ("conv1", "yes"),
        ("maxpool", "yes"),
        ("layer2", "within"),
        ("layer3", "within"),
        ("layer4", "within"),
    ]
    every = rounded_cells(fmt, Options())
    assert len(every) == 8
    assert {mark for _, mark in every} == {"yes"}
    if fmt is Format.CSV:
        downsampling = {
            f"layer{n}.0.{part}" for n in (2, 3, 4) for part in ("conv1", "downsample.0")
        }
        assert {path for path, _ in every} == {"conv1", "maxpool"} | downsampling


@pytest.mark.parametrize(
    "fmt",
    [Format.TABLE, Format.MARKDOWN, Format.CSV, Format.HTML, Format.SVG],
    ids=lambda f: f.value,
)
def test_the_rounded_column_shows_only_when_a_row_rounds(fmt: Format) -> None:
    clean = text(infer(spec_of_resnet18(), Shape((3, 224, 224))), fmt, Options())
    uneven = text(infer(spec_of_resnet18(), Shape((3, 225, 225))), fmt, Options())
    assert "rounded" not in clean
    assert "rounded" in uneven
    picked = Options(columns=parse("layer,output"))
    assert "rounded" not in text(infer(spec_of_resnet18(), Shape((3, 225, 225))), fmt, picked)


def spec_of_resnet18() -> Model:
    from shapecalc import catalog

    return catalog.load("resnet18")


def hostile_model() -> Model:
    """A model whose names are every hostile name, some of whose layers round."""
    children = "\n".join(
        f"    {json.dumps(name, ensure_ascii=False)}: {{type: Conv2d, out_channels: 4, "
        f"kernel_size: 3, padding: 1, stride: {1 if at % 7 else 2}}}"
        for at, name in enumerate(HOSTILE)
    )
    return spec(f"input: [4, 225, 231]\nmodel:\n  children:\n{children}\n")


def rich_export(view: Drawing, fmt: Format, title: str, unique: str) -> str:
    """Export `view` through rich's recording console, as shapecalc did before _export."""
    from rich.console import Console

    from shapecalc.formats.export import _FONT, _PAGE

    console = Console(
        file=io.StringIO(),
        record=True,
        highlight=False,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
        width=view.width,
    )
    console.print(view, crop=False)
    if fmt is Format.HTML:
        page = _PAGE.format(caption=html.escape(title), font=_FONT)
        return console.export_html(inline_styles=True, code_format=page)
    return console.export_svg(title=title, unique_id=unique)


@pytest.mark.parametrize("fmt", [Format.HTML, Format.SVG], ids=lambda fmt: fmt.value)
@pytest.mark.parametrize(
    "options",
    [Options(), Options(view=View.TREE), Options(explain=True, view=View.TREE), Options(depth=2)],
    ids=["table", "tree", "explained-tree", "depth"],
)
@pytest.mark.parametrize("model", ["resnet18", "hostile"], ids=str)
def test_exports_are_rich_s_to_the_byte(model: str, options: Options, fmt: Format) -> None:
    from shapecalc.formats import _export
    from shapecalc.formats.export import _FONT, _PAGE, _view

    loaded = hostile_model() if model == "hostile" else spec_of_resnet18()
    result = infer(loaded, Shape((3, 225, 231)) if model == "resnet18" else loaded.input)
    view = _view(result, fmt, options)
    if fmt is Format.HTML:
        made = _export.html(view, _PAGE.format(caption=html.escape("a title"), font=_FONT))
    else:
        made = _export.svg(view, view.width, "a title", "terminal-1")
    assert made == rich_export(view, fmt, "a title", "terminal-1")


@pytest.mark.parametrize("name", HOSTILE, ids=repr)
def test_a_name_is_a_comment_in_python(name: str) -> None:
    """The snippet --format dynamic writes compiles, each name inside its comment line."""
    code = text(api.infer(hostile(name), "HxW"), Format.DYNAMIC, Options())
    compile(code, "export.py", "exec")
    assert all(line.startswith("#") for line in code.splitlines() if name in line)
