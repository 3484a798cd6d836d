"""The columns of the tabular formats: what each holds, raw and as text, and which to show."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from functools import partial
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from shapecalc.arith import Transposed, Window
from shapecalc.engine import Result, Row
from shapecalc.errors import UsageError, did_you_mean, quote
from shapecalc.field import Field
from shapecalc.formats.text import (
    NOT_RUN,
    UNKNOWN,
    alike,
    batched,
    field,
    grouped,
    grouped_each,
    output_text,
    shape_text,
    stride,
)
from shapecalc.limits import MAX_DRAWN_ROWS
from shapecalc.memory import DType, memory, nbytes
from shapecalc.shape import Shape

if TYPE_CHECKING:
    from shapecalc.formats import Format, Options
    from shapecalc.formats._rounding import Rounded
    from shapecalc.formula import Dims
    from shapecalc.modules import From

T = TypeVar("T")


class Column(Enum):
    """A column; its value is the name `--columns` takes."""

    LAYER = "layer"  # the module's name, indented by depth
    PATH = "path"
    NAME = "name"
    FROM = "from"  # where a step of a graph takes its input, when not the step before
    TYPE = "type"
    DEPTH = "depth"
    KERNEL = "kernel"
    STRIDE = "stride"
    PADDING = "padding"
    WINDOW = "window"  # kernel, stride, padding and dilation in one: `7 s2 p3`
    INPUT = "input"  # what the module takes, as torchinfo's input_size column
    OUTPUT = "output"
    PARAMS = "params"
    MACS = "macs"
    ATTENTION = "attention"  # of the MACs, attention's matrix products (Q·Kᵀ, attention·V)
    BYTES = "bytes"  # the output's size at the chosen dtype, of the whole batch
    FIELD = "field"
    FIELD_STRIDE = "field_stride"
    ARITHMETIC = "arithmetic"  # how a layer computes its spatial sizes, as --explain shows
    ROUNDED = "rounded"  # `yes` where an uneven stride rounded the output, `within` beneath

    @property
    def heading(self) -> str:
        return _HEADINGS.get(self, self.value)

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC

    @property
    def named(self) -> bool:
        """Whether the cells are text from the spec (names, paths, types): data, not markup."""
        return self in _NAMED


_HEADINGS = {
    Column.MACS: "MACs",
    Column.ATTENTION: "attention MACs",
    Column.FIELD_STRIDE: "field stride",
}
_NUMERIC = frozenset({Column.DEPTH, Column.PARAMS, Column.MACS, Column.ATTENTION, Column.BYTES})
_NAMED = frozenset({Column.LAYER, Column.PATH, Column.NAME, Column.TYPE, Column.FROM})
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
            raise ValueError(f"no column {quote(name)}{hint}; the columns are {', '.join(known)}")
        picked.append(known[name])
    if not picked:
        raise ValueError("no columns named")
    return tuple(picked)


def shown(
    options: Options,
    default: tuple[Column, ...],
    marks: Mapping[str, Rounded] | None = None,
    rows: Sequence[Row] = (),
) -> tuple[Column, ...]:
    """Return the columns picked, else `default` and, if any row was rounded (`marks`),
    the rounded column, where any of `rows` takes `from:` elsewhere, the from column after
    the name, and where any attends, the attention column after the MACs; with `explain`,
    the arithmetic column too."""
    columns = options.columns
    if not columns:
        columns = (*default, *([Column.ROUNDED] if marks else []))
        if Column.MACS in columns and any(row.attention_macs for row in rows):
            after = columns.index(Column.MACS) + 1
            columns = (*columns[:after], Column.ATTENTION, *columns[after:])
        if any(row.module.takes is not None for row in rows):
            after = 1 + next(at for at, column in enumerate(columns) if column.named)
            columns = (*columns[:after], Column.FROM, *columns[after:])
    if options.explain and Column.ARITHMETIC not in columns:
        columns = (*columns, Column.ARITHMETIC)
    return columns


def visible(result: Result, depth: int | None) -> list[Row]:
    """Return the rows down to `depth` (all when None); a collapsed container keeps its sums."""
    if depth is None:
        return list(result.rows)
    return [row for row in result.rows if row.module.depth <= depth]


def value(column: Column, row: Row, dtype: DType, batch: int = 1) -> int | str:
    """Return a cell as data: numbers as ints (MACs and bytes of `batch` samples), the rest
    as text without units.

    Not of the rounded column, which needs the whole result: a Sheet gives it.
    """
    if column.numeric:
        return _number(column, row, dtype, batch)
    return _TEXTS[column](row)


def text(column: Column, row: Row, dtype: DType, batch: int = 1) -> str:
    """Return a cell as people read it: shapes as `64@56×56`, numbers with separators.

    Not of the rounded column, which needs the whole result: a Sheet gives it.
    """
    if column in _SHAPES:
        return output_text(_SHAPES[column](row), _FORMULAS[column](row))
    if column.numeric:
        return grouped(_number(column, row, dtype, batch))
    return _TEXTS[column](row)


def total(column: Column, result: Result, dtype: DType, batch: int = 1) -> str:
    """Return the totals row's cell: the model's input or output (of the batch), its sums."""
    match column:
        case Column.LAYER | Column.PATH | Column.NAME:
            return "total"
        case Column.INPUT:
            return batched(result.input, batch, result.input_formulas)
        case Column.OUTPUT:
            return batched(result.output, batch, result.output_formulas)
    number = summed(column, result, dtype, batch)
    return "" if number is None else grouped(number)


def summed(column: Column, result: Result, dtype: DType, batch: int = 1) -> int | None:
    """Return the totals row's number in a column, None for a column not summed."""
    match column:
        case Column.PARAMS:
            return result.total_params
        case Column.MACS:
            return result.batch_macs(batch)
        case Column.ATTENTION:
            return result.batch_attention_macs(batch)
        case Column.BYTES:
            return memory(result, dtype, batch).activations
    return None


