"""The table: one row per module, chosen columns, a totals row and the summary."""

from __future__ import annotations

from collections.abc import Sequence

from shapecalc.engine import Result, Row
from shapecalc.formats import Options
from shapecalc.formats._fit import TYPE_WIDTHS, fitted, narrow, shorten, width_of
from shapecalc.formats._rounding import rounded
from shapecalc.formats.columns import TABLE, Column, Sheet, shown, summed, total, visible
from shapecalc.formats.text import caption, compact
from shapecalc.formats.tree import (
    BOLD,
    PLAIN,
    Drawing,
    Line,
    Paint,
    Piece,
    ljust,
    rjust,
    summary_lines,
)

INDENT = "  "  # per level of depth in the layer column
GAP = "   "  # between columns: rich's simple box drew a space and each cell's padding
RULE = "─"


class ShapeTable(Drawing):
    """The table of a result, at its natural width or fitted to a terminal's (see _fit).

    Laid out as rich's simple box table was, under a caption naming the model and input: a
    bold heading, a rule, a row per module (a container's in bold), a rule, the totals in
    bold, and the summary after a blank line.
    """

    __slots__ = ()

    @staticmethod
    def of(result: Result, options: Options) -> ShapeTable:
        """The table of the columns `options` picks, or of the default ones."""
        rows = visible(result, options.depth)
        marks = rounded(result, options.depth)
        sheet = Sheet(rows, options.dtype, marks, options.batch)
        columns = shown(options, TABLE, marks, rows)
        sheet_columns = _Columns.of(columns, rows, sheet, result, options)
        if options.width is not None:
            # The arithmetic is longer than most terminals: the rest fit, and it wraps.
            room = fitted(options.width) + sheet_columns.arithmetic_width()
            sheet_columns = sheet_columns.fitted(room, options.columns is None)
        columns = sheet_columns.columns
        layout = _Layout.of(sheet_columns)
        headings = [column.heading for column in columns]
        body = list(zip(*sheet_columns.cells, strict=True))
        totals = sheet_columns.totals
        rule = RULE * min(layout.width, fitted(options.width or layout.width))
        # which model, for which input
        heading = caption(result.model, result.input, options.batch, result.input_formulas)
        lines: list[Line] = [("", [Piece(heading, PLAIN)]), ("", layout.line(headings, BOLD))]
        lines.append((rule, []))
        lines += [
            ("", layout.line(cells, PLAIN if row.is_leaf else BOLD))
            for cells, row in zip(body, rows, strict=True)
        ]
        lines += [(rule, []), ("", layout.line(totals, BOLD)), ("", [])]
        lines += [("", line) for line in summary_lines(result, options)]
        return ShapeTable(lines)


