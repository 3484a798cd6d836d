"""Numbers, fields and sizes as people read them; shared by every text format.

Counts are exact ints of any size (a 10^200-pixel input has MACs beyond any float), so they
are shown by integer arithmetic alone, rounded half to even on the exact value, and never
passed whole to `str()` past Python's 4,300-digit limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shapecalc.errors import describe
from shapecalc.field import Field, Reach
from shapecalc.modules import Model
from shapecalc.shape import Shape

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims

PREFIXES = "KMGTPEZYRQ"  # SI, for 10^3 to 10^30; larger counts are shown as `1.23e33`
_STR_BELOW = 10**4000  # str() refuses ints of more than 4,300 digits
NOT_RUN = "not run"  # the output of a module registered but never run
UNKNOWN = "?"  # a dimension no formula is known for (a product's, say)


def compact(count: int, *, space: str = "") -> str:
    """Show a count in three significant figures: `9.41K`, `118M`, `1.81G`; below 1000 as is.

    Past `Q` (10^30) the count is scientific: `1.23e45`. `space` goes between the number
    and its unit, as in `1.81 G`.
    """
    if count < 0:
        return "-" + compact(-count, space=space)
    if count < 1000:
        return str(count)
    figures, exponent = significant(count, 3)
    text = str(figures)
    if exponent >= 3 * len(PREFIXES) + 3:
        return f"{text[0]}.{text[1:]}e{exponent}"
    point = exponent % 3 + 1
    number = f"{text[:point]}.{text[point:]}" if point < 3 else text
    return f"{number}{space}{PREFIXES[exponent // 3 - 1]}"


def significant(count: int, figures: int) -> tuple[int, int]:
    """Round a positive count to `figures` significant digits, half to even.

    Returns the digits as an int of exactly `figures` digits and the decimal exponent of
    the first: 999,999 to three figures is (100, 6), that is 1.00·10^6.
    """
    exponent = magnitude(count)
    shift = exponent - figures + 1
    digits = divide(count, 10**shift) if shift > 0 else count * 10**-shift
    if digits == 10**figures:  # rounding carried into a new digit: 999.6 is 1.00·10^3
        digits, exponent = digits // 10, exponent + 1
    return digits, exponent


def magnitude(count: int) -> int:
    """Return the exponent of a positive count's first decimal digit: ⌊log10 count⌋."""
    # A lower bound from the bit length (log10 2 > 0.30103 - 10^-6), then up to the truth.
    exponent = max((count.bit_length() - 1) * 301029 // 1_000_000, 0)
    power = 10 ** (exponent + 1)
    while power <= count:
        exponent, power = exponent + 1, power * 10
    return exponent


def divide(count: int, by: int) -> int:
    """Return count / by for positive ints, rounded half to even."""
    quotient, remainder = divmod(count, by)
    twice = 2 * remainder
    if twice > by or (twice == by and quotient % 2):
        quotient += 1
    return quotient


def digits(count: int) -> str:
    """Write an int in decimal, of any size (`str()` stops at 4,300 digits)."""
    if -_STR_BELOW < count < _STR_BELOW:
        return str(count)
    if count < 0:
        return "-" + digits(-count)
    half = (magnitude(count) + 1) // 2
    high, low = divmod(count, 10**half)
    return digits(high) + digits(low).zfill(half)


def grouped(count: int) -> str:
    """Show a count with thousands separators: `11,689,512`."""
    if -_STR_BELOW < count < _STR_BELOW:
        return f"{count:,}"
    text = digits(count)
    sign = "-" if text[0] == "-" else ""
    text = text.removeprefix(sign)
    head = len(text) % 3 or 3
    return sign + ",".join([text[:head], *(text[at : at + 3] for at in range(head, len(text), 3))])


def grouped_each(counts: list[int]) -> list[str]:
    """Return `grouped` of each count, faster for many."""
    if counts and min(counts) > -_STR_BELOW and max(counts) < _STR_BELOW:
        return list(map("{:,}".format, counts))
    return list(map(grouped, counts))


BYTE_UNITS = ("MB", "GB", "TB", "PB", "EB", "ZB", "YB", "RB", "QB")  # 10^6, 10^9, … 10^30


def byte_unit(count: int) -> int:
    """Pick the unit to show `count` bytes in: megabytes, as torchinfo, below 10,000 MB;
    above, the largest unit (up to QB) of which there is at least one, so that huge figures
    keep a unit rather than grow digits. Returns the unit's power of 1,000 over a megabyte."""
    if count < 10**10:
        return 0
    power = 1
    while power + 1 < len(BYTE_UNITS) and count >= 10 ** (6 + 3 * (power + 1)):
        power += 1
    return power


def in_unit(count: int, power: int) -> str:
    """Show `count` bytes in BYTE_UNITS[power], to two places, without the unit."""
    whole, hundredths = divmod(divide(count, 10 ** (4 + 3 * power)), 100)
    return f"{grouped(whole)}.{hundredths:02d}"


def megabytes(count: int) -> str:
    """Show bytes as torchinfo does, in decimal megabytes to two places (`46.76 MB`), or in a
    larger unit for a huge count (`5.48 EB`)."""
    power = byte_unit(count)
    return f"{in_unit(count, power)} {BYTE_UNITS[power]}"


def reach(value: Reach) -> str:
    """Show one axis of a field: `43`, `all` for the whole input, `≤9` when windows vary."""
    if value.size is None:
        return "all"
    return f"≤{value.size}" if value.varies else f"{value.size}"


def field(value: Field | None) -> str:
    """Show a receptive field: `43` when every axis is alike, `43×51` when not, empty when
    undefined."""
    if value is None:
        return ""
    return alike([reach(axis) for axis in value.axes])


def stride(value: Field | None) -> str:
    """Show an effective stride like a field: `32`, `8×16`; `-` where it is undefined."""
    if value is None:
        return ""
    return alike(["-" if axis.stride is None else str(axis.stride) for axis in value.axes])


def shape_text(shape: Shape, formulas: Dims | None = None) -> str:
    """Return a shape as people read it, `64@56×56`; as its formulas if given, `64@⌈H/4⌉×⌈W/4⌉`."""
    if formulas is None:
        return str(shape)
    from shapecalc.formats._formula import show, term

    write = show if len(formulas) == 1 else term  # dims side by side, each one term
    cells = [UNKNOWN if formula is None else write(formula) for formula in formulas]
    if shape.is_map and not shape.order:
        return f"{cells[0]}@" + "×".join(cells[1:])
    return "×".join(cells)


def output_text(shape: Shape | None, formulas: Dims | None = None) -> str:
    """Return a row's output as people read it: `64@56×56`, or that it never ran."""
    return NOT_RUN if shape is None else shape_text(shape, formulas)


def batched(shape: Shape, batch: int, formulas: Dims | None = None) -> str:
    """Return `batch` samples' shape: `8 × 3@224×224`; one sample's is its own, `3@224×224`."""
    text = shape_text(shape, formulas)
    return text if batch == 1 else f"{batch} × {text}"


def input_text(shape: Shape, batch: int, formulas: Dims | None = None) -> str:
    """Return a caption's input: of a batch above one, saying the rows' shapes are not; with
    symbols, saying at which sizes the figures are."""
    text = batched(shape, batch, formulas)
    if formulas is not None:
        text += f" · figures{at_sizes(shape, formulas)}"
    return text if batch == 1 else f"{text}{PER_SAMPLE}"


def at_sizes(shape: Shape, formulas: Dims | None) -> str:
    """Return at which sizes of the symbols figures are given: ` at H = 224, W = 224`.

    Empty without symbols: the figures are of the input shown.
    """
    if formulas is None:
        return ""
    from shapecalc.formula import named_sizes

    named = named_sizes(formulas, shape.dims)
    return " at " + ", ".join(f"{name} = {size}" for name, size in named.items())


PER_SAMPLE = " · shapes per sample"  # the rows' shapes are one sample's, their figures the batch's


def caption(model: Model, shape: Shape, batch: int = 1, formulas: Dims | None = None) -> str:
    """Say which model and input a table or drawing shows: `resnet18 · 3@224×224`, with the
    parameters set on the command line and the batch: `resnet18 (num_classes=10) · …`."""
    return f"{model.name}{settings(model)} · {input_text(shape, batch, formulas)}"


def settings(model: Model) -> str:
    """Return the parameters set on the command line, as a caption says them: `(num_classes=10)`.

    Empty when none was: a model built with its defaults is the one its name says.
    """
    given = [f"{item.name}={describe(item.value)}" for item in model.arguments if item.given]
    return f" ({', '.join(given)})" if given else ""


def alike(cells: Sequence[object]) -> str:
    """Show one figure per axis: once when they are all the same (`3`), else `1×3×3`."""
    texts = [str(cell) for cell in cells]
    return texts[0] if len(set(texts)) == 1 else "×".join(texts)
