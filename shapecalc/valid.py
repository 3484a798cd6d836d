"""Which sizes of a symbol a model takes, exactly: a few listed, then a pattern that repeats.

Every size in a model is a floor-affine formula of the symbol, and such formulas repeat,
shifted, with a period P (see `formula.period`): whatever the model checks of them (that a
window fits, that two branches agree, that a size divides) repeats with P too, once every
size has passed the few constants the checks compare sizes with. So the sizes a model
takes are those listed below some start, and from the start on those of some residues
modulo P. The start and the residues are found by running the model's checks
(`Result.requirements`, the very code the engine runs) on every size up to two periods
past the start; that the second period repeats the first is checked, not assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from math import lcm

from shapecalc._joins import joined_shape
from shapecalc.arith import Pad, Transposed, Window
from shapecalc.errors import LayerError, ShapeError
from shapecalc.formula import Formula, period, substitute, symbols, value
from shapecalc.limits import MAX_VALID_PERIOD, MAX_VALID_SCAN
from shapecalc.modules import Leaf
from shapecalc.rows import Requirement, Result
from shapecalc.shape import Shape
from shapecalc.value import frozen, replace


@frozen
class Valid:
    """The sizes of `symbol` a model takes, the other symbols at the result's sizes.

    Those in `listed` (each below `start`), and every size from `start` on whose remainder
    modulo `period` is in `residues`. `clean` are the residues (from `clean_start` on)
    where no strided layer rounds: the sizes that divide evenly all the way. From `beyond_one`
    on, no size of the symbol inside the model is 1 or less: torch.export specializes a size
    of 1, so that a dynamic dimension must start there. `clean_listed` are the listed sizes
    that divide evenly: ViT's only size, 224, is one.
    """

    symbol: str
    listed: tuple[int, ...]
    start: int
    period: int
    residues: tuple[int, ...]
    clean_start: int
    clean: tuple[int, ...]
    beyond_one: int = 1
    clean_listed: tuple[int, ...] = ()  # of `listed`, those where no strided layer rounds

    def __contains__(self, size: object) -> bool:
        if not isinstance(size, int):
            return False
        if size < self.start:
            return size in self.listed
        return size % self.period in self.residues

    @property
    def smallest(self) -> int | None:
        """The smallest size taken; None if none is."""
        if self.listed:
            return self.listed[0]
        if not self.residues:
            return None
        return min(self.start + (residue - self.start) % self.period for residue in self.residues)


@frozen
class Unknown:
    """Why the sizes of `symbol` a model takes cannot be said exactly."""

    symbol: str
    reason: str


def valid_sizes(result: Result) -> list[Valid | Unknown]:
    """Return, for each symbol of a symbolic result's input, the sizes the model takes."""
    return [_one(result, name) for name in result.symbols]


def _one(result: Result, name: str) -> Valid | Unknown:
    needs = result.requirements
    # Every size the checks see, and every output: a last layer's output holds the period
    # of a divisibility its input is checked for (a stride, a pixel shuffle's factor).
    outputs = [row.formulas for row in result.rows if row.formulas is not None]
    every = [*(dims for need in needs for dims in need.inputs), *outputs]
    formulas = [dim for dims in [*every, result.output_formulas or ()] for dim in dims]
    if any(dim is None for dim in formulas):
        return Unknown(name, "a size in the model has no formula")
    held = {other: size for other, size in result.symbols.items() if other != name}
    distinct = {id(dim): dim for dim in formulas if dim is not None}.values()  # shared, mostly
    mine = [substitute(dim, held) for dim in distinct if name in symbols(dim)]
    periods = [period(dim) for dim in mine]
    if any(each is None for each in periods):
        return Unknown(name, "a size in the model (a product, or an inexact scale) has no period")
    step = lcm(1, *periods)  # type: ignore[arg-type]  # none is None, checked above
    if step > MAX_VALID_PERIOD:
        return Unknown(name, f"the sizes repeat only every {step:,}")
    sizes = result.symbols
    start = _settled(needs, sizes, name)
    found = _found(needs, sizes, name, start, step)
    if isinstance(found, Valid) and sizes[name] not in found:
        # A size the model took is not in the pattern: a check compares a size with a
        # constant of its own (a flattened size, a normalized shape) past the start.
        found = _found(needs, sizes, name, max(start, sizes[name]), step)
    if isinstance(found, Valid):
        found = replace(found, beyond_one=_beyond_one(mine, sizes, name))
    return found


