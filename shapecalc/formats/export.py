"""Rich output: the tree and the table on a terminal or as text, HTML and SVG documents."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, TextIO

from rich.console import Console

from shapecalc.engine import Result
from shapecalc.errors import ShapeError
from shapecalc.formats import Format, Options, View
from shapecalc.formats.tree import ShapeTree
from shapecalc.modules import Model
from shapecalc.shape import Shape

if TYPE_CHECKING:  # rich.table imports decimal and fractions: not for a tree
    from shapecalc.formats.table import ShapeTable


def show(result: Result, fmt: Format, stream: TextIO, options: Options) -> None:
    """Print the tree or the table, in colour on a terminal; lines are never wrapped or cut."""
    console = Console(file=stream, highlight=False)
    if not console.is_terminal:
        stream.write(document(result, fmt, options))
        return
    _print(_view(result, fmt, options), console)


def show_partial(model: Model, shape: Shape, error: ShapeError, stream: TextIO) -> None:
    """Print the tree up to the layer that failed, and say where it stopped."""
    _print(ShapeTree.partial(model, shape, error), Console(file=stream, highlight=False))


def _print(view: ShapeTree | ShapeTable, console: Console) -> None:
    # A narrow terminal wraps long lines itself, which beats rich splitting a cell.
    console.width = max(console.width, _width(view, console))
    console.print(view)


def document(result: Result, fmt: Format, options: Options) -> str:
    """Return the tree or table as plain text, or an HTML or SVG document of it."""
    exporting = fmt in (Format.HTML, Format.SVG)
    console = Console(
        file=io.StringIO(),
        record=exporting,
        highlight=False,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    view = _view(result, fmt, options)
    console.width = _width(view, console)
    console.print(view)
    if fmt is Format.HTML:
        return console.export_html(inline_styles=True)
    if fmt is Format.SVG:
        return console.export_svg(title=f"shapecalc {result.model.name}")
    output = console.file
    assert isinstance(output, io.StringIO)
    return "".join(line.rstrip() + "\n" for line in output.getvalue().splitlines())


def _view(result: Result, fmt: Format, options: Options) -> ShapeTree | ShapeTable:
    if fmt is Format.TREE or (fmt is not Format.TABLE and options.view is View.TREE):
        return ShapeTree.of(result, options)
    from shapecalc.formats.table import ShapeTable

    return ShapeTable(result, options)


def _width(view: ShapeTree | ShapeTable, console: Console) -> int:
    return view.width if isinstance(view, ShapeTree) else view.width(console)
