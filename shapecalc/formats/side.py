"""One model at several inputs, an output column each: tree, table, Markdown, CSV, JSON.

Rows whose output is not their input scaled alike at every input are marked `≠`: with
224 and 320 every size differs, so a mark for any difference would mark every row; what is
worth seeing is where a layer rounds, crops or pads one input differently from another.
A batch applies to every input, as it does to one (see shapecalc.formats.Options).
"""

from __future__ import annotations

from collections.abc import Callable

from shapecalc.compare import Across, Cell, Sides
from shapecalc.engine import Result, Row, Stopped
from shapecalc.errors import UsageError
from shapecalc.formats import Format
from shapecalc.formats.grid import Grid
from shapecalc.formats.text import (
    PER_SAMPLE,
    batched,
    compact,
    grouped,
    megabytes,
    output_text,
    settings,
)
from shapecalc.formats.tree import guides
from shapecalc.memory import DType, memory
from shapecalc.shape import Shape

FORMATS = (Format.TREE, Format.TABLE, Format.MARKDOWN, Format.CSV, Format.JSON)
MARK = "≠"
LEGEND = "where the sizes part: the output is not the input scaled alike"
UNFINISHED = "…"  # a module the input's failure interrupted


def render(
    sides: Sides,
    fmt: Format,
    dtype: DType = DType.FLOAT32,
    depth: int | None = None,
    batch: int = 1,
) -> str:
    """Return the inputs side by side in `fmt`, one of FORMATS, MACs and memory of `batch`
    samples each."""
    if fmt not in FORMATS:
        names = ", ".join(each.value for each in FORMATS)
        raise UsageError("--format", f"several inputs are shown as {names}, not {fmt.value}")
    rows = sides.rows(depth)
    if fmt is Format.JSON:
        return _json(sides, rows, dtype, batch)
    if fmt is Format.CSV:
        return _csv(sides, rows).render(Format.CSV)
    markdown = fmt is Format.MARKDOWN
    grid = _grid(
        sides, rows, tree=fmt is Format.TREE, indent="· " if markdown else "  ", batch=batch
    )
    marked = any(not row.in_step for row in rows)
    summary = summary_entries(sides, dtype, marked=marked, batch=batch)
    if markdown:
        from shapecalc.formats.markdown import escape, escape_name

        name, given = escape_name(sides.model.name), escape(settings(sides.model))
        caption = f"**{name}**{given} · {escape(_inputs(sides, batch))}"
        items = [f"- **{escape(label)}**: {escape(text)}" for label, text in summary]
        return "\n".join([caption, "", grid.render(fmt).rstrip("\n"), "", *items, ""])
    width = max(len(label) for label, _ in summary) + 2
    notes = "".join(f"{label.ljust(width)}{text}\n" for label, text in summary)
    caption = f"inputs {_inputs(sides, batch)}" if fmt is Format.TREE else _caption(sides, batch)
    return f"{caption}\n{grid.render(Format.TABLE)}{notes}"


def _caption(sides: Sides, batch: int = 1) -> str:
    """Say which model and inputs a table shows: `resnet18 · 3@224×224, 3@320×320`."""
    return f"{sides.model.name}{settings(sides.model)} · {_inputs(sides, batch)}"


def _inputs(sides: Sides, batch: int = 1) -> str:
    shown = ", ".join(batched(shape, batch) for shape in sides.inputs)
    return shown if batch == 1 else shown + PER_SAMPLE


def _grid(
    sides: Sides, rows: list[Across], *, tree: bool, indent: str = "  ", batch: int = 1
) -> Grid:
    """Lay out a line per module: name (under guides, or indented), type, outputs, params."""
    if tree:
        lined = guides([row.module.depth for row in rows])
        names = [guide + row.module.name for guide, row in zip(lined, rows, strict=True)]
    else:
        names = [indent * (row.module.depth - 1) + row.module.name for row in rows]
    output = _Outputs()
    lines = [
        (name, row.module.type, *map(output, row.cells), _params(row.cells), _mark(row))
        for name, row in zip(names, rows, strict=True)
    ]
    results = sides.results
    root = (
        sides.model.name,
        sides.model.type,
        *(UNFINISHED if result is None else batched(result.output, batch) for result in results),
        next((_count(result.total_params) for result in results if result), ""),
        "",
    )
    headings = ("" if tree else "layer", "" if tree else "type", *map(str, sides.inputs))
    count = len(sides.inputs)
    return Grid(
        (*headings, "params", ""),
        (root, *lines) if tree else tuple(lines),
        right=frozenset({count + 2}),
        named=frozenset({0, 1}),
    )


class _Outputs:
    """Cells' outputs as text; most rows share a few shapes, which str() makes slowly."""

    def __init__(self) -> None:
        self.made: dict[int, tuple[Shape, str]] = {}  # by id, the shape kept so none reuses it

    def __call__(self, cell: Cell) -> str:
        if cell is None:
            return ""
        if not isinstance(cell, Row):
            return UNFINISHED
        shape = cell.shape
        if shape is None:
            return output_text(shape)
        made = self.made.get(id(shape))
        if made is None:
            made = self.made[id(shape)] = (shape, str(shape))
        return made[1]


