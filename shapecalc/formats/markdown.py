"""GitHub-flavoured Markdown: a pipe table, aligned in the source too, and the totals."""

from __future__ import annotations

import re
from collections.abc import Callable

from shapecalc.engine import Result, Row
from shapecalc.formats import Options, summary
from shapecalc.formats._rounding import Rounded, rounded
from shapecalc.formats.columns import TABLE, Column, Sheet, shown, total, visible
from shapecalc.formats.text import input_text, settings

INDENT = "· "  # per level of depth: leading spaces would vanish in a rendered cell
# What Markdown could read as markup or a cell's end, in the text shapecalc writes itself.
_MARKUP = re.compile(r"([\\|*_~`<>\[\]!&$])")
# In names, paths and types, every ASCII punctuation mark: CommonMark shows each one escaped
# as itself, so no name can make emphasis, a link or an autolink (`:`, `@`, `www.`), an HTML
# tag or entity, math or an emoji code, or end its cell.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_EDGES = re.compile(r"^ +| +$")


def render(result: Result, options: Options) -> str:
    """Return a caption saying which model and input, the table, then the summary as a list."""
    marks = rounded(result, options.depth)
    rows = visible(result, options.depth)
    columns = shown(options, TABLE, marks, rows)
    cells = _columns(columns, rows, options, marks)
    headings = [column.heading for column in columns]
    totals = [
        _bold(escape(total(column, result, options.dtype, options.batch))) for column in columns
    ]
    widths = [
        max(len(heading), len(last), *map(len, made))
        for heading, last, made in zip(headings, totals, cells, strict=True)
    ]
    line = _template(columns, widths)
    rule = [
        "-" * (width - 1) + ":" if column.numeric else ":" + "-" * (width - 1)
        for column, width in zip(columns, widths, strict=True)
    ]
    lines = [line.format(*headings), "| " + " | ".join(rule) + " |"]
    lines += map(line.format, *cells)
    lines.append(line.format(*totals))
    notes = [
        f"- **{label}**: {escape(value)}"
        for label, value in summary.entries(result, options.dtype, options.batch)
    ]
    shown_input = input_text(result.input, options.batch, result.input_formulas)
    model = result.model
    caption = f"**{escape_name(model.name)}**{escape(settings(model))} · {escape(shown_input)}"
    return "\n".join([caption, "", *lines, "", *notes, ""])


def _template(columns: tuple[Column, ...], widths: list[int]) -> str:
    """Return a format string that pads a whole line: no cell is copied to be padded alone."""
    fields = (
        f"{{:{'>' if column.numeric else '<'}{width}}}"
        for column, width in zip(columns, widths, strict=True)
    )
    return "| " + " | ".join(fields) + " |"


def _columns(
    columns: tuple[Column, ...], rows: list[Row], options: Options, marks: dict[str, Rounded]
) -> list[list[str]]:
    """Return each column's cells, escaped; the layer column indented by depth."""
    sheet = Sheet(rows, options.dtype, marks, options.batch)
    cells = [_escaped(column, sheet.texts(column)) for column in columns]
    if Column.LAYER in columns:
        index = columns.index(Column.LAYER)
        cells[index] = [
            INDENT * (row.depth - 1) + cell for row, cell in zip(rows, cells[index], strict=True)
        ]
    return cells


def escape(cell: str) -> str:
    """Escape what Markdown would read as markup or as a cell's end in shapecalc's own text."""
    return _MARKUP.sub(r"\\\1", cell)


def escape_name(cell: str) -> str:
    """Escape a name, path or type from a spec so that Markdown shows it as it is."""
    cell = _PUNCTUATION.sub(r"\\\1", cell)
    if cell.startswith(" ") or cell.endswith(" "):  # a table trims its cells
        cell = _EDGES.sub(lambda spaces: "&#32;" * len(spaces.group()), cell)
    return cell


def _escaped(column: Column, cells: list[str]) -> list[str]:
    """Escape a column's cells; most columns need none, which one search over them finds."""
    joined = "".join(cells)
    if column.named:
        if _PUNCTUATION.search(joined) or " " in joined:
            return _each(escape_name, cells)
    elif _MARKUP.search(joined):
        return _each(escape, cells)
    return cells


def _each(escape: Callable[[str], str], cells: list[str]) -> list[str]:
    """Escape each cell once per distinct text: a model's names and types repeat."""
    done: dict[str, str] = {}
    return [done[cell] if cell in done else done.setdefault(cell, escape(cell)) for cell in cells]


def _bold(cell: str) -> str:
    return f"**{cell}**" if cell else ""
