"""The evaluation of an expression's parsed tree: of the parts shapecalc.spec.expr allows only."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from shapecalc.errors import describe, did_you_mean, quote
from shapecalc.layers.args import Value
from shapecalc.limits import MAX_EXPONENT, MAX_INT_BITS, MAX_LIST_ITEMS, MAX_QUOTED
from shapecalc.spec._work import ITEM, ExprError, SpentError, Work, made, size

Env = Mapping[str, Value]  # parameter values by name


def lookup(name: str, env: Env) -> Value:
    """Return the parameter `name`, or say which ones there are."""
    if name in env:
        return env[name]
    hint = did_you_mean(name, env)
    raise ExprError(f"unknown name {quote(name)}{hint}; the parameters here are: {_names(env)}")


def _names(env: Env) -> str:
    """List the parameters' names, as many as a readable line holds."""
    shown: list[str] = []
    for name in env:
        if sum(map(len, shown)) + len(name) > MAX_QUOTED:
            break
        shown.append(name)
    more = len(env) - len(shown)
    return (", ".join(shown) or "none") + (f" and {more:,} more" if more else "")


def _number(value: Value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,  # a float, as in Python: int() or // make sizes whole
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}


def _whole(value: Value) -> int:
    """int(x) of a number, toward zero, as torchvision turns a float size into channels."""
    if not _number(value):
        raise TypeError(f"int() takes a number, got {describe(value)}")
    return int(value)  # type: ignore[arg-type]


def _rounded(value: Value, digits: Value = None) -> float:
    """round(x) or round(x, n), as Python: to the nearest, half to even."""
    if not _number(value) or not (digits is None or isinstance(digits, int)):
        raise TypeError(
            f"round() takes a number and a whole number of digits, got {describe(value)}"
        )
    return round(value, digits)  # type: ignore[arg-type]


def _range(*bounds: Value) -> tuple[int, ...]:
    """range(stop) or range(start, stop[, step]), as a list, of at most MAX_LIST_ITEMS."""
    if not 1 <= len(bounds) <= 3 or not all(_integer(bound) for bound in bounds):
        raise TypeError(f"range() takes one to three whole numbers, got {describe(bounds)}")
    made = range(*bounds)  # type: ignore[arg-type]
    if len(made) > MAX_LIST_ITEMS:
        raise TypeError(f"range() would make {len(made):,} values, more than {MAX_LIST_ITEMS:,}")
    return tuple(made)


def _gcd(*values: Value) -> int:
    """math.gcd, as Ultralytics' DWConv takes groups = gcd(c1, c2)."""
    if not values or not all(_integer(value) for value in values):
        raise TypeError(f"gcd() takes whole numbers, got {describe(values)}")
    return math.gcd(*values)  # type: ignore[arg-type]


def _integer(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "len": len,
    "int": _whole,
    "round": _rounded,
    "range": _range,
    "gcd": _gcd,
}
_NAMES = "min, max, len, int, round, range and gcd"


