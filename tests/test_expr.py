"""Expressions in specs: `$name` and `${...}`, a safe subset of Python."""

from __future__ import annotations

import ast
import contextlib
import gc
import math
import time
from pathlib import Path

import pytest
from conftest import PEAK_KB, SECONDS, measure
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapecalc.errors import SpecError
from shapecalc.layers.args import Value
from shapecalc.limits import (
    MAX_EXPRESSION_DEPTH,
    MAX_INT_BITS,
    MAX_LIST_ITEMS,
    MAX_YAML_DEPTH,
)
from shapecalc.spec import _evaluator, expr
from shapecalc.spec.expr import ExprError, Work, evaluate, is_expression, is_literal, value_of
from shapecalc.spec.loader import parse
from shapecalc.spec.source import YNode

ENV: dict[str, Value] = {"planes": 64, "layers": (2, 2, 2, 2), "stride": 2, "wide": False}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("$planes", 64, id="name"),
        pytest.param("${planes * 4}", 256, id="multiply"),
        pytest.param("${planes // 3 + planes % 3 - 1}", 21, id="floor-div-mod"),
        pytest.param("${2 ** 3}", 8, id="power"),
        pytest.param("${layers[3]}", 2, id="index"),
        pytest.param("${layers[-1]}", 2, id="negative-index"),
        pytest.param("${stride != 1 or wide}", True, id="or"),
        pytest.param("${not wide and stride == 2}", True, id="and-not"),
        pytest.param("${1 < stride <= 2}", True, id="chained-compare"),
        pytest.param("${planes if wide else 0}", 0, id="conditional"),
        pytest.param("${[planes, 1]}", (64, 1), id="list"),
        pytest.param("${min(planes, 3)}", 3, id="min"),
        pytest.param("${len(layers)}", 4, id="len"),
        pytest.param("${'Conv2d'}", "Conv2d", id="string"),
        pytest.param("${None}", None, id="none"),
    ],
)
def test_evaluate(text: str, value: Value) -> None:
    assert evaluate(text, ENV) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "$plane",
            "unknown name 'plane' (did you mean 'planes'?); the parameters "
            "here are: planes, layers, stride, wide",
            id="unknown-name",
        ),
        pytest.param("${planes / 0}", "division by zero in 'planes / 0'", id="div-zero"),
        pytest.param("${planes // 0}", "division by zero in 'planes // 0'", id="zero"),
        pytest.param(
            "${__import__('os')}",
            "'__import__': the functions are min, max, len, int, round, range and gcd",
            id="import",
        ),
        pytest.param("${int('3')}", "\"int('3')\": int() takes a number, got '3'", id="int-text"),
        pytest.param(
            "${int(1e300)}", "'int(1e300)': the result has more than 256 bits", id="int-huge"
        ),
        pytest.param(
            "${planes.real}", "'planes.real' is not allowed in an expression", id="attribute"
        ),
        pytest.param("${layers[9]}", "'layers[9]': index 9 is outside a list of 4", id="range"),
        pytest.param("${planes and wide}", "'planes' is 64, not true or false", id="truthiness"),
        pytest.param("${2 ** 100}", "** takes a whole exponent from 0 to 64", id="huge-power"),
        pytest.param(
            "${planes + 'x'}", "cannot compute \"planes + 'x'\" with 64 and 'x'", id="type"
        ),
        pytest.param("${(}", "invalid expression '(': '(' was never closed", id="syntax"),
        pytest.param("$", "'$' is neither $name nor ${expression}", id="bare-dollar"),
        pytest.param("$a b", "'$a b' is neither $name nor ${expression}", id="not-a-name"),
        pytest.param(
            "${" + "+1" * 400 + "}", "the expression is longer than 500 characters", id="long"
        ),
    ],
)
def test_evaluate_refuses(text: str, message: str) -> None:
    with pytest.raises(ExprError) as caught:
        evaluate(text, ENV)
    assert str(caught.value) == message


