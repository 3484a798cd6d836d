"""Converters that turn a spec's argument values into a layer's typed fields.

Each takes the value as written (after `$` expressions are evaluated) and returns the
typed value, or raises ValueError saying what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeVar

from shapecalc.errors import describe

Value: TypeAlias = "int | float | bool | str | tuple[Value, ...] | None"
Sizes: TypeAlias = tuple[int, ...]  # one per spatial axis
T = TypeVar("T")
Convert: TypeAlias = Callable[[Value], T]
PerAxis: TypeAlias = Callable[[int], Convert[T]]  # the converter for a number of axes


def _expected(what: str, value: Value) -> ValueError:
    return ValueError(f"expected {what}, got {describe(value)}")


def _is_int(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def positive_int(value: Value) -> int:
    if _is_int(value) and value >= 1:  # type: ignore[operator]
        return value  # type: ignore[return-value]
    raise _expected("an integer ≥ 1", value)


def non_negative_int(value: Value) -> int:
    if _is_int(value) and value >= 0:  # type: ignore[operator]
        return value  # type: ignore[return-value]
    raise _expected("an integer ≥ 0", value)


def integer(value: Value) -> int:
    if _is_int(value):
        return value  # type: ignore[return-value]
    raise _expected("an integer", value)


def boolean(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    raise _expected("true or false", value)


def probability(value: Value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    raise _expected("a number from 0 to 1", value)


def positive_number(value: Value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    raise _expected("a number > 0", value)


def number(value: Value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise _expected("a number", value)


def choice(*options: str) -> Convert[str]:
    """Accept one of `options`."""

    def convert(value: Value) -> str:
        if isinstance(value, str) and value in options:
            return value
        raise _expected(" or ".join(repr(option) for option in options), value)

    return convert


_LISTS = {1: "a [l] list", 2: "an [h, w] pair", 3: "a [d, h, w] list"}


def per_axis(item: Convert[T], what: str) -> PerAxis[tuple[T, ...]]:
    """Accept one value for every axis, or a list of one per axis; `what` names one item."""

    def for_rank(rank: int) -> Convert[tuple[T, ...]]:
        listed = _LISTS.get(rank, f"a list of {rank}")

        def convert(value: Value) -> tuple[T, ...]:
            try:
                if isinstance(value, tuple):
                    if len(value) != rank:
                        raise ValueError
                    return tuple(item(each) for each in value)
                single = item(value)
            except ValueError:
                raise _expected(f"{what} or {listed} of them", value) from None
            return (single,) * rank

        return convert

    return for_rank


def optional(convert: Convert[T]) -> Convert[T | None]:
    """Accept null as well."""

    def optional_convert(value: Value) -> T | None:
        return None if value is None else convert(value)

    return optional_convert


def optional_per_axis(convert: PerAxis[T]) -> PerAxis[T | None]:
    """Accept null as well, for a converter made per number of axes."""

    def for_rank(rank: int) -> Convert[T | None]:
        return optional(convert(rank))

    return for_rank


positive_sizes = per_axis(positive_int, "an integer ≥ 1")
non_negative_sizes = per_axis(non_negative_int, "an integer ≥ 0")
output_sizes = per_axis(optional(positive_int), "an integer ≥ 1 or null")


def conv_padding(rank: int) -> Convert[Sizes | str]:
    """Return the converter of a convolution's padding: 'same', 'valid', or sizes ≥ 0."""
    sizes = non_negative_sizes(rank)
    listed = _LISTS.get(rank, f"a list of {rank}")

    def convert(value: Value) -> Sizes | str:
        if value == "valid":
            return (0,) * rank
        if value == "same":
            return "same"
        try:
            return sizes(value)
        except ValueError:
            raise _expected(f"an integer ≥ 0, {listed}, 'same' or 'valid'", value) from None

    return convert
