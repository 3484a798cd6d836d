"""Linear and Flatten: the layers that work on vectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.arith import Axis, Resize
from shapecalc.errors import LayerError
from shapecalc.field import Field
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, batched_dim, check_stated
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


@frozen(kw_only=True)
class Linear(Base):
    """torch.nn.Linear: maps the last dimension; `in_features` is taken from it unless stated."""

    out_features: int = arg(args.positive_int)
    in_features: int | None = arg(args.positive_int, None)
    bias: bool = arg(args.boolean, True)

    def output(self, shape: Shape) -> Shape:
        last = shape.dims[-1]
        check_stated(
            self.in_features,
            last,
            arg_name="in_features",
            shape=shape,
            what="last dimension",
            hint="; is a Flatten missing before it?" if shape.is_map else "",
        )
        return Shape((*shape.dims[:-1], self.out_features), shape.order)

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        """Say that a map's last axis becomes `out_features` long (not for channels last)."""
        if not before.is_map or not before.holds_spatial(-1):
            return None
        return (
            *(None,) * (before.rank - 1),
            Resize(self.out_features, "out_features", pooled=False),
        )

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return (*dims[:-1], self.out_features)

    def params(self, before: Shape) -> int:
        return self._weights(before.dims[-1])

    def fixed_params(self) -> int | None:
        """Count them from `in_features` where stated: a Linear that never runs as a module,
        as MultiheadAttention's out_proj, still has its weights."""
        return None if self.in_features is None else self._weights(self.in_features)

    def _weights(self, features: int) -> int:
        return features * self.out_features + (self.out_features if self.bias else 0)

    def macs(self, before: Shape, after: Shape) -> int:
        return after.numel * before.dims[-1]

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return field.mix_last()


@frozen(kw_only=True)
class Flatten(Base):
    """torch.nn.Flatten; dims count the batch dimension, as in PyTorch."""

    start_dim: int = arg(args.integer, 1)
    end_dim: int = arg(args.integer, -1)

    def output(self, shape: Shape) -> Shape:
        start, end = self._span(shape)
        dims = shape.dims
        merged = 1
        for dim in dims[start - 1 : end]:
            merged *= dim
        return Shape((*dims[: start - 1], merged, *dims[end:]))

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The merged dimensions' product."""
        from shapecalc.formula import product

        start, end = self._span(before)
        merged = dims[start - 1 : end]
        size = None if None in merged else product(merged)  # type: ignore[arg-type]
        return (*dims[: start - 1], size, *dims[end:])

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        start, end = self._span(before)
        return field.merge(start - 1, end - 1)

    def _span(self, shape: Shape) -> tuple[int, int]:
        """Return start and end as indices into the batched `shape`."""
        start = batched_dim(self.start_dim, shape, "start_dim")
        end = batched_dim(self.end_dim, shape, "end_dim")
        if start == 0:
            raise LayerError(
                "start_dim 0 would flatten the batch dimension, which shapes here leave out",
                arg="start_dim",
            )
        if start > end:
            raise LayerError(f"start_dim {self.start_dim} comes after end_dim {self.end_dim}")
        return start, end
