"""Value classes: frozen, slotted, compared by their attributes, as frozen dataclasses are."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import pickle
import sys
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import shapecalc
from shapecalc.arith import Window
from shapecalc.engine import Result
from shapecalc.shape import Shape
from shapecalc.value import MISSING, FrozenError, attribute, attributes, frozen, replace


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


# Behaviour a frozen, slotted dataclass has, value by value.

NAN = float("nan")  # one object: equal to itself inside a tuple, as in a dataclass's __eq__


@frozen
class One:
    item: object


@frozen
class Box:
    items: list[object]


def test_one_compared_field_compares_and_hashes_as_a_tuple() -> None:
    assert hash(One(5)) == hash((5,))
    assert One(NAN) == One(NAN)
    assert One(float("nan")) != One(float("nan"))


def test_recursive_repr_shows_an_ellipsis() -> None:
    box = Box([])
    box.items.append(box)
    assert repr(box) == "Box(items=[...])"


def test_match_args_are_the_positional_arguments() -> None:
    assert (Point.__match_args__, Labelled.__match_args__) == (
        ("x", "y"),
        ("x", "y", "label", "note"),
    )
    assert Options.__match_args__ == ()


@pytest.mark.parametrize(
    ("before", "changes", "after"),
    [
        pytest.param(Point(1, 2), {"y": 5}, Point(1, 5), id="one"),
        pytest.param(Point(1, 2), {}, Point(1, 2), id="none"),
        pytest.param(Options(size=3), {"size": 4}, Options(size=4), id="post-init"),
    ],
)
def test_replace_makes_a_new_value(before: Any, changes: dict[str, int], after: Any) -> None:
    assert replace(before, **changes) == after
    assert before.__replace__(**changes) == after  # what copy.replace calls on Python 3.13
    if isinstance(after, Options):
        assert replace(before, **changes).doubled == after.size * 2


@pytest.mark.parametrize(
    ("value", "changes", "error"),
    [
        pytest.param(Options(size=3), {"doubled": 1}, ValueError, id="init-false"),
        pytest.param(Point(1, 2), {"z": 1}, TypeError, id="unknown"),
        pytest.param((1, 2), {}, TypeError, id="not-a-value"),
        pytest.param(Point, {}, TypeError, id="a-class"),
    ],
)
def test_replace_refuses(value: object, changes: dict[str, int], error: type) -> None:
    with pytest.raises(error):
        replace(value, **changes)


def test_keyword_only_is_per_class_in_a_hierarchy() -> None:
    @frozen(kw_only=True)
    class Base:
        a: int = 0

    @frozen
    class Child(Base):
        b: int

    loose: Any = Child
    assert (loose(2).b, loose(2, a=1).a, Child.__match_args__) == (2, 1, ("b",))
    with pytest.raises(TypeError):
        loose(1, 2)


def test_keyword_only_is_per_attribute_too() -> None:
    @frozen
    class Mixed:
        a: int
        b: int = attribute(kw_only=True)

    loose: Any = Mixed
    assert (Mixed(1, b=2).b, Mixed.__match_args__) == (2, ("a",))
    with pytest.raises(TypeError):
        loose(1, 2)


def test_not_an_argument_and_no_default_is_left_unset() -> None:
    @frozen
    class Lazy:
        x: int = attribute(init=False)

    with pytest.raises(AttributeError):
        _ = Lazy().x


def test_required_argument_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):

        @frozen
        class Late:
            a: int = 0
            b: int  # type: ignore[misc]


def test_a_class_that_writes_eq_keeps_the_fields_hash() -> None:
    @frozen
    class Written:  # noqa: PLW1641 - frozen gives it the fields' hash
        x: int

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Written)

    assert Written(1) == Written(2)
    assert hash(Written(1)) == hash((1,))


# The same class made both ways, on generated definitions and arguments.

NAMES = ("a", "b", "c", "d")
DEFAULTS = st.one_of(st.integers(-2, 2), st.sampled_from(["", "x"]), st.none(), st.just(NAN))
VALUES = DEFAULTS | st.lists(st.integers(0, 2), max_size=2)  # lists: unhashable, deep-copied
MOSTLY = st.sampled_from([True, True, True, False])
COUNTER = itertools.count()


class Declared(NamedTuple):
    name: str
    default: object  # MISSING: required
    init: bool
    compare: bool
    repr: bool


class Spec(NamedTuple):
    fields: tuple[Declared, ...]
    kw_only: bool


class Flavour(NamedTuple):
    prefix: str
    make: Callable[[type, bool], type]
    option: Callable[..., object]
    replace: Callable[..., object]
    names: Callable[[type], list[str]]


OURS = Flavour(
    "Value",
    lambda kind, kw_only: frozen(kw_only=kw_only)(kind),
    attribute,
    replace,
    lambda kind: [item.name for item in attributes(kind)],
)
THEIRS = Flavour(
    "Data",
    lambda kind, kw_only: dataclasses.dataclass(frozen=True, slots=True, kw_only=kw_only)(kind),
    dataclasses.field,
    dataclasses.replace,
    lambda kind: [item.name for item in dataclasses.fields(kind)],
)


Call = tuple[tuple[Any, ...], dict[str, Any]]


class Raised(NamedTuple):
    error: type


@st.composite
def declared(draw: st.DrawFn, name: str) -> Declared:
    init = draw(MOSTLY)
    default = draw(DEFAULTS if not init else st.just(MISSING) | DEFAULTS)
    return Declared(name, default, init, draw(MOSTLY), draw(MOSTLY))


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    fields = [draw(declared(name)) for name in draw(st.lists(st.sampled_from(NAMES), unique=True))]
    kw_only = draw(st.booleans())
    if not kw_only:
        fields.sort(key=lambda field: field.default is not MISSING)  # required ones first
    return Spec(tuple(fields), kw_only)


def build(flavour: Flavour, spec: Spec, base: type | None) -> type:
    """Make the class `spec` describes, where pickle finds it: in this module, by name."""
    name = f"{flavour.prefix}{next(COUNTER)}"
    namespace: dict[str, object] = {"__module__": __name__, "__qualname__": name}
    namespace["__annotations__"] = {field.name: "object" for field in spec.fields}
    for field in spec.fields:
        given = {} if field.default is MISSING else {"default": field.default}
        if not (field.init and field.compare and field.repr):
            namespace[field.name] = flavour.option(
                init=field.init, compare=field.compare, repr=field.repr, **given
            )
        elif given:
            namespace[field.name] = field.default
    kind = flavour.make(type(name, () if base is None else (base,), namespace), spec.kw_only)
    setattr(sys.modules[__name__], name, kind)
    return kind


def attempt(action: Callable[[], object]) -> object:
    """Return what `action` returns, or the kind of error it raises."""
    try:
        return action()
    except Exception as error:
        kinds = (TypeError, ValueError, AttributeError)
        return Raised(next((kind for kind in kinds if isinstance(error, kind)), type(error)))


@st.composite
def calls(draw: st.DrawFn, kind: Any) -> Call:
    """Draw arguments for the dataclass `kind`: mostly right, at times one too many or a
    name twice, missing or unknown."""
    positional = kind.__match_args__
    count = draw(st.integers(0, len(positional))) + (draw(st.integers(0, 7)) == 0)
    args = tuple(draw(VALUES) for _ in range(count))
    rest = [f.name for f in dataclasses.fields(kind) if f.init and f.name not in positional[:count]]
    kwargs = {name: draw(VALUES) for name in rest if draw(MOSTLY)}
    if draw(st.integers(0, 7)) == 0:
        kwargs[draw(st.sampled_from([*NAMES, "z"]))] = draw(VALUES)
    return args, kwargs


def observe(
    flavour: Flavour,
    flavour_kind: type,
    given: list[Call],
    changes: dict[str, Any],
) -> list[object]:
    """Return what can be seen of `kind`'s values, the same for either flavour."""
    kind: Any = flavour_kind
    names = flavour.names(kind)

    def shown(value: object) -> object:
        if not isinstance(value, kind):
            return value
        return type(value) is kind, [repr(getattr(value, name, "<unset>")) for name in names]

    made = [attempt(partial(kind, *args, **kwargs)) for args, kwargs in given]
    seen: list[object] = [names, kind.__match_args__, vars(kind)["__slots__"], *map(shown, made)]
    first, second = made
    if isinstance(first, Raised):
        return seen
    again = kind(*given[0][0], **given[0][1])
    seen += [first == again, first != again, first == second, first != second, first == names]
    seen += [attempt(lambda: hash(first)), attempt(lambda: hash(first) == hash(again))]
    seen += [repr(first).replace(kind.__qualname__, "C"), hasattr(first, "__dict__")]
    protocols = range(pickle.HIGHEST_PROTOCOL + 1)
    copiers: list[Callable[[object], object]] = [copy.copy, copy.deepcopy]
    for copier in [*copiers, *map(pickled, protocols)]:
        duplicate = copier(first)
        same = [getattr(duplicate, name) is getattr(first, name) for name in names]
        seen += [shown(duplicate), duplicate == first, same]
    seen.append(attempt(lambda: shown(flavour.replace(first, **changes))))
    # Fields only: Python 3.11's slotted dataclasses raise TypeError for other names.
    for name in names:
        seen += [attempt(partial(setattr, first, name, 0)), attempt(partial(delattr, first, name))]
    return [*seen, shown(first)]


