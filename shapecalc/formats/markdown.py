"""GitHub-flavoured Markdown: a pipe table, aligned in the source too, and the totals."""

from __future__ import annotations

import re

from shapecalc.engine import Result
from shapecalc.formats import Options, summary
from shapecalc.formats.columns import TABLE, Column, text, total, visible

INDENT = "· "  # per level of depth: leading spaces would vanish in a rendered cell
_SPECIAL = re.compile(r"([\\|*_`<>\[\]])")


def render(result: Result, options: Options) -> str:
    """Return the table, then the summary as a list."""
    columns = options.columns or TABLE
    lines = [[column.heading for column in columns]]
    for row in visible(result, options.depth):
        cells = [escape(text(column, row, options.dtype)) for column in columns]
        if Column.LAYER in columns:
            index = columns.index(Column.LAYER)
            cells[index] = INDENT * (row.depth - 1) + cells[index]
        lines.append(cells)
    lines.append([_bold(escape(total(column, result, options.dtype))) for column in columns])
    widths = [max(len(line[index]) for line in lines) for index in range(len(columns))]
    rule = [
        "-" * (width - 1) + ":" if column.numeric else ":" + "-" * (width - 1)
        for column, width in zip(columns, widths, strict=True)
    ]
    table = [_line(lines[0], columns, widths), "|" + "|".join(f" {cell} " for cell in rule) + "|"]
    table += [_line(line, columns, widths) for line in lines[1:]]
    notes = [
        f"- **{label}**: {escape(value)}" for label, value in summary.entries(result, options.dtype)
    ]
    return "\n".join(table) + "\n\n" + "\n".join(notes) + "\n"


def escape(cell: str) -> str:
    """Escape what Markdown would read as markup or as a cell's end."""
    return _SPECIAL.sub(r"\\\1", cell)


def _bold(cell: str) -> str:
    return f"**{cell}**" if cell else ""


def _line(cells: list[str], columns: tuple[Column, ...], widths: list[int]) -> str:
    padded = (
        cell.rjust(width) if column.numeric else cell.ljust(width)
        for cell, column, width in zip(cells, columns, widths, strict=True)
    )
    return "|" + "|".join(f" {cell} " for cell in padded) + "|"
