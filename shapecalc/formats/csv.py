"""CSV: a header and one record per module, numbers raw, loadable as it is."""

from __future__ import annotations

import csv
import io

from shapecalc.engine import Result
from shapecalc.formats import Options
from shapecalc.formats.columns import CSV, value, visible


def render(result: Result, options: Options) -> str:
    """Return the records; shapes, fields and windows are text such as `64×56×56`."""
    columns = options.columns or CSV
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(column.value for column in columns)
    for row in visible(result, options.depth):
        writer.writerow(value(column, row, options.dtype) for column in columns)
    return output.getvalue()
