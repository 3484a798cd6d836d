"""Value classes: frozen, slotted, compared by their attributes, as frozen dataclasses are."""

from __future__ import annotations

from typing import Any

import pytest

from shapecalc.value import FrozenError, attribute, attributes, frozen


@frozen
class Point:
    x: int
    y: int = 0


@frozen
class Labelled(Point):
    label: str = ""
    note: str = attribute(default="", compare=False, repr=False)


@frozen(kw_only=True)
class Options:
    size: int
    scale: int = 1
    doubled: int = attribute(init=False, compare=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "doubled", self.size * 2)


def test_made_by_position_or_keyword_with_defaults() -> None:
    assert (Point(1, 2).x, Point(1, 2).y) == (1, 2)
    assert Point(y=5, x=3) == Point(3, 5)
    assert Point(4).y == 0


def test_compared_and_hashed_by_attributes_and_class() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert len({Point(1, 2), Point(1, 2), Point(1, 3)}) == 2
    # Equal attributes of another class are not equal, as with dataclasses.
    assert Labelled(1, 2) != Point(1, 2)
    assert Point(1, 2).__eq__((1, 2)) is NotImplemented


def test_attributes_left_out_of_comparison_and_repr() -> None:
    assert Labelled(1, 2, "a", note="x") == Labelled(1, 2, "a", note="y")
    assert repr(Labelled(1, 2, "a", note="x")) == "Labelled(x=1, y=2, label='a')"


def test_repr_names_every_attribute() -> None:
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: setattr(p, "x", 5), id="assign"),
        pytest.param(lambda p: delattr(p, "x"), id="delete"),
        pytest.param(lambda p: setattr(p, "z", 1), id="new-attribute"),
    ],
)
def test_frozen(change: object) -> None:
    point = Point(1, 2)
    with pytest.raises(FrozenError):
        change(point)  # type: ignore[operator]
    assert point == Point(1, 2)


def test_slotted_inheritance_adds_attributes_after_the_base() -> None:
    assert [item.name for item in attributes(Labelled)] == ["x", "y", "label", "note"]
    assert vars(Labelled)["__slots__"] == ("label", "note")
    assert not hasattr(Labelled(1), "__dict__")


def test_keyword_only_and_post_init() -> None:
    options = Options(size=3)
    assert (options.scale, options.doubled) == (1, 6)
    assert options == Options(size=3, scale=1)
    assert "doubled" not in [item.name for item in attributes(Options) if item.init]


# mypy refuses these calls, which shows it reads the classes as dataclasses; run, they raise.
LOOSE_POINT: Any = Point
LOOSE_OPTIONS: Any = Options


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(LOOSE_POINT, "missing required argument 'x'", id="missing"),
        pytest.param(lambda: LOOSE_POINT(1, 2, 3), "takes 2 positional arguments", id="too-many"),
        pytest.param(lambda: LOOSE_POINT(1, z=2), "unexpected keyword argument 'z'", id="unknown"),
        pytest.param(lambda: LOOSE_POINT(1, x=2), "multiple values for argument 'x'", id="twice"),
        pytest.param(lambda: LOOSE_OPTIONS(3), "takes 0 positional arguments", id="keyword-only"),
        pytest.param(lambda: LOOSE_OPTIONS(size=1, doubled=2), "unexpected keyword", id="not-init"),
    ],
)
def test_wrong_arguments_raise_type_error(make: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        make()  # type: ignore[operator]
