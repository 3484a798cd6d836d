"""A small table of text — a sweep, the built-in models — as aligned text, CSV or Markdown."""

from __future__ import annotations

from shapecalc.formats import Format
from shapecalc.value import frozen


@frozen
class Grid:
    """Headings and rows of text; `right` are the columns of numbers, aligned right.

    `named` are the columns whose text comes from a spec (names, paths), escaped as data.
    """

    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()
    named: frozenset[int] = frozenset()

    def render(self, fmt: Format) -> str:
        """Return the grid as aligned text (TABLE), CSV or Markdown."""
        if fmt is Format.CSV:
            return self._csv()
        if fmt is Format.MARKDOWN:
            return self._markdown()
        return "".join(line.rstrip() + "\n" for line in self._lines("  "))

    def _widths(self) -> list[int]:
        lines = (self.headings, *self.rows)
        return [max(len(line[column]) for line in lines) for column in range(len(self.headings))]

    def _lines(self, gap: str) -> list[str]:
        """Return the headings and rows, each cell padded to its column's width."""
        widths = self._widths()
        return [
            gap.join(
                cell.rjust(width) if column in self.right else cell.ljust(width)
                for column, (cell, width) in enumerate(zip(line, widths, strict=True))
            )
            for line in (self.headings, *self.rows)
        ]

    def _csv(self) -> str:
        import csv
        import io

        from shapecalc.formats.csv import neutral

        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\n")
        writer.writerow(self.headings)
        for row in self.rows:
            writer.writerow(
                neutral(cell) if index in self.named else cell for index, cell in enumerate(row)
            )
        return output.getvalue()

    def _markdown(self) -> str:
        from shapecalc.formats.markdown import escape, escape_name

        rows = tuple(
            tuple(
                (escape_name if index in self.named else escape)(cell)
                for index, cell in enumerate(row)
            )
            for row in self.rows
        )
        escaped = Grid(tuple(map(escape, self.headings)), rows, self.right)
        rule = tuple(
            "-" * (width - 1) + ":" if column in self.right else ":" + "-" * (width - 1)
            for column, width in enumerate(max(width, 3) for width in escaped._widths())
        )
        heading, *body = Grid(escaped.headings, (rule, *rows), self.right)._lines(" | ")
        return "".join(f"| {line} |\n" for line in (heading, *body))
