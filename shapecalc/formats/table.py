"""A rich table: one row per module, chosen columns, a totals row and the summary."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from shapecalc.engine import Result
from shapecalc.formats import Options, summary
from shapecalc.formats.columns import TABLE, Column, text, total, visible

INDENT = "  "  # per level of depth in the layer column


class ShapeTable:
    """A renderable table of a result; it fits in 100 columns with the default columns."""

    __slots__ = ("summary", "table")

    def __init__(self, result: Result, options: Options) -> None:
        columns = options.columns or TABLE
        self.table = Table(box=box.SIMPLE, pad_edge=False, show_edge=False, show_footer=True)
        for column in columns:
            self.table.add_column(
                column.heading,
                footer=total(column, result, options.dtype),
                justify="right" if column.numeric else "left",
                no_wrap=True,
            )
        for row in visible(result, options.depth):
            cells = [text(column, row, options.dtype) for column in columns]
            if Column.LAYER in columns:
                index = columns.index(Column.LAYER)
                cells[index] = INDENT * (row.depth - 1) + cells[index]
            self.table.add_row(*cells, style="bold" if not row.is_leaf else None)
        entries = summary.entries(result, options.dtype)
        width = max(len(label) for label, _ in entries)
        self.summary = [Text()] + [
            Text.assemble((label.ljust(width + 2), "bold"), line) for label, line in entries
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.table
        yield from self.summary

    def width(self, console: Console) -> int:
        """Columns the widest line needs."""
        needed = console.measure(self.table, options=console.options.update(width=10**6))
        return max(needed.maximum, *(len(line) for line in self.summary))
