"""A walk that also records where each tensor comes from: the data flow a diagram draws."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import TYPE_CHECKING

from shapecalc._flow import Flow, Input, one
from shapecalc.engine import _Walk
from shapecalc.field import start
from shapecalc.modules import Container, Leaf, Model, Registered
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:
    from shapecalc.formula import Dims

MODEL_INPUT = -1  # an Event's source: the model's input


class Op(Enum):
    """What an event of the data flow did."""

    LAYER = "layer"  # a registered layer's first run: the one its row shows
    AGAIN = "again"  # a layer run again, by a `use` or where a use ran it first
    FUNCTION = "function"  # a functional layer: work in forward() that is no module
    JOIN = "join"  # a container's join of its branches' outputs (add, mul, cat, dense)
    RESIZE = "resize"  # a container's output interpolated back to its input's size
    PASS = "pass"  # a container that ran with nothing in it: its input, passed on


@frozen
class Event:
    """One operation of a walk: what did it, within which registered module, from what.

    `module` is the layer run or the container joining; `owner` the registered module whose
    row the work counts in (the layer itself for its first run, else the innermost module
    around it). `sources` are the events whose outputs it took, in order (MODEL_INPUT for
    the model's input), and `flow` what it gave.
    """

    op: Op
    module: Leaf | Container
    owner: Registered
    sources: tuple[int, ...]
    flow: Flow


@frozen
class Trace:
    """Every operation of a walk, in the order it ran, the events whose outputs the model
    returns, and the model's input."""

    events: tuple[Event, ...]
    outputs: tuple[int, ...]
    given: Flow

    def flow(self, source: int) -> Flow:
        """Return what an event gave, or the model's input for MODEL_INPUT."""
        return self.given if source == MODEL_INPUT else self.events[source].flow


def trace(model: Model, shape: Shape, formulas: Dims | None = None) -> Trace:
    """Walk `model` with `shape` and return its data flow; raises ShapeError as `infer` does."""
    walk = _Tracer()
    given = Flow(shape, start(shape.spatial) if shape.is_map else None, formulas)
    walk.made[id(given)] = (MODEL_INPUT, given)
    output = walk.body(model.root, given)
    flows = output if isinstance(output, list) else [output]
    return Trace(tuple(walk.events), tuple(walk.source(flow) for flow in flows), given)


class _Tracer(_Walk):
    """The engine's walk, recording every layer run, join and resize as an Event."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Event] = []
        # Each flow's event, by identity: a flow passes on unchanged through an identity
        # branch or a module that does not run; holding it keeps its id from being reused.
        self.made: dict[int, tuple[int, Flow]] = {}

    def source(self, flow: Flow) -> int:
        return self.made[id(flow)][0]

    def record(
        self, op: Op, module: Leaf | Container, owner: Registered, taken: Sequence[Flow], flow: Flow
    ) -> Flow:
        sources = tuple(self.source(each) for each in taken)
        self.made[id(flow)] = (len(self.events), flow)
        self.events.append(Event(op, module, owner, sources, flow))
        return flow

    def leaf(self, leaf: Leaf, given: Input, *, again: bool = False) -> Flow:
        taken = given if isinstance(given, Flow) else one(leaf, given)
        first_run = id(leaf) not in self.first
        output = super().leaf(leaf, taken, again=again)
        if leaf.functional:
            return self.record(Op.FUNCTION, leaf, self.scopes[-1], [taken], output)
        if first_run:
            return self.record(Op.LAYER, leaf, leaf, [taken], output)
        return self.record(Op.AGAIN, leaf, self.scopes[-1], [taken], output)

    def merge(self, module: Container, outputs: Sequence[Input]) -> Flow:
        flows = [each if isinstance(each, Flow) else one(module, each) for each in outputs]
        output = super().merge(module, flows)
        return self.record(Op.JOIN, module, self._owner(module), flows, output)

    def resize(self, module: Container, before: Flow, output: Flow) -> Flow:
        after = super().resize(module, before, output)
        return self.record(Op.RESIZE, module, self._owner(module), [output], after)

    def run(self, module: Registered, flow: Input) -> Input:
        count = len(self.events)
        output = super().run(module, flow)
        if len(self.events) == count and isinstance(output, Flow):  # nothing ran within it
            passed = Flow(output.shape, output.field, output.dims)  # its own, to be its event's
            return self.record(Op.PASS, module, module, [output], passed)
        return output

    def _owner(self, module: Container) -> Registered:
        return self.scopes[-1] if module.functional else module
