"""Frozen value classes: the semantics of a frozen, slotted dataclass, made without compiling.

`dataclasses.dataclass` writes each class's `__init__`, `__eq__`, `__hash__`, `__repr__`,
`__setattr__` and `__delattr__` as source text and compiles it, about 0.3 ms a class; for
shapecalc's classes that was a third of its start-up. `frozen` makes the same classes from
shared functions instead, and declares itself a dataclass maker (PEP 681) so type checkers
read them as dataclasses.
"""

from __future__ import annotations

import sys
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
    """A declared attribute: its default (MISSING: required) and how it takes part."""

    __slots__ = ("compare", "default", "init", "metadata", "name", "repr")

    def __init__(
        self,
        *,
        default: Any = MISSING,
        init: bool = True,
        compare: bool = True,
        repr: bool = True,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = ""
        self.default = default
        self.init = init
        self.compare = compare
        self.repr = repr
        self.metadata: Mapping[str, Any] = metadata or {}


def attribute(
    *,
    default: Any = MISSING,
    init: bool = True,
    compare: bool = True,
    repr: bool = True,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Declare an attribute with more than a default, as `dataclasses.field` does."""
    return Attribute(default=default, init=init, compare=compare, repr=repr, metadata=metadata)


def attributes(kind: type) -> tuple[Attribute, ...]:
    """Return a value class's attributes in order, inherited first."""
    found: tuple[Attribute, ...] = kind.__value_attributes__  # type: ignore[attr-defined]
    return found


@overload
def frozen(kind: type[T], /) -> type[T]: ...


@overload
def frozen(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(attribute,))
def frozen(kind: type[T] | None = None, /, *, kw_only: bool = False) -> Any:
    """Make a class a frozen, slotted value compared by its fields, like a frozen dataclass.

    With `kw_only`, every field is passed by keyword.
    """

    def make(kind: type[T]) -> type[T]:
        return _make(kind, kw_only=kw_only)

    return make if kind is None else make(kind)


def _make(kind: type[T], *, kw_only: bool) -> type[T]:
    own = _own_attributes(kind)
    every = (*getattr(kind, "__value_attributes__", ()), *own)  # the nearest value base's
    slots = tuple(f.name for f in own)
    skipped = {"__dict__", "__weakref__", *slots}  # defaults live in the attributes
    # Methods the class body writes itself win, as with dataclasses.
    namespace = _methods(every)
    namespace.update((name, item) for name, item in kind.__dict__.items() if name not in skipped)
    namespace["__slots__"] = slots
    namespace["__value_attributes__"] = every
    maker: Callable[..., type[T]] = type(kind)
    made = maker(kind.__name__, kind.__bases__, namespace)
    made.__qualname__ = kind.__qualname__
    if "__init__" not in kind.__dict__:
        setattr(made, "__init__", _initializer(made, every, kw_only=kw_only))  # noqa: B010
    return made


def _own_attributes(kind: type) -> list[Attribute]:
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
        own.append(declared)
    return own


def _methods(every: tuple[Attribute, ...]) -> dict[str, object]:
    """Return equality, hashing and repr by the attributes, and refusals to change them."""
    compared = [f.name for f in every if f.compare]
    key: Callable[[object], object] = attrgetter(*compared) if compared else _nothing
    shown = tuple(f.name for f in every if f.repr)

    def __eq__(self: object, other: object) -> bool:  # noqa: N807
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self: object) -> int:  # noqa: N807
        return hash(key(self))

    def __repr__(self: object) -> str:  # noqa: N807
        inside = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({inside})"

    return {
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__repr__": __repr__,
        "__setattr__": _refuse,
        "__delattr__": _refuse,
    }


def _nothing(_: object) -> tuple[()]:
    return ()


def _refuse(self: object, name: str, *_: object) -> None:
    raise FrozenError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


def _initializer(kind: type, every: tuple[Attribute, ...], *, kw_only: bool) -> Callable[..., None]:
    """Return an `__init__` that sets each attribute through its slot.

    Most classes take their attributes by position alone; theirs does nothing else, as
    values are made by the hundred thousand.
    """
    taken = tuple(f for f in every if f.init)
    setters = tuple(getattr(kind, f.name).__set__ for f in taken)
    fixed = tuple((getattr(kind, f.name).__set__, f.default) for f in every if not f.init)
    post_init = getattr(kind, "__post_init__", None)
    count = -1 if kw_only else len(taken)

    def plain(self: object, *args: object, **kwargs: object) -> None:
        if kwargs or len(args) != count:
            args = _bind(kind, taken, args, kwargs, kw_only=kw_only)
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
    args: tuple[object, ...],
    kwargs: dict[str, object],
    *,
    kw_only: bool,
) -> tuple[object, ...]:
    """Match arguments to fields in order, raising TypeError as a generated __init__ would."""
    name = f"{kind.__qualname__}.__init__()"
    if len(args) > (0 if kw_only else len(taken)):
        raise TypeError(f"{name} takes {0 if kw_only else len(taken)} positional arguments")
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
