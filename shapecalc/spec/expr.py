"""Spec values as written, with `$name` and `${expression}` evaluated against parameters.

Expressions are a small, safe subset of Python: numbers, strings, true/false/null, lists,
arithmetic (+ − * // % **), comparisons, `and`/`or`/`not`, `x if c else y`, indexing and
`min`/`max`/`len`. Nothing else is evaluated, and nothing an expression makes can outgrow
the limits in shapecalc.limits: its text, its nesting, the integers, floats and lists it
computes. Every failure is an ExprError. The expressions of one spec share a budget of
work, `Work` (shapecalc.spec._work); shapecalc.spec._evaluator evaluates their trees.
"""

from __future__ import annotations

import ast
import math
from keyword import iskeyword
from typing import TypeGuard

from shapecalc.errors import SpecError, quote
from shapecalc.layers.args import Value
from shapecalc.limits import MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH, MAX_LIST_ITEMS, MAX_QUOTED
from shapecalc.spec._evaluator import Env, Evaluator, lookup
from shapecalc.spec._work import (
    EVALUATION,
    ITEM,
    PARSE,
    PART,
    ExprError,
    SpentError,
    Work,
    check,
    current_work,
    made,
    measure_of,
)
from shapecalc.spec.source import YList, YNode, YScalar

__all__ = ["Env", "ExprError", "Work", "evaluate", "is_expression", "is_literal", "value_of"]

# What a failure the evaluator does not foresee means, as a last resort.
_UNFORESEEN = {RecursionError: "it is nested too deeply", MemoryError: "it needs too much memory"}
_KEPT = 4096  # expressions kept parsed, by text
Parsed = tuple[ast.expr, str, int, tuple[str, ...]]  # a tree, its text, parts and names
_PARSED: dict[str, Parsed] = {}
# Results one budget remembers: enough for any built-in, little memory for any spec.
_REMEMBERED = 4096
_ABSENT = object()  # what a name the parameters do not hold reads


def is_expression(value: object) -> TypeGuard[str]:
    """Whether a spec value is an expression rather than a literal."""
    return isinstance(value, str) and value.startswith("$")


def is_literal(node: YNode) -> bool:
    """Whether a spec value holds no expression, so that it means the same everywhere."""
    if isinstance(node, YList):
        return _literal(node, current_work())  # once per list in a budget, which remembers it
    return isinstance(node, YScalar) and not is_expression(node.value)


def _literal(node: YNode, work: Work) -> bool:
    if isinstance(node, YList):
        seen, literal = work.literal.get(id(node), (None, False))
        if seen is not node:
            literal = all(_literal(item, work) for item in node.items)
            work.literal[id(node)] = (node, literal)
        return literal
    return isinstance(node, YScalar) and not is_expression(node.value)


def value_of(node: YNode, env: Env) -> Value:
    """Return a literal as written, or evaluate an expression in `env`.

    A list holding expressions is measured as an expression's list is: `[$x, $x]` passed
    from block to block would otherwise double at each.
    """
    if isinstance(node, YScalar):
        return _scalar(node, env, None)  # most values: the budget is looked up only if needed
    return _value(node, env, current_work())


def _value(node: YNode, env: Env, work: Work) -> Value:
    if isinstance(node, YScalar):
        return _scalar(node, env, work)
    if isinstance(node, YList):
        return _list_of(node, env, work)
    raise SpecError(node.mark, "expected a value, got a mapping")


def _scalar(node: YScalar, env: Env, work: Work | None) -> Value:
    value = node.value
    if not is_expression(value):
        return value
    try:
        return _evaluate(value, env, work or current_work())
    except ExprError as error:
        raise SpecError(node.mark, str(error)) from None


def _list_of(node: YList, env: Env, work: Work) -> tuple[Value, ...]:
    """Return a list written in YAML: made once if literal, else at each use, and measured."""
    seen, items = work.values.get(id(node), (None, ()))
    if seen is node:
        return items
    try:
        items = _items_of(node, env, work)
        if _literal(node, work):
            work.values[id(node)] = (node, items)
        else:
            check(measure_of(items, work, MAX_LIST_ITEMS))
    except SpentError as error:
        raise SpecError(node.mark, str(error)) from None
    except ExprError as error:
        raise SpecError(node.mark, f"the list {error}") from None
    return items


def _items_of(node: YList, env: Env, work: Work) -> tuple[Value, ...]:
    """Make a list's value, each list in it knowing its measure; only the caller measures it."""
    work.charge(ITEM * (len(node.items) + 1))
    items = tuple(
        _items_of(item, env, work) if isinstance(item, YList) else _value(item, env, work)
        for item in node.items
    )
    return made(items, work, bounded=False)


