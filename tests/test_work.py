"""The budget of work the expressions of one spec share, and the lists that know their size."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PEAK_KB, SECONDS, measure, spec
from test_expr import evaluate_quickly

from shapecalc.errors import Mark, SpecError
from shapecalc.layers.args import Value
from shapecalc.limits import MAX_EXPRESSION_WORK, MAX_LIST_ITEMS
from shapecalc.modules import count
from shapecalc.spec import _work, load_spec
from shapecalc.spec.expr import ExprError, Work, evaluate, value_of
from shapecalc.spec.loader import parse
from shapecalc.spec.source import YNode

SPECS = Path(__file__).resolve().parent.parent / "specs"
SPENT = (
    f"expressions in this spec take more than {MAX_EXPRESSION_WORK:,} steps of work together "
    "(evaluations, and the values they make, compare or measure)"
)


def doubled(times: int = 12) -> Value:
    """The list `${[x, x]}` makes of 0 passed on `times` times: 8,190 values for 12."""
    value: Value = 0
    for _ in range(times):
        value = evaluate("${[x, x]}", {"x": value})
    return value


def written(items: str) -> YNode:
    """The YAML list of `items`, as read."""
    return parse(f"v: [{items}]\n", "x.yaml").get("v")  # type: ignore[union-attr,return-value]


def flat(length: int = MAX_LIST_ITEMS - 1) -> Value:
    """A list of `length` zeros, written in YAML."""
    return value_of(written(", ".join(["0"] * length)), {})


def taken(text: str, env: dict[str, Value]) -> int:
    """Return the steps an evaluation takes, once its text is parsed."""
    evaluate(text, env)
    with Work() as work:
        left = work.left
        evaluate(text, env)
    return left - work.left


FLAT, DOUBLED, COPY = flat(), doubled(), doubled()
STRINGS = {"s": "a" * 5_000, "t": "a" * 4_999 + "b"}


@pytest.mark.parametrize(
    ("text", "env", "low", "high"),
    [
        pytest.param("$x", {"x": DOUBLED}, 1, 100, id="name"),
        pytest.param("${[x]}", {"x": DOUBLED}, 1, 1_000, id="list-of-doubled"),
        pytest.param("${len([x]) + len([x])}", {"x": FLAT}, 1, 1_000, id="lists-of-flat"),
        pytest.param("${len(x)}", {"x": FLAT}, 1, 1_000, id="len"),
        pytest.param("${x[0]}", {"x": FLAT}, 1, 1_000, id="index"),
        pytest.param("${x == y}", {"x": DOUBLED, "y": COPY}, 8_190, 10_000, id="equal"),
        pytest.param("${x == x}", {"x": FLAT}, 9_999, 11_000, id="equal-itself"),
        pytest.param("${x < [1]}", {"x": FLAT}, 1, 1_000, id="shorter-compared"),
        pytest.param("${max(x)}", {"x": FLAT}, 9_999, 11_000, id="max"),
        pytest.param("${min(x, x)}", {"x": DOUBLED}, 16_380, 18_000, id="min-of-two"),
        pytest.param("${s < t}", STRINGS, 4_999, 6_000, id="text-compared"),
        pytest.param("${max(s)}", STRINGS, 5_000, 6_000, id="max-of-text"),
        pytest.param(
            "${[x]}",
            {"x": tuple(range(5_000))},
            5_000,
            5_000 * _work._WALKED + 1_000,
            id="walked-from-a-caller",
        ),
    ],
)
def test_an_evaluation_takes_steps_for_what_it_walks(
    text: str, env: dict[str, Value], low: int, high: int
) -> None:
    """A list made here knows its size: only comparing, min and max walk it.

    A list from elsewhere, such as a caller's parameter, is walked once to measure it.
    """
    assert low <= taken(text, env) <= high


@pytest.mark.parametrize(
    ("text", "env"),
    [
        pytest.param("${x == y}", {"x": DOUBLED, "y": COPY}, id="equal"),
        pytest.param("${max(x)}", {"x": FLAT}, id="max"),
        pytest.param("${[x]}", {"x": tuple(range(5_000))}, id="walked-from-a-caller"),
        pytest.param("${s < t}", STRINGS, id="text-compared"),
    ],
)
def test_a_remembered_result_takes_the_steps_its_evaluation_took(
    text: str, env: dict[str, Value]
) -> None:
    """Remembering saves time, not budget: a spec is refused where it was before."""
    evaluate(text, env)  # parsed
    with Work() as work:
        steps = []
        for _ in range(3):
            left = work.left
            evaluate(text, env)
            steps.append(left - work.left)
        assert (len(work.results), steps) == (1, [steps[0]] * 3)


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A budget of 100,000 steps; the message still names the real limit."""
    monkeypatch.setattr(_work, "MAX_EXPRESSION_WORK", 100_000)
    yield 100_000


