"""Formulas as people write them: `⌈H/32⌉`, `⌊H/2⌋ − 2`, `2·⌊(H + 1)/4⌋ + 3`.

Of the forms a floor can be written in, exactly (⌊(x + b)/m⌋, ⌊(x + r)/m⌋ + q, and the
ceiling forms ⌈y/m⌉ = ⌊(y + m − 1)/m⌋), the shortest is shown.
"""

from __future__ import annotations

from shapecalc.formula import Affine, Floor, Formula, Product, Scaled, Sum, Symbol

MINUS = "−"


def show(formula: Formula) -> str:
    """Return the formula as text, symbols by their names."""
    if isinstance(formula, int):
        return f"{MINUS}{-formula}" if formula < 0 else str(formula)
    if isinstance(formula, Floor):
        return _floor(formula, whole=True)
    if isinstance(formula, Affine):
        return _term(formula.c, _unit(formula.inner)) + _offset(formula.d)
    if isinstance(formula, Sum):
        return " + ".join(map(_unit, formula.terms)) + _offset(formula.c)
    return _unit(formula)


def term(formula: Formula) -> str:
    """Return the formula as text that reads as one term beside others: `⌊(H − 1)/2⌋`, not
    `⌈H/2⌉ − 1`, in `32@⌊(H − 1)/2⌋×⌊(W − 1)/2⌋`."""
    return _unit(formula)


def _unit(formula: Formula) -> str:
    """Return the formula as text that reads as one term inside another formula."""
    if isinstance(formula, int):
        return show(formula)
    if isinstance(formula, Symbol):
        return formula.name
    if isinstance(formula, Floor):
        return _floor(formula, whole=False)
    if isinstance(formula, Scaled):
        return f"⌊{_unit(formula.inner)}·{formula.scale!r}⌋"
    if isinstance(formula, (Product, Sum)):
        return _many(formula)
    text = show(formula)
    return f"({text})" if formula.d else text


def _many(formula: Product | Sum) -> str:
    if isinstance(formula, Sum):
        return f"({show(formula)})"
    return "·".join([*([str(formula.c)] if formula.c != 1 else []), *map(_unit, formula.factors)])


def _floor(formula: Floor, *, whole: bool) -> str:
    """Return the shortest exact form; within another formula, one with nothing outside."""
    a, b, m = formula.a, formula.b, formula.m
    term = _term(a, _unit(formula.inner))
    forms = []
    for left, right, shift in (("⌊", "⌋", 0), ("⌈", "⌉", m - 1)):
        inside = b - shift  # ⌊(t + b)/m⌋ = ⌈(t + b − m + 1)/m⌉
        quotient, remainder = divmod(inside, m)
        for kept, outside in ((inside, 0), (remainder, quotient), (remainder - m, quotient + 1)):
            if whole or not outside:
                forms.append(f"{left}{_fraction(term, kept, m)}{right}{_offset(outside)}")
    return min(forms, key=len)  # the first of the shortest: floors before ceilings


def _fraction(term: str, offset: int, divisor: int) -> str:
    if offset == 0:
        return f"{term}/{divisor}"
    return f"({term}{_offset(offset)})/{divisor}"


def _term(factor: int, inner: str) -> str:
    return inner if factor == 1 else f"{factor}·{inner}"


def _offset(amount: int) -> str:
    if amount == 0:
        return ""
    return f" + {amount}" if amount > 0 else f" {MINUS} {-amount}"


def structure(formula: Formula | None) -> object:
    """Return the formula as JSON data: a number, or an object naming its operation.

    `{"symbol": "H"}`; `{"floor": F, "times": a, "plus": b, "over": m}` for ⌊(a·F + b)/m⌋;
    `{"affine": F, "times": c, "plus": d}` for c·F + d; `{"scale": F, "by": s}` for ⌊F·s⌋
    in double precision; `{"product": [F, …], "times": c}`; `{"sum": [F, …], "plus": c}`; null
    where none is known.
    """
    if formula is None or isinstance(formula, int):
        return formula
    if isinstance(formula, Symbol):
        return {"symbol": formula.name}
    if isinstance(formula, Product):
        return {"product": [structure(factor) for factor in formula.factors], "times": formula.c}
    if isinstance(formula, Sum):
        return {"sum": [structure(each) for each in formula.terms], "plus": formula.c}
    return _wrapped(formula)


def _wrapped(formula: Floor | Affine | Scaled) -> object:
    inner = structure(formula.inner)
    if isinstance(formula, Floor):
        return {"floor": inner, "times": formula.a, "plus": formula.b, "over": formula.m}
    if isinstance(formula, Affine):
        return {"affine": inner, "times": formula.c, "plus": formula.d}
    return {"scale": inner, "by": formula.scale}
