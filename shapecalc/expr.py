"""Spec values as written, with `$name` and `${expression}` evaluated against parameters.

Expressions are a small, safe subset of Python: numbers, strings, true/false/null, lists,
arithmetic (+ − * // % **), comparisons, `and`/`or`/`not`, `x if c else y`, indexing and
`min`/`max`/`len`. Nothing else is evaluated.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from functools import lru_cache
from keyword import iskeyword
from typing import Any

from shapecalc.errors import SpecError, did_you_mean
from shapecalc.layers.args import Value, describe
from shapecalc.source import YList, YMap, YNode, YScalar

MAX_LENGTH = 500
MAX_EXPONENT = 64
Env = Mapping[str, Value]  # parameter values by name


class ExprError(Exception):
    """An expression that cannot be evaluated; the caller adds where it was written."""


def is_expression(value: object) -> bool:
    """Whether a spec value is an expression rather than a literal."""
    return isinstance(value, str) and value.startswith("$")


def is_literal(node: YNode) -> bool:
    """Whether a spec value holds no expression, so that it means the same everywhere."""
    if isinstance(node, YList):
        return all(is_literal(item) for item in node.items)
    return isinstance(node, YScalar) and not is_expression(node.value)


def value_of(node: YNode, env: Env) -> Value:
    """Return a literal as written, or evaluate an expression in `env`."""
    if isinstance(node, YList):
        return tuple(value_of(item, env) for item in node.items)
    if isinstance(node, YMap):
        raise SpecError(node.mark, "expected a value, got a mapping")
    if is_expression(node.value):
        try:
            return evaluate(str(node.value), env)
        except ExprError as error:
            raise SpecError(node.mark, str(error)) from None
    return node.value


def evaluate(text: str, env: Env) -> Value:
    """Evaluate `$name` or `${expression}` with the parameters in `env`."""
    name = text[1:]
    if name.isidentifier() and not iskeyword(name) and len(name) <= MAX_LENGTH:
        return _lookup(name, env)  # most expressions are a name: no parsing needed
    return _Evaluator(env).visit(_compile(text))


def _lookup(name: str, env: Env) -> Value:
    if name in env:
        return env[name]
    known = ", ".join(env) or "none"
    hint = did_you_mean(name, env)
    raise ExprError(f"unknown name '{name}'{hint}; the parameters here are: {known}")


@lru_cache(maxsize=4096)
def _compile(text: str) -> ast.expr:
    if text.startswith("${") and text.endswith("}"):
        source = text[2:-1].strip()
    elif text[1:].isidentifier():
        source = text[1:]
    else:
        raise ExprError(f"{text!r} is neither $name nor ${{expression}}")
    if len(source) > MAX_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        return ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise ExprError(f"invalid expression {source!r}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError("the expression is nested too deeply") from None


def _number(value: Value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _power(base: Any, exponent: Any) -> Any:
    if not isinstance(exponent, int) or not 0 <= exponent <= MAX_EXPONENT:
        raise ExprError(f"** takes a whole exponent from 0 to {MAX_EXPONENT}")
    return base**exponent


_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _power,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {"min": min, "max": max, "len": len}


class _Evaluator:
    def __init__(self, env: Env) -> None:
        self.env = env

    def visit(self, node: ast.expr) -> Value:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise ExprError(f"{ast.unparse(node)!r} is not allowed in an expression")
        result: Value = method(node)
        return result

    def visit_Constant(self, node: ast.Constant) -> Value:
        if node.value is None or isinstance(node.value, (int, float, str)):
            return node.value
        raise ExprError(f"{node.value!r} is not a spec value")

    def visit_Name(self, node: ast.Name) -> Value:
        return _lookup(node.id, self.env)

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        if isinstance(node.op, ast.Div):
            raise ExprError("use // for division: sizes are whole numbers")
        apply = _ARITHMETIC.get(type(node.op))
        left, right = self.visit(node.left), self.visit(node.right)
        if apply is None or not (_number(left) and _number(right)):
            raise ExprError(
                f"cannot compute {ast.unparse(node)!r} with {describe(left)} and {describe(right)}"
            )
        try:
            return apply(left, right)  # type: ignore[no-any-return]
        except ZeroDivisionError:
            raise ExprError(f"division by zero in {ast.unparse(node)!r}") from None

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            return not self._truth(operand, node)
        if isinstance(node.op, (ast.USub, ast.UAdd)) and _number(operand):
            return -operand if isinstance(node.op, ast.USub) else operand  # type: ignore[operator]
        raise ExprError(f"cannot compute {ast.unparse(node)!r}")

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
                raise ExprError(f"{ast.unparse(node)!r}: only == != < <= > >= compare")
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
            raise ExprError(f"{ast.unparse(node)!r}: only a list can be indexed, by an integer")
        if not -len(items) <= index < len(items):
            raise ExprError(
                f"{ast.unparse(node)!r}: index {index} is outside a list of {len(items)}"
            )
        return items[index]

    def visit_List(self, node: ast.List) -> Value:
        return tuple(self.visit(item) for item in node.elts)

    visit_Tuple = visit_List

    def visit_Call(self, node: ast.Call) -> Value:
        name = node.func.id if isinstance(node.func, ast.Name) else ""
        function = _FUNCTIONS.get(name)
        if function is None or node.keywords:
            raise ExprError(f"{ast.unparse(node.func)!r}: the functions are min, max and len")
        arguments = [self.visit(argument) for argument in node.args]
        try:
            return function(*arguments)  # type: ignore[no-any-return]
        except (TypeError, ValueError) as error:
            raise ExprError(f"{ast.unparse(node)!r}: {error}") from None

    def _truth(self, value: Value, node: ast.expr) -> bool:
        if isinstance(value, bool):
            return value
        raise ExprError(f"{ast.unparse(node)!r} is {describe(value)}, not true or false")
