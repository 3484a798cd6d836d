"""Output formats; each lives in its own module and is imported only when used."""

from __future__ import annotations

from enum import Enum
from importlib import import_module
from typing import TextIO

from shapecalc.engine import Result
from shapecalc.formats.columns import Column
from shapecalc.memory import DType
from shapecalc.value import frozen


class Format(Enum):
    """The formats `--format` offers."""

    TREE = "tree"
    TABLE = "table"
    LISTING = "listing"
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    HTML = "html"
    SVG = "svg"
    DYNAMIC = "dynamic"  # Python declaring symbolic sizes for torch.export and ONNX
    MERMAID = "mermaid"  # the data flow as a Mermaid flowchart
    DOT = "dot"  # the data flow as Graphviz DOT


class View(Enum):
    """What an HTML or SVG file shows."""

    TABLE = "table"
    TREE = "tree"
    GRAPH = "graph"  # the data flow, drawn by shapecalc itself


EXTENSIONS = {
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".csv": Format.CSV,
    ".json": Format.JSON,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".svg": Format.SVG,
    ".py": Format.DYNAMIC,
    ".mmd": Format.MERMAID,
    ".mermaid": Format.MERMAID,
    ".dot": Format.DOT,
    ".gv": Format.DOT,
    ".txt": Format.TREE,
}
RICH = frozenset({Format.TREE, Format.TABLE})
# The module that writes each of the other formats, imported only when one is asked for.
_WRITERS = {
    Format.LISTING: "listing",
    Format.JSON: "json",
    Format.MARKDOWN: "markdown",
    Format.CSV: "csv",
    Format.DYNAMIC: "dynamic",
    Format.MERMAID: "mermaid",
    Format.DOT: "dot",
}


@frozen
class Options:
    """What formats may take into account.

    `depth` leaves out modules deeper than it (None: all); `columns` picks the tabular
    formats' columns by name (None: each format's own); `view` is what HTML and SVG show;
    `width` is the terminal's columns the tree and the table fit in (None: their natural width).
    `batch` scales the MACs and the memory that a batch multiplies (see shapecalc.memory);
    shapes stay one sample's, and the captions and the model's output show the batch.
    """

    dtype: DType = DType.FLOAT32
    explain: bool = False
    depth: int | None = None
    columns: tuple[Column, ...] | None = None
    view: View = View.TABLE
    width: int | None = None
    batch: int = 1


def text(result: Result, fmt: Format, options: Options) -> str:
    """Return `result` in `fmt` as plain text (no colour), whole."""
    if options.view is View.GRAPH and fmt in (Format.HTML, Format.SVG):
        from shapecalc.formats import diagram

        return diagram.render(result, fmt, options)
    if fmt in RICH or fmt in (Format.HTML, Format.SVG):
        from shapecalc.formats import export  # rich is imported only for these

        return export.document(result, fmt, options)
    module = import_module(f"shapecalc.formats.{_WRITERS[fmt]}")
    rendered: str = module.render(result, options)
    return rendered


def write(result: Result, fmt: Format, stream: TextIO, options: Options) -> None:
    """Write `result` to `stream` in `fmt`; the tree and the table in colour on a terminal."""
    if fmt in RICH:
        from shapecalc.formats import export

        export.show(result, fmt, stream, options)
    else:
        stream.write(text(result, fmt, options))