def test_evaluations_share_the_budget_until_it_is_spent(small_budget: int) -> None:
    env = {"x": FLAT}
    each = taken("${max(x)}", env)
    done = 0
    with Work(), pytest.raises(ExprError) as caught:
        while True:
            evaluate("${max(x)}", env)
            done += 1
    assert (done, str(caught.value)) == (small_budget // each, SPENT)
    with Work() as work, pytest.raises(ExprError):
        work.charge(small_budget + 1)
        evaluate("$x", env)  # a spent budget stays spent


def test_an_evaluation_outside_a_budget_has_its_own(small_budget: int) -> None:
    env = {"x": FLAT}
    for _ in range(2 * small_budget // taken("${max(x)}", env)):
        evaluate("${max(x)}", env)
    with Work(), pytest.raises(ExprError):
        for _ in range(2 * small_budget // taken("${max(x)}", env)):
            evaluate("${max(x)}", env)


def test_a_callers_list_is_walked_no_further_than_the_budget(small_budget: int) -> None:
    """A list that shares its parts unfolds to 2**61 - 2 values: walking it stops in time."""
    shared: Value = 0
    for _ in range(60):
        shared = (shared, shared)
    with pytest.raises(ExprError) as caught:
        evaluate_quickly("${x == x}", {"x": shared})
    assert str(caught.value) == SPENT


def test_budgets_nest() -> None:
    evaluate("${1 + 1}", {})  # parsed: each evaluation below takes the same steps
    with Work() as outer:
        with Work() as inner:
            evaluate("${1 + 1}", {})
        assert (outer.left, inner.left < MAX_EXPRESSION_WORK) == (MAX_EXPRESSION_WORK, True)
        evaluate("${1 + 1}", {})
    assert outer.left == inner.left


def test_parsing_takes_steps_once() -> None:
    text = "${" + " + ".join(["x"] * 40) + " + 17}"  # an expression no other test writes
    with Work() as first:
        evaluate(text, {"x": 1})
    with Work() as again:
        evaluate(text, {"x": 1})
    assert MAX_EXPRESSION_WORK - first.left > 2 * (MAX_EXPRESSION_WORK - again.left)


def test_a_literal_list_is_made_once_within_a_budget() -> None:
    literal = written(", ".join(["1"] * 1_000))
    computed = written(", ".join(["$x"] * 1_000))
    with Work() as work:
        made = value_of(literal, {})
        left = work.left
        assert (value_of(literal, {}) is made, work.left) == (True, left)
        value_of(computed, {"x": 1})
        spent = left - work.left
        value_of(computed, {"x": 1})
        assert left - work.left == 2 * spent >= 2 * 1_000


def test_a_spec_shares_one_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spec whose layers each compare a 9,999-value list: refused where it evaluates."""
    monkeypatch.setattr(_work, "MAX_EXPRESSION_WORK", 1_000_000)
    with pytest.raises(SpecError) as caught:
        spec(flat_spec("${x == x}", repeat=100))
    assert (caught.value.mark, caught.value.what) == (Mark("net.yaml", 5, 51), SPENT)


def chained(use: str, repeat: int = 100_000) -> str:
    """A spec whose block doubles x and y 12 times, then `use`s them in a repeated layer."""
    lines = [
        "input: [3, 8, 8]",
        "blocks:",
        "  Top:",
        "    params: [x, y]",
        f'    children: [{{type: ReLU, repeat: {repeat}, inplace: "{use}"}}]',
    ]
    for k in range(1, 13):
        below = f"D{k - 1}" if k > 1 else "Top"
        lines.append(
            f'  D{k}: {{params: [x, y], type: {below}, x: "${{[x, x]}}", y: "${{[y, y]}}"}}'
        )
    return "\n".join([*lines, "model: [{type: D12, x: 0, y: 0}]", ""])


def flat_spec(use: str, repeat: int = 100_000) -> str:
    """A spec whose block's x and y are lists of 9,999 zeros, and `use`s them."""
    zeros = f"[{', '.join(['0'] * (MAX_LIST_ITEMS - 1))}]"
    return (
        "input: [3, 8, 8]\n"
        "blocks:\n"
        "  Top:\n"
        "    params: [x, y]\n"
        f'    children: [{{type: ReLU, repeat: {repeat}, inplace: "{use}"}}]\n'
        f"model: [{{type: Top, x: {zeros}, y: {zeros}}}]\n"
    )


def passed(count: int, argument: str) -> str:
    """A spec that passes `count` parameters, each given `argument`, to a block, again and again.

    `{i}` in `argument` is the parameter's number.
    """
    names = [f"p{i}" for i in range(count)]
    given = ", ".join(f"{name}: {argument.replace('{i}', str(i))}" for i, name in enumerate(names))
    return (
        "input: [3, 8, 8]\n"
        "blocks:\n"
        f"  P: {{params: [{', '.join(names)}], children: [ReLU]}}\n"
        f"  Top: {{params: [x], children: [{{type: P, repeat: 100000, {given}}}]}}\n"
        "model: [{type: Top, x: 1}]\n"
    )


# Each spec, and the line of the value whose evaluation spends the budget.
SPENDING = {
    "doubled-equal-itself": (chained("${x == x}"), 5),
    "doubled-equal": (chained("${x == y}"), 5),
    "doubled-max": (chained("${max(x) == max(y)}"), 5),
    "doubled-in-lists-compared": (chained("${[x] < [y]}"), 5),
    "flat-equal": (flat_spec("${x == y}"), 5),
    "flat-max": (flat_spec("${max(x) == max(y)}"), 5),
    "names": (passed(1_000, "$x"), 4),
    "sums": (passed(40, '"${' + " + ".join(["x"] * 49) + '}"'), 4),
    "yaml-lists": (passed(20, "[" + ", ".join(["[$x, 1]"] * 50) + "]"), 4),
    "more-expressions-than-kept-parsed": (
        passed(4_200, '"${[' + ", ".join(["x"] * 30) + ', {i}]}"'),
        4,
    ),
}


@pytest.mark.parametrize("name", SPENDING)
def test_specs_that_spend_the_budget_are_refused_fast_and_small(tmp_path: Path, name: str) -> None:
    """The budget's error line, at the value evaluated, in under 2 s and 200 MB."""
    text, line = SPENDING[name]
    path = tmp_path / "spending.yaml"
    path.write_text(text, encoding="utf-8")
    seconds, peak_kb, status, stderr = measure(str(path), "--format", "json")
    where = re.escape(f"error: {path}:{line}:")
    assert (status, bool(re.match(rf"{where}\d+: .*{re.escape(SPENT)}\n$", stderr))) == (
        1,
        True,
    ), stderr
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB


def width_spec(uses: int) -> str:
    """The benchmark's spec, its block's layers given their width by a parameter."""
    return (
        "input: [8, 32, 32]\n"
        "blocks:\n"
        "  Block:\n"
        "    params: [width: 8]\n"
        "    children:\n"
        "      conv: {type: Conv2d, out_channels: $width, kernel_size: 3, padding: 1}\n"
        "      bn: {type: BatchNorm2d, num_features: $width}\n"
        "      relu: ReLU\n"
        f"model: [{{type: Block, repeat: {uses}, width: 8}}]\n"
    )


def test_a_large_spec_uses_a_small_part_of_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """100,000 modules whose layers take their widths from parameters: within a fifth."""
    monkeypatch.setattr(_work, "MAX_EXPRESSION_WORK", MAX_EXPRESSION_WORK // 5)
    assert count(spec(width_spec(25_000)).root) == 100_001


@pytest.mark.parametrize("path", sorted(SPECS.glob("[!_]*.yaml")), ids=lambda path: path.stem)
def test_built_in_specs_use_little_of_the_budget(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a tenth: EfficientNetV2-L, 79 blocks of up to three Conv2dNormActivations, each
    with torchvision's default padding and bias as expressions, takes the most, 5.5%;
    ResNet-50 a quarter of 1%."""
    monkeypatch.setattr(_work, "MAX_EXPRESSION_WORK", MAX_EXPRESSION_WORK // 10)
    assert load_spec(path, path.name).root is not None
