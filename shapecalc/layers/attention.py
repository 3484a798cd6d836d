"""Attention as work in forward(): every output position weighs every input position."""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

from shapecalc.errors import LayerError
from shapecalc.field import WHOLE, Field
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, require_map
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


@frozen(kw_only=True)
class QKVAttention(Base):
    """Multi-head attention over a map's positions, from queries, keys and values stacked
    along its channels, head by head: `key_dim` of queries, `key_dim` of keys and
    `head_dim` of values for each of `num_heads`.

    Ultralytics' Attention (in C2PSA and PSA) computes this in its forward(), between its
    `qkv` and `proj` convolutions: the output has `num_heads × head_dim` channels at every
    input position. Its MACs are the two matrix products, as FlopCounterMode counts them:
    `N × N × key_dim` for the scores and `N × N × head_dim` for the weighted values, per
    head, over the N positions.
    """

    num_heads: int = arg(args.positive_int)
    key_dim: int = arg(args.positive_int)
    head_dim: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        channels = require_map(shape, "QKVAttention")
        stacked = self.num_heads * (2 * self.key_dim + self.head_dim)
        if channels != stacked:
            raise LayerError(
                f"QKVAttention needs {stacked} channels, (2 × key_dim {self.key_dim} + head_dim "
                f"{self.head_dim}) × num_heads {self.num_heads}, got {shape}"
            )
        return Shape((self.num_heads * self.head_dim, *shape.spatial))

    def macs(self, before: Shape, after: Shape) -> int:
        positions = prod(before.spatial)
        return self.num_heads * positions * positions * (self.key_dim + self.head_dim)

    def field(self, field: Field, before: Shape, after: Shape) -> Field:
        return Field((WHOLE,) * len(field.axes), field.holds)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """Its channels are a number; its positions are the input's."""
        return (after.channels, *dims[1:])
