"""Results side by side: one model at several inputs, or two models row by row.

Pure data: rows are matched by their dotted path through dicts, never by searching, so a
comparison is linear in the rows (a model may have 100,000).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TypeAlias

from shapecalc.engine import Result, Row, Stopped
from shapecalc.modules import Model, Registered
from shapecalc.shape import Shape
from shapecalc.value import frozen

Outcome: TypeAlias = "Result | Stopped"
# What an input's column holds for a module: its row; the module itself when the input's
# failure interrupted it; None when the input stopped before reaching it.
Cell: TypeAlias = "Row | Registered | None"


@frozen
class Across:
    """One module at each input: its cells, in the order of the inputs.

    `in_step` tells whether every input's output is its own input scaled alike, or the same
    for all; False marks where the inputs' sizes part ways beyond scaling: a layer that
    rounds, crops or pads one input differently from another. A module that only some
    inputs reached, or that has no shape, is in step: there is nothing to compare.
    """

    module: Registered
    cells: tuple[Cell, ...]
    in_step: bool = True


def in_step(cells: tuple[Cell, ...]) -> bool:
    """Tell whether the finished cells' outputs are their inputs scaled alike (see Across)."""
    rows = [cell for cell in cells if isinstance(cell, Row) and cell.shape and cell.input]
    if len(rows) < 2 or all(row.shape == rows[0].shape for row in rows):
        return True
    first = rows[0]
    return all(_scaled_alike(first, row) for row in rows[1:])


def _scaled_alike(first: Row, other: Row) -> bool:
    """Tell whether `other`'s output is to `first`'s as its input is to `first`'s input."""
    assert first.input and first.shape and other.input and other.shape
    shapes = (first.input, other.input, first.shape, other.shape)
    if len({len(shape.dims) for shape in shapes}) == 1 and all(
        shape.is_map and not shape.order for shape in shapes
    ):
        # Each spatial axis on its own: H may scale by 10/7 while W keeps its size.
        return all(
            out_b * in_a == out_a * in_b
            for in_a, in_b, out_a, out_b in zip(*(shape.spatial for shape in shapes), strict=True)
        )
    return other.shape.numel * first.input.numel == first.shape.numel * other.input.numel


@frozen
class Sides:
    """One model at several inputs, each a result or how far it got."""

    model: Model
    outcomes: tuple[Outcome, ...]

    @property
    def inputs(self) -> tuple[Shape, ...]:
        return tuple(outcome.input for outcome in self.outcomes)

    @property
    def results(self) -> tuple[Result | None, ...]:
        """Each input's result, None for one that stopped."""
        return tuple(each if isinstance(each, Result) else None for each in self.outcomes)

    def rows(self, depth: int | None = None) -> list[Across]:
        """Return a line per module, down to `depth`, in the model's order.

        The order is a finished input's; when every input stopped, the one that got furthest.
        """
        spine = max(self.outcomes, key=_reach)
        modules = [_module(item) for item in _items(spine)]
        columns = [_aligned(outcome, spine, modules) for outcome in self.outcomes]
        # Most rows repeat a few sizes; the engine shares its shapes between rows, so an
        # identity key finds them (an equal shape that is another object is only a miss).
        known: dict[tuple[object, ...], bool] = {}
        lines = []
        for module, cells in zip(modules, zip(*columns, strict=True), strict=True):
            if depth is not None and module.depth > depth:
                continue
            key = tuple(
                (id(cell.input), id(cell.shape)) if isinstance(cell, Row) else cell is None
                for cell in cells
            )
            step = known.get(key)
            if step is None:
                step = known[key] = in_step(cells)
            lines.append(Across(module, cells, step))
        return lines


def _aligned(outcome: Outcome, spine: Outcome, modules: list[Registered]) -> Sequence[Cell]:
    """Return the outcome's cell for each of the spine's modules, in order.

    A finished result of the same model has the spine's rows in the spine's order.
    """
    if isinstance(outcome, Result) and isinstance(spine, Result):
        return outcome.rows
    lookup = _by_path(outcome)
    return [lookup.get(module.path) for module in modules]


def _items(outcome: Outcome) -> Sequence[Row | Registered]:
    return outcome.rows if isinstance(outcome, Result) else outcome.done


def _reach(outcome: Outcome) -> tuple[bool, int]:
    return isinstance(outcome, Result), len(_items(outcome))


def _module(item: Row | Registered) -> Registered:
    return item.module if isinstance(item, Row) else item


def _by_path(outcome: Outcome) -> dict[str, Row | Registered]:
    return {_module(item).path: item for item in _items(outcome)}


class Status(Enum):
    """How a module of B compares with A's module of the same path."""

    UNCHANGED = " "
    ADDED = "+"
    REMOVED = "-"
    CHANGED = "~"


# What a changed row may differ in, by the name the outputs use.
ASPECTS = ("type", "output", "params", "macs")


@frozen
class Change:
    """A module in A, in B or in both; `differs` names what changed (see ASPECTS)."""

    a: Row | None
    b: Row | None
    differs: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        if self.a is None:
            return Status.ADDED
        if self.b is None:
            return Status.REMOVED
        return Status.CHANGED if self.differs else Status.UNCHANGED

    @property
    def row(self) -> Row:
        """B's row, or A's for a removed module: its path, name and depth."""
        row = self.b or self.a
        assert row is not None
        return row


@frozen
class Diff:
    """Two results compared row by row, and by their totals."""

    a: Result
    b: Result

    def changes(self, depth: int | None = None) -> list[Change]:
        """Return every module of A or B down to `depth`, in B's order.

        A module only A has follows the last of A's modules before it that B has too.
        """
        a_rows = [row for row in self.a.rows if depth is None or row.depth <= depth]
        b_rows = [row for row in self.b.rows if depth is None or row.depth <= depth]
        in_a = {row.path: row for row in a_rows}
        in_b = {row.path for row in b_rows}
        removed: dict[str | None, list[Row]] = {}  # by the path of the shared row before
        anchor: str | None = None
        for row in a_rows:
            if row.path in in_b:
                anchor = row.path
            else:
                removed.setdefault(anchor, []).append(row)
        changes = [Change(row, None) for row in removed.get(None, [])]
        for row in b_rows:
            old = in_a.get(row.path)
            changes.append(
                Change(None, row) if old is None else Change(old, row, _differs(old, row))
            )
            changes.extend(Change(gone, None) for gone in removed.get(row.path, []))
        return changes

    @property
    def same(self) -> bool:
        """Whether nothing differs: every row, the output and the totals."""
        return (
            self.a.input == self.b.input
            and self.a.output == self.b.output
            and self.a.total_params == self.b.total_params
            and self.a.total_macs == self.b.total_macs
            and all(change.status is Status.UNCHANGED for change in self.changes())
        )


def _differs(a: Row, b: Row) -> tuple[str, ...]:
    values = (
        (a.type, b.type),
        (a.shape and a.shape.dims, b.shape and b.shape.dims),
        (a.params, b.params),
        (a.macs, b.macs),
    )
    return tuple(name for name, (old, new) in zip(ASPECTS, values, strict=True) if old != new)