def _found(
    needs: tuple[Requirement, ...], sizes: dict[str, int], name: str, start: int, step: int
) -> Valid | Unknown:
    """Return the sizes taken, by every check on each size up to two periods past `start`."""
    checks = _Checks(needs, name)
    takes: list[bool] = [False]
    evens: list[bool] = [False]
    # Past the size the walk used, a check that compares a size with a constant of its own
    # (a flattened size with in_features) can still pass for a period or two: go on until
    # two periods agree, which they do for good once every size is past such constants.
    while True:
        if start + 2 * step > MAX_VALID_SCAN:
            return Unknown(name, f"its sizes settle only past {start:,}")
        for size in range(len(takes), start + 2 * step):
            takes.append(checks.takes({**sizes, name: size}))
            evens.append(checks.even({**sizes, name: size}))
        if all(_repeats(marks, start, step) for marks in (takes, evens)):
            break
        start += step
    first, residues = _pattern(takes, start, step)
    clean_first, clean = _pattern([a and b for a, b in zip(takes, evens, strict=True)], start, step)
    listed = tuple(size for size in range(1, first) if takes[size])
    even = tuple(size for size in listed if evens[size])
    return Valid(name, listed, first, step, residues, clean_first, clean, clean_listed=even)


def _beyond_one(formulas: list[Formula], sizes: dict[str, int], name: str) -> int:
    """Return the smallest size of the symbol from which every formula of it is at least 2."""
    return max((_reaching(formula, 2, sizes, name) for formula in formulas), default=1)


def _repeats(marks: list[bool], start: int, step: int) -> bool:
    return marks[start : start + step] == marks[start + step : start + 2 * step]


def _pattern(marks: list[bool], start: int, step: int) -> tuple[int, tuple[int, ...]]:
    """Return the earliest start from which `marks` repeat, and the residues marked there."""
    repeated = {size % step: marks[size] for size in range(start, start + step)}
    while start > 1 and marks[start - 1] == repeated[(start - 1) % step]:
        start -= 1
    return start, tuple(sorted(residue for residue, marked in repeated.items() if marked))


def _settled(needs: Iterable[Requirement], sizes: dict[str, int], name: str) -> int:
    """Return a size past which no check compares a size of the symbol with a constant.

    Each layer's input is then past the sizes its window or pads need (see `_least`).
    """
    start, done = 1, set()
    for need in needs:
        bound = _bound(need)
        for dims in need.inputs:
            for dim in dims:
                if dim is not None and (id(dim), bound) not in done and name in symbols(dim):
                    done.add((id(dim), bound))
                    start = max(start, _reaching(dim, bound, sizes, name))
    return start


def _bound(need: Requirement) -> int:
    """Return a size past which the check's layer compares no size with a constant of its own."""
    largest = 1
    if isinstance(need.module, Leaf) and need.shapes[0].is_map:
        for op in need.module.layer.axes(need.shapes[0]) or ():
            largest = max(largest, _least(op))
    return largest + 1


def _least(op: object) -> int:
    """Return a size from which an axis op takes every input: a window from its extent less
    its padding, a transposed window once its padding is covered, a pad past its own
    amounts (a reflection must be shorter than the size); a resize takes any size."""
    if isinstance(op, Window):
        return op.extent - 2 * op.padding
    if isinstance(op, Transposed):
        return 2 * op.padding + 1
    if isinstance(op, Pad):
        return abs(op.before) + abs(op.after) + 1
    return 1


def _reaching(formula: Formula, bound: int, sizes: dict[str, int], name: str) -> int:
    """Return the smallest size of the symbol from which `formula` is at least `bound`.

    A formula that does not grow with the symbol never settles more than it is: 1.
    """

    def at(size: int) -> int:
        return value(formula, {**sizes, name: size})

    if at(1 << 20) == at(1):
        return 1
    size = 1
    while at(size) < bound:  # doubling, then halving back
        size *= 2
    low, high = size // 2, size
    while low + 1 < high:
        middle = (low + high) // 2
        low, high = (middle, high) if at(middle) < bound else (low, middle)
    return high if at(1) < bound else 1


