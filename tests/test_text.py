"""How numbers, fields and strides read in text."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shapecalc.field import POINT, WHOLE, Field, Reach
from shapecalc.formats.text import compact, field, grouped, grouped_each, megabytes, stride


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0"),
        (128, "128"),
        (999, "999"),
        (1000, "1.00K"),
        (9408, "9.41K"),
        (36864, "36.9K"),
        (147968, "148K"),
        (11_689_512, "11.7M"),
        (1_814_073_344, "1.81G"),
        (3 * 10**12, "3.00T"),
    ],
    ids=str,
)
def test_compact(count: int, text: str) -> None:
    assert compact(count) == text


def test_grouped_megabytes_and_spaced_units() -> None:
    assert grouped(11_689_512) == "11,689,512"
    assert megabytes(46_758_048) == "46.76 MB"
    assert compact(1_814_073_344, space=" ") == "1.81 G"


@pytest.mark.parametrize(
    ("value", "field_text", "stride_text"),
    [
        pytest.param(Field((Reach(43, 4), Reach(43, 4)), ()), "43", "4", id="square"),
        pytest.param(Field((Reach(5, 1), Reach(5, 2)), ()), "5", "1×2", id="strides-differ"),
        pytest.param(Field((Reach(7, 2), Reach(9, 4)), ()), "7×9", "2×4", id="non-square"),
        pytest.param(Field((WHOLE, WHOLE), ()), "all", "-", id="whole"),
        pytest.param(Field((Reach(53, 16, False), WHOLE), ()), "≤53×all", "16×-", id="varies"),
        pytest.param(Field((POINT, POINT), ()), "1", "1", id="input"),
        pytest.param(None, "", "", id="no-map"),
    ],
)
def test_field_and_stride(value: Field | None, field_text: str, stride_text: str) -> None:
    assert (field(value), stride(value)) == (field_text, stride_text)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        pytest.param(999_499, "999K", id="rounds-down"),
        pytest.param(999_500, "1.00M", id="carries-into-the-next-unit"),
        pytest.param(999_999, "1.00M", id="carries-not-1000K"),
        pytest.param(99_950, "100K", id="carries-into-a-digit"),
        pytest.param(1_125, "1.12K", id="tie-to-even-down"),
        pytest.param(1_135, "1.14K", id="tie-to-even-up"),
        pytest.param(1_125_001, "1.13M", id="above-a-tie"),
        pytest.param(4 * 10**15, "4.00P", id="peta"),
        pytest.param(5 * 10**18, "5.00E", id="exa"),
        pytest.param(6 * 10**21, "6.00Z", id="zetta"),
        pytest.param(7 * 10**24, "7.00Y", id="yotta"),
        pytest.param(8 * 10**27, "8.00R", id="ronna"),
        pytest.param(999 * 10**30, "999Q", id="quetta"),
        pytest.param(999_500 * 10**27, "1.00e33", id="carries-past-the-prefixes"),
        pytest.param(123_456 * 10**40, "1.23e45", id="scientific"),
        pytest.param(10**320, "1.00e320", id="beyond-a-float"),
        pytest.param(10**1000, "1.00e1000", id="1e1000"),
        pytest.param(2**4000, "1.32e1204", id="2**4000"),
        pytest.param(10**5000 - 1, "1.00e5000", id="beyond-str"),
    ],
)
def test_compact_is_exact(count: int, text: str) -> None:
    assert compact(count) == text


@pytest.mark.parametrize(
    ("count", "text"),
    [
        pytest.param(0, "0.00 MB", id="zero"),
        pytest.param(5_000, "0.00 MB", id="tie-to-even-down"),
        pytest.param(15_000, "0.02 MB", id="tie-to-even-up"),
        pytest.param(5_001, "0.01 MB", id="above-a-tie"),
        pytest.param(999_995_000, "1,000.00 MB", id="carries"),
        pytest.param(9_999_994_999, "9,999.99 MB", id="megabytes-up-to-10-gb"),
        pytest.param(10**10, "10.00 GB", id="then-gigabytes"),
        pytest.param(5_480_000_000_046_760_000, "5.48 EB", id="exabytes"),
        pytest.param(10**30 - 1, "1,000.00 RB", id="just-below-a-quettabyte"),
        pytest.param(10**320 + 5 * 10**27, f"{10**290:,}.00 QB", id="beyond-a-float"),
    ],
)
def test_megabytes_is_exact(count: int, text: str) -> None:
    assert megabytes(count) == text


def test_numbers_beyond_strs_limit_are_written_whole() -> None:
    count = 7 * 10**5001 + 123
    text = grouped(count)
    assert text.startswith("7,000,") and text.endswith(",000,123")
    assert text.replace(",", "") == "7" + "0" * 4998 + "123"
    assert grouped(-count) == "-" + text
    assert grouped_each([1234, count, -count]) == ["1,234", text, "-" + text]
    assert grouped_each([]) == []
    assert megabytes(count).endswith(",000.00 QB")


def _decimal_compact(count: int) -> str:
    """`compact` by the decimal module's rounding and formatting, as an oracle."""
    if count < 1000:
        return str(count)
    rounded = Context(prec=3, rounding=ROUND_HALF_EVEN).plus(Decimal(count))
    exponent = rounded.adjusted()
    if exponent >= 33:
        return f"{rounded:.2e}".replace("e+", "e")
    unit = exponent // 3
    return f"{rounded.scaleb(-3 * unit):.{2 - exponent % 3}f}" + "KMGTPEZYRQ"[unit - 1]


def _decimal_megabytes(count: int) -> str:
    """`megabytes` by the decimal module: MB below 10^10 bytes, then the largest unit of
    which there is at least one, up to QB."""
    units = ["MB", "GB", "TB", "PB", "EB", "ZB", "YB", "RB", "QB"]
    power = 0 if count < 10**10 else max(p for p in range(1, 9) if count >= 10 ** (6 + 3 * p))
    with localcontext(Context(prec=len(str(count)) + 10, rounding=ROUND_HALF_EVEN)):
        return f"{Decimal(count).scaleb(-6 - 3 * power):,.2f} {units[power]}"


def _counts() -> st.SearchStrategy[int]:
    """Counts of every magnitude up to 10^1300, many of them on a tie, a carry or beside one."""
    sizes = st.one_of(st.integers(1, 40), st.integers(1, 1300))  # digits: every unit, and more
    spread = sizes.flatmap(lambda size: st.integers(10 ** (size - 1), 10**size))
    carries = st.builds(lambda size: 10**size - 1, st.integers(3, 1300))
    ties = st.builds(  # halfway between three figures
        lambda figures, exponent: (10 * figures + 5) * 10**exponent,
        st.integers(100, 999),
        sizes,
    )
    cents = st.builds(lambda whole: whole * 10**4 + 5_000, spread)  # halfway between cents
    counts = st.one_of(st.integers(0, 10**7), spread, carries, ties, cents)
    return st.builds(lambda count, step: max(count + step, 0), counts, st.integers(-1, 1))


@settings(max_examples=400)
@given(_counts())
def test_numbers_agree_with_decimal(count: int) -> None:
    assert compact(count) == _decimal_compact(count)
    assert megabytes(count) == _decimal_megabytes(count)
    assert grouped(count) == f"{Decimal(count):,}"
