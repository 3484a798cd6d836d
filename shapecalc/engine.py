"""Walk a model's module tree with an input shape and return every module's output shape."""

from __future__ import annotations

from dataclasses import dataclass

from shapecalc.errors import LayerError, ShapeError
from shapecalc.modules import Combine, Container, Leaf, Model, Module
from shapecalc.shape import Shape


@dataclass(frozen=True, slots=True)
class Row:
    """One module's output, for one input."""

    module: Module
    shape: Shape

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


@dataclass(frozen=True, slots=True)
class Result:
    """A model's rows for one input, in PyTorch's `named_modules()` order, root left out."""

    model: Model
    input: Shape
    output: Shape
    rows: tuple[Row, ...]


def infer(model: Model, shape: Shape) -> Result:
    """Compute every module's output shape for an input of `shape` (no batch dimension)."""
    walk = _Walk()
    output = walk.body(model.root, shape)
    return Result(model, shape, output, tuple(walk.rows))  # type: ignore[arg-type]


class _Walk:
    def __init__(self) -> None:
        self.rows: list[Row | None] = []

    def module(self, module: Module, shape: Shape) -> Shape:
        """Return the module's output, recording its row before its descendants' rows."""
        if module.functional:
            return self.body(module, shape)
        slot = len(self.rows)
        self.rows.append(None)
        output = self.body(module, shape)
        self.rows[slot] = Row(module, output)
        return output

    def body(self, module: Module, shape: Shape) -> Shape:
        """Return the module's output without recording a row for it."""
        if isinstance(module, Leaf):
            return _leaf(module, shape)
        outputs = [self.branch(branch, shape) for branch in module.branches]
        if module.combine is Combine.SEQUENCE:
            return outputs[0]
        if module.combine is Combine.ADD:
            return _add(module, outputs)
        return _cat(module, outputs)

    def branch(self, modules: tuple[Module, ...], shape: Shape) -> Shape:
        for module in modules:
            shape = self.module(module, shape)
        return shape


def _leaf(leaf: Leaf, shape: Shape) -> Shape:
    try:
        return leaf.layer.output(shape)
    except LayerError as error:
        mark = leaf.arg_marks.get(error.arg) if error.arg else None
        raise ShapeError(leaf.path, f"{leaf.type}: {error.what}", mark=mark) from None


def _add(module: Container, outputs: list[Shape]) -> Shape:
    if any(output != outputs[0] for output in outputs):
        raise ShapeError(
            module.path,
            f"{module.type} adds branches of different shapes: {_branches(module, outputs)}",
            mark=module.mark,
        )
    return outputs[0]


def _cat(module: Container, outputs: list[Shape]) -> Shape:
    first = outputs[0]
    if any(not output.is_map or output.spatial != first.spatial for output in outputs):
        raise ShapeError(
            module.path,
            f"{module.type} concatenates branches of different H×W (or not C×H×W): "
            f"{_branches(module, outputs)}",
            mark=module.mark,
        )
    return Shape((sum(output.channels for output in outputs), *first.spatial))


def _branches(module: Container, outputs: list[Shape]) -> str:
    """Describe each branch by its modules and its output shape."""
    parts = []
    for branch, output in zip(module.branches, outputs, strict=True):
        names = (
            f"{branch[0].name}…{branch[-1].name}"
            if len(branch) > 1
            else (branch[0].name if branch else "identity")
        )
        parts.append(f"{names or 'branch'} gives {output}")
    return ", ".join(parts)
