"""The drawn formats (tree, table, HTML, SVG): names as data, the row limit, and speed."""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import Result as Done
from conftest import PEAK_KB, SECONDS, measure, spec
from rich.cells import cell_len
from rich.console import Console

from shapecalc.engine import Result, Stopped, attempt, infer
from shapecalc.errors import UsageError
from shapecalc.formats import Format, Options, View, text
from shapecalc.formats.columns import parse
from shapecalc.formats.table import ShapeTable
from shapecalc.formats.tree import ShapeTree
from shapecalc.limits import MAX_DRAWN_ROWS
from shapecalc.modules import Model

HOSTILE = [
    "conv[/red]",
    "[link=javascript:alert(1)]x[/link]",
    "[bold red]x",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "卷积",
    "😀",
]
TITLE = "[link=javascript:alert(2)]t[/link] <b>"
HTML = [
    pytest.param(Format.HTML, View.TABLE, id="html-table"),
    pytest.param(Format.HTML, View.TREE, id="html-tree"),
]
SVG = [
    pytest.param(Format.SVG, View.TABLE, id="svg-table"),
    pytest.param(Format.SVG, View.TREE, id="svg-tree"),
]
DRAWN = [
    pytest.param(Format.TREE, View.TABLE, id="tree"),
    pytest.param(Format.TABLE, View.TABLE, id="table"),
    *HTML,
    *SVG,
]


def quoted(text: str) -> str:
    """Write `text` as a double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_spec() -> str:
    children = "".join(f"    {quoted(name)}: ReLU\n" for name in HOSTILE[:-2])
    return (
        f"name: {quoted(TITLE)}\n"
        "input: [3, 8, 8]\n"
        "model:\n"
        "  children:\n"
        f"{children}"
        f"    {quoted('卷积')}:\n"  # a container of a wide name, holding the last
        f"      children:\n"
        f"        {quoted(HOSTILE[-1])}: {{type: Conv2d, out_channels: 4, kernel_size: 3}}\n"
    )


@pytest.fixture(scope="module")
def hostile() -> Result:
    model = spec(hostile_spec())
    assert model.name == TITLE
    return infer(model, model.input)


@pytest.fixture(scope="module")
def tame() -> Result:
    model = spec("""
        input: [3, 8, 8]
        model:
          children:
            a: ReLU
            b: {children: {c: {type: Conv2d, out_channels: 4, kernel_size: 3}}}
    """)
    return infer(model, model.input)


class Page(HTMLParser):
    """An HTML page's tags, attributes and text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[tuple[str, str | None]] = set()
        self.data: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(attrs)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def drawing_parts(drawing: str) -> tuple[set[str], set[tuple[str, str]], str]:
    """Return an SVG's tags, its attributes but positions and ids, and its text."""
    root = ElementTree.fromstring(drawing)
    tags = {element.tag for element in root.iter()}
    skipped = {"x", "y", "width", "height", "textLength", "id", "clip-path", "viewBox", "class"}
    attributes = {(key, value) for element in root.iter() for key, value in element.attrib.items()}
    kept = {(key, value) for key, value in attributes if key not in skipped}
    return tags, kept, "".join(root.itertext()).replace("\xa0", " ")


def test_hostile_names_are_plain_text_in_the_tree_and_table(hostile: Result) -> None:
    for fmt in (Format.TREE, Format.TABLE):
        output = text(hostile, fmt, Options())
        lines = output.splitlines()
        for name in HOSTILE:
            assert sum(name in line for line in lines) == 1, (fmt, name)
        assert len(lines) == len(hostile.rows) + (8 if fmt is Format.TREE else 11)
    assert TITLE in text(hostile, Format.TREE, Options())


