"""The budget of work the expressions of one spec share, and the sized lists they make.

The budget (`Work`) is counted in steps: a step is about the time comparing one value of
a list takes. Each evaluation, each part of an expression, each value a list holds when
an expression makes, compares or measures it, and each character of text compared, costs
steps; lists remember their size, so that none is walked twice to count it.
"""

from __future__ import annotations

from threading import local  # imported by click already: a ContextVar would cost start-up

from shapecalc.layers.args import Value
from shapecalc.limits import MAX_EXPRESSION_WORK, MAX_LIST_ITEMS, MAX_YAML_DEPTH
from shapecalc.spec.source import YList

Measure = tuple[int, int]  # a list's values, nested lists' included, and how deep it nests

_TOO_MANY_VALUES = f"holds more than {MAX_LIST_ITEMS:,} values, counting those of nested lists"
_TOO_DEEP = f"nests lists more than {MAX_YAML_DEPTH} deep"
# Steps, each about as long as comparing one value of a list: what takes longer costs more.
EVALUATION = 60  # an evaluation: `$name` is no more
PART = 50  # each part of a ${…} expression: a name, a number, an operator, a call
ITEM = 25  # a list made, and each value of a list written in YAML
PARSE = 200  # each part of an expression parsed
_WALKED = 4  # each value of a list from elsewhere, walked to measure it
_SPENT = (
    f"expressions in this spec take more than {MAX_EXPRESSION_WORK:,} steps of work together "
    "(evaluations, and the values they make, compare or measure)"
)


class ExprError(Exception):
    """An expression that cannot be evaluated; the caller adds where it was written."""


class SpentError(ExprError):
    """The budget of work is spent: said as it is, whatever was being evaluated."""

    def __init__(self) -> None:
        super().__init__(_SPENT)


class Work:
    """The steps the expressions evaluated together may still take: those of one spec.

    `with Work():` makes it the budget of every evaluation within, in this thread; an
    evaluation outside any has one of its own. Mutable on purpose: each evaluation takes
    its steps from it. It also keeps each list written in YAML that was looked at,
    whether it holds expressions and, if not, its value, so each is read once; and the
    results of expressions, by text and the values they read (see shapecalc.spec.expr).
    """

    __slots__ = ("left", "literal", "outer", "results", "values")

    def __init__(self) -> None:
        self.left = MAX_EXPRESSION_WORK
        self.outer: Work | None = None
        # By the list's id; the list is kept with it, so that no other takes the id.
        self.literal: dict[int, tuple[YList, bool]] = {}
        self.values: dict[int, tuple[YList, tuple[Value, ...]]] = {}
        # Each result with the steps it took and the values it read, which keep their ids.
        self.results: dict[tuple[object, ...], tuple[Value, int, tuple[object, ...]]] = {}

    def __enter__(self) -> Work:
        self.outer, _CURRENT.work = _CURRENT.work, self
        return self

    def __exit__(self, *_: object) -> None:
        _CURRENT.work = self.outer

    def charge(self, steps: int) -> None:
        """Take `steps`, refusing once the budget is spent."""
        self.left -= steps
        if self.left < 0:
            raise SpentError


class _Current(local):
    """The budget that evaluations in this thread take from, when one is open."""

    work: Work | None = None


_CURRENT = _Current()


def current_work() -> Work:
    """Return the budget open in this thread, else a new one of its own."""
    return _CURRENT.work or Work()


class _Flat(tuple[Value, ...]):
    """A list of no lists, made here: its measure is its length."""

    __slots__ = ()


class _Nested(tuple[Value, ...]):
    """A list holding lists, made here, with its measure, so that none walks it again."""

    measure: Measure


# Python's own messages, quoted in ours, name a value's type: these are still tuples there.
_Flat.__name__ = _Nested.__name__ = "tuple"


def made(items: tuple[Value, ...], work: Work, *, bounded: bool = True) -> tuple[Value, ...]:
    """Return a new list of `items` that knows its measure; refuse one beyond the limits.

    Its measure is its values, nested lists' included, and how deep its lists nest. A list
    written in YAML is not `bounded`: as literal, it is as large as it was written.
    """
    count, deepest = len(items), 1
    for item in items:
        if isinstance(item, tuple):
            inner = measure_of(item, work, max(MAX_LIST_ITEMS - count, 0))
            count, deepest = count + inner[0], max(deepest, inner[1] + 1)
    if bounded:
        check((count, deepest))
    if deepest == 1:
        return _Flat(items)
    nested = _Nested(items)
    nested.measure = (count, deepest)
    return nested


def check(measure: Measure) -> None:
    """Refuse a list whose measure is beyond the limits."""
    count, deepest = measure
    if count > MAX_LIST_ITEMS or deepest > MAX_YAML_DEPTH:
        raise ExprError(_TOO_MANY_VALUES if count > MAX_LIST_ITEMS else _TOO_DEEP)


def measure_of(items: tuple[Value, ...], work: Work, budget: int) -> Measure:
    """Return a list's measure: known if made here, else walked, up to `budget` values.

    Only a list from elsewhere, such as a caller's parameter, is walked: the walk stops
    too where it would take more steps than are left.
    """
    if isinstance(items, _Flat):
        return len(items), 1
    if isinstance(items, _Nested):
        return items.measure
    measure = _walk(items, min(budget, work.left // _WALKED))
    work.charge(_WALKED * measure[0])
    return measure


def size(value: Value, work: Work) -> int:
    """Return how many values, or characters, comparing `value` may touch."""
    if isinstance(value, tuple):
        return measure_of(value, work, work.left)[0]
    return len(value) if isinstance(value, str) else 1


def _walk(items: tuple[Value, ...], budget: int) -> Measure:
    """Measure a list, stopping as soon as it holds more than `budget` values.

    A list can share its parts: `[x, x]` of `[x, x]`... unfolds to exponentially many
    values, but stopping early costs no more than the budget.
    """
    count, deepest, stack = 0, 0, [(items, 1)]
    while stack and count <= budget:
        current, depth = stack.pop()
        count, deepest = count + len(current), max(deepest, depth)
        if count <= budget:
            stack.extend((item, depth + 1) for item in current if isinstance(item, tuple))
    return count, deepest
