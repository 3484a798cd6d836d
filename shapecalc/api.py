"""The Python API: load a model, infer for an input, render any format as a string.

    import shapecalc

    model = shapecalc.load("resnet18")             # a built-in name, or a spec file's path
    result = shapecalc.infer(model, input=224)     # 224, (224, 320), (3, 224, 224), "224x320"
    page = shapecalc.render(result, "markdown", depth=2)

The command line is a thin layer over these functions and the others here: `attempt`
(a result, or how far the model got), `show` (to a stream, in colour on a terminal),
`warnings`, `sweep`, `smallest` and `models`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TextIO

from shapecalc import catalog, engine, inputs
from shapecalc._modes import check_options
from shapecalc.engine import Result, Stopped
from shapecalc.errors import describe
from shapecalc.formats import Format, Options, View, text
from shapecalc.formats.columns import Column
from shapecalc.formats.columns import parse as parse_columns
from shapecalc.memory import DType
from shapecalc.modules import Model
from shapecalc.shape import Shape

if TYPE_CHECKING:  # only several inputs, diff and symbols need them: imported then
    from shapecalc.compare import Diff, Sides
    from shapecalc.formula import Dims
    from shapecalc.valid import Unknown, Valid

__all__ = [
    "Model",
    "Result",
    "Shape",
    "Stopped",
    "attempt",
    "compare",
    "infer",
    "info",
    "input_shape",
    "load",
    "models",
    "render",
    "render_diff",
    "render_sides",
    "show",
    "side_by_side",
    "smallest",
    "sweep",
    "valid_sizes",
    "warnings",
]

Size = int | tuple[int, ...] | str
SymbolicSize = int | tuple[int | str, ...] | str  # "3xHxW", (3, "H", "W")
Columns = Sequence[str | Column] | str | None


def load(model: str | os.PathLike[str], *, set: Mapping[str, object] | None = None) -> Model:
    """Load a built-in model by name, or a spec file by path.

    `set` gives the spec's top-level parameters values, as `--set` does: {"num_classes": 10};
    a value is a number, bool, None or a list of them, or text read as YAML as `--set`'s
    (`"[2, 2, 2, 2]"`). `model.arguments` lists the parameters, defaults and values.
    Raises SpecError (a ShapecalcError) for a spec that cannot be read or is invalid,
    UsageError for a parameter it does not declare or a value of the wrong kind.
    """
    return catalog.load(os.fspath(model), set)


def input_shape(model: Model, input: Size | None = None) -> Shape:
    """Return the shape `input` gives `model`: the spec's own when None.

    One number is every spatial size, as many as the model has spatial axes are those,
    one more is the channels too; a string such as "224x320" is read first. Raises
    ValueError for a malformed string, UsageError for sizes the model cannot take.
    """
    size = inputs.parse_size(input) if isinstance(input, str) else input
    shape = inputs.apply(model.input, size)
    _check_channels(model, shape)
    return shape


def _given(model: Model, input: SymbolicSize | None) -> tuple[Shape, Dims | None]:
    """Return the input shape, and its dims as formulas when `input` names symbols."""
    size = inputs.parse_input(input) if isinstance(input, str) else input
    if not isinstance(size, tuple) or all(isinstance(part, int) for part in size):
        return input_shape(model, size), None  # type: ignore[arg-type]  # numbers only
    shape, dims = inputs.symbolic(model.input, size)
    _check_channels(model, shape)
    return shape, dims


def _check_channels(model: Model, shape: Shape) -> None:
    """Refuse other input channels than a spec's `in_channels` parameter, and say how to set it.

    The spec's first layer takes that many, as torchvision's do; the error would name it.
    """
    declared = next((item for item in model.arguments if item.name == "in_channels"), None)
    if declared is None or not shape.is_map or shape.dims[0] == declared.value:
        return
    from shapecalc.errors import UsageError

    channels = shape.dims[0]
    raise UsageError(
        "--input",
        f"the model is built for {describe(declared.value)} input channels (its in_channels "
        f"parameter): add --set in_channels={channels} to build it for {channels}",
    )


def infer(model: Model | str | os.PathLike[str], input: SymbolicSize | None = None) -> Result:
    """Compute every module's output, parameters, MACs and receptive field for `input`.

    `input` is as `input_shape` takes it, or names symbols for spatial sizes ("3xHxW",
    (3, "H", "W")): then every row's output is also given as formulas of them
    (`row.formulas`), and the figures are at the spec's default size for each symbol
    (`result.input`). Raises ShapeError when a layer cannot take it.
    """
    if not isinstance(model, Model):
        model = load(model)
    outcome = attempt(model, input)
    if isinstance(outcome, Stopped):
        raise outcome.error
    return outcome


def attempt(model: Model, input: SymbolicSize | None = None) -> Result | Stopped:
    """As `infer`, but where a layer refuses its input, return how far the model got."""
    from shapecalc import _results

    shape, dims = _given(model, input)
    return _results.attempt(model, shape, dims)


def render(
    result: Result,
    format: Format | str = Format.TABLE,
    *,
    depth: int | None = None,
    columns: Columns = None,
    dtype: DType | str = DType.FLOAT32,
    explain: bool = False,
    view: View | str = View.TABLE,
    batch: int = 1,
) -> str:
    """Return `result` in `format` (tree, table, listing, json, markdown, csv, html, svg,
    dynamic, mermaid or dot).

    `depth` leaves out deeper modules; `columns` names the tabular formats' columns (e.g.
    "layer,output,params"); `dtype` sizes the memory figures; `explain` adds the arithmetic
    of each change of a spatial size; `view` is what HTML and SVG show (the table, the tree
    or the graph of the data flow); `batch` multiplies the MACs and the input and activation
    memory (shapes stay one sample's, the captions say the batch). An option the format
    would ignore (columns for the tree, say) raises UsageError, as on the command line.
    """
    fmt, options = _options(format, depth, columns, dtype, explain=explain, view=view, batch=batch)
    return text(result, fmt, options)


def show(
    outcome: Result | Stopped,
    stream: TextIO,
    format: Format | str = Format.TREE,
    *,
    depth: int | None = None,
    columns: Columns = None,
    dtype: DType | str = DType.FLOAT32,
    explain: bool = False,
    view: View | str = View.TABLE,
    batch: int = 1,
) -> None:
    """Write `outcome` to `stream` as `render` would, the tree and table in colour on a terminal.

    Of a model that stopped, the tree shows the modules up to the failure; the other
    formats have nothing to show.
    """
    fmt, options = _options(format, depth, columns, dtype, explain=explain, view=view, batch=batch)
    if isinstance(outcome, Stopped):
        if fmt is Format.TREE:
            from shapecalc.formats import export

            export.show_partial(outcome, stream)
        return
    from shapecalc.formats import write

    write(outcome, fmt, stream, options)


def _options(
    format: Format | str,
    depth: int | None,
    columns: Columns,
    dtype: DType | str,
    *,
    explain: bool,
    view: View | str,
    batch: int = 1,
) -> tuple[Format, Options]:
    """Return the format and its options, refusing an option the format would ignore."""
    fmt, view, dtype = Format(format), View(view), DType(dtype)
    inputs.check_batch(batch)
    given = {
        name
        for name, named in (
            ("--columns", columns is not None),
            ("--explain", explain),
            ("--view", view is not View.TABLE),
            ("--dtype", dtype is not DType.FLOAT32),
            ("--batch", batch != 1),
        )
        if named
    }
    check_options(fmt, given, view)
    if columns is None or isinstance(columns, str):
        picked = None if columns is None else parse_columns(columns)
    else:
        names = [column.value if isinstance(column, Column) else column for column in columns]
        picked = parse_columns(names)
    options = Options(
        dtype=dtype, explain=explain, depth=depth, columns=picked, view=view, batch=batch
    )
    return fmt, options


def warnings(
    result: Result, format: Format | str | None = None, *, depth: int | None = None
) -> list[str]:
    """Return the lines that warn of layers rounding their input, with the clean sizes near.

    With symbols in the input, a note for each instead: which of its sizes the model takes,
    and which need no rounding (see `valid_sizes`). With the mermaid `format`, a note too
    where the diagram at `depth` has more edges than Mermaid draws.
    """
    notes = []
    if format is not None and Format(format) is Format.MERMAID:
        from shapecalc.formats import mermaid

        notes = mermaid.cautions(result, depth)
    if result.input_formulas is not None:
        from shapecalc.formats import valid as said

        return said.lines(valid_sizes(result), result.symbols) + notes
    from shapecalc.formats import checks

    return checks.warnings(result.model, result) + notes


def valid_sizes(result: Result) -> list[Valid | Unknown]:
    """Return, for each symbol of the input (see `infer`), exactly which sizes the model takes.

    The other symbols are at their sizes in `result.input`; empty without symbols.
    """
    from shapecalc import valid

    return valid.valid_sizes(result)


def sweep(model: Model, sizes: range, format: Format | str = Format.TABLE) -> str:
    """Try each size of `sizes` on every spatial axis; say each stage's size and the outcome."""
    from shapecalc.formats import checks
    from shapecalc.sizes import sweep as run

    return checks.sweep_text(list(run(model, sizes)), Format(format))


def smallest(model: Model, input: Size | None = None, format: Format | str = Format.TABLE) -> str:
    """Say the smallest input `model` accepts along each axis, beside `input`, and on all."""
    from shapecalc.formats import checks
    from shapecalc.sizes import smallest as search

    shape = input_shape(model, input)
    if not shape.is_map:
        from shapecalc.errors import UsageError

        raise UsageError("--smallest", f"the model takes a {shape} input, not a map")
    return checks.smallest_text(model, shape, search(model, shape), Format(format))


def info(model: Model) -> str:
    """Say what `model` is: its description, input, output, totals, and its parameters with
    their defaults and values (which `load(..., set=...)` and `--set` change)."""
    from shapecalc.formats import info as glance

    return glance.render(engine.infer(model, model.input, fields=False))


def models(format: Format | str = Format.TABLE) -> str:
    """List the built-in models in `format`."""
    from shapecalc.formats import models as listing

    return listing.render(Format(format))


def side_by_side(model: Model, inputs: Sequence[Size | None]) -> Sides:
    """Attempt `model` at each of `inputs`, to show them side by side (see render_sides)."""
    from shapecalc.compare import Sides

    return Sides(model, tuple(attempt(model, size) for size in inputs))


def render_sides(
    sides: Sides,
    format: Format | str = Format.TABLE,
    *,
    depth: int | None = None,
    dtype: DType | str = DType.FLOAT32,
    batch: int = 1,
) -> str:
    """Return one output column per input in `format`: tree, table, markdown, csv or json.

    Rows whose output is not their input scaled alike at every input are marked `≠`;
    `batch` multiplies every input's MACs and memory, as `render`'s.
    """
    from shapecalc.formats import side

    return side.render(sides, Format(format), DType(dtype), depth, inputs.check_batch(batch))


def compare(
    a: Model | str | os.PathLike[str],
    b: Model | str | os.PathLike[str],
    input: Size | None = None,
) -> Diff:
    """Infer two models at `input` (each its spec's own when None), to compare row by row.

    Raises ShapeError, as `infer`, when a model cannot take the input.
    """
    from shapecalc.compare import Diff

    return Diff(infer(a, input), infer(b, input))


def render_diff(
    diff: Diff,
    format: Format | str = Format.TABLE,
    *,
    depth: int | None = None,
    dtype: DType | str = DType.FLOAT32,
    all: bool = False,
    batch: int = 1,
) -> str:
    """Return the added, removed and changed rows and the totals' deltas in `format`.

    `format` is table, markdown, csv or json; unchanged rows are counted, or shown if `all`;
    `batch` multiplies both models' MACs and memory, as `render`'s.
    """
    from shapecalc.formats import diff as shown

    fmt, scale = Format(format), inputs.check_batch(batch)
    return shown.render(diff, fmt, DType(dtype), depth, every=all, batch=scale)
