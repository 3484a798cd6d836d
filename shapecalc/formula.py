"""Sizes as formulas of an input's size: floor-affine expressions, simplified exactly.

What a window, a transposed window, padding or a resize does to a size is one of two
operations on integers: `c·x + d`, and `⌊(a·x + b)/m⌋`. Their compositions are kept in one
canonical form, by identities that hold for every integer x (a, m, n positive):

    ⌊(⌊(a·x + b)/m⌋ + k)/n⌋      = ⌊(a·x + b + k·m)/(m·n)⌋
    ⌊(a·(c·x + d) + b)/m⌋        = ⌊(a·c·x + a·d + b)/m⌋
    ⌊(g·a·x + b)/(g·m)⌋          = ⌊(a·x + ⌊b/g⌋)/m⌋
    ⌊(m·c·y + b)/m⌋              = c·y + ⌊b/m⌋                  (y an integer formula)

so that ResNet-18's first convolution is ⌈H/2⌉ and its layer4 ⌈H/32⌉. Where none applies,
the nested form is kept: ⌊(3·⌊H/2⌋ + 1)/4⌋. A scale that is no simple fraction (upsampling
by 2.3, computed in double precision) is a `Scaled` node, evaluated as PyTorch evaluates it.
"""

from __future__ import annotations

from math import floor, gcd, lcm
from typing import TYPE_CHECKING, TypeAlias

from shapecalc.value import frozen

if TYPE_CHECKING:  # fractions imports decimal: 4 ms a run that makes no formula would pay
    from fractions import Fraction

# A scale factor is read as the fraction p/q it is exactly when q is at most this, and
# x·scale is then exact in double precision for every size a shape may have.
MAX_SCALE_DENOMINATOR = 1 << 10


@frozen
class Symbol:
    """A size named by the user: `H` in `--input 3xHxW`."""

    name: str


@frozen
class Floor:
    """`⌊(a·inner + b)/m⌋`, with m ≥ 2 and gcd(a, m) = 1.

    Inside another formula, as `inner` or an `Affine`'s, 0 ≤ b < m: a formula has one form.
    """

    inner: Formula
    a: int
    b: int
    m: int


@frozen
class Affine:
    """`c·inner + d`, with c ≥ 2 or, around a `Scaled`, c = 1 and d ≠ 0."""

    inner: Formula
    c: int
    d: int


@frozen
class Scaled:
    """`⌊inner·scale⌋` computed in double precision, as PyTorch's upsampling by a factor."""

    inner: Formula
    scale: float


@frozen
class Product:
    """`c·f₁·f₂·…`: a flattened map's size, of two or more formulas of symbols."""

    factors: tuple[Formula, ...]
    c: int


@frozen
class Sum:
    """`f₁ + f₂ + … + c`: sizes of several outputs joined along one dimension, as a detection
    head's anchors over its levels."""

    terms: tuple[Formula, ...]
    c: int


Formula: TypeAlias = "int | Symbol | Floor | Affine | Scaled | Product | Sum"
"""A size: a number, or a formula of the input's symbolic sizes."""

Dims: TypeAlias = "tuple[Formula | None, ...]"
"""A shape's dimensions as formulas, as `Shape.dims` holds them; None where not known."""


def affine(x: Formula, c: int, d: int) -> Formula:
    """Return `c·x + d` in canonical form (c ≥ 0)."""
    if isinstance(x, int):
        return c * x + d
    if c == 0:
        return d
    if isinstance(x, Affine):
        return affine(x.inner, c * x.c, c * x.d + d)
    if isinstance(x, Floor):
        return _scaled_floor(x, c, d)
    if isinstance(x, Product) and d == 0:
        return Product(x.factors, c * x.c)
    return x if c == 1 and d == 0 else Affine(x, c, d)


def _scaled_floor(x: Floor, c: int, d: int) -> Formula:
    """Return `c·x + d`: one floor when c = 1, else with the floor's whole part taken out."""
    if c == 1:  # ⌊(a·y + b)/m⌋ + d = ⌊(a·y + b + d·m)/m⌋
        return Floor(x.inner, x.a, x.b + d * x.m, x.m)
    x, whole = _split(x)  # c·(⌊(a·y + r)/m⌋ + q) + d, with 0 ≤ r < m: one form each
    return Affine(x, c, d + c * whole)


def _split(x: Floor) -> tuple[Floor, int]:
    """Return ⌊(a·y + r)/m⌋ and q, with 0 ≤ r < m, whose sum is `x`."""
    whole, rest = divmod(x.b, x.m)
    return Floor(x.inner, x.a, rest, x.m), whole


def floor_div(x: Formula, a: int, b: int, m: int) -> Formula:
    """Return `⌊(a·x + b)/m⌋` in canonical form (a ≥ 0, m ≥ 1)."""
    if isinstance(x, int):
        return (a * x + b) // m
    if a == 0:
        return b // m
    if isinstance(x, Affine):
        return floor_div(x.inner, a * x.c, a * x.d + b, m)
    common = gcd(a, m)
    a, b, m = a // common, b // common, m // common  # b // common: the floor of b/g
    if m == 1:
        return affine(x, a, b)
    if isinstance(x, Floor):
        if a == 1:
            return floor_div(x.inner, x.a, x.b + b * x.m, x.m * m)
        x, whole = _split(x)  # ⌊(a·(F + q) + b)/m⌋ = ⌊(a·F + b + a·q)/m⌋
        b += a * whole
    return Floor(x, a, b, m)


