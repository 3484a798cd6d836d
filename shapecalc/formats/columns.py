"""The columns of the tabular formats: what each holds, raw and as text, and which to show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

from shapecalc.engine import Result, Row
from shapecalc.errors import did_you_mean
from shapecalc.formats.text import field, grouped, stride
from shapecalc.layers.conv import Conv2d
from shapecalc.memory import DType, memory, nbytes


class Column(Enum):
    """A column; its value is the name `--columns` takes."""

    LAYER = "layer"  # the module's name, indented by depth
    PATH = "path"
    NAME = "name"
    TYPE = "type"
    DEPTH = "depth"
    KERNEL = "kernel"
    STRIDE = "stride"
    PADDING = "padding"
    WINDOW = "window"  # kernel, stride, padding and dilation in one: `7 s2 p3`
    OUTPUT = "output"
    PARAMS = "params"
    MACS = "macs"
    BYTES = "bytes"  # the output's size at the chosen dtype
    FIELD = "field"
    FIELD_STRIDE = "field_stride"

    @property
    def heading(self) -> str:
        return _HEADINGS.get(self, self.value)

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC


_HEADINGS = {Column.MACS: "MACs", Column.FIELD_STRIDE: "field stride"}
_NUMERIC = frozenset({Column.DEPTH, Column.PARAMS, Column.MACS, Column.BYTES})
TABLE = (
    Column.LAYER,
    Column.TYPE,
    Column.WINDOW,
    Column.OUTPUT,
    Column.PARAMS,
    Column.MACS,
    Column.FIELD,
)
CSV = (
    Column.PATH,
    Column.NAME,
    Column.TYPE,
    Column.DEPTH,
    Column.KERNEL,
    Column.STRIDE,
    Column.PADDING,
    Column.OUTPUT,
    Column.PARAMS,
    Column.MACS,
    Column.BYTES,
    Column.FIELD,
    Column.FIELD_STRIDE,
)


def parse(names: str | Sequence[str]) -> tuple[Column, ...]:
    """Read column names, comma-separated or listed; raise ValueError naming a wrong one."""
    if isinstance(names, str):
        names = names.split(",")
    known = {column.value: column for column in Column}
    picked = []
    for name in (name.strip() for name in names):
        if name not in known:
            hint = did_you_mean(name, known)
            raise ValueError(f"no column '{name}'{hint}; the columns are {', '.join(known)}")
        picked.append(known[name])
    if not picked:
        raise ValueError("no columns named")
    return tuple(picked)


def visible(result: Result, depth: int | None) -> list[Row]:
    """Return the rows down to `depth` (all when None); a collapsed container keeps its sums."""
    return [row for row in result.rows if depth is None or row.depth <= depth]


def value(column: Column, row: Row, dtype: DType) -> int | str:
    """Return a cell as data: numbers as ints, the rest as text without units."""
    return _VALUES[column](row, dtype)


def text(column: Column, row: Row, dtype: DType) -> str:
    """Return a cell as people read it: shapes as `64@56×56`, numbers with separators."""
    if column is Column.OUTPUT:
        return str(row.shape)
    cell = value(column, row, dtype)
    return grouped(cell) if isinstance(cell, int) else cell


def _geometry(column: Column, row: Row) -> str:
    """Return a layer's kernel, stride, padding or all of them; empty where none apply."""
    parts = _window(row)
    if parts is None:
        return ""
    kernel, step, padding, dilation = parts
    if column is Column.KERNEL:
        return kernel
    if column is Column.STRIDE:
        return step
    if column is Column.PADDING:
        return padding
    extras = [("s", step, "1"), ("p", padding, "0"), ("d", dilation, "1")]
    return " ".join([kernel, *(f"{key}{part}" for key, part, plain in extras if part != plain)])


def _window(row: Row) -> tuple[str, str, str, str] | None:
    layer = row.layer
    axes = layer.windows() if layer is not None else None
    if axes is not None:
        height, width = axes
        return (
            _pair(height.kernel, width.kernel),
            _pair(height.stride, width.stride),
            _pair(height.padding, width.padding),
            _pair(height.dilation, width.dilation),
        )
    if isinstance(layer, Conv2d):  # padding='same' has no fixed window
        return _pair(*layer.kernel_size), "1", "same", _pair(*layer.dilation)
    return None


def _pair(height: int, width: int) -> str:
    return str(height) if height == width else f"{height}×{width}"


_VALUES: dict[Column, Callable[[Row, DType], int | str]] = {
    Column.LAYER: lambda row, _: row.name,
    Column.NAME: lambda row, _: row.name,
    Column.PATH: lambda row, _: row.path,
    Column.TYPE: lambda row, _: row.type,
    Column.DEPTH: lambda row, _: row.depth,
    Column.KERNEL: lambda row, _: _geometry(Column.KERNEL, row),
    Column.STRIDE: lambda row, _: _geometry(Column.STRIDE, row),
    Column.PADDING: lambda row, _: _geometry(Column.PADDING, row),
    Column.WINDOW: lambda row, _: _geometry(Column.WINDOW, row),
    Column.OUTPUT: lambda row, _: "×".join(str(dim) for dim in row.shape.dims),
    Column.PARAMS: lambda row, _: row.params,
    Column.MACS: lambda row, _: row.macs,
    Column.BYTES: lambda row, dtype: nbytes(row.shape, dtype),
    Column.FIELD: lambda row, _: field(row.field),
    Column.FIELD_STRIDE: lambda row, _: stride(row.field),
}


def total(column: Column, result: Result, dtype: DType) -> str:
    """Return the totals row's cell: the model's output and its sums."""
    match column:
        case Column.LAYER | Column.PATH | Column.NAME:
            return "total"
        case Column.OUTPUT:
            return str(result.output)
        case Column.PARAMS:
            return grouped(result.total_params)
        case Column.MACS:
            return grouped(result.total_macs)
        case Column.BYTES:
            return grouped(memory(result, dtype).activations)
    return ""
