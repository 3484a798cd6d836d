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


def _everywhere(self: object, field: Field, before: Shape, after: Shape) -> Field:
    """`field` of a layer whose every output weighs every position of its input."""
    return Field((WHOLE,) * len(field.axes), field.holds)


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

    def attention_macs(self, before: Shape, after: Shape) -> int:
        return self.macs(before, after)

    field = _everywhere

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """Its channels are a number; its positions are the input's."""
        return (after.channels, *dims[1:])


@frozen(kw_only=True)
class MultiHeadAttentionForward(Base):
    """F.multi_head_attention_forward over a sequence, as torch.nn.MultiheadAttention runs it
    (self-attention, batch first): the whole of its work, in its forward().

    The module registers its in-projection's parameters itself and its `out_proj` Linear,
    which it never calls as a module: a spec writes it as a container with `own:` and an
    `out_proj` with `run: false`, around this. Its MACs are what FlopCounterMode counts of it
    with the fused fast path off and attention done by matrix products, which reproduces
    torchvision's published figures: the query, key and value projections (L·E·3E), the
    scores and the weighted values (L·L·E each, over all heads), and the output projection
    (L·E·E), for L tokens of E features.
    """

    embed_dim: int = arg(args.positive_int)
    num_heads: int = arg(args.positive_int)

    def check(self) -> None:
        if self.embed_dim % self.num_heads:
            raise LayerError(
                f"embed_dim {self.embed_dim} must be divisible by num_heads {self.num_heads}",
                arg="num_heads",
            )

    def output(self, shape: Shape) -> Shape:
        if len(shape.dims) != 2 or shape.dims[1] != self.embed_dim:
            raise LayerError(
                f"MultiheadAttention takes tokens × embed_dim {self.embed_dim}, a sequence, "
                f"got {shape}",
                arg="embed_dim",
            )
        return shape

    def macs(self, before: Shape, after: Shape) -> int:
        tokens, features = before.dims
        return 4 * tokens * features * features + self.attention_macs(before, after)

    def attention_macs(self, before: Shape, after: Shape) -> int:
        tokens, features = before.dims
        return 2 * tokens * tokens * features

    field = _everywhere

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        return dims
