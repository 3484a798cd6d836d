"""What every layer kind shares: declared arguments, construction from a spec, shape checks."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Protocol, TypeVar

from shapecalc.arith import Window
from shapecalc.errors import LayerError, did_you_mean, quote
from shapecalc.field import Field
from shapecalc.layers.args import Convert, Value
from shapecalc.shape import Shape
from shapecalc.value import MISSING, Attribute, attribute, attributes

L = TypeVar("L", bound="Layer")


class Layer(Protocol):
    """A PyTorch layer with its constructor arguments: its class name is its type."""

    def check(self) -> None:
        """Raise LayerError for arguments PyTorch rejects whatever the input."""

    def output(self, shape: Shape) -> Shape:
        """Return the output shape for one input sample, or raise LayerError."""
        ...

    def params(self, before: Shape) -> int:
        """Count parameters as `module.parameters()` does, for input shape `before`."""
        ...

    def macs(self, before: Shape, after: Shape) -> int:
        """Count multiply-accumulates for one sample: convolutions and linear layers only."""
        ...

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        """Return the receptive field of the output, given the input's."""
        ...

    def windows(self) -> tuple[Window, Window] | None:
        """Return the H and W sliding windows of a convolution or pool, else None."""
        ...


def arg(convert: Convert[Any], default: Any = MISSING) -> Any:
    """Declare a constructor argument, converted from the spec by `convert`."""
    return attribute(default=default, metadata={"convert": convert})


class Base:
    """Default behaviour for layer value classes."""

    __slots__ = ()

    def check(self) -> None:
        return None

    def params(self, before: Shape) -> int:
        return 0

    def macs(self, before: Shape, after: Shape) -> int:
        return 0

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field

    def windows(self) -> tuple[Window, Window] | None:
        return None


def build(kind: type[L], given: Mapping[str, Value]) -> L:
    """Construct `kind` from the spec's arguments, converting and checking each.

    Layers are immutable, so equal arguments share one layer: a block repeated a thousand
    times builds each of its layers once.
    """
    key = (kind, tuple((name, _typed(value)) for name, value in given.items()))
    layer = _built.get(key)
    if layer is None:
        layer = _built[key] = _build(kind, given)
    return layer  # type: ignore[return-value]


_built: dict[tuple[type, tuple[tuple[str, object], ...]], Layer] = {}


def _typed(value: Value) -> object:
    """Key a value by its type too: true and 1 are equal in Python, not as arguments."""
    if isinstance(value, tuple):
        return tuple(_typed(item) for item in value)
    return type(value), value


def _build(kind: type[L], given: Mapping[str, Value]) -> L:
    fields = _fields(kind)
    kwargs: dict[str, Any] = {}
    for name, value in given.items():
        field = fields.get(name)
        if field is None:
            hint = did_you_mean(name, fields)
            raise LayerError(
                f"{kind.__name__} has no argument {quote(name)}{hint}", arg=name, unknown=True
            )
        try:
            kwargs[name] = field.metadata["convert"](value)
        except ValueError as error:
            raise LayerError(f"{name}: {error}", arg=name) from None
    missing = [name for name, field in fields.items() if _required(field) and name not in given]
    if missing:
        names = ", ".join(missing)
        raise LayerError(f"{kind.__name__} needs {names}")
    layer = kind(**kwargs)
    layer.check()
    return layer


@cache
def _fields(kind: type) -> dict[str, Attribute]:
    """Return a layer kind's arguments by name."""
    return {field.name: field for field in attributes(kind) if field.init}


def _required(field: Attribute) -> bool:
    return field.default is MISSING


def require_map(shape: Shape, kind: str) -> tuple[int, int, int]:
    """Return C, H, W of a feature map, or raise: `kind` takes only maps."""
    if not shape.is_map:
        raise LayerError(f"{kind} needs a C×H×W input, got {shape}")
    channels, height, width = shape.dims
    return channels, height, width


def check_stated(
    stated: int | None,
    actual: int,
    *,
    arg_name: str,
    shape: Shape,
    what: str = "C",
    hint: str = "",
) -> None:
    """Raise when the spec states a size that the incoming shape contradicts.

    `what` names the input's size the statement is about, as in `(C = 64)`.
    """
    if stated is not None and stated != actual:
        raise LayerError(
            f"{arg_name} is {stated} but the input is {shape} ({what} = {actual}){hint}",
            arg=arg_name,
        )