class _Checks:
    """The checks that involve one symbol, each remembered by the sizes it was given.

    As the symbol grows, most checks see the same sizes again (a layer past a stride of 32
    sees one size for 32 of the symbol's): each is run once per sizes it sees. Checks of
    the same inputs share their sizes, worked out once per size of the symbol; a layer
    shared by many modules, given the same inputs, is one check.
    """

    def __init__(self, needs: Iterable[Requirement], name: str) -> None:
        groups: dict[tuple[object, ...], dict[object, Requirement]] = {}
        for need in needs:
            if any(_involves(dims, name) for dims in need.inputs):
                key = (need.inputs, tuple(shape.order for shape in need.shapes))
                groups.setdefault(key, {}).setdefault(_how(need), need)
        self.groups = [list(group.values()) for group in groups.values()]
        self.strided = [item for group in self.groups for item in _strided(group, name)]
        self.seen: dict[tuple[int, tuple[tuple[int, ...], ...]], bool] = {}  # by group, sizes

    def takes(self, sizes: dict[str, int]) -> bool:
        """Whether every check passes with the symbols at `sizes`."""
        values: dict[int, int] = {}
        for index, group in enumerate(self.groups):
            numbers = tuple(_numbers_at(dims, sizes, values) for dims in group[0].inputs)
            passed = self.seen.get((index, numbers))
            if passed is None:
                shapes = [
                    Shape(dims, shape.order)
                    for dims, shape in zip(numbers, group[0].shapes, strict=True)
                ]
                passed = self.seen[index, numbers] = all(_run(need, shapes) for need in group)
            if not passed:
                return False
        return True

    def even(self, sizes: dict[str, int]) -> bool:
        """Whether no strided window rounds its input along an axis of the symbol."""
        values: dict[int, int] = {}
        for dim, stride in self.strided:
            found = values.get(id(dim))
            if found is None:
                found = values[id(dim)] = value(dim, sizes)
            if found % stride:
                return False
        return True


def _how(need: Requirement) -> object:
    """What decides a check besides its inputs: the layer, or how the container joins."""
    module = need.module
    return (
        id(module.layer) if isinstance(module, Leaf) else (module.combine, module.dim, module.crop)
    )


def _strided(group: list[Requirement], name: str) -> Iterator[tuple[Formula, int]]:
    """Yield each size of the symbol that a strided window of the group takes, and the stride."""
    for need in group:
        if not isinstance(need.module, Leaf) or not need.shapes[0].is_map:
            continue
        shape = need.shapes[0]
        ops = need.module.layer.axes(shape) or ()
        for axis, op in enumerate(ops[: shape.rank]):
            dim = need.inputs[0][shape.spatial_index(axis)]
            if (
                isinstance(op, Window)
                and op.stride > 1
                and dim is not None
                and name in symbols(dim)
            ):
                yield dim, op.stride


def _involves(dims: tuple[Formula | None, ...], name: str) -> bool:
    return any(dim is not None and name in symbols(dim) for dim in dims)


def _run(need: Requirement, shapes: list[Shape]) -> bool:
    """Whether the check passes for these inputs: the very code the engine runs."""
    if any(min(shape.dims, default=1) < 1 for shape in shapes):
        return False
    try:
        if isinstance(need.module, Leaf):
            need.module.layer.output(shapes[0])
        else:
            joined_shape(need.module, shapes)
    except (LayerError, ShapeError):
        return False
    return True


def _numbers_at(
    dims: tuple[Formula | None, ...], sizes: dict[str, int], values: dict[int, int]
) -> tuple[int, ...]:
    """Return the dims at `sizes`; `values` remembers each formula's, by identity: checks
    share a few formulas between them."""
    numbers = []
    for dim in dims:
        assert dim is not None  # checked: every size has a formula
        found = values.get(id(dim))
        if found is None:
            found = values[id(dim)] = value(dim, sizes)
        numbers.append(found)
    return tuple(numbers)