def _params(cells: tuple[Cell, ...]) -> str:
    found = next((cell.params for cell in cells if isinstance(cell, Row)), None)
    return "" if found is None else _count(found)


def _mark(row: Across) -> str:
    return "" if row.in_step else MARK


def _count(value: int) -> str:
    return compact(value) if value else "–"


def summary_entries(
    sides: Sides, dtype: DType, *, marked: bool, batch: int = 1
) -> list[tuple[str, str]]:
    """Return the lines under the rows: outputs, params once, MACs and memory per input,
    of `batch` samples."""
    results = sides.results
    finished = [result for result in results if result is not None]
    params = sorted({result.total_params for result in finished})
    kind = dtype.value if batch == 1 else f"{dtype.value}, a batch of {batch:,}"
    entries = [
        ("output", _each(results, lambda result: batched(result.output, batch))),
        ("params", _params_text(params, dtype) if len(params) == 1 else _each(results, _total)),
        ("MACs", _each(results, lambda result: compact(result.batch_macs(batch), space=" "))),
        (
            "memory",
            _each(results, lambda result: megabytes(memory(result, dtype, batch).total))
            + f" ({kind})",
        ),
    ]
    entries += [("stopped", _stop(each)) for each in sides.outcomes if isinstance(each, Stopped)]
    return entries + ([(MARK, LEGEND)] if marked else [])


def _params_text(params: list[int], dtype: DType) -> str:
    return f"{grouped(params[0])} ({megabytes(params[0] * dtype.size)} as {dtype.value})"


def _total(result: Result) -> str:
    return grouped(result.total_params)


def _each(results: tuple[Result | None, ...], show: Callable[[Result], str]) -> str:
    return " | ".join("stopped" if result is None else show(result) for result in results)


def _stop(stopped: Stopped) -> str:
    where = stopped.error.path or stopped.model.type
    return f"{stopped.input} at {where}: {stopped.error.what}"


def _csv(sides: Sides, rows: list[Across]) -> Grid:
    """One record per module: outputs as `64×56×56` per input, empty where none."""
    headings = ("path", "name", "type", "depth", *(f"output {shape_dims(s)}" for s in sides.inputs))
    lines = tuple(
        (
            row.module.path,
            row.module.name,
            row.module.type,
            str(row.module.depth),
            *map(_dims, row.cells),
            _raw_params(row.cells),
            "true" if row.in_step else "false",
        )
        for row in rows
    )
    return Grid((*headings, "params", "in_step"), lines, named=frozenset({0, 1, 2}))


def shape_dims(shape: Shape | None) -> str:
    """Write a shape's dimensions as CSV and JSON keys do: `3×224×224`."""
    return "" if shape is None else "×".join(map(str, shape.dims))


def _dims(cell: Cell) -> str:
    return shape_dims(cell.shape) if isinstance(cell, Row) else ""


def _raw_params(cells: tuple[Cell, ...]) -> str:
    found = next((cell.params for cell in cells if isinstance(cell, Row)), None)
    return "" if found is None else str(found)


def _json(sides: Sides, rows: list[Across], dtype: DType, batch: int = 1) -> str:
    """Return one document: the model, a result per input, then a line per module.

    Each module's `shapes`, `params` and `macs` are lists in the order of the inputs, with
    null where an input stopped before the module finished.
    """
    from shapecalc.formats.json import dumps

    head = {
        "model": sides.model.name,
        "type": sides.model.type,
        "inputs": [list(shape.dims) for shape in sides.inputs],
        **({"batch": batch} if batch != 1 else {}),
        "results": [_json_result(outcome, dtype, batch) for outcome in sides.outcomes],
    }
    lines = [f'  "{key}": {dumps(value)},' for key, value in head.items()]
    layers = [f"    {dumps(_json_row(row, batch))}," for row in rows]
    if layers:
        layers[-1] = layers[-1].removesuffix(",")
    return "\n".join(["{", *lines, '  "layers": [', *layers, "  ]", "}", ""])


def _json_result(outcome: Result | Stopped, dtype: DType, batch: int = 1) -> dict[str, object]:
    """Say one input's output, totals and rounding layers, or where it stopped."""
    if isinstance(outcome, Stopped):
        stop = {"path": outcome.error.path, "error": outcome.error.what}
        return {"input": list(outcome.input.dims), "stopped": stop}
    from shapecalc.sizes import uneven

    used = memory(outcome, dtype, batch)
    return {
        "input": list(outcome.input.dims),
        "output": list(outcome.output.dims),
        "total_params": outcome.total_params,
        "total_macs": outcome.batch_macs(batch),
        "memory": {"dtype": dtype.value, "total_bytes": used.total},
        "uneven": list(dict.fromkeys(item.row.path for item in uneven(outcome))),
        "stopped": None,
    }


def _json_row(row: Across, batch: int = 1) -> dict[str, object]:
    module = row.module
    finished = [cell if isinstance(cell, Row) else None for cell in row.cells]
    return {
        "path": module.path,
        "name": module.name,
        "type": module.type,
        "depth": module.depth,
        "shapes": [cell.shape.dims if cell and cell.shape else None for cell in finished],
        "params": [cell.params if cell else None for cell in finished],
        "macs": [cell.batch_macs(batch) if cell else None for cell in finished],
        "in_step": row.in_step,
    }
