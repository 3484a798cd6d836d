"""Walk a model's module tree with an input shape and return every module's output shape."""

from __future__ import annotations

from shapecalc._joins import joined_field, joined_shape
from shapecalc.errors import LayerError, Mark, ShapeError
from shapecalc.field import Field, start
from shapecalc.layers import Layer
from shapecalc.limits import MAX_INT_BITS
from shapecalc.modules import (
    Combine,
    Container,
    Leaf,
    Model,
    Module,
    Registered,
    Reuse,
    registered,
)
from shapecalc.shape import Shape
from shapecalc.value import frozen


@frozen
class Row:
    """One module for one input: what it takes and gives, and what it costs.

    `params` and `macs` count the module and all its descendants. `field` is the receptive
    field of one output element, or None when the model's input is not a C×H×W map (or
    fields were not asked for).
    """

    module: Registered
    input: Shape
    shape: Shape
    params: int
    macs: int
    field: Field | None

    @property
    def path(self) -> str:
        return self.module.path

    @property
    def name(self) -> str:
        return self.module.name

    @property
    def type(self) -> str:
        return self.module.type

    @property
    def depth(self) -> int:
        return self.module.depth

    @property
    def is_leaf(self) -> bool:
        return isinstance(self.module, Leaf)

    @property
    def layer(self) -> Layer | None:
        """The layer of a leaf's row; None for a container's."""
        return self.module.layer if isinstance(self.module, Leaf) else None


@frozen
class Result:
    """A model's rows for one input, in PyTorch's `named_modules()` order, root left out.

    The totals count every layer, including work done in `forward()` that has no row.
    """

    model: Model
    input: Shape
    output: Shape
    rows: tuple[Row, ...]
    total_params: int
    total_macs: int


@frozen
class Stopped:
    """A model run for an input up to the layer that refused it, and why.

    `done` is in row order: a finished module's row, or the module itself for one the
    failure interrupted (the failing layer and the containers around it).
    """

    model: Model
    input: Shape
    done: tuple[Row | Registered, ...]
    error: ShapeError


@frozen
class _Flow:
    """What passes from one layer to the next."""

    shape: Shape
    field: Field | None


def infer(model: Model, shape: Shape, *, fields: bool = True) -> Result:
    """Compute every module's output, parameters, MACs and receptive field for `shape`.

    `shape` leaves out the batch dimension. Without `fields`, rows have no receptive field:
    a third less work for callers that try many sizes and look only at shapes. Raises
    ShapeError where a layer refuses its input.
    """
    outcome = attempt(model, shape, fields=fields)
    if isinstance(outcome, Stopped):
        raise outcome.error
    return outcome


def attempt(model: Model, shape: Shape, *, fields: bool = True) -> Result | Stopped:
    """As `infer`, but return how far it got where a layer refuses its input."""
    walk = _Walk()
    try:
        _bounded(shape, "", None, "the input")
        field = start(shape.spatial) if fields and shape.is_map else None
        output = walk.body(model.root, _Flow(shape, field))
    except ShapeError as error:
        return Stopped(model, shape, tuple(walk.rows), error)
    rows = tuple(walk.rows)
    return Result(model, shape, output.shape, rows, walk.params, walk.macs)  # type: ignore[arg-type]


