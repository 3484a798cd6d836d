"""The table: one row per module, chosen columns, a totals row and the summary."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import TABLE, Column, Sheet, shown, total, visible
from shapecalc.formats.tree import (
    BOLD,
    PLAIN,
    Drawing,
    Line,
    ljust,
    narrow,
    rjust,
    summary_lines,
    width_of,
)

INDENT = "  "  # per level of depth in the layer column
GAP = "   "  # between columns: rich's simple box drew a space and each cell's padding
RULE = "─"


class ShapeTable(Drawing):
    """The table of a result; it fits in 100 columns with the default columns.

    Laid out as rich's simple box table was, under a caption naming the model and input: a
    bold heading, a rule, a row per module (a container's in bold), a rule, the totals in
    bold, and the summary after a blank line.
    """

    __slots__ = ()

    @staticmethod
    def of(result: Result, options: Options) -> ShapeTable:
        """The table of the columns `options` picks, or of the default ones."""
        columns = shown(options, TABLE)
        rows = visible(result, options.depth)
        sheet = Sheet(rows, options.dtype)
        body = [list(cells) for cells in zip(*map(sheet.texts, columns), strict=True)]
        if Column.LAYER in columns:
            index = columns.index(Column.LAYER)
            for cells, row in zip(body, rows, strict=True):
                cells[index] = INDENT * (row.depth - 1) + cells[index]
        headings = [column.heading for column in columns]
        totals = [total(column, result, options.dtype) for column in columns]
        layout = _Layout.of(columns, [headings, totals, *body])
        rule = RULE * layout.width
        caption = f"{result.model.name} · {result.input}"  # which model, for which input
        lines: list[Line] = [("", [Segment(caption, PLAIN)]), ("", layout.line(headings, BOLD))]
        lines.append((rule, []))
        lines += [
            ("", layout.line(cells, PLAIN if row.is_leaf else BOLD))
            for cells, row in zip(body, rows, strict=True)
        ]
        lines += [(rule, []), ("", layout.line(totals, BOLD)), ("", [])]
        lines += [("", line) for line in summary_lines(result, options)]
        return ShapeTable(lines)


class _Layout:
    """Each column's width and side: numbers on the right, text on the left."""

    __slots__ = ("right", "widths")

    def __init__(self, widths: list[int], right: list[bool]) -> None:
        self.widths = widths
        self.right = right

    @staticmethod
    def of(columns: tuple[Column, ...], lines: list[list[str]]) -> _Layout:
        """Fit each column to its widest cell."""
        flags = [narrow("".join(cells)) for cells in lines]  # the headings always are
        plain = [cells for cells, simple in zip(lines, flags, strict=True) if simple]
        widths = [max(map(len, column)) for column in zip(*plain, strict=True)]
        for cells, simple in zip(lines, flags, strict=True):
            if not simple:  # a wide character, as in 卷积: measure each cell
                widths = [max(w, width_of(cell)) for w, cell in zip(widths, cells, strict=True)]
        return _Layout(widths, [column.numeric for column in columns])

    @property
    def width(self) -> int:
        return sum(self.widths) + len(GAP) * (len(self.widths) - 1)

    def line(self, cells: list[str], style: Style) -> list[Segment]:
        """Pad each cell to its column, as one segment or, with wide characters, one a cell.

        Rich's SVG export draws a segment in its length in characters, not in columns: a
        segment per cell keeps the next columns in place after a wide character.
        """
        sides = zip(cells, self.widths, self.right, strict=True)
        if narrow("".join(cells)):
            text = GAP.join(cell.rjust(w) if right else cell.ljust(w) for cell, w, right in sides)
            return [Segment(text.rstrip(), style)] if text.strip() else []
        padded = [rjust(cell, w) if right else ljust(cell, w) for cell, w, right in sides]
        parts = [cell + GAP for cell in padded[:-1]] + padded[-1:]
        while parts and not parts[-1].strip():
            parts.pop()
        if parts:
            parts[-1] = parts[-1].rstrip()
        return [Segment(part, style) for part in parts]