class Evaluator:
    """Evaluate the parts of an expression's tree with the parameters in `env`."""

    def __init__(self, env: Env, source: str, work: Work) -> None:
        self.env = env
        self.source = source
        self.work = work

    def visit(self, node: ast.expr) -> Value:
        """Evaluate a part of the expression, refusing any kind that is not allowed."""
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise ExprError(f"{self.quoted(node)} is not allowed in an expression")
        result: Value = method(node)
        return result

    def quoted(self, node: ast.AST) -> str:
        """Quote a part of the expression as written."""
        return quote(ast.get_source_segment(self.source, node) or "")

    def visit_Constant(self, node: ast.Constant) -> Value:
        value = node.value  # worded as the loader words a number written in YAML
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise ExprError(f"the integer {self.quoted(node)} has more than {MAX_INT_BITS} bits")
        if isinstance(value, float) and math.isinf(value):
            raise ExprError(f"the number {self.quoted(node)} is too large for a float")
        if value is None or isinstance(value, (int, float, str)):
            return value
        raise ExprError(f"{self.quoted(node)} is not a spec value")

    def visit_Name(self, node: ast.Name) -> Value:
        return lookup(node.id, self.env)

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        apply = _ARITHMETIC.get(type(node.op))
        left, right = self.visit(node.left), self.visit(node.right)
        if apply is None or not (_number(left) and _number(right)):
            raise ExprError(
                f"cannot compute {self.quoted(node)} with {describe(left)} and {describe(right)}"
            )
        if isinstance(node.op, ast.Pow):
            self.check_power(left, right, node)  # type: ignore[arg-type]
        try:
            result = apply(left, right)
        except ZeroDivisionError:
            raise ExprError(f"division by zero in {self.quoted(node)}") from None
        except OverflowError:
            raise ExprError(f"{self.quoted(node)}: the result is too large for a float") from None
        return self.bounded(result, node, left, right)  # type: ignore[arg-type]

    def check_power(self, base: float, exponent: float, node: ast.BinOp) -> None:
        """Refuse a power that would be too large before it is computed."""
        if not isinstance(exponent, int) or not 0 <= exponent <= MAX_EXPONENT:
            raise ExprError(f"** takes a whole exponent from 0 to {MAX_EXPONENT}")
        # base ≥ 2 ** (bits − 1), so the power has at least (bits − 1) · exponent + 1 bits.
        if isinstance(base, int) and (base.bit_length() - 1) * exponent >= MAX_INT_BITS:
            raise ExprError(f"{self.quoted(node)}: the result has more than {MAX_INT_BITS} bits")

    def bounded(self, number: float, node: ast.expr, *operands: float) -> float:
        """Return a number made from `operands`, unless it is out of the limits."""
        if isinstance(number, float):
            if not math.isfinite(number) and all(map(math.isfinite, operands)):
                raise ExprError(f"{self.quoted(node)}: the result is too large for a float")
        elif number.bit_length() > MAX_INT_BITS:
            raise ExprError(f"{self.quoted(node)}: the result has more than {MAX_INT_BITS} bits")
        return number

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not self._truth(operand, node)
        if isinstance(node.op, (ast.USub, ast.UAdd)) and _number(operand):
            result = -operand if isinstance(node.op, ast.USub) else operand  # type: ignore[operator]
            return self.bounded(result, node, operand)  # type: ignore[arg-type]
        raise ExprError(f"cannot compute {self.quoted(node)}")

    def visit_BoolOp(self, node: ast.BoolOp) -> Value:
        stop = isinstance(node.op, ast.Or)
        for value in node.values:
            if self._truth(self.visit(value), value) == stop:
                return stop
        return not stop

    def visit_Compare(self, node: ast.Compare) -> Value:
        left = self.visit(node.left)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            compare = _COMPARISONS.get(type(op))
            if compare is None:
                raise ExprError(f"{self.quoted(node)}: only == != < <= > >= compare")
            # Python compares lists item by item, as far as the shorter goes.
            self.work.charge(min(size(left, self.work), size(right, self.work)))
            try:
                if not compare(left, right):
                    return False
            except TypeError:
                raise ExprError(f"cannot compare {describe(left)} with {describe(right)}") from None
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Value:
        chosen = node.body if self._truth(self.visit(node.test), node.test) else node.orelse
        return self.visit(chosen)

    def visit_Subscript(self, node: ast.Subscript) -> Value:
        items, index = self.visit(node.value), self.visit(node.slice)
        if not isinstance(items, tuple) or not isinstance(index, int) or isinstance(index, bool):
            raise ExprError(f"{self.quoted(node)}: only a list can be indexed, by an integer")
        if not -len(items) <= index < len(items):
            raise ExprError(
                f"{self.quoted(node)}: index {describe(index)} is outside a list of {len(items)}"
            )
        return items[index]

    def visit_List(self, node: ast.List | ast.Tuple) -> Value:
        items = tuple(self.visit(item) for item in node.elts)
        self.work.charge(ITEM + len(items))
        try:
            return made(items, self.work)
        except SpentError:
            raise
        except ExprError as error:
            raise ExprError(f"{self.quoted(node)}: the list {error}") from None

    visit_Tuple = visit_List

    def visit_Call(self, node: ast.Call) -> Value:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        function = _FUNCTIONS.get(name)
        if function is None or node.keywords:
            raise ExprError(f"{self.quoted(node.func)}: the functions are {_NAMES}")
        arguments = [self.visit(argument) for argument in node.args]
        if function is not len:  # min and max compare each value they are given
            self.work.charge(sum(size(argument, self.work) for argument in arguments))
        try:
            result = function(*arguments)
        except (TypeError, ValueError) as error:
            raise ExprError(f"{self.quoted(node)}: {error}") from None
        if isinstance(result, int) and not isinstance(result, bool):
            return self.bounded(result, node)  # int() of a float of 10^300
        if isinstance(result, tuple):  # range() made a list
            self.work.charge(ITEM + len(result))
        return result  # type: ignore[no-any-return]

    def _truth(self, value: Value, node: ast.expr) -> bool:
        if isinstance(value, bool):
            return value
        raise ExprError(f"{self.quoted(node)} is {describe(value)}, not true or false")