def pickled(protocol: int) -> Callable[[object], object]:
    """Return a round trip through pickle at `protocol`."""
    return lambda value: pickle.loads(pickle.dumps(value, protocol))


def hierarchy(flavour: Flavour, base: Spec | None, spec: Spec) -> Any:
    """Make `spec`'s class, under `base`'s if any, or return the error that refused either."""
    parent = None if base is None else attempt(lambda: build(flavour, base, None))
    if isinstance(parent, Raised):
        return parent
    return attempt(lambda: build(flavour, spec, parent))  # type: ignore[arg-type]


@settings(max_examples=150)
@given(base=st.none() | specs(), spec=specs(), data=st.data())
def test_behaves_as_a_frozen_slotted_dataclass(
    base: Spec | None, spec: Spec, data: st.DataObject
) -> None:
    made = {flavour: hierarchy(flavour, base, spec) for flavour in (OURS, THEIRS)}
    assert isinstance(made[OURS], Raised) == isinstance(made[THEIRS], Raised)
    if isinstance(made[THEIRS], Raised):
        assert made[OURS] == made[THEIRS]
        return
    given = [data.draw(calls(made[THEIRS])) for _ in range(2)]
    changes = data.draw(st.dictionaries(st.sampled_from([*NAMES, "z"]), VALUES, max_size=2))
    assert observe(OURS, made[OURS], given, changes) == observe(
        THEIRS, made[THEIRS], given, changes
    )


# shapecalc's own values.


@pytest.fixture(scope="module")
def result() -> Result:
    return shapecalc.infer("resnet18", 224)


@pytest.mark.parametrize(
    "part",
    [
        pytest.param(lambda result: result, id="result"),
        pytest.param(lambda result: result.model, id="model"),
        pytest.param(lambda result: result.input, id="shape"),
        pytest.param(lambda result: result.rows[0], id="row"),
    ],
)
def test_real_values_copy_and_pickle(result: Result, part: Callable[[Result], object]) -> None:
    value = part(result)
    assert copy.copy(value) == value
    assert copy.deepcopy(value) == value
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(value, protocol)) == value


def test_real_values_match_by_position_and_replace() -> None:
    match Shape((3, 224, 224)):
        case Shape((channels, height, width)):
            assert (channels, height, width) == (3, 224, 224)
        case _:
            pytest.fail("a Shape did not match by position")
    match Window(3, 2, 1):
        case Window(kernel, stride, padding, dilation):
            assert (kernel, stride, padding, dilation) == (3, 2, 1, 1)
        case _:
            pytest.fail("a Window did not match by position")
    assert replace(Shape((3, 224, 224)), dims=(1, 2, 3)) == Shape((1, 2, 3))
