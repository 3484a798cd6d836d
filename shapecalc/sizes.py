"""Is an input size a good one? Uneven strides, clean sizes, sweeps and the smallest input."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from shapecalc.arith import Axis, Window
from shapecalc.engine import Result, Row, infer, passes
from shapecalc.errors import ShapecalcError, UsageError
from shapecalc.field import Reach
from shapecalc.layers import Layer
from shapecalc.limits import MAX_SEARCH_WORK
from shapecalc.modules import Model, count
from shapecalc.rows import Inline
from shapecalc.shape import Shape
from shapecalc.value import frozen

SEARCH = 1024  # sizes tried each way for a clean size, and upward for the smallest


def reach(model: Model, searches: int, wanted: int = SEARCH) -> int:
    """Return how many sizes each of `searches` searches may try, up to `wanted`.

    Together they compute at most MAX_SEARCH_WORK modules, so that a search over a
    large model stops short rather than running for minutes.
    """
    return min(wanted, MAX_SEARCH_WORK // (searches * count(model.root)))


@frozen
class Uneven:
    """A strided layer whose input along spatial `axis` is not a multiple of its stride.

    Its output is rounded: the input's last `size % stride` positions are treated unevenly.
    """

    row: Row
    axis: int
    size: int
    stride: int
    output: int


Strides = dict[tuple[int, int], list[tuple[int, int]]]  # a layer's strided axes, by its id and rank


def uneven(result: Result, strided: Strides | None = None) -> list[Uneven]:
    """List every strided layer whose input does not divide by its stride: the rows' in row
    order, then those run in forward(), each as a row of its own (see `inline_row`).

    `strided` keeps each layer's strided axes for the next result of the same model, as a
    sweep's: rows share a few layers, and a model's results share them all.
    """
    found = []
    if strided is None:
        strided = {}
    rows = map(inline_row, result.inline) if result.inline else ()
    for row in (*result.rows, *rows):
        layer, before, after = row.layer, row.input, row.shape
        if layer is None or before is None or after is None or not before.is_map:
            continue
        if not after.is_map:
            continue
        key = id(layer), before.rank  # the rows keep their layers, and so their ids, alive
        steps = strided.get(key)
        if steps is None:
            steps = strided[key] = _strides(layer.axes(before) or ())
        for axis, stride in steps:
            size = before.dims[axis + 1 if not before.order else before.spatial_index(axis)]
            if size % stride:
                found.append(Uneven(row, axis, size, stride, after.dims[after.spatial_index(axis)]))
    return found


def inline_row(work: Inline) -> Row:
    """Return a row for a layer run in forward(), which tables do not show: its work is in
    the rows of the modules around it."""
    return Row(work.leaf, work.input, work.output, 0, 0, None)


def _strides(ops: tuple[Axis, ...]) -> list[tuple[int, int]]:
    """Return each axis a layer slides a window over with a stride above 1, and the stride."""
    return [
        (axis, op.stride) for axis, op in enumerate(ops) if isinstance(op, Window) and op.stride > 1
    ]


def total_stride(result: Result) -> tuple[int | None, ...]:
    """Return the largest effective stride along each spatial axis: where fields are
    uniform, or repeat in a pattern that advances by a whole number of inputs an output
    (windowed attention's, whose fields step a window at a time)."""
    strides: list[int | None] = [None] * result.input.rank
    for row in result.rows:
        if row.field is None:
            continue
        for axis, reach in enumerate(row.field.axes):
            step = reach.stride if reach.uniform else _effective(reach)
            if step is not None:
                strides[axis] = max(strides[axis] or 0, step)
    return tuple(strides)


def _effective(reach: Reach) -> int | None:
    """Return how far apart a non-uniform reach's outputs are on average, if a whole number
    is known."""
    if reach.stride is None or reach.period is None:
        return None
    steps, rest = divmod(reach.period.shift, len(reach.period.lo))
    return None if rest else steps


def resize(shape: Shape, axis: int, size: int) -> Shape:
    """Return `shape` with spatial `axis` set to `size`."""
    dims = list(shape.dims)
    dims[1 + axis] = size
    return Shape(tuple(dims))


def try_infer(model: Model, shape: Shape) -> Result | ShapecalcError:
    """Return the result for `shape` without receptive fields, or the error that refuses it."""
    try:
        return infer(model, shape, fields=False)
    except ShapecalcError as error:
        return error


def is_clean(model: Model, shape: Shape, axis: int) -> bool:
    """Whether `shape` is accepted and no strided layer rounds along `axis` (see `uneven`)."""
    strided: dict[tuple[int, int], list[int]] = {}  # the strides of each layer, by id and rank

    def even(layer: Layer, before: Shape, after: Shape) -> bool:
        if not (before.is_map and after.is_map):
            return True
        key = id(layer), before.rank  # the model keeps its layers, and so their ids, alive
        steps = strided.get(key)
        if steps is None:
            ops = layer.axes(before) or ()
            steps = strided[key] = [step for at, step in _strides(ops) if at == axis]
        return all(before.dims[before.spatial_index(axis)] % step == 0 for step in steps)

    return passes(model, shape, even)


def nearest_clean(
    model: Model, shape: Shape, axis: int, within: int
) -> tuple[int | None, int | None]:
    """Return the nearest clean sizes along `axis` below and above the current one.

    Each way, at most `within` sizes are tried.
    """
    size = shape.spatial[axis]
    below = (n for n in range(size - 1, max(size - within - 1, 0), -1))
    above = (n for n in range(size + 1, size + within + 1))
    return (
        next((n for n in below if is_clean(model, resize(shape, axis, n), axis)), None),
        next((n for n in above if is_clean(model, resize(shape, axis, n), axis)), None),
    )


@frozen
class Stage:
    """A top-level module's spatial sizes before and after it, for one input size."""

    path: str
    before: tuple[int, ...]
    after: tuple[int, ...]


@frozen
class Sample:
    """One input size of a sweep: its stages and output, or the error that refuses it.

    `uneven` names the layers that round, in row order. A sample keeps no rows, so that
    a long sweep holds little.
    """

    size: int
    outcome: Shape | ShapecalcError
    stages: tuple[Stage, ...] = ()
    uneven: tuple[str, ...] = ()


def sweep(model: Model, sizes: range) -> Iterator[Sample]:
    """Try each input size of `sizes` on every spatial axis, keeping the input channels.

    Raises UsageError at once when the sweep would compute more than MAX_SEARCH_WORK modules.
    """
    modules = count(model.root)
    if len(sizes) * modules > MAX_SEARCH_WORK:
        raise UsageError(
            "--sweep",
            f"{len(sizes):,} sizes of a model of {modules:,} modules would compute "
            f"{len(sizes) * modules:,} modules, more than the {MAX_SEARCH_WORK:,} a search may; "
            "use a STEP or a shorter range",
        )
    return _samples(model, sizes)


def _samples(model: Model, sizes: range) -> Iterator[Sample]:
    strided: Strides = {}  # the model keeps its layers, and so their ids, alive
    for size in sizes:
        outcome = try_infer(model, model.input.with_spatial((size,) * model.input.rank))
        if not isinstance(outcome, Result):
            yield Sample(size, outcome)
            continue
        stages = tuple(
            Stage(row.path, before.placed_spatial, after.placed_spatial)
            for row in outcome.rows
            if row.depth == 1
            and (before := row.input) is not None
            and (after := row.shape) is not None
            and before.is_map
            and after.is_map
            and before.rank == after.rank
        )
        places = tuple(dict.fromkeys(item.row.path for item in uneven(outcome, strided)))
        yield Sample(size, outcome.output, stages, places)


@frozen
class Smallest:
    """The smallest sizes a model accepts: along each axis with the others as given, and
    on every axis at once (`square`).

    None where no size up to `limit`, the largest tried, is accepted.
    """

    axes: tuple[int | None, ...]
    square: int | None
    limit: int


def smallest(model: Model, shape: Shape) -> Smallest:
    """Find the smallest accepted size of each axis (the others kept), and of all at once.

    Each search goes up to the largest input side, or SEARCH, as the work budget allows.
    """
    rank = shape.rank
    limit = reach(model, rank + 1, max(*shape.spatial, SEARCH))

    def first(make: Callable[[int], Shape]) -> int | None:
        sizes = range(1, limit + 1)
        return next((n for n in sizes if isinstance(try_infer(model, make(n)), Result)), None)

    def along(axis: int) -> Callable[[int], Shape]:
        return lambda n: resize(shape, axis, n)

    return Smallest(
        tuple(first(along(axis)) for axis in range(rank)),
        first(lambda n: shape.with_spatial((n,) * rank)),
        limit,
    )
