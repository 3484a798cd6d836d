"""How numbers, fields and strides read in text."""

from __future__ import annotations

import pytest

from shapecalc.field import POINT, WHOLE, Field, Reach
from shapecalc.formats.text import compact, field, grouped, megabytes, stride


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
        pytest.param(Field(Reach(43, 4), Reach(43, 4), ()), "43", "4", id="square"),
        pytest.param(Field(Reach(5, 1), Reach(5, 2), ()), "5", "1×2", id="strides-differ"),
        pytest.param(Field(Reach(7, 2), Reach(9, 4), ()), "7×9", "2×4", id="non-square"),
        pytest.param(Field(WHOLE, WHOLE, ()), "all", "-", id="whole"),
        pytest.param(Field(Reach(53, 16, False), WHOLE, ()), "≤53×all", "16×-", id="varies"),
        pytest.param(Field(POINT, POINT, ()), "1", "1", id="input"),
        pytest.param(None, "", "", id="no-map"),
    ],
)
def test_field_and_stride(value: Field | None, field_text: str, stride_text: str) -> None:
    assert (field(value), stride(value)) == (field_text, stride_text)
