"""Formulas of sizes: each identity the simplifier uses, checked against the arithmetic."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shapecalc.arith import Interpolate, Pad, Resize, Transposed, Window
from shapecalc.formats._formula import show
from shapecalc.formula import (
    Affine,
    Floor,
    Formula,
    Product,
    Symbol,
    affine,
    floor_div,
    period,
    product,
    scaled,
    slope,
    symbols,
    value,
)

H = Symbol("H")
SIZES = range(1, 300)
Op = Window | Transposed | Pad | Interpolate | Resize


def at(formula: Formula, size: int) -> int:
    return value(formula, {"H": size})


def chain(ops: list[Op], size: int) -> int | None:
    """Return the size after `ops`, or None where one of them leaves less than 1."""
    for op in ops:
        size = op.output(size)
        if size < 1:
            return None
    return size


def symbolic(ops: list[Op]) -> Formula:
    formula: Formula = H
    for op in ops:
        formula = op.symbolic(formula)
    return formula


def agrees(ops: list[Op], sizes: range = SIZES) -> bool:
    """Whether the chain's formula gives its size wherever every step leaves at least 1."""
    formula = symbolic(ops)
    return all(at(formula, x) == made for x in sizes if (made := chain(ops, x)) is not None)


WINDOWS = [
    Window(kernel, stride, padding, dilation, ceil_mode)
    for kernel, stride, dilation, ceil_mode in itertools.product(
        range(1, 8), range(1, 6), range(1, 3), (False, True)
    )
    for padding in range(kernel // 2 + 1)
]


@pytest.mark.parametrize("window", WINDOWS, ids=repr)
def test_a_window_is_its_formula(window: Window) -> None:
    formula = window.symbolic(H)
    assert all(at(formula, x) == window.output(x) for x in range(-20, 300))


def test_ceil_mode_drops_a_window_starting_in_the_padding() -> None:
    # MaxPool1d(2, 2, padding=1, ceil_mode=True) of 5: ⌈5/2⌉ + 1 = 4 windows by the rounded
    # formula, but the last would start in the right padding, and PyTorch drops it.
    window = Window(2, 2, 1, ceil_mode=True)
    assert window.rounded_output(5) == 4 and window.output(5) == 3
    assert show(window.symbolic(H)) == "⌊H/2⌋ + 1"
    assert [at(window.symbolic(H), x) for x in range(1, 9)] == [1, 2, 2, 3, 3, 4, 4, 5]


@pytest.mark.parametrize(
    "op",
    [
        Transposed(4, 2, 1),
        Transposed(3, 2, 1, output_padding=1),
        Transposed(5, 3, 2, dilation=2),
        Pad(2, -3),
        Interpolate(None, 2.0),
        Interpolate(None, 1.5),
        Interpolate(None, 0.5),
        Interpolate(None, 2.3),
        Interpolate(7, None),
        Resize(7, "output_size"),
    ],
    ids=repr,
)
def test_other_axes_are_their_formulas(op: Op) -> None:
    formula = op.symbolic(H)
    assert all(at(formula, x) == op.output(x) for x in SIZES)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (floor_div(floor_div(H, 1, 3, 4), 1, 2, 5), Floor(H, 1, 3 + 2 * 4, 20)),
        (floor_div(affine(H, 3, 2), 2, 1, 7), Floor(H, 6, 5, 7)),
        (floor_div(H, 6, 5, 4), Floor(H, 3, 2, 2)),  # ⌊(6H + 5)/4⌋ = ⌊(3H + 2)/2⌋
        (floor_div(floor_div(H, 1, 0, 3), 4, 1, 2), Affine(Floor(H, 1, 0, 3), 2, 0)),
        (affine(floor_div(H, 1, 0, 2), 1, 3), Floor(H, 1, 6, 2)),
        (affine(affine(H, 2, 1), 3, -1), Affine(H, 6, 2)),
        (floor_div(H, 5, 0, 1), Affine(H, 5, 0)),
        (floor_div(H, 1, 0, 1), H),
        (affine(H, 0, 7), 7),
        (affine(floor_div(H, 1, -4, 2), 2, -4), Affine(Floor(H, 1, 0, 2), 2, -8)),
        (floor_div(floor_div(H, 1, 5, 2), 3, 0, 4), Floor(Floor(H, 1, 1, 2), 3, 6, 4)),
        (floor_div(17, 1, 3, 4), 5),
    ],
    ids=[
        "floor-of-floor",
        "floor-of-affine",
        "common-factor",
        "divisor-divides-factor",
        "offset-into-floor",
        "affine-of-affine",
        "divisor-one",
        "identity",
        "constant",
        "whole-part-out-of-a-product",
        "whole-part-out-of-a-nested-floor",
        "number",
    ],
)
def test_the_identities(formula: Formula, expected: Formula) -> None:
    assert formula == expected
    assert all(at(formula, x) == at(expected, x) for x in range(-50, 200))


