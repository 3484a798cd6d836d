"""Expressions in specs: `$name` and `${...}`, a safe subset of Python."""

from __future__ import annotations

import pytest

from shapecalc.expr import ExprError, evaluate, is_expression, is_literal
from shapecalc.layers.args import Value
from shapecalc.loader import parse

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
        pytest.param("${planes / 2}", "use // for division: sizes are whole numbers", id="div"),
        pytest.param("${planes // 0}", "division by zero in 'planes // 0'", id="zero"),
        pytest.param(
            "${__import__('os')}", "'__import__': the functions are min, max and len", id="import"
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