class Sheet:
    """Rows' cells a column at a time, as `value` and `text` give them, but made faster.

    A hundred thousand rows share a few layers, shapes and fields: each is worked out once.
    """

    __slots__ = ("_windows", "batch", "dtype", "marks", "rows")

    def __init__(
        self,
        rows: Sequence[Row],
        dtype: DType,
        marks: Mapping[str, Rounded] | None = None,
        batch: int = 1,
    ) -> None:
        """`marks` are the rounded rows by path, for the rounded column (see _rounding);
        MACs and bytes are of `batch` samples."""
        self.rows = rows
        self.dtype = dtype
        self.batch = batch
        self.marks = marks or {}
        self._windows: list[_Window | None] | None = None

    def values(self, column: Column) -> list[int] | list[str]:
        """Return the column's cells as `value` does."""
        return self.numbers(column) if column.numeric else self._strings(column)

    def texts(self, column: Column) -> list[str]:
        """Return the column's cells as `text` does."""
        if column.numeric:
            return grouped_each(self.numbers(column))
        if column in _SHAPES:
            cells = self._per_shape(_SHAPES[column], str, NOT_RUN)
            return self._formulas(column, cells, shape_text)
        return self._strings(column)

    def numbers(self, column: Column) -> list[int]:
        """Return a numeric column's cells."""
        if column is Column.BYTES:
            return self._per_shape(_SHAPE, partial(nbytes, dtype=self.dtype, batch=self.batch), 0)
        if column in _BATCHED and self.batch != 1:
            return [_BATCHED[column](row, self.batch) for row in self.rows]
        return list(map(_COUNTS[column], self.rows))

    def _strings(self, column: Column) -> list[str]:
        part = _PARTS.get(column)
        if part is not None:
            return ["" if window is None else window[part] for window in self._windowed()]
        if column in _SHAPES:
            cells = self._per_shape(_SHAPES[column], _dims, "")
            return self._formulas(column, cells, _formula_dims)
        if column is Column.FIELD:
            return self._per_field(field)
        if column is Column.FIELD_STRIDE:
            return self._per_field(stride)
        if column is Column.ROUNDED:  # the only column that needs the other rows
            marks = (self.marks.get(row.path) for row in self.rows)
            return ["" if mark is None else mark.value for mark in marks]
        return list(map(_TEXTS[column], self.rows))

    def _formulas(
        self, column: Column, cells: list[str], show: Callable[[Shape, Dims], str]
    ) -> list[str]:
        """Return the shape column's cells, as formulas where the rows have them."""
        formulas, shapes = _FORMULAS[column], _SHAPES[column]
        made: dict[Dims, str] = {}  # rows share a few shapes
        for index, row in enumerate(self.rows):
            dims, shape = formulas(row), shapes(row)
            if dims is not None and shape is not None:
                text = made.get(dims)
                cells[index] = made[dims] = show(shape, dims) if text is None else text
        return cells

    def _windowed(self) -> list[_Window | None]:
        if self._windows is None:
            made: dict[tuple[int, tuple[int, ...]], _Window | None] = {}
            windows = []
            for row in self.rows:
                # The rows keep their layers, and so their ids, alive.
                key = id(row.layer), row.input.dims if row.input else ()
                if key not in made:
                    made[key] = _window(row)
                windows.append(made[key])
            self._windows = windows
        return self._windows

    def _per_shape(
        self, which: Callable[[Row], Shape | None], show: Callable[[Shape], T], absent: T
    ) -> list[T]:
        """Return `show` of each row's `which` shape, or `absent` for a row that never ran."""
        made: dict[tuple[int, ...], T] = {}
        cells = []
        for shape in map(which, self.rows):
            if shape is None:
                cells.append(absent)
                continue
            cell = made.get(shape.dims)
            if cell is None:
                cell = made[shape.dims] = show(shape)
            cells.append(cell)
        return cells

    def _per_field(self, show: Callable[[Field | None], str]) -> list[str]:
        # A row's field is often the row before's, passed on by a layer that keeps it; a
        # dict by identity would hold an entry a row where fields differ, as after convolutions.
        cells = []
        last: Field | None = None
        cell = show(None)
        for reach in map(_FIELD, self.rows):
            if reach is not last:
                last, cell = reach, show(reach)
            cells.append(cell)
        return cells