@pytest.mark.parametrize(
    ("formula", "nested"),
    [
        (floor_div(affine(floor_div(H, 1, 0, 2), 3, 1), 1, 0, 4), "⌊(3·⌊H/2⌋ + 1)/4⌋"),
        (Transposed(2, 2).symbolic(Window(2, 2).symbolic(H)), "2·⌊H/2⌋"),
        (scaled(H, 2.3), "⌊H·2.3⌋"),
        (scaled(affine(floor_div(H, 1, 0, 2), 2, 1), 2.3), "⌊(2·⌊H/2⌋ + 1)·2.3⌋"),
        (floor_div(scaled(H, 2.3), 1, 0, 2), "⌊⌊H·2.3⌋/2⌋"),
    ],
    ids=["scaled-floor", "pool-then-transposed", "inexact-scale", "scale-of-sum", "floor-of-scale"],
)
def test_what_must_stay_nested(formula: Formula, nested: str) -> None:
    assert show(formula) == nested


@pytest.mark.parametrize(
    ("formula", "text"),
    [
        (floor_div(H, 1, 31, 32), "⌈H/32⌉"),
        (floor_div(H, 1, -4, 2), "⌊H/2⌋ − 2"),
        (floor_div(H, 1, 3, 7), "⌊(H + 3)/7⌋"),
        (floor_div(H, 1, -3, 7), "⌊(H − 3)/7⌋"),
        (floor_div(H, 3, 0, 2), "⌊3·H/2⌋"),
        (floor_div(H, 1, 63, 32), "⌈H/32⌉ + 1"),
        (floor_div(H, 1, 33, 32), "⌈(H + 2)/32⌉"),
        (affine(floor_div(H, 1, -4, 2), 2, -4), "2·⌊H/2⌋ − 8"),
        (affine(H, 1, -3), "H − 3"),
        (affine(H, 2, 0), "2·H"),
        (-3, "−3"),
        (H, "H"),
    ],
    ids=repr,
)
def test_the_shortest_form_is_shown(formula: Formula, text: str) -> None:
    assert show(formula) == text


@pytest.mark.parametrize(
    ("ops", "text"),
    [
        ([Window(7, 2, 3), Window(3, 2, 1)], "⌈H/4⌉"),  # ResNet-18's stem
        ([Window(7, 2, 3), Window(3, 2, 1), *[Window(3, 2, 1)] * 3], "⌈H/32⌉"),
        ([Window(3, 1, 1), Window(2, 2)] * 5, "⌊H/32⌋"),  # VGG-16
        ([Window(11, 4, 2), Window(3, 2)], "⌊(H − 7)/8⌋"),  # AlexNet's first conv and pool
    ],
    ids=["resnet-stem", "resnet-layer4", "vgg16", "alexnet"],
)
def test_networks_as_people_know_them(ops: list[Op], text: str) -> None:
    assert show(symbolic(ops)) == text
    assert agrees(ops)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (floor_div(H, 1, 31, 32), 32),
        (floor_div(floor_div(H, 1, 0, 2), 3, 0, 4), 8),
        (affine(floor_div(H, 1, 0, 2), 2, 0), 2),
        (floor_div(H, 3, 0, 2), 2),
        (7, 1),
        (scaled(H, 2.3), None),
    ],
    ids=["ceil-32", "three-quarters-of-half", "doubled-half", "three-halves", "number", "scaled"],
)
def test_the_period(formula: Formula, expected: int | None) -> None:
    assert period(formula) == expected
    if expected is not None:
        rise = slope(formula) * expected
        assert all(at(formula, x + expected) - at(formula, x) == rise for x in range(-40, 200))


def test_symbols() -> None:
    assert symbols(floor_div(affine(H, 2, 1), 1, 0, 3)) == {"H"} and symbols(4) == set()


OPS = st.one_of(
    st.builds(
        Window,
        st.integers(1, 7),
        st.integers(1, 4),
        st.integers(0, 3),
        st.integers(1, 3),
        st.booleans(),
    ).filter(lambda window: window.padding <= window.kernel // 2),
    st.builds(Transposed, st.integers(1, 5), st.integers(1, 4), st.integers(0, 2)),
    st.builds(Pad, st.integers(-2, 3), st.integers(-2, 3)),
    st.builds(Interpolate, st.none(), st.sampled_from([0.5, 1.5, 2.0, 0.75, 2.3])),
)


@given(st.lists(OPS, min_size=1, max_size=8))
def test_any_chain_is_its_formula(ops: list[Op]) -> None:
    formula = symbolic(ops)
    assert agrees(ops, range(1, 200))
    step = period(formula)
    if step is not None:  # beyond the first steps' clipping, it repeats, shifted
        rise = slope(formula) * step
        assert all(at(formula, x + step) - at(formula, x) == rise for x in range(1, 100))


W = Symbol("W")


@pytest.mark.parametrize(
    ("factors", "expected", "text"),
    [
        ([3, 4], 12, "12"),
        ([512, floor_div(H, 1, 0, 32)], Affine(Floor(H, 1, 0, 32), 512, 0), "512·⌊H/32⌋"),
        ([16, floor_div(H, 1, -4, 4), W], Product((Floor(H, 1, -4, 4), W), 16), "16·⌊(H − 4)/4⌋·W"),
        ([H, 0, W], 0, "0"),
    ],
    ids=["numbers", "one-formula", "two-formulas", "zero"],
)
def test_a_product(factors: list[Formula], expected: Formula, text: str) -> None:
    made = product(factors)
    assert made == expected and show(made) == text
    sizes = {"H": 37, "W": 5}
    whole = 1
    for factor in factors:
        whole *= value(factor, sizes)
    assert value(made, sizes) == whole