def test_only_dollar_strings_are_expressions() -> None:
    assert is_expression("$x")
    assert not is_expression("x$")
    assert not is_expression(3)


@pytest.mark.parametrize(
    ("text", "literal"),
    [
        ("3", True),
        ("[3, 1]", True),
        ("same", True),
        ("$k", False),
        ("[3, $k]", False),
        ('[[1, 2], [3, "${k + 1}"]]', False),
        ("{a: 1}", False),
    ],
    ids=["int", "pair", "string", "name", "pair-with-name", "nested", "mapping"],
)
def test_literal_values_hold_no_expression(text: str, literal: bool) -> None:
    assert is_literal(parse(f"value: {text}\n", "x.yaml").get("value")) is literal  # type: ignore[union-attr,arg-type]


# Values at the edges of the limits: 2**255 has 256 bits, the most an integer may have.
TOP = 2**255
EDGES: dict[str, Value] = {
    "top": TOP,
    "huge": 1e308,
    "half": tuple(range(5_000)),
    "most": tuple(range(MAX_LIST_ITEMS - 1)),
    "full": tuple(range(MAX_LIST_ITEMS)),
    "over": 2**256,  # the loader refuses it; an expression still makes nothing from it
}
BITS = f"the result has more than {MAX_INT_BITS} bits"
FLOAT = "the result is too large for a float"
VALUES = f"the list holds more than {MAX_LIST_ITEMS:,} values, counting those of nested lists"
LISTS_DEEP = f"the list nests lists more than {MAX_YAML_DEPTH} deep"
DEEP = f"operators and brackets nest more than {MAX_EXPRESSION_DEPTH} deep"


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def wrapped(depth: int, core: Value = ()) -> Value:
    """Return `core` in `depth` lists, each holding the next."""
    value = core
    for _ in range(depth):
        value = (value,)
    return value


def evaluate_quickly(text: str, env: dict[str, Value]) -> Value:
    """Evaluate, failing the test if it takes a tenth of a second or more.

    The time is this process's, not the clock's: other work on the machine does not count,
    nor does a collection of the garbage the tests before made, which can take longer.
    """
    collecting = gc.isenabled()
    gc.disable()
    started = time.process_time()
    try:
        return evaluate(text, env)
    finally:
        spent = time.process_time() - started
        if collecting:
            gc.enable()
        assert spent < 0.1


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param(f"${{{TOP}}}", TOP, id="2**255-written"),
        pytest.param("${top + (top - 1)}", 2**256 - 1, id="256-bits"),
        pytest.param("${-top - (top - 1)}", 1 - 2**256, id="minus-256-bits"),
        pytest.param("${2 ** 64}", 2**64, id="2**64"),
        pytest.param("${15 ** 64}", 15**64, id="250-bits-by-power"),
        pytest.param("${(-2) ** 63 * 2 ** 64}", -(2**127), id="negative-power"),
        pytest.param("${huge * 1.0}", 1e308, id="largest-float"),
        pytest.param("${1.5 ** 64 > 1}", True, id="float-power"),
        pytest.param("${" + "-" * MAX_EXPRESSION_DEPTH + "1}", 1, id="50-unary-minus"),
        pytest.param(
            "${" + nested(MAX_EXPRESSION_DEPTH) + "}",
            wrapped(MAX_EXPRESSION_DEPTH, 1),
            id="50-brackets",
        ),
        pytest.param("${len([most])}", 1, id="list-of-10000"),
        pytest.param("${[half][0] == half}", True, id="list-of-5001"),
    ],
)
def test_values_within_the_limits(text: str, value: Value) -> None:
    result = evaluate_quickly(text, EDGES)
    assert (result, kind(result)) == (value, kind(value))