def evaluate(text: str, env: Env) -> Value:
    """Evaluate `$name` or `${expression}` with the parameters in `env`.

    Its steps are taken from the budget open in this thread, else from one of its own.
    """
    return _evaluate(text, env, current_work())


def _evaluate(text: str, env: Env, work: Work) -> Value:
    work.left -= EVALUATION  # work.charge, inlined: most specs evaluate mostly `$name`
    if work.left < 0:
        raise SpentError
    name = text[1:]
    if name.isidentifier() and not iskeyword(name) and len(name) <= MAX_EXPRESSION_LENGTH:
        return lookup(name, env)  # most expressions are a name: no parsing needed
    return _expression(text, env, work)


def _expression(text: str, env: Env, work: Work) -> Value:
    """Evaluate a ${…} expression, or take its result from an evaluation with the same values.

    Specs evaluate the same expressions with the same values many times over: in each
    use of a block, at each index of a repeat.
    """
    tree, source, parts, names = _compile(text, work)
    read = tuple([env.get(name, _ABSENT) for name in names])  # a list is made faster
    key = _key(text, read)
    known = work.results.get(key) if key is not None else None
    if known is not None:
        work.charge(known[1])  # the steps it took: a result remembered saves time, not budget
        return known[0]
    left = work.left
    work.charge(PART * parts)
    value = _run(tree, source, env, work)
    if key is not None and len(work.results) < _REMEMBERED:
        work.results[key] = (value, left - work.left, read)
    return value


def _key(text: str, read: tuple[object, ...]) -> tuple[object, ...] | None:
    """Key a result by its expression and the values it read, or None if one cannot be.

    Equal values may give different results: each is told apart by its type (1, 1.0 and
    true; a list known to be small and one to walk), a float by its bits (-0.0), a list
    by its identity, which costs no walk. NaN is never equal: it is not remembered.
    """
    key: list[object] = [text]
    for value in read:
        if isinstance(value, float):
            if math.isnan(value):
                return None
            key += (float, value.hex())
        else:
            key += (type(value), id(value) if isinstance(value, tuple) else value)
    return tuple(key)


def _run(tree: ast.expr, source: str, env: Env, work: Work) -> Value:
    """Evaluate a parsed expression, every failure an ExprError."""
    try:
        return Evaluator(env, source, work).visit(tree)
    except (RecursionError, MemoryError, OverflowError, TypeError, ValueError, IndexError) as error:
        reason = _UNFORESEEN.get(type(error)) or str(error)[:MAX_QUOTED]
        raise ExprError(f"{quote(source)} cannot be evaluated: {reason}") from None


def _compile(text: str, work: Work) -> Parsed:
    """Return an expression's tree, text, number of parts and names read; parse it if new.

    Parsing takes steps too: a spec may write more expressions than are kept parsed.
    """
    parsed = _PARSED.get(text)
    if parsed is None:
        parsed = _parse(text)
        work.charge(PARSE * parsed[2])
        if len(_PARSED) >= _KEPT:
            del _PARSED[next(iter(_PARSED))]  # the one parsed first
        _PARSED[text] = parsed
    return parsed


def _parse(text: str) -> Parsed:
    """Parse an expression, refusing one too long or too deeply nested to evaluate safely."""
    if text.startswith("${") and text.endswith("}"):
        source = text[2:-1].strip()
    elif text[1:].isidentifier():
        source = text[1:]
    else:
        raise ExprError(f"{quote(text)} is neither $name nor ${{expression}}")
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExprError(f"the expression is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise ExprError(f"invalid expression {quote(source)}: {error.msg}") from None
    except (RecursionError, MemoryError):
        raise ExprError(f"invalid expression {quote(source)}: it is nested too deeply") from None
    deepest, parts, names = _shape(tree)
    if deepest > MAX_EXPRESSION_DEPTH:
        raise ExprError(
            f"{quote(source)}: operators and brackets nest more than {MAX_EXPRESSION_DEPTH} deep"
        )
    return tree, source, parts, names


def _shape(tree: ast.AST) -> tuple[int, int, tuple[str, ...]]:
    """Return how many operations enclose the deepest operand, how many parts there are,
    and the names it reads, each once.

    It does not recurse: neither evaluating nor quoting a tree this measures can then
    exhaust Python's stack.
    """
    deepest, parts, names = 0, 0, dict[str, None]()
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            deepest, parts = max(deepest, depth), parts + 1
            depth += 1
        if isinstance(node, ast.Name):  # a called function's too: a key on more is as exact
            names[node.id] = None
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))
    return deepest, parts, tuple(names)
