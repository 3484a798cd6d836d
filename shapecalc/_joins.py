"""How a container joins its branches' outputs: add and mul broadcast, cat along a dim,
crop about the centre first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.errors import Mark, ShapeError
from shapecalc.field import Field, join_fields, layout
from shapecalc.modules import Combine, Container
from shapecalc.shape import Shape, axis_names

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims, Formula


def joined_shape(module: Container, shapes: list[Shape]) -> Shape:
    """Return the shape of `module`'s branches' outputs joined, or raise ShapeError."""
    if module.crop:
        shapes = _cropped(module, shapes)
    if module.combine is Combine.CAT or module.combine is Combine.DENSE:
        return _cat(module, shapes)
    return _broadcast(module, shapes)


def joined_field(fields: list[Field], shape: Shape) -> Field | None:
    """Return the largest of parallel fields, laid out as the joined output is."""
    if any(len(field.axes) != len(fields[0].axes) for field in fields):
        return None
    joined = join_fields(fields)
    return Field(joined.axes, layout(shape)) if shape.is_map else joined


def joined_formulas(
    module: Container, formulas: list[Dims], shapes: list[Shape], joined: Shape
) -> Dims:
    """Return the joined output's dimensions as formulas, given each branch's.

    A concatenated dimension is the sum of numbers (of formulas, not one this writes). Any
    other is the formula of the first branch whose size it has (shapes line up from their
    last dimension): where branches must agree, the model takes only the sizes at which
    they do, so that any of theirs is the output's; a crop keeps the smallest.
    """
    cat = module.combine is Combine.CAT or module.combine is Combine.DENSE
    axis = module.dim % (len(joined.dims) + 1) - 1 if cat else -1
    dims: list[Formula | None] = []
    for index, size in enumerate(joined.dims):
        if index == axis:
            dims.append(_sum([each[index] for each in formulas], size))
            continue
        found = (
            each[place]
            for each, shape in zip(formulas, shapes, strict=True)
            if 0 <= (place := index - len(joined.dims) + len(shape.dims)) < len(shape.dims)
            and shape.dims[place] == size
        )
        dims.append(next(found, None))
    return tuple(dims)


def _sum(parts: list[Formula | None], size: int) -> Formula | None:
    """Return the sum of the joined dimensions' formulas; None if one is not known."""
    if all(isinstance(part, int) for part in parts):
        return size
    if any(part is None for part in parts):
        return None
    from shapecalc.formula import affine, total

    if all(part == parts[0] for part in parts):
        return affine(parts[0], len(parts), 0)  # type: ignore[arg-type]
    return total(parts)  # type: ignore[arg-type]


def _cropped(module: Container, shapes: list[Shape]) -> list[Shape]:
    """Crop every output about its centre to the smallest spatial sizes among them."""
    if any(not shape.is_map or shape.rank != shapes[0].rank for shape in shapes):
        raise ShapeError(
            module.path,
            f"{module.type} crops only maps of one rank: {_branches(module, shapes)}",
            mark=module.mark,
        )
    smallest = tuple(map(min, zip(*(shape.spatial for shape in shapes), strict=True)))
    return [shape.with_spatial(smallest) for shape in shapes]


def _broadcast(module: Container, outputs: list[Shape]) -> Shape:
    """Return the shape of outputs added or multiplied with PyTorch's broadcasting.

    Shapes line up from their last dimension, batch included; sizes must be equal or 1.
    """
    first = outputs[0]
    if all(output == first for output in outputs):  # a residual, nearly always
        return first
    batched = [(1, *output.dims) for output in outputs]
    rank = max(map(len, batched))
    result = []
    for index in range(-rank, 0):
        sizes = {dims[index] for dims in batched if -index <= len(dims)} - {1}
        if len(sizes) > 1:
            verb = "adds" if module.combine is Combine.ADD else "multiplies"
            raise ShapeError(
                module.path,
                f"{module.type} {verb} {_joined(module)} of different shapes: "
                f"{_branches(module, outputs)}",
                mark=_mark(module),
            )
        result.append(sizes.pop() if sizes else 1)
    return Shape(tuple(result[1:]))


def _cat(module: Container, outputs: list[Shape]) -> Shape:
    """Return the shape of outputs concatenated along the container's dim."""
    first = outputs[0]
    rank = len(first.dims) + 1  # with the batch, as torch.cat counts
    if not -rank <= module.dim < rank:
        raise ShapeError(
            module.path,
            f"{module.type} concatenates along dim {module.dim}, out of range for "
            f"{rank}-dimensional batched outputs (expected {-rank} to {rank - 1})",
            mark=module.mark,
        )
    if module.dim % rank == 0:
        raise ShapeError(
            module.path,
            f"{module.type} concatenates along dim {module.dim}, the batch, which shapes here "
            "leave out",
            mark=module.mark,
        )
    axis = module.dim % rank - 1
    if any(_without(output, axis) != _without(first, axis) for output in outputs):
        raise ShapeError(module.path, _mismatch(module, outputs, axis), mark=_mark(module))
    joined = sum(output.dims[axis] for output in outputs)
    return Shape((*first.dims[:axis], joined, *first.dims[axis + 1 :]))


def _without(shape: Shape, axis: int) -> tuple[int, ...] | None:
    """Return the dims but `axis`; None when the shape has no such dim."""
    if axis >= len(shape.dims):
        return None
    return shape.dims[:axis] + shape.dims[axis + 1 :]


def _mismatch(module: Container, outputs: list[Shape], axis: int) -> str:
    if axis == 0:
        sizes = "×".join(axis_names(outputs[0].rank)) if outputs[0].is_map else "sizes"
        form = "C×" + sizes if outputs[0].is_map else "a map"
        return (
            f"{module.type} concatenates {_joined(module)} of different {sizes} (or not {form}): "
            f"{_branches(module, outputs)}"
        )
    return (
        f"{module.type} concatenates along dim {module.dim} {_joined(module)} that differ in "
        f"another dim: {_branches(module, outputs)}"
    )


def _joined(module: Container) -> str:
    """Name what a module joins: its branches, or the inputs `from:` gives it."""
    return "branches" if module.branches or module.takes is None else "inputs"


def _mark(module: Container) -> Mark:
    """Point at where a join's inputs are named, if `from:` names them, else at the module."""
    return module.takes.mark if module.takes is not None and not module.branches else module.mark


def _branches(module: Container, outputs: list[Shape]) -> str:
    """Describe what each joined output comes from, and its shape."""
    if module.combine is Combine.DENSE:  # the input, then each child so far
        sources = ["the input", *(child.name for child in module.branches[0])]
    elif not module.branches and module.takes is not None:
        written = module.takes.written  # one reference may give several: a whole input
        sources = [
            f"from {written[at]}" if len(written) == len(outputs) else f"from {written[0]}.{at}"
            for at in range(len(outputs))
        ]
    else:
        sources = [
            f"{branch[0].name}…{branch[-1].name}"
            if len(branch) > 1
            else (branch[0].name if branch else "identity") or "branch"
            for branch in module.branches
        ]
    # A dense block fails partway, before its later children have outputs.
    pairs = zip(sources, outputs, strict=False)
    return ", ".join(f"{source} gives {output}" for source, output in pairs)