_Window = tuple[str, str, str, str]  # kernel, stride, padding, and all of them: `7 s2 p3`
_PARTS = {Column.KERNEL: 0, Column.STRIDE: 1, Column.PADDING: 2, Column.WINDOW: 3}
_SHAPE = attrgetter("shape")
_FORMULAS: dict[Column, Callable[[Row], Dims | None]] = {
    Column.INPUT: attrgetter("input_formulas"),
    Column.OUTPUT: attrgetter("formulas"),
}
_SHAPES: dict[Column, Callable[[Row], Shape | None]] = {
    Column.INPUT: attrgetter("input"),
    Column.OUTPUT: _SHAPE,
}
_FIELD = attrgetter("field")


def _window(row: Row) -> _Window | None:
    """Return a row's kernel, stride, padding and all of them; None where none apply."""
    layer, before = row.layer, row.input
    ops = layer.axes(before) if layer is not None and before and before.is_map else None
    if not ops or not all(isinstance(op, (Window, Transposed)) for op in ops):
        return None
    windows: list[Window | Transposed] = ops  # type: ignore[assignment]
    kernel = alike([op.kernel for op in windows])
    step = alike([op.stride for op in windows])
    same = any(isinstance(op, Window) and op.same for op in windows)
    padding = "same" if same else alike([op.padding for op in windows])
    dilation = alike([op.dilation for op in windows])
    extras = [("s", step, "1"), ("p", padding, "0"), ("d", dilation, "1")]
    whole = " ".join([kernel, *(f"{key}{part}" for key, part, plain in extras if part != plain)])
    return kernel, step, padding, whole