class _Walk:
    def __init__(self) -> None:
        self.rows: list[Row | Registered] = []  # a module holds its row's place until done
        self.params = 0  # running totals: a container's share is their growth across it
        self.macs = 0
        self.first: dict[int, tuple[Shape, _Flow]] = {}  # each layer's first run, by id
        self.scopes: list[Container] = []  # the modules that register what a `use` runs
        self.registered: dict[int, dict[str, Registered]] = {}  # their children, by name

    def module(self, module: Module, flow: _Flow) -> _Flow:
        """Return the module's output, recording its row before its descendants' rows."""
        if isinstance(module, Reuse) or module.functional:
            return self.body(module, flow)
        slot, params, macs = len(self.rows), self.params, self.macs
        self.rows.append(module)
        output = self.body(module, flow)
        # A layer that a `use` ran earlier shows that first run, as PyTorch's hooks first see it.
        before, shown = self.first[id(module)] if isinstance(module, Leaf) else (flow.shape, output)
        self.rows[slot] = Row(
            module, before, shown.shape, self.params - params, self.macs - macs, shown.field
        )
        return output

    def body(self, module: Module, flow: _Flow) -> _Flow:
        """Return the module's output without recording a row for it."""
        if isinstance(module, Leaf):
            return self.leaf(module, flow)
        if isinstance(module, Reuse):
            return self.leaf(self.target(module), flow, again=True)
        if not module.functional:  # it registers what a `use` inside runs
            self.scopes.append(module)
        if module.combine is Combine.DENSE:
            output = self.dense(module, flow)
        else:
            outputs = [self.branch(branch, flow) for branch in module.branches]
            output = outputs[0] if module.combine is Combine.SEQUENCE else _merge(module, outputs)
        if not module.functional:  # a failure leaves the walk, scopes and all
            self.scopes.pop()
        return output

    def target(self, use: Reuse) -> Leaf:
        """Return the layer a `use` runs: one its enclosing module registers."""
        scope = self.scopes[-1]
        names = self.registered.get(id(scope))
        if names is None:
            names = self.registered[id(scope)] = registered(scope)
        leaf = names[use.target]
        assert isinstance(leaf, Leaf)  # the expander checked it
        return leaf

    def dense(self, module: Container, flow: _Flow) -> _Flow:
        """Feed each child the concatenation of the input and every earlier child's output.

        The concatenation grows by one output at a time, so that a long block costs linear
        time; only a failure goes over them all again, to say what each gave.
        """
        features, joined = [flow], flow
        for child in module.branches[0]:
            features.append(self.module(child, joined))
            try:
                joined = _merge(module, [joined, features[-1]])
            except ShapeError:
                _merge(module, features)  # raises, naming every output
                raise
        return joined

    def branch(self, modules: tuple[Module, ...], flow: _Flow) -> _Flow:
        for module in modules:
            flow = self.module(module, flow)
        return flow

    def leaf(self, leaf: Leaf, flow: _Flow, *, again: bool = False) -> _Flow:
        """Run a layer; `again` when a `use` runs it, whose parameters are counted once."""
        layer, before = leaf.layer, flow.shape
        after = _bounded(_output(leaf, before), leaf.path, leaf.mark)
        if not again:
            self.params += layer.params(before)
        self.macs += layer.macs(before, after)
        field = layer.field(flow.field, before, after) if flow.field else None
        output = _Flow(after, field)
        self.first.setdefault(id(leaf), (before, output))
        return output


def _output(leaf: Leaf, shape: Shape) -> Shape:
    try:
        return leaf.layer.output(shape)
    except LayerError as error:
        # Point at the argument at fault, else at the layer itself.
        mark = leaf.arg_marks.get(error.arg, leaf.mark) if error.arg else leaf.mark
        raise ShapeError(leaf.path, f"{leaf.type}: {error.what}", mark=mark) from None


def _bounded(shape: Shape, path: str, mark: Mark | None, what: str = "the output") -> Shape:
    """Return `shape`, or raise when a size is beyond what any number here may be."""
    bits = max(shape.dims, default=0).bit_length()
    if bits > MAX_INT_BITS:
        raise ShapeError(
            path,
            f"a size of {what} has more than {MAX_INT_BITS} bits (about 10^{bits * 3 // 10}): "
            "no tensor is that large",
            mark=mark,
        )
    return shape


def _merge(module: Container, flows: list[_Flow]) -> _Flow:
    """Add, multiply or concatenate parallel outputs; their field is the largest of theirs."""
    shape = joined_shape(module, [flow.shape for flow in flows])
    shape = _bounded(shape, module.path, module.mark)
    fields = [flow.field for flow in flows]
    field = joined_field(fields, shape) if all(fields) else None  # type: ignore[arg-type]
    return _Flow(shape, field)
