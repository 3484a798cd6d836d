"""What passes between the steps of a walk: one output, or several that `from:` gives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from shapecalc.errors import ShapeError
from shapecalc.field import Field
from shapecalc.modules import INPUT, Leaf, Module, Reuse
from shapecalc.shape import Shape

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


class Flow(NamedTuple):
    """What passes from one layer to the next: its shape, at one size of the input's
    symbols, and as formulas of them (`dims`) when the input has some.

    Not `batched` when it does not come from the input (a buffer, and what a module computes
    of it): a batch has one, and the work on it is done once a pass.

    A tuple, not a value class: a walk makes one per layer, and a tuple is made in C.
    """

    shape: Shape
    field: Field | None
    dims: Dims | None = None
    batched: bool = True


# A step's input: the output before it, or several outputs, as a `from:` list gives them.
Input = Flow | list[Flow]


def first(flow: Input) -> Flow:
    """Return the input a row shows: of several, the first, as PyTorch hooks see a list."""
    return flow[0] if isinstance(flow, list) else flow


def same_module(use: Reuse, leaf: Leaf, first: Shape, again: Shape) -> None:
    """Refuse to run a layer again on an input its parameters were not made for.

    One module object has one set of parameters: a Conv2d whose in_channels its first input
    gave refuses other channels wherever it runs again, as PyTorch's does.
    """
    if leaf.layer.params(again) != leaf.layer.params(first):
        raise ShapeError(
            use.path,
            f"{leaf.type} {leaf.path} runs again here on {again}, but it is one module, whose "
            f"parameters were made for its first input, {first}",
            mark=use.mark,
        )


def one(module: Module, flow: Input) -> Flow:
    """Return a single input, or raise where a module that takes one is given several."""
    if not isinstance(flow, list):
        return flow
    kind = f"use: {module.target}" if isinstance(module, Reuse) else module.type
    raise ShapeError(
        module.path,
        f"{kind} takes one input; from: gives it a list (a join, such as Concat, takes "
        f"a list; from: x, not [x], gives one)"
        if len(flow) == 1
        else f"{kind} takes one input; from: gives it {len(flow)} (a join, such as Concat, "
        "takes several)",
        mark=module.mark,
    )


def source(step: Module, place: int, given: Input, outputs: Sequence[Input]) -> Input:
    """Return the output a `from` reference names: an earlier step's, or the input's."""
    if place >= 0:
        return outputs[place]
    if place == INPUT:
        return given
    index = -2 - place
    if isinstance(given, list) and index < len(given):
        return given[index]
    count = len(given) if isinstance(given, list) else 1
    what = f"{count} outputs" if count > 1 else "one output"
    raise ShapeError(
        step.path,
        f"from: input.{index}: the input is {what}, with no element {index}",
        mark=step.mark,
    )