def kind(value: Value) -> type:
    """A value's type, telling 1 from 1.0 and True; a list made by an expression is a tuple."""
    return tuple if isinstance(value, tuple) else type(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            f"${{{2**256}}}",
            f"the integer '{2**256}' has more than {MAX_INT_BITS} bits",
            id="2**256-written",
        ),
        pytest.param(
            f"${{-{2**256}}}",
            f"the integer '{2**256}' has more than {MAX_INT_BITS} bits",
            id="minus-2**256-written",
        ),
        pytest.param("${top + top}", f"'top + top': {BITS}", id="2**256"),
        pytest.param("${-top - top}", f"'-top - top': {BITS}", id="minus-2**256"),
        pytest.param("${top * top}", f"'top * top': {BITS}", id="square"),
        pytest.param("${-over}", f"'-over': {BITS}", id="minus-of-too-big"),
        pytest.param("${16 ** 64}", f"'16 ** 64': {BITS}", id="257-bits-by-power"),
        pytest.param("${((9 ** 64) ** 64) ** 64}", f"'(9 ** 64) ** 64': {BITS}", id="tower"),
        pytest.param("${top ** 2}", f"'top ** 2': {BITS}", id="power-of-big"),
        pytest.param("${2 ** 65}", "** takes a whole exponent from 0 to 64", id="exponent"),
        pytest.param("${1e308 * 10}", f"'1e308 * 10': {FLOAT}", id="1e308*10"),
        pytest.param("${-huge - huge}", f"'-huge - huge': {FLOAT}", id="minus-infinity"),
        pytest.param("${huge // 0.5}", f"'huge // 0.5': {FLOAT}", id="floor-division"),
        pytest.param("${10.0 ** 400}", "** takes a whole exponent from 0 to 64", id="10.0**400"),
        pytest.param("${1e300 ** 2}", f"'1e300 ** 2': {FLOAT}", id="overflow-error"),
        pytest.param("${1e999}", "the number '1e999' is too large for a float", id="inf-written"),
        pytest.param("${" + "-" * 490 + "1}", f"'{'-' * 80}…': {DEEP}", id="490-unary-minus"),
        pytest.param("${" + "-" * 51 + "1}", f"'{'-' * 51}1': {DEEP}", id="51-unary-minus"),
        pytest.param(
            "${" + nested(51) + "}", f"'{'[' * 51}1{']' * 28}…': {DEEP}", id="51-brackets"
        ),
        pytest.param("${" + "1 + " * 51 + "1}", f"'{'1 + ' * 20}…': {DEEP}", id="long-sum"),
        pytest.param(
            "${" + "(" * 201 + "1" + ")" * 201 + "}",
            f"invalid expression '{'(' * 80}…': too many nested parentheses",
            id="201-parentheses",
        ),
        pytest.param("${[full]}", f"'[full]': {VALUES}", id="list-of-10001"),
        pytest.param("${[half, half]}", f"'[half, half]': {VALUES}", id="list-of-10002"),
        pytest.param("${len([[half], [half]])}", f"'[[half], [half]]': {VALUES}", id="nested"),
        pytest.param("${[1] < ['a']}", "cannot compare [1] with ['a']", id="incomparable"),
        pytest.param(
            "${min([])}", "'min([])': min() arg is an empty sequence", id="min-of-nothing"
        ),
        pytest.param(
            "${max([1], 2)}",
            "'max([1], 2)': '>' not supported between instances of 'int' and 'tuple'",
            id="max-of-mixed",
        ),
        pytest.param("${[][0]}", "'[][0]': index 0 is outside a list of 0", id="index"),
        pytest.param("${b'x'}", "\"b'x'\" is not a spec value", id="bytes"),
        pytest.param("${[*half]}", "'*half' is not allowed in an expression", id="starred"),
    ],
)
def test_values_beyond_the_limits(text: str, message: str) -> None:
    with pytest.raises(ExprError) as caught:
        evaluate_quickly(text, EDGES)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "start", "refused_at", "message"),
    [
        pytest.param("${x * x}", 3, 8, f"'x * x': {BITS}", id="squares"),
        pytest.param("${x * x}", 1.5, 11, f"'x * x': {FLOAT}", id="float-squares"),
        pytest.param("${[x, x]}", 1, 13, f"'[x, x]': {VALUES}", id="pairs"),
        pytest.param("${[[x, x]]}", 1, 12, f"'[x, x]': {VALUES}", id="nested-pairs"),
        pytest.param("${[x, [x], x]}", 1, 8, f"'[x, [x], x]': {VALUES}", id="triples"),
        pytest.param("${" + nested(5, "x") + "}", 1, 21, f"'[x]': {LISTS_DEEP}", id="deep"),
    ],
)
def test_values_passed_on_and_on_are_refused_in_time(
    text: str, start: Value, refused_at: int, message: str
) -> None:
    """A block passing `text` to the next, 60 times: what grows is refused, each step quick."""
    value = start
    with pytest.raises(ExprError) as caught:
        for step in range(1, 61):  # noqa: B007 (the step refused is checked)
            value = evaluate_quickly(text, {"x": value})
    assert (step, str(caught.value)) == (refused_at, message)