@pytest.mark.parametrize(("fmt", "view"), HTML)
def test_hostile_names_are_text_in_html(
    hostile: Result, tame: Result, fmt: Format, view: View
) -> None:
    page = Page(text(hostile, fmt, Options(view=view)))
    usual = Page(text(tame, fmt, Options(view=view)))
    assert page.tags == usual.tags  # no <a>, <script>, <img>, <b>
    assert page.attributes == usual.attributes  # no link, no colour a name asked for
    assert "a" not in page.tags
    assert not any("javascript:" in (value or "") for _, value in page.attributes)
    shown = "".join(page.data)
    for name in HOSTILE:
        assert name in shown
    # the page's title, and the table's caption or the tree's root row under the input
    assert f"<title>{escape(TITLE)} · 3@8×8</title>" in text(hostile, fmt, Options(view=view))
    assert "3@8×8" in shown


@pytest.mark.parametrize("view", [View.TABLE, View.TREE], ids=["table", "tree"])
def test_a_name_with_braces_is_not_a_template_in_html(view: View) -> None:
    model = spec("name: '{code}{stylesheet}'\ninput: [3, 8, 8]\nmodel: [ReLU]\n")
    page = Page(text(infer(model, model.input), Format.HTML, Options(view=view)))
    assert "{code}{stylesheet} · 3@8×8" in page.data  # the title


@pytest.mark.parametrize(("fmt", "view"), SVG)
def test_hostile_names_are_text_in_svg(
    hostile: Result, tame: Result, fmt: Format, view: View
) -> None:
    tags, attributes, shown = drawing_parts(text(hostile, fmt, Options(view=view)))
    usual_tags, usual_attributes, _ = drawing_parts(text(tame, fmt, Options(view=view)))
    assert tags == usual_tags
    assert attributes == usual_attributes
    assert not any("javascript:" in value for _, value in attributes)
    for name in HOSTILE:
        assert name in shown
    assert f"shapecalc {TITLE} · 3@8×8" in shown


@pytest.mark.parametrize(("fmt", "view"), DRAWN)
def test_every_drawn_format_draws_hostile_names(hostile: Result, fmt: Format, view: View) -> None:
    output = text(hostile, fmt, Options(view=view, explain=True, depth=1))
    assert "卷积" in output
    assert "[bold red]x" in output.replace("&#160;", " ")


@pytest.mark.parametrize("fmt", [Format.TREE, Format.TABLE], ids=lambda fmt: fmt.value)
def test_wide_names_keep_the_columns_aligned(hostile: Result, fmt: Format) -> None:
    lines = text(hostile, fmt, Options()).splitlines()
    starts = set()
    for row in hostile.rows:
        (line,) = [line for line in lines if f" {row.type} " in line and row.name in line]
        starts.add(cell_len(line[: line.index(f" {row.type} ")]))
    assert len(starts) == 1


def test_a_table_shows_the_columns_asked_for(tame: Result) -> None:
    columns = parse("path,depth,bytes,field_stride,kernel")
    lines = text(tame, Format.TABLE, Options(columns=columns)).splitlines()
    assert lines[0] == "net · 3@8×8"
    assert lines[1].split() == ["path", "depth", "bytes", "field", "stride", "kernel"]
    assert lines[4].split() == ["b", "1", "576", "1"]
    assert lines[5].split() == ["b.c", "2", "576", "1", "3"]


def test_drawings_use_ascii_guides_where_the_console_cannot_show_others(tame: Result) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="replace")
    for view, drawn in [
        (ShapeTree.of(tame, Options()), ["+-- a", "`-- b", "    `-- c"]),
        (ShapeTable.of(tame, Options()), ["-" * 20]),
    ]:
        console = Console(file=stream, width=view.width, color_system=None)
        assert console.options.ascii_only
        with console.capture() as captured:
            console.print(view)
        for piece in drawn:
            assert piece in captured.get()
        assert not {"│", "├", "└", "─"} & set(captured.get())


def repeated(count: int) -> Model:
    return spec(f"""
        input: [3, 8, 8]
        model:
          - {{repeat: {count}, type: ReLU}}
    """)


@pytest.fixture(scope="module")
def at_the_limit() -> Result:
    model = repeated(MAX_DRAWN_ROWS)
    return infer(model, model.input)