class _Columns:
    """The table's columns, each with its cells, totals cell and width, and their gap."""

    __slots__ = ("cells", "columns", "gap", "result", "sheet", "totals", "widths")

    def __init__(
        self,
        columns: tuple[Column, ...],
        cells: list[list[str]],
        totals: list[str],
        source: tuple[Sheet, Result],
        gap: str = GAP,
    ) -> None:
        self.columns = columns
        self.sheet, self.result = source  # to count again in three figures
        self.cells = cells
        self.totals = totals
        self.gap = gap
        self.widths = [
            _widest([column.heading, last, *made])
            for column, last, made in zip(columns, totals, cells, strict=True)
        ]

    @staticmethod
    def of(
        columns: tuple[Column, ...],
        rows: list[Row],
        sheet: Sheet,
        result: Result,
        options: Options,
    ) -> _Columns:
        """Each column's cells as people read them; the layer column indented by depth."""
        cells = [sheet.texts(column) for column in columns]
        if Column.LAYER in columns:
            index = columns.index(Column.LAYER)
            names = zip(cells[index], rows, strict=True)
            cells[index] = [INDENT * (row.depth - 1) + cell for cell, row in names]
        totals = [total(column, result, options.dtype, options.batch) for column in columns]
        return _Columns(columns, cells, totals, (sheet, result))

    @property
    def width(self) -> int:
        return sum(self.widths) + len(self.gap) * (len(self.widths) - 1)

    def arithmetic_width(self) -> int:
        """Return the columns the arithmetic column and a narrow gap take, 0 if not shown."""
        if Column.ARITHMETIC not in self.columns:
            return 0
        return self.widths[self.columns.index(Column.ARITHMETIC)] + len(GAP[1:])

    def fitted(self, width: int, drop: bool) -> _Columns:
        """Take _fit's steps until the columns fit in `width`; drop none unless `drop`."""
        if self.width <= width:
            return self
        fit = self._compact()
        steps: list[tuple[Column | None, int | None]] = [
            (Column.FIELD, None),
            (None, TYPE_WIDTHS[0]),
            (Column.WINDOW, None),
            (Column.MACS, None),
            (None, TYPE_WIDTHS[1]),
            (Column.PARAMS, None),
        ]
        for dropped, type_width in steps:
            if fit.width <= width:
                return fit
            if dropped is None and type_width is not None:
                fit = fit._cut({Column.TYPE}, type_width)
            elif drop and dropped in fit.columns:
                fit = fit._without(dropped)
        if fit.width <= width:
            return fit
        names = {Column.LAYER, Column.PATH, Column.NAME} & set(fit.columns)
        over = fit.width - width
        widest = max((fit.widths[fit.columns.index(name)] for name in names), default=0)
        return fit._cut(names, max(widest - over, 8))

    def _compact(self) -> _Columns:
        """Show the counts in three figures (`11.7M`), with narrower gaps."""
        cells, totals = list(self.cells), list(self.totals)
        for at, column in enumerate(self.columns):
            if column in _COUNTED:
                cells[at] = list(map(compact, self.sheet.numbers(column)))
                number = summed(column, self.result, self.sheet.dtype, self.sheet.batch)
                totals[at] = "" if number is None else compact(number)
        return self._made(self.columns, cells, totals, GAP[1:])

    def _without(self, column: Column) -> _Columns:
        at = self.columns.index(column)
        columns = self.columns[:at] + self.columns[at + 1 :]
        cells = self.cells[:at] + self.cells[at + 1 :]
        return self._made(columns, cells, self.totals[:at] + self.totals[at + 1 :], self.gap)

    def _cut(self, which: set[Column], width: int) -> _Columns:
        cells = [
            [shorten(cell, width, start=column is Column.PATH) for cell in made]
            if column in which
            else made
            for column, made in zip(self.columns, self.cells, strict=True)
        ]
        return self._made(self.columns, cells, self.totals, self.gap)

    def _made(
        self, columns: tuple[Column, ...], cells: list[list[str]], totals: list[str], gap: str
    ) -> _Columns:
        return _Columns(columns, cells, totals, (self.sheet, self.result), gap)


_COUNTED = frozenset({Column.PARAMS, Column.MACS, Column.BYTES})


def _widest(cells: list[str]) -> int:
    """Return the columns the widest cell takes."""
    return max(map(len, cells)) if narrow("".join(cells)) else max(map(width_of, cells))


class _Layout:
    """Each column's width and side: numbers on the right, text on the left."""

    __slots__ = ("gap", "right", "widths")

    def __init__(self, widths: list[int], right: list[bool], gap: str) -> None:
        self.widths = widths
        self.right = right
        self.gap = gap

    @staticmethod
    def of(columns: _Columns) -> _Layout:
        """Fit each column to its widest cell."""
        return _Layout(columns.widths, [column.numeric for column in columns.columns], columns.gap)

    @property
    def width(self) -> int:
        return sum(self.widths) + len(self.gap) * (len(self.widths) - 1)

    def line(self, cells: Sequence[str], style: Paint) -> list[Piece]:
        """Pad each cell to its column, as one segment or, with wide characters, one a cell.

        Rich's SVG export draws a segment in its length in characters, not in columns: a
        segment per cell keeps the next columns in place after a wide character.
        """
        sides = zip(cells, self.widths, self.right, strict=True)
        gap = self.gap
        if narrow("".join(cells)):
            text = gap.join(cell.rjust(w) if right else cell.ljust(w) for cell, w, right in sides)
            return [Piece(text.rstrip(), style)] if text.strip() else []
        padded = [rjust(cell, w) if right else ljust(cell, w) for cell, w, right in sides]
        parts = [cell + gap for cell in padded[:-1]] + padded[-1:]
        while parts and not parts[-1].strip():
            parts.pop()
        if parts:
            parts[-1] = parts[-1].rstrip()
        return [Piece(part, style) for part in parts]