def test_lists_written_with_expressions_are_measured() -> None:
    node: YNode = parse("value: [$x, [$x]]\n", "x.yaml").get("value")  # type: ignore[union-attr,assignment]
    value: Value = 1
    with pytest.raises(SpecError) as caught:
        for step in range(1, 61):  # noqa: B007 (the step refused is checked)
            value = value_of(node, {"x": value})
    assert (step, str(caught.value)) == (12, f"x.yaml:1:8: {VALUES}")


def test_a_literal_list_is_not_measured() -> None:
    text = "value: [" + ", ".join(["1"] * (MAX_LIST_ITEMS + 1)) + "]\n"
    node: YNode = parse(text, "x.yaml").get("value")  # type: ignore[union-attr,assignment]
    assert value_of(node, {}) == (1,) * (MAX_LIST_ITEMS + 1)


def test_unforeseen_failures_are_expression_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    # Values no spec can make any more, compared by Python's own recursion.
    env = {"a": wrapped(100_000), "b": wrapped(100_000)}
    with pytest.raises(ExprError) as caught:
        evaluate("${a == b}", env)
    assert str(caught.value) == "'a == b' cannot be evaluated: it is nested too deeply"

    def exhaust(*_: object) -> int:
        raise MemoryError

    monkeypatch.setitem(_evaluator._FUNCTIONS, "len", exhaust)
    with pytest.raises(ExprError) as caught:
        evaluate("${len(a)}", env)
    assert str(caught.value) == "'len(a)' cannot be evaluated: it needs too much memory"


def test_the_parser_running_out_of_stack_is_an_expression_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def recurse(*_: object, **__: object) -> object:
        raise RecursionError

    monkeypatch.setattr(ast, "parse", recurse)
    with pytest.raises(ExprError) as caught:
        evaluate("${[[[1]]] + 1 + 2}", {})
    assert str(caught.value) == "invalid expression '[[[1]]] + 1 + 2': it is nested too deeply"


# Names a random expression may use: values at the limits, and of every kind.
NAMES: dict[str, Value] = {
    "big": 2**255,
    "low": -(2**255),
    "three": 3,
    "zero": 0,
    "huge": 1e308,
    "tiny": 5e-324,
    "pair": (1, 2),
    "grid": ((1, 2), (3,)),
    "wide": tuple(range(4_000)),
    "empty": (),
    "word": "abc",
    "yes": True,
    "nothing": None,
}
NUMBERS = ["0", "1", "2", "3", "64", "255", "-1", "0.5", "1e308", "1e-308", "big", "low", "huge"]
WORDS = ["'a'", "True", "None", "[]", "word", "yes", "nothing", "pair", "grid", "wide", "empty"]
ARITHMETIC = ["+", "-", "*", "//", "%", "**"]
COMPARISONS = ["==", "!=", "<", "<=", ">", ">="]


def listed(items: list[str]) -> str:
    return ", ".join(items)


