"""Layers that keep their input's shape: activations, dropout, identity."""

from __future__ import annotations

from shapecalc.layers import args
from shapecalc.layers.base import Base, arg
from shapecalc.shape import Shape
from shapecalc.value import frozen


class ShapeKeeping(Base):
    """A layer whose output has its input's shape."""

    __slots__ = ()

    def output(self, shape: Shape) -> Shape:
        return shape


@frozen(kw_only=True)
class Identity(ShapeKeeping):
    """torch.nn.Identity."""


@frozen(kw_only=True)
class ReLU(ShapeKeeping):
    """torch.nn.ReLU."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class ReLU6(ShapeKeeping):
    """torch.nn.ReLU6."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class LeakyReLU(ShapeKeeping):
    """torch.nn.LeakyReLU."""

    negative_slope: float = arg(args.number, 0.01)
    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class SiLU(ShapeKeeping):
    """torch.nn.SiLU."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class Hardswish(ShapeKeeping):
    """torch.nn.Hardswish."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class Hardsigmoid(ShapeKeeping):
    """torch.nn.Hardsigmoid."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class Sigmoid(ShapeKeeping):
    """torch.nn.Sigmoid."""


@frozen(kw_only=True)
class Tanh(ShapeKeeping):
    """torch.nn.Tanh."""


@frozen(kw_only=True)
class GELU(ShapeKeeping):
    """torch.nn.GELU."""

    approximate: str = arg(args.choice("none", "tanh"), "none")


@frozen(kw_only=True)
class Dropout(ShapeKeeping):
    """torch.nn.Dropout."""

    p: float = arg(args.probability, 0.5)
    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class Dropout2d(ShapeKeeping):
    """torch.nn.Dropout2d."""

    p: float = arg(args.probability, 0.5)
    inplace: bool = arg(args.boolean, False)
