"""CSV: a header and one record per module, numbers raw, loadable as it is."""

from __future__ import annotations

import csv
import io

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats._rounding import rounded
from shapecalc.formats.columns import CSV, Column, Sheet, shown, visible

CHUNK = 10_000  # rows made into cells at a time, as memory for all would grow with them
# A cell a spreadsheet would run as a formula starts so (OWASP, "CSV Injection").
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def render(result: Result, options: Options) -> str:
    """Return the records; shapes, fields and windows are text such as `64×56×56`.

    When an uneven stride rounded some output, a last `rounded` column says where: `yes`
    on the row, `within` on a container drawn collapsed.
    """
    marks = rounded(result, options.depth)
    rows = visible(result, options.depth)
    columns = shown(options, CSV, marks, rows)
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(column.value for column in columns)
    for start in range(0, len(rows), CHUNK):
        sheet = Sheet(rows[start : start + CHUNK], options.dtype, marks, options.batch)
        writer.writerows(zip(*(_cells(column, sheet) for column in columns), strict=True))
    return output.getvalue()


def _cells(column: Column, sheet: Sheet) -> list[int] | list[str]:
    """Return a column's cells; names, paths and types that start a formula are made text.

    A leading `'` makes them text, as OWASP recommends. The other text columns are
    shapecalc's own, and never start a formula: a field stride of `-` is text to a
    spreadsheet too.
    """
    if not column.named:
        return sheet.values(column)
    return [neutral(cell) for cell in sheet.texts(column)]


def neutral(cell: str) -> str:
    """Return a cell from a spec as text a spreadsheet shows, never runs as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA) else cell
