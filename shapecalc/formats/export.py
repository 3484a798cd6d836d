"""Rich output: the tree and the table on a terminal or as text, HTML and SVG documents."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from shapecalc._streams import write
from shapecalc.engine import Result, Stopped
from shapecalc.formats import Format, Options, View
from shapecalc.formats.columns import check_drawable
from shapecalc.formats.text import caption
from shapecalc.formats.tree import ShapeTree
from shapecalc.value import replace

if TYPE_CHECKING:  # the table is imported only when drawn, rich's console only for a terminal
    from rich.console import Console

    from shapecalc.formats.table import ShapeTable

# rich's page, with a title that says which model and input it shows (the drawing says it
# too). The title is formatted in before rich fills in the rest: its braces are doubled then.
_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{caption}</title>
<style>
{{stylesheet}}
body {{{{
    color: {{foreground}};
    background-color: {{background}};
}}}}
</style>
</head>
<body>
    <pre style="font-family:{font}"><code style="font-family:inherit">{{code}}</code></pre>
</body>
</html>
"""
_FONT = "Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"


def show(result: Result, fmt: Format, stream: TextIO, options: Options) -> None:
    """Print the tree or the table, in colour on a terminal; lines are never wrapped or cut.

    On a terminal they are laid out for its width (or COLUMNS, as rich reads it); piped or
    written to a file they keep their natural width, the same wherever they are made.
    """
    console = _console(stream)
    if console is None or not console.is_terminal:
        write(stream, document(result, fmt, options))
        return
    options = replace(options, width=console.width)
    _print(_view(result, fmt, options), console, stream)


def show_partial(stopped: Stopped, stream: TextIO) -> None:
    """Print the tree up to the layer that failed, and say where it stopped."""
    from rich.console import Console  # as drawn on an ASCII pipe too: rarely, and not in a hurry

    console = Console(file=stream, highlight=False)
    width = console.width if console.is_terminal else None
    _print(ShapeTree.partial(stopped, width), console, stream)


def _console(stream: TextIO) -> Console | None:
    """Return a console on `stream`, or None where rich would not take it for a terminal.

    Rich does only for a tty, or as TTY_COMPATIBLE or FORCE_COLOR say: a pipe or a file
    is written without importing rich's console, about a third of rich's import time. Not
    COLUMNS off a terminal either: some environments export it (pytest sets 80), and a
    file's text should not depend on where it was made.
    """
    if "TTY_COMPATIBLE" not in os.environ and "FORCE_COLOR" not in os.environ:
        isatty = getattr(stream, "isatty", None)
        try:
            tty = isatty is not None and isatty()
        except ValueError:  # a closed stream, which rich takes for no terminal
            tty = False
        if not tty:
            return None
    from rich.console import Console

    return Console(file=stream, highlight=False)


def _print(view: ShapeTree | ShapeTable, console: Console, stream: TextIO) -> None:
    """Render `view` as the console would print it, then write it to `stream`, whole.

    Rich writes to its file in pieces, each of which can fail part way; the text it would
    have written, colours and an ASCII console's guides included, is written in one go.
    """
    # A narrow terminal wraps long lines itself, which beats rich splitting a cell.
    console.width = max(console.width, view.width)
    with console.capture() as captured:
        console.print(view)
    write(stream, captured.get())


def document(result: Result, fmt: Format, options: Options) -> str:
    """Return the tree or table as plain text, or an HTML or SVG document of it."""
    view = _view(result, fmt, options)
    if fmt not in (Format.HTML, Format.SVG):
        return view.plain()
    from shapecalc.formats import _export

    said = caption(result.model, result.input, options.batch, result.input_formulas)
    if fmt is Format.HTML:
        from html import escape

        shown = escape(said).replace("{", "{{").replace("}", "}}")
        return _export.html(view, _PAGE.format(caption=shown, font=_FONT))
    import zlib

    title = f"shapecalc {said}"
    # rich would name the drawing's styles after a hash of every segment's repr: slow.
    unique = zlib.adler32(f"{title}\n{view.plain()}".encode("utf-8", "surrogatepass"))
    return _export.svg(view, view.width, title, f"terminal-{unique}")


def _view(result: Result, fmt: Format, options: Options) -> ShapeTree | ShapeTable:
    """Lay out the tree or the table, once its rows are known to fit in a drawing."""
    check_drawable(result, fmt, options.depth)
    if fmt is Format.TREE or (fmt is not Format.TABLE and options.view is View.TREE):
        return ShapeTree.of(result, options)
    from shapecalc.formats.table import ShapeTable

    return ShapeTable.of(result, options)
