"""Frozen value classes: the semantics of a frozen, slotted dataclass, made without compiling.

`dataclasses.dataclass` writes each class's `__init__`, `__eq__`, `__hash__`, `__repr__`,
`__setattr__` and `__delattr__` as source text and compiles it, about 0.3 ms a class; for
shapecalc's classes that was a third of its start-up. `frozen` makes the same classes from
shared functions instead, and declares itself a dataclass maker (PEP 681) so type checkers
read them as dataclasses. Values copy, pickle, compare, hash, match and `replace` as
`dataclass(frozen=True, slots=True)` instances do; tests/test_value.py holds them to it.
"""

from __future__ import annotations

import sys
from _thread import get_ident  # built in and loaded at start-up, unlike threading
from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any, TypeVar, overload

T = TypeVar("T")

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - a no-op on Python 3.10, where type checkers still run on 3.11+

    def dataclass_transform(**_: object) -> Callable[[T], T]:
        return lambda function: function


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenError(AttributeError):
    """Raised on assigning to, or deleting, a value's field."""


class Attribute:
    """A declared attribute: its default (MISSING: required) and how it takes part.

    `kw_only` None follows the class.
    """

    __slots__ = ("compare", "default", "init", "kw_only", "metadata", "name", "repr")

    def __init__(
        self,
        *,
        default: Any = MISSING,
        init: bool = True,
        compare: bool = True,
        repr: bool = True,
        kw_only: bool | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = ""
        self.default = default
        self.init = init
        self.compare = compare
        self.repr = repr
        self.kw_only = kw_only
        self.metadata: Mapping[str, Any] = metadata or {}


def attribute(
    *,
    default: Any = MISSING,
    init: bool = True,
    compare: bool = True,
    repr: bool = True,
    kw_only: bool | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Declare an attribute with more than a default, as `dataclasses.field` does."""
    return Attribute(
        default=default, init=init, compare=compare, repr=repr, kw_only=kw_only, metadata=metadata
    )


def attributes(kind: type) -> tuple[Attribute, ...]:
    """Return a value class's attributes in order, inherited first."""
    found: tuple[Attribute, ...] = kind.__value_attributes__  # type: ignore[attr-defined]
    return found


def replace(value: T, /, **changes: Any) -> T:
    """Return a new value with `changes` to its fields, as `dataclasses.replace` does.

    A field that is not an argument raises ValueError, a name that is no field TypeError;
    `__post_init__` runs on the new value.
    """
    every: tuple[Attribute, ...] | None = getattr(type(value), "__value_attributes__", None)
    if every is None:
        raise TypeError("replace() should be called on value instances")
    for declared in every:
        if not declared.init:
            if declared.name in changes:
                raise ValueError(
                    f"field {declared.name} is declared with init=False, "
                    "it cannot be specified with replace()"
                )
        elif declared.name not in changes:
            changes[declared.name] = getattr(value, declared.name)
    made: T = value.__class__(**changes)
    return made


@overload
def frozen(kind: type[T], /) -> type[T]: ...


@overload
def frozen(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(attribute,))
def frozen(kind: type[T] | None = None, /, *, kw_only: bool = False) -> Any:
    """Make a class a frozen, slotted value compared by its fields, like a frozen dataclass.

    With `kw_only`, every field the class itself declares is passed by keyword.
    """

    def make(kind: type[T]) -> type[T]:
        return _make(kind, kw_only=kw_only)

    return make if kind is None else make(kind)


def _make(kind: type[T], *, kw_only: bool) -> type[T]:
    own = _own_attributes(kind, kw_only=kw_only)
    every = _every_attribute(kind, own)
    _check_defaults(every)
    inherited = {name for base in kind.__mro__[1:-1] for name in _slots(base)}
    slots = tuple(f.name for f in own if f.name not in inherited)
    skipped = {"__dict__", "__weakref__", *(f.name for f in own)}  # defaults live in attributes
    written = {name: item for name, item in kind.__dict__.items() if name not in skipped}
    if written.get("__hash__", MISSING) is None and "__eq__" in written:
        del written["__hash__"]  # Python's, for a class that writes __eq__: dataclasses hash
    # Methods the class body writes itself win, as with dataclasses.
    namespace = {**_methods(every), **written}
    namespace["__slots__"] = slots
    namespace["__value_attributes__"] = every
    maker: Callable[..., type[T]] = type(kind)
    made = maker(kind.__name__, kind.__bases__, namespace)
    made.__qualname__ = kind.__qualname__
    setters = tuple(getattr(made, f.name).__set__ for f in every)
    type.__setattr__(made, "__value_setters__", setters)
    if "__init__" not in kind.__dict__:
        setattr(made, "__init__", _deferred(made, every))  # noqa: B010
    return made


def _own_attributes(kind: type, *, kw_only: bool) -> list[Attribute]:
    """Return the attributes annotated in the class body itself; ClassVars are not."""
    own = []
    # Not inspect.get_annotations: importing inspect costs more than all of this module.
    annotations = kind.__dict__.get("__annotations__", {})  # noqa: RUF063
    for name, annotation in annotations.items():
        if str(annotation).startswith(("ClassVar", "typing.ClassVar")):
            continue
        given = kind.__dict__.get(name, MISSING)
        declared = given if isinstance(given, Attribute) else Attribute(default=given)
        declared.name = name
        if declared.kw_only is None:
            declared.kw_only = kw_only
        own.append(declared)
    return own


def _every_attribute(kind: type, own: list[Attribute]) -> tuple[Attribute, ...]:
    """Return the value bases' attributes, farthest first, then the class's own.

    One declared again keeps its place and takes the new declaration, as in dataclasses.
    """
    inherited = getattr(kind, "__value_attributes__", ())  # one base's: all its bases' too
    if len(kind.__bases__) > 1:
        inherited = [
            f for base in kind.__mro__[-1:0:-1] for f in getattr(base, "__value_attributes__", ())
        ]
    found = {f.name: f for f in (*inherited, *own)}
    return tuple(found.values())


def _check_defaults(every: tuple[Attribute, ...]) -> None:
    """Refuse a required positional argument after one with a default, as dataclasses do."""
    seen_default = False
    for declared in every:
        if not declared.init or declared.kw_only:
            continue
        if declared.default is not MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {declared.name!r} follows default argument")


def _slots(kind: type) -> tuple[str, ...]:
    slots = kind.__dict__.get("__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)


def _methods(every: tuple[Attribute, ...]) -> dict[str, object]:
    """Return the methods a frozen, slotted dataclass would have for these attributes."""
    shown = tuple(f.name for f in every if f.repr)
    running: set[tuple[int, int]] = set()

    def __repr__(self: object) -> str:  # noqa: N807
        key = id(self), get_ident()
        if key in running:  # a value inside itself, through a mutable field
            return "..."
        running.add(key)
        try:
            inside = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        finally:
            running.discard(key)
        return f"{type(self).__qualname__}({inside})"

    return {
        **_comparisons([f.name for f in every if f.compare]),
        "__repr__": __repr__,
        "__setattr__": _refuse_assignment,
        "__delattr__": _refuse_deletion,
        "__getstate__": _getstate,
        "__setstate__": _setstate,
        "__replace__": replace,
        "__match_args__": tuple(f.name for f in every if f.init and not f.kw_only),
    }


def _comparisons(compared: list[str]) -> dict[str, Callable[..., object]]:
    """Return `__eq__` and `__hash__` by the tuple of the compared fields, as dataclasses."""
    if len(compared) == 1:
        return _one_comparison(attrgetter(compared[0]))
    key: Callable[[object], object] = attrgetter(*compared) if compared else _nothing

    def __eq__(self: object, other: object) -> bool:  # noqa: N807
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: object) -> int:  # noqa: N807
        return hash(key(self))

    return {"__eq__": __eq__, "__hash__": __hash__}


def _one_comparison(get: Callable[[object], object]) -> dict[str, Callable[..., object]]:
    """Return `__eq__` and `__hash__` by a 1-tuple: attrgetter of one name gives the bare value."""

    def __eq__(self: object, other: object) -> bool:  # noqa: N807
        if other.__class__ is self.__class__:
            mine, theirs = get(self), get(other)
            # What (mine,) == (theirs,) gives, without making the tuples.
            return mine is theirs or not not mine == theirs  # noqa: SIM208
        return NotImplemented

    def __hash__(self: object) -> int:  # noqa: N807
        return hash((get(self),))

    return {"__eq__": __eq__, "__hash__": __hash__}


def _nothing(_: object) -> tuple[()]:
    return ()


def _refuse_assignment(self: object, name: str, _: object) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _refuse_deletion(self: object, name: str) -> None:
    raise FrozenError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


def _getstate(self: object) -> list[object]:
    """Return every field's value, for pickle and copy."""
    return [getattr(self, f.name) for f in attributes(type(self))]


def _setstate(self: object, state: list[object]) -> None:
    """Restore fields from `_getstate`, past the refusal to assign.

    Through each slot's own setter, found once per class: a cached model is a few thousand
    values, and `object.__setattr__` looks every name up again.
    """
    setters: tuple[Callable[[object, object], None], ...] = type(self).__value_setters__  # type: ignore[attr-defined]
    for assign, item in zip(setters, state):  # noqa: B905
        assign(self, item)


def _deferred(kind: type, every: tuple[Attribute, ...]) -> Callable[..., None]:
    """Return an `__init__` that makes the real one on the first call, then gives way to it.

    Most value classes are never instantiated in a run (a spec names a few of the layer
    kinds): they never pay for making their initializer.
    """

    def __init__(self: object, *args: object, **kwargs: object) -> None:  # noqa: N807
        made = _initializer(kind, every)
        type.__setattr__(kind, "__init__", made)
        made(self, *args, **kwargs)

    return __init__


def _initializer(kind: type, every: tuple[Attribute, ...]) -> Callable[..., None]:
    """Return an `__init__` that sets each attribute through its slot.

    Most classes take their attributes by position alone; theirs does nothing else, as
    values are made by the hundred thousand.
    """
    taken = tuple(f for f in every if f.init)
    positional = len([f for f in taken if not f.kw_only])
    if positional < len(taken):  # positional arguments first: the order fields are set in
        taken = (*(f for f in taken if not f.kw_only), *(f for f in taken if f.kw_only))
    slots: tuple[Callable[[object, object], None], ...] = kind.__value_setters__  # type: ignore[attr-defined]
    setter = dict(zip((f.name for f in every), slots, strict=True))
    setters = tuple(setter[f.name] for f in taken)
    fixed = tuple(
        (setter[f.name], f.default)
        for f in every
        if not f.init and f.default is not MISSING  # else left unset, as dataclasses do
    )
    post_init = getattr(kind, "__post_init__", None)
    count = positional if positional == len(taken) else -1
    # The defaults of the last fields, which a call by position may leave out: Shape(dims).
    trailing: tuple[object, ...] = ()
    for f in reversed(taken[:count] if count >= 0 else ()):
        if f.default is MISSING:
            break
        trailing = (f.default, *trailing)
    fewest = count - len(trailing)

    def plain(self: object, *args: object, **kwargs: object) -> None:
        if kwargs or len(args) != count:
            if not kwargs and fewest <= len(args) < count:
                args = (*args, *trailing[len(args) - fewest :])
            else:
                args = _bind(kind, taken, positional, args, kwargs)
        # As many of each, bound above; strict= is a keyword argument, which slows zip.
        for assign, item in zip(setters, args):  # noqa: B905
            assign(self, item)

    def full(self: object, *args: object, **kwargs: object) -> None:
        plain(self, *args, **kwargs)
        for assign, item in fixed:
            assign(self, item)
        if post_init is not None:
            post_init(self)

    return full if fixed or post_init is not None else plain


def _bind(
    kind: type,
    taken: tuple[Attribute, ...],
    positional: int,
    args: tuple[object, ...],
    kwargs: dict[str, object],
) -> tuple[object, ...]:
    """Match arguments to fields, raising TypeError as a generated __init__ would.

    The first `positional` fields may be given by position, the rest by keyword only.
    """
    name = f"{kind.__qualname__}.__init__()"
    if len(args) > positional:
        raise TypeError(f"{name} takes {positional} positional arguments")
    for declared in taken[: len(args)]:
        if declared.name in kwargs:
            raise TypeError(f"{name} got multiple values for argument '{declared.name}'")
    bound = list(args)
    for declared in taken[len(args) :]:
        if declared.name in kwargs:
            bound.append(kwargs.pop(declared.name))
        elif declared.default is not MISSING:
            bound.append(declared.default)
        else:
            raise TypeError(f"{name} missing required argument '{declared.name}'")
    for extra in kwargs:
        raise TypeError(f"{name} got an unexpected keyword argument '{extra}'")
    return tuple(bound)
