"""Token sequences as vision transformers make them in forward(): tokens × features.

An image's patches become a sequence by a Flatten and a Permute (`196×768`); these add what
torchvision's VisionTransformer adds: its class token, its position embedding, the token it
classifies, and the one image size the position embedding fixes. Their parameters belong to
the modules around them (`own:`), where `module.parameters()` counts them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shapecalc.errors import LayerError
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, keeps_shape
from shapecalc.layers.norm import normalized_shape
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims


def _tokens(shape: Shape, kind: str, features: int) -> int:
    """Return how many tokens a sequence of `features` features holds, or raise."""
    if len(shape.dims) != 2 or shape.dims[1] != features:
        raise LayerError(
            f"{kind} takes tokens × {features} features, a sequence, got {shape}",
            arg="hidden_dim",
        )
    return shape.dims[0]


@frozen(kw_only=True)
class ClassToken(Base):
    """torch.cat([class_token, x], dim=1): one learned token before the sequence's tokens."""

    hidden_dim: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        tokens = _tokens(shape, "ClassToken", self.hidden_dim)
        return Shape((tokens + 1, self.hidden_dim), shape.order)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """One token more."""
        from shapecalc.formula import affine

        tokens = dims[0]
        return (None if tokens is None else affine(tokens, 1, 1), dims[1])


@frozen(kw_only=True)
class PositionEmbedding(Base):
    """`x + pos_embedding`, a learned `seq_length × hidden_dim`: the sequence must be as long.

    torchvision's ViT learns one embedding per token of the image size it is built for, so it
    takes that size only.
    """

    seq_length: int = arg(args.positive_int)
    hidden_dim: int = arg(args.positive_int)

    def output(self, shape: Shape) -> Shape:
        tokens = _tokens(shape, "PositionEmbedding", self.hidden_dim)
        if tokens != self.seq_length:
            raise LayerError(
                f"PositionEmbedding adds {self.seq_length} learned positions to {tokens} "
                f"tokens: the sequence must be {self.seq_length} long",
                arg="seq_length",
            )
        return shape

    formulas = keeps_shape


@frozen(kw_only=True)
class Select(Base):
    """torch.select(x, dim, index), as `x[:, 0]`: one index of `dim`, which goes (counting
    the batch as 0)."""

    dim: int = arg(args.positive_int)
    index: int = arg(args.integer)

    def output(self, shape: Shape) -> Shape:
        place = self.dim - 1
        if place >= len(shape.dims):
            raise LayerError(f"dim {self.dim} is past the input's dimensions, {shape}", arg="dim")
        size = shape.dims[place]
        if not -size <= self.index < size:
            raise LayerError(f"index {self.index} is out of a size of {size}", arg="index")
        kept = shape.dims[:place] + shape.dims[place + 1 :]
        if not shape.order:
            return Shape(kept)
        order = tuple(axis for axis in shape.order if axis != shape.order[place])
        return Shape(kept, () if order == tuple(sorted(order)) else order)

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The selected dimension goes; the others are kept."""
        place = self.dim - 1
        return dims[:place] + dims[place + 1 :]


@frozen(kw_only=True)
class ExpectSize(Base):
    """torch._assert on the input's spatial sizes: torchvision's ViT asserts its `image_size`.

    With `multiple_of`, the size itself must be a multiple of it, as the model's constructor
    asserts of ViT's image_size and patch_size.
    """

    size: tuple[int, ...] = arg(normalized_shape)  # one size for every axis, or one each
    multiple_of: int = arg(args.positive_int, 1)

    def check(self) -> None:
        uneven = [size for size in self.size if size % self.multiple_of]
        if uneven:
            raise LayerError(
                f"size {uneven[0]} is not a multiple of {self.multiple_of}: the model cannot be "
                "built for it (torchvision: Input shape indivisible by patch size!)",
                arg="size",
            )

    def output(self, shape: Shape) -> Shape:
        if not shape.is_map or shape.order:
            raise LayerError(f"ExpectSize checks a map's sizes, got {shape}", arg="size")
        wanted = self.size * shape.rank if len(self.size) == 1 else self.size
        if len(wanted) != shape.rank:
            raise LayerError(
                f"size {'×'.join(map(str, wanted))} names {len(wanted)} spatial sizes, but the "
                f"input {shape} has {shape.rank}",
                arg="size",
            )
        if shape.spatial != wanted:
            expected = "×".join(map(str, wanted))
            raise LayerError(
                f"the input must be {expected}, the size the model was built for, got "
                f"{'×'.join(map(str, shape.spatial))}",
                arg="size",
            )
        return shape

    formulas = keeps_shape