@pytest.mark.parametrize(("fmt", "view"), DRAWN)
def test_the_row_limit_is_drawn(at_the_limit: Result, fmt: Format, view: View) -> None:
    assert str(MAX_DRAWN_ROWS - 1) in text(at_the_limit, fmt, Options(view=view))


@pytest.mark.parametrize(("fmt", "view"), DRAWN)
def test_more_rows_than_the_limit_are_refused(fmt: Format, view: View) -> None:
    model = repeated(MAX_DRAWN_ROWS + 1)
    with pytest.raises(UsageError) as raised:
        text(infer(model, model.input), fmt, Options(view=view))
    assert raised.value.where == f"--format {fmt.value}"
    assert raised.value.what == (
        "5,001 rows are more than the 5,000 a drawing holds; even --depth 1 has 5,001 rows: use "
        "the listing, json, csv or markdown format"
    )
    assert raised.value.exit_code == 2


def test_depth_makes_a_big_model_drawable() -> None:
    model = spec("""
        input: [3, 8, 8]
        blocks:
          Wide:
            children:
              relu${i}: {type: ReLU, repeat: 2000}
        model:
          - {repeat: 3, type: Wide}
    """)
    result = infer(model, model.input)
    assert len(result.rows) == 6003
    with pytest.raises(UsageError, match=r"6,003 rows .* --depth 1 \(3 rows\), or use the list"):
        text(result, Format.TREE, Options())
    assert len(text(result, Format.TREE, Options(depth=1)).splitlines()) == 3 + 8


def test_the_command_refuses_too_many_rows(
    write_spec: Callable[[str], Path], run: Callable[..., Done]
) -> None:
    path = write_spec(f"input: [3, 8, 8]\nmodel: [{{repeat: {MAX_DRAWN_ROWS + 1}, type: ReLU}}]\n")
    done = run(str(path), "--format", "svg")
    assert done.exit_code == 2
    assert done.stderr.startswith("error: --format svg: 5,001 rows are more than the 5,000")
    assert done.stdout == ""


def test_a_long_failure_draws_only_the_modules_around_it() -> None:
    model = spec(f"""
        input: [3, 8, 8]
        model:
          - {{repeat: {MAX_DRAWN_ROWS}, type: ReLU}}
          - children:
              a: ReLU
              b: {{type: Conv2d, out_channels: 4, kernel_size: 100}}
    """)
    stopped = attempt(model, model.input)
    assert isinstance(stopped, Stopped)
    lines = ShapeTree.partial(stopped).plain().splitlines()
    assert lines[3:] == [
        "└── 5000   Sequential  …",
        "    └── b  Conv2d      …",
        "5,001 finished modules not drawn: a drawing holds 5,000 rows",
        "✗ stopped at 5000.b: see the error below",
    ]


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="tree"),
        pytest.param(["-f", "table"], id="table"),
        pytest.param(["-f", "html"], id="html"),
        pytest.param(["-f", "svg"], id="svg"),
        pytest.param(["-f", "svg", "--view", "tree"], id="svg-tree"),
    ],
)
def test_drawing_the_row_limit_takes_under_two_seconds(
    args: list[str], write_spec: Callable[[str], Path]
) -> None:
    path = write_spec(f"input: [3, 8, 8]\nmodel: [{{repeat: {MAX_DRAWN_ROWS}, type: ReLU}}]\n")
    seconds, peak_kb, status, stderr = measure(str(path), *args)
    assert status == 0, stderr
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB


@pytest.mark.parametrize("view", [ShapeTree.of, ShapeTable.of], ids=["tree", "table"])
def test_a_drawing_is_as_wide_as_its_widest_line(
    hostile: Result, view: Callable[[Result, Options], ShapeTree | ShapeTable]
) -> None:
    lines = view(hostile, Options(explain=True)).plain().splitlines()
    assert any(cell_len(line) != len(line) for line in lines)  # wide characters in it
    assert view(hostile, Options(explain=True)).width == max(map(cell_len, lines))