def numeric(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Arithmetic on `inner` expressions, which are mostly numbers: it grows them fast."""
    return st.one_of(
        st.builds("({} {} {})".format, inner, st.sampled_from(ARITHMETIC), inner),
        st.builds("({} ** {})".format, inner, st.sampled_from(["2", "3", "64", "65"])),
        st.builds(
            "{}({})".format,
            st.sampled_from([1, 1, 1, 2, 2, 3, 5, 50, 51]).map(lambda k: "-" * k),
            inner,
        ),
        st.builds(
            "{}({})".format,
            st.sampled_from(["min", "max"]),
            st.lists(inner, min_size=2, max_size=3).map(listed),
        ),
    )


def grow(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Expressions of any kind of `inner` ones; conditions are comparisons, so that some hold."""
    test = st.builds("({} {} {})".format, inner, st.sampled_from(COMPARISONS), inner)
    index = st.sampled_from(["0", "1", "-1", "2"]) | inner
    return st.one_of(
        numeric(inner),
        st.builds("({} {} {})".format, test, st.sampled_from(["and", "or"]), test),
        st.builds("(not {})".format, test),
        st.builds("[{}]".format, st.lists(inner, max_size=4).map(listed)),
        st.builds("({})[{}]".format, inner, index),
        st.builds(
            "{}({})".format, st.sampled_from(["min", "max", "len"]), st.sampled_from(WORDS) | inner
        ),
        st.builds("({} if {} else {})".format, inner, test, inner),
    )


NUMERIC = st.recursive(
    st.sampled_from(NUMBERS) | st.integers(-(2**260), 2**260).map(str), numeric, max_leaves=12
)
LISTS = st.recursive(
    st.sampled_from(WORDS) | NUMERIC,
    lambda inner: st.lists(inner, min_size=1, max_size=4).map(listed).map("[{}]".format),
    max_leaves=12,
)
# A third of the expressions are arithmetic alone, a third lists: mixing kinds makes most
# of the others errors.
EXPRESSIONS = NUMERIC | LISTS | st.recursive(LISTS, grow, max_leaves=12)


def within_limits(value: Value) -> bool:
    """Whether a value is one the limits allow, counting a list's values with an early exit."""
    budget = [MAX_LIST_ITEMS]

    def fits(item: Value, depth: int) -> bool:
        if isinstance(item, tuple):
            budget[0] -= len(item)
            return (
                budget[0] >= 0 and depth <= MAX_YAML_DEPTH and all(fits(i, depth + 1) for i in item)
            )
        if isinstance(item, float):
            return math.isfinite(item)
        if isinstance(item, int):
            return item.bit_length() <= MAX_INT_BITS
        return item is None or isinstance(item, str)

    return fits(value, 1)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_any_expression_is_a_value_within_the_limits_or_an_error(source: str) -> None:
    try:
        result = evaluate_quickly("${" + source + "}", NAMES)
    except ExprError as error:
        assert "\n" not in str(error) and len(str(error)) < 600
    else:
        assert within_limits(result)


def chain(argument: str, start: str, length: int = 40) -> str:
    """A spec of blocks that each pass `argument`, made of their own `x`, to the next."""
    first = '  B0: {params: [x], children: [{type: ReLU, when: "${x == x}"}]}'
    uses = [
        f'  B{i}: {{params: [x], type: B{i - 1}, x: "{argument}"}}' for i in range(1, length + 1)
    ]
    return "\n".join(
        [
            "input: [3, 8, 8]",
            "blocks:",
            first,
            *uses,
            f"model: [{{type: B{length}, x: {start}}}]",
            "",
        ]
    )


def layer(argument: str) -> str:
    return (
        f'input: [3, 8, 8]\nmodel: [{{type: Conv2d, out_channels: "{argument}", kernel_size: 1}}]\n'
    )


HOSTILE = {
    "power-tower": (layer("${((9 ** 64) ** 64) ** 64}"), BITS),
    "unary-minus": (layer("${" + "-" * 490 + "1}"), DEEP),
    "squares": (chain("${x * x}", "3"), BITS),
    "pairs": (chain("${[x, x]}", "1"), VALUES),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_expressions_are_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    """An error line, in under 2 s and 200 MB, measured in a process of its own."""
    text, message = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    seconds, peak_kb, status, stderr = measure(str(path))
    line = stderr.strip()
    assert (status, line.startswith(f"error: {path}:"), line.endswith(message)) == (1, True, True)
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB


def typed(value: Value) -> object:
    """A value with the type of each part, which `==` does not tell apart: 1, 1.0, true."""
    if isinstance(value, tuple):
        return tuple(typed(item) for item in value)
    return type(value), value.hex() if isinstance(value, float) else value


NESTED: Value = ((1, 2), 3)


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        pytest.param("${x * 2}", 1, 1.0, id="int-then-float"),
        pytest.param("${x * 2}", 1.0, 1, id="float-then-int"),
        pytest.param("${[x]}", 1, True, id="int-then-bool"),
        pytest.param("${[x]}", True, 1, id="bool-then-int"),
        pytest.param("${x * 1}", 0.0, -0.0, id="zero-then-minus-zero"),
        pytest.param("${[x, x]}", (1,), (True,), id="in-a-list"),
        pytest.param("${[x]}", NESTED, ((1.0, 2), 3), id="in-a-nested-list"),
        pytest.param("${[x]}", NESTED, ((1, (2,)), 3), id="nested-deeper"),
        pytest.param("${[x]}", None, "None", id="null-then-text"),
        pytest.param("${x * 1}", math.nan, 1.5, id="nan"),
    ],
)
def test_a_result_is_remembered_only_for_the_very_same_values(
    text: str, first: Value, second: Value
) -> None:
    """Equal values of another type, or sign, give their own result, as if evaluated alone."""
    with Work():
        alone = typed(evaluate(text, {"x": second}))
    with Work():
        evaluate(text, {"x": first})
        assert typed(evaluate(text, {"x": second})) == alone