def _dims(shape: Shape | None) -> str:
    return "" if shape is None else "×".join(map(str, shape.dims))


def _formula_dims(shape: Shape, formulas: Dims) -> str:
    from shapecalc.formats._formula import term

    return "×".join(UNKNOWN if formula is None else term(formula) for formula in formulas)


def _part(column: Column) -> Callable[[Row], str]:
    def cell(row: Row) -> str:
        window = _window(row)
        return "" if window is None else window[_PARTS[column]]

    return cell


def sources(takes: From | None) -> str:
    """Say where a module takes its input, as its `from:` writes it: `4`, `[-1, 6]`; '' for
    the step before."""
    if takes is None:
        return ""
    refs = ", ".join(map(str, takes.written))
    return f"[{refs}]" if takes.many else refs


def _number(column: Column, row: Row, dtype: DType, batch: int) -> int:
    if column is Column.BYTES:
        return 0 if row.shape is None else nbytes(row.shape, dtype, batch)
    if column in _BATCHED:
        return _BATCHED[column](row, batch)
    return _COUNTS[column](row)


def _arithmetic(row: Row) -> str:
    from shapecalc.formats.explain import arithmetic  # only --explain needs it

    return arithmetic(row) or ""


# MACs a batch multiplies, but for the work done once a pass (see Row.batch_macs).
_BATCHED: dict[Column, Callable[[Row, int], int]] = {
    Column.MACS: Row.batch_macs,
    Column.ATTENTION: Row.batch_attention_macs,
}
_COUNTS: dict[Column, Callable[[Row], int]] = {
    Column.DEPTH: attrgetter("module.depth"),
    Column.PARAMS: attrgetter("params"),
    Column.MACS: attrgetter("macs"),
    Column.ATTENTION: attrgetter("attention_macs"),
}
_TEXTS: dict[Column, Callable[[Row], str]] = {
    Column.LAYER: attrgetter("module.name"),
    Column.NAME: attrgetter("module.name"),
    Column.PATH: attrgetter("module.path"),
    Column.TYPE: attrgetter("module.type"),
    Column.FROM: lambda row: sources(row.module.takes),
    **{column: _part(column) for column in _PARTS},
    Column.INPUT: lambda row: (
        _dims(row.input)
        if row.input_formulas is None or row.input is None
        else _formula_dims(row.input, row.input_formulas)
    ),
    Column.OUTPUT: lambda row: (
        _dims(row.shape)
        if row.formulas is None or row.shape is None
        else _formula_dims(row.shape, row.formulas)
    ),
    Column.FIELD: lambda row: field(row.field),
    Column.FIELD_STRIDE: lambda row: stride(row.field),
    Column.ARITHMETIC: _arithmetic,
}


def check_drawable(result: Result, fmt: Format, depth: int | None) -> None:
    """Refuse more rows than MAX_DRAWN_ROWS, naming a depth that fits, if any does."""
    if len(result.rows) <= MAX_DRAWN_ROWS:
        return
    by_depth = Counter(row.depth for row in result.rows)
    deepest = depth if depth is not None else max(by_depth)
    counts = list(accumulate(by_depth[level] for level in range(1, deepest + 1)))
    if counts[-1] <= MAX_DRAWN_ROWS:
        return
    fits = [level for level, count in enumerate(counts, 1) if count <= MAX_DRAWN_ROWS]
    advice = (
        f"draw fewer with --depth {fits[-1]} ({grouped(counts[fits[-1] - 1])} rows), or use"
        if fits
        else f"even --depth 1 has {grouped(counts[0])} rows: use"
    )
    raise UsageError(
        f"--format {fmt.value}",
        f"{grouped(counts[-1])} rows are more than the {grouped(MAX_DRAWN_ROWS)} a drawing "
        f"holds; {advice} the listing, json, csv or markdown format",
    )
