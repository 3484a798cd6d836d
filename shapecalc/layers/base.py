"""What every layer kind shares: declared arguments, construction from a spec, shape checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from shapecalc.arith import Axis
from shapecalc.errors import LayerError, did_you_mean, quote
from shapecalc.field import Field
from shapecalc.layers.args import Convert, Value
from shapecalc.shape import Shape
from shapecalc.value import MISSING, Attribute, attribute, attributes

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims, Formula

L = TypeVar("L", bound="Layer")


class Layer(Protocol):
    """A PyTorch layer with its constructor arguments: its class name is its type.

    `FROM_INPUT` is False for a layer whose output does not come from its input (a buffer):
    a batch has one of it, not one a sample.
    """

    FROM_INPUT: ClassVar[bool]
    COUNTED_APART: ClassVar[bool]  # whether attention_macs or FROM_INPUT are not Base's

    def check(self) -> None:
        """Raise LayerError for arguments PyTorch rejects whatever the input."""

    def output(self, shape: Shape) -> Shape:
        """Return the output shape for one input sample, or raise LayerError."""
        ...

    def params(self, before: Shape) -> int:
        """Count parameters as `module.parameters()` does, for input shape `before`."""
        ...

    def fixed_params(self) -> int | None:
        """Count parameters without an input, for a layer that never runs; None if it needs one."""
        ...

    def macs(self, before: Shape, after: Shape) -> int:
        """Count multiply-accumulates for one sample: convolutions and linear layers only."""
        ...

    def attention_macs(self, before: Shape, after: Shape) -> int:
        """Count the part of `macs` in attention's matrix products: the scores (Q·Kᵀ) and the
        weighted values (attention·V)."""
        ...

    def field(self, field: Field, before: Shape, after: Shape) -> Field | None:
        """Return the receptive field of the output, given the input's; None if the output
        depends on no input (a buffer's)."""
        ...

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        """Say what the layer does to each spatial axis of `before`, a map; None for none.

        None is for layers that do not work on a map's spatial axes as such (Linear,
        Flatten); a tuple has one entry per axis, None for an axis kept.
        """
        ...

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """Return the output's dimensions as formulas, given the input's (`dims`).

        `before` and `after` are the shapes at one size of the symbols, for what does not
        depend on them. None stands for a dimension this cannot say as a formula.
        """
        ...


def arg(convert: Callable[[Any], Any], default: Any = MISSING, *, per_axis: bool = False) -> Any:
    """Declare a constructor argument, converted from the spec by `convert`.

    With `per_axis`, `convert` takes the layer's number of spatial axes (its `RANK`) and
    returns the converter for that many; the default is converted the same way.
    """
    return attribute(default=default, metadata={"convert": convert, "per_axis": per_axis})


class Base:
    """Default behaviour for layer value classes."""

    __slots__ = ()

    def check(self) -> None:
        return None

    def params(self, before: Shape) -> int:
        return 0

    def fixed_params(self) -> int | None:
        return 0 if type(self).params is Base.params else None

    FROM_INPUT: ClassVar[bool] = True
    # Whether its MACs are counted apart too: attention's, or a buffer's, which the engine
    # asks of these layers only.
    COUNTED_APART: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.COUNTED_APART = cls.attention_macs is not Base.attention_macs or not cls.FROM_INPUT

    def macs(self, before: Shape, after: Shape) -> int:
        return 0

    def attention_macs(self, before: Shape, after: Shape) -> int:
        return 0

    def field(self, field: Field, before: Shape, after: Shape) -> Field | None:
        ops = self.axes(before)
        if ops is None or len(ops) != len(field.axes) or len(after.dims) != len(before.dims):
            return field
        return field.through(ops, before.spatial, after.spatial)

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        return None

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """By `axes()`; a layer without them keeps nothing it does not declare it keeps.

        A shape of numbers only gives numbers: the output depends on nothing else. A layer
        with axes gives the output's channels from the input's alone, as convolutions,
        pools, pads, resamplings and a Linear on a map's last axis do.
        """
        if all(isinstance(dim, int) for dim in dims):
            return after.dims
        ops = self.axes(before)
        if ops is None or before.order or after.order or len(after.dims) != len(dims):
            return (None,) * len(after.dims)
        channels = after.channels if isinstance(dims[0], int) else None
        spatial = zip(ops, dims[1:], strict=True)
        return (channels, *(_through(op, size) for op, size in spatial))


def _through(op: Axis, size: Formula | None) -> Formula | None:
    if op is None:
        return size
    if size is None:  # an op whose output no input changes (a resize to a size) still says it
        from shapecalc.formula import Symbol

        made = op.symbolic(Symbol("any"))
        return made if isinstance(made, int) else None
    return op.symbolic(size)


def keeps_shape(self: object, before: Shape, dims: Dims, after: Shape) -> Dims:
    """`formulas` of a layer whose output has its input's shape, whatever the input."""
    return dims


class Builder:
    """Build layers for one model: layers are immutable, so equal arguments share one.

    A block repeated a thousand times builds each of its layers once.
    """

    __slots__ = ("_built",)

    def __init__(self) -> None:
        self._built: dict[tuple[type, tuple[tuple[str, object], ...]], Layer] = {}

    def build(self, kind: type[L], given: Mapping[str, Value]) -> L:
        """Return `kind` built from `given`, as `build` does, once for equal arguments."""
        key = (kind, tuple((name, _typed(value)) for name, value in given.items()))
        layer = self._built.get(key)
        if layer is None:
            layer = self._built[key] = build(kind, given)
        return layer  # type: ignore[return-value]


def _typed(value: Value) -> object:
    """Key a value by its type too: true and 1 are equal in Python, not as arguments."""
    if isinstance(value, tuple):
        return tuple(_typed(item) for item in value)
    return type(value), value


def build(kind: type[L], given: Mapping[str, Value]) -> L:
    """Construct `kind` from the spec's arguments, converting and checking each."""
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
            kwargs[name] = field.convert(value)
        except ValueError as error:
            raise LayerError(f"{name}: {error}", arg=name) from None
    missing = [name for name, field in fields.items() if field.required and name not in given]
    if missing:
        names = ", ".join(missing)
        raise LayerError(f"{kind.__name__} needs {names}")
    for name, field in fields.items():
        if field.per_axis and name not in kwargs and field.default is not None:
            kwargs[name] = field.convert(field.default)
    layer = kind(**kwargs)
    layer.check()
    return layer


class _Argument:
    """A layer kind's constructor argument and its converter, made for the kind's rank."""

    __slots__ = ("convert", "default", "per_axis", "required")

    def __init__(self, kind: type, declared: Attribute) -> None:
        convert = declared.metadata["convert"]
        self.per_axis: bool = declared.metadata["per_axis"]
        self.convert: Convert[Any] = convert(kind.RANK) if self.per_axis else convert  # type: ignore[attr-defined]
        self.default = declared.default
        self.required = declared.default is MISSING


@cache
def _fields(kind: type) -> dict[str, _Argument]:
    """Return a layer kind's arguments by name."""
    return {field.name: _Argument(kind, field) for field in attributes(kind) if field.init}


_FORMS = {0: "C", 1: "C×L", 2: "C×H×W", 3: "C×D×H×W"}


def require_map(shape: Shape, kind: str, rank: int | None = None) -> int:
    """Return the channels of a feature map, or raise: `kind` takes maps of `rank` axes only.

    `rank` None takes a map of any rank.
    """
    if rank is not None:
        return require_rank(shape, kind, (rank,))
    if not shape.is_map:
        raise LayerError(f"{kind} needs a C×… input, got {shape}")
    return shape.dims[0]


def require_rank(shape: Shape, kind: str, ranks: tuple[int, ...]) -> int:
    """Return the channels of `shape`, or raise: `kind` takes `ranks` spatial axes (0: a vector)."""
    if shape.rank not in ranks:
        forms = " or ".join(_FORMS[rank] for rank in ranks)
        raise LayerError(f"{kind} needs a {forms} input, got {shape}")
    return shape.dims[0]


def batched_dim(dim: int, shape: Shape, name: str) -> int:
    """Return PyTorch's `dim`, which counts the batch, as an index into the batched `shape`.

    Negative dims count from the end, as in PyTorch; 0 is the batch, which `shape` leaves out.
    """
    rank = len(shape.dims) + 1
    if not -rank <= dim < rank:
        raise LayerError(
            f"{name} {dim} is out of range for a {rank}-dimensional batched input "
            f"(expected {-rank} to {rank - 1})",
            arg=name,
        )
    return dim % rank


def sample_dim(dim: int, shape: Shape, doing: str) -> int:
    """Return PyTorch's `dim` as an index into `shape`, refusing the batch: a layer that
    would be `doing` it ("halve", "split") would work on what shapes here leave out."""
    index = batched_dim(dim, shape, "dim")
    if index == 0:
        raise LayerError(
            f"dim {dim} would {doing} the batch dimension, which shapes here leave out",
            arg="dim",
        )
    return index - 1


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