def test_a_result_is_remembered_within_a_budget() -> None:
    env: dict[str, Value] = {"x": 3, "other": 1}
    with Work():
        made = evaluate("${[x, x]}", env)
        assert evaluate("${[x, x]}", {**env, "other": 2}) is made  # it reads x alone
        assert evaluate("${[x, x]}", {"x": 4}) == (4, 4)
    with Work():
        assert evaluate("${[x, x]}", env) is not made


def test_a_name_read_or_not_is_part_of_the_key() -> None:
    text = "${x if c else y}"
    with Work():
        assert evaluate(text, {"c": True, "x": 1}) == 1
        with pytest.raises(ExprError, match="unknown name 'y'"):
            evaluate(text, {"c": False, "x": 1})
        assert evaluate(text, {"c": False, "x": 1, "y": 2}) == 2


@pytest.mark.parametrize(
    ("text", "env"),
    [
        pytest.param("${x[5]}", {"x": (1, 2)}, id="index"),
        pytest.param("${x + 1}", {"x": "a"}, id="operand"),
        pytest.param("${y}", {"x": 1}, id="unknown-name"),
        pytest.param("${x * 1}", {"x": math.nan}, id="nan"),
    ],
)
def test_failures_and_nan_are_not_remembered(text: str, env: dict[str, Value]) -> None:
    with Work() as work:
        for _ in range(2):
            with contextlib.suppress(ExprError):
                evaluate(text, env)
        assert work.results == {}


def test_a_budget_remembers_a_bounded_number_of_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(expr, "_REMEMBERED", 3)
    with Work() as work:
        for x in range(10):
            assert evaluate("${x + 1}", {"x": x}) == x + 1
        assert [evaluate("${x + 1}", {"x": x}) for x in range(10)] == list(range(1, 11))
    assert len(work.results) == 3