def scaled(x: Formula, scale: float) -> Formula:
    """Return `⌊x·scale⌋` as double precision computes it: a fraction's floor when exact."""
    if isinstance(x, int):
        return floor(float(x) * scale)
    from fractions import Fraction

    exact = Fraction(scale)
    if exact.denominator <= MAX_SCALE_DENOMINATOR:
        return floor_div(x, exact.numerator, 0, exact.denominator)
    return Scaled(x, scale)


def product(factors: list[Formula]) -> Formula:
    """Return the product of formulas: a number, one formula scaled, or a `Product`."""
    c, kept = 1, []
    for factor in factors:
        if isinstance(factor, int):
            c *= factor
        else:
            kept.append(factor)
    if len(kept) <= 1 or c == 0:
        return affine(kept[0], c, 0) if kept and c else c
    return Product(tuple(kept), c)


def total(terms: list[Formula]) -> Formula:
    """Return the sum of formulas: a number, one formula shifted, or a `Sum`."""
    c, kept = 0, list[Formula]()
    for each in terms:
        if isinstance(each, int):
            c += each
        elif isinstance(each, Sum):
            c += each.c
            kept.extend(each.terms)
        else:
            kept.append(each)
    if len(kept) <= 1:
        return affine(kept[0], 1, c) if kept else c
    return Sum(tuple(kept), c)


def substitute(formula: Formula, sizes: dict[str, int]) -> Formula:
    """Return the formula with the symbols `sizes` names replaced by their sizes, simplified."""
    if isinstance(formula, int):
        return formula
    if isinstance(formula, Symbol):
        return sizes.get(formula.name, formula)
    if isinstance(formula, (Product, Sum)):
        combine, parts = (
            (product, formula.factors) if isinstance(formula, Product) else (total, formula.terms)
        )
        return combine([substitute(part, sizes) for part in parts] + [formula.c])
    inner = substitute(formula.inner, sizes)
    if isinstance(formula, Floor):
        return floor_div(inner, formula.a, formula.b, formula.m)
    if isinstance(formula, Affine):
        return affine(inner, formula.c, formula.d)
    return scaled(inner, formula.scale)


def named_sizes(dims: Dims, sizes: tuple[int, ...]) -> dict[str, int]:
    """Return each symbol among `dims` with its size in `sizes`, the same dimensions' numbers."""
    return {
        dim.name: size for dim, size in zip(dims, sizes, strict=True) if isinstance(dim, Symbol)
    }


def value(formula: Formula, sizes: dict[str, int]) -> int:
    """Return the formula's value with each symbol given its size."""
    if isinstance(formula, int):
        return formula
    if isinstance(formula, Symbol):
        return sizes[formula.name]
    if isinstance(formula, (Product, Sum)):
        return _combined(formula, sizes)
    inner = value(formula.inner, sizes)
    if isinstance(formula, Floor):
        return (formula.a * inner + formula.b) // formula.m
    if isinstance(formula, Affine):
        return formula.c * inner + formula.d
    return floor(float(inner) * formula.scale)


def _combined(formula: Product | Sum, sizes: dict[str, int]) -> int:
    if isinstance(formula, Sum):
        return formula.c + sum(value(each, sizes) for each in formula.terms)
    made = formula.c
    for factor in formula.factors:
        made *= value(factor, sizes)
    return made


def symbols(formula: Formula) -> frozenset[str]:
    """Return the names of the symbols the formula depends on."""
    if isinstance(formula, Product):
        return frozenset().union(*map(symbols, formula.factors))
    if isinstance(formula, Sum):
        return frozenset().union(*map(symbols, formula.terms))
    while not isinstance(formula, (int, Symbol, Product, Sum)):
        formula = formula.inner
    if isinstance(formula, (Product, Sum)):
        return symbols(formula)
    return frozenset() if isinstance(formula, int) else frozenset({formula.name})


def period(formula: Formula) -> int | None:
    """Return P such that f(x + P) = f(x) + slope·P for every x; None for a `Scaled` one.

    Every layer's formula of one symbol is quasi-affine: it repeats, shifted, with this
    period; what depends on it (whether two branches agree) repeats with it.
    """
    if isinstance(formula, (int, Symbol)):
        return 1
    if isinstance(formula, Product):
        return None
    if isinstance(formula, Sum):  # each term repeats, shifted, with its period: the sum with theirs
        periods = [period(each) for each in formula.terms]
        return None if None in periods else lcm(*periods)  # type: ignore[arg-type]
    inner = period(formula.inner)
    if inner is None or isinstance(formula, Scaled):
        return None
    if isinstance(formula, Affine):
        return inner
    # The inner formula grows by slope·P over P; the floor repeats once a·slope·P is a
    # multiple of m.
    growth = slope(formula.inner) * inner * formula.a
    turns = formula.m // gcd(growth.numerator, formula.m) * growth.denominator
    return inner * turns


def slope(formula: Formula) -> Fraction:
    """Return how much the formula grows per unit of its symbol, on average."""
    from fractions import Fraction

    if isinstance(formula, int):
        return Fraction(0)
    if isinstance(formula, Symbol):
        return Fraction(1)
    if isinstance(formula, Product):
        raise ValueError("a product of formulas has no one slope")
    if isinstance(formula, Sum):
        return sum((slope(each) for each in formula.terms), Fraction(0))
    inner = slope(formula.inner)
    if isinstance(formula, Floor):
        return inner * formula.a / formula.m
    if isinstance(formula, Affine):
        return inner * formula.c
    return inner * Fraction(formula.scale)
