"""Layers that keep their input's shape (activations, dropout, identity), and GLU."""

from __future__ import annotations

from shapecalc.errors import LayerError
from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, check_stated, keeps_shape, require_rank
from shapecalc.shape import Shape
from shapecalc.value import frozen


class ShapeKeeping(Base):
    """A layer whose output has its input's shape."""

    __slots__ = ()
    formulas = keeps_shape

    def output(self, shape: Shape) -> Shape:
        return shape


@frozen(kw_only=True)
class _Stateless(ShapeKeeping):
    """A shape-keeping layer without arguments.

    This and the other bases below are the value classes; each kind is a plain subclass of
    one, with `__slots__ = ()`, as rank variants are (see shapecalc/layers/spatial.py).
    """


@frozen(kw_only=True)
class _InPlace(ShapeKeeping):
    """A shape-keeping layer whose only argument is `inplace`."""

    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class _Dropout(ShapeKeeping):
    """A dropout: `p` and `inplace`."""

    p: float = arg(args.probability, 0.5)
    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class StochasticDepth(ShapeKeeping):
    """torchvision.ops.StochasticDepth: drops whole samples or rows; the identity in eval mode."""

    p: float = arg(args.probability)
    mode: str = arg(args.choice("batch", "row"))


@frozen(kw_only=True)
class _Exponential(ShapeKeeping):
    """ELU and CELU: `alpha` and `inplace`."""

    alpha: float = arg(args.number, 1.0)
    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class _Shrink(ShapeKeeping):
    """Hardshrink and Softshrink: `lambd`."""

    lambd: float = arg(args.number, 0.5)


class Identity(_Stateless):
    """torch.nn.Identity."""

    __slots__ = ()


class ReLU(_InPlace):
    """torch.nn.ReLU."""

    __slots__ = ()


class ReLU6(_InPlace):
    """torch.nn.ReLU6."""

    __slots__ = ()


@frozen(kw_only=True)
class LeakyReLU(ShapeKeeping):
    """torch.nn.LeakyReLU."""

    negative_slope: float = arg(args.number, 0.01)
    inplace: bool = arg(args.boolean, False)


class SiLU(_InPlace):
    """torch.nn.SiLU."""

    __slots__ = ()


class Hardswish(_InPlace):
    """torch.nn.Hardswish."""

    __slots__ = ()


class Hardsigmoid(_InPlace):
    """torch.nn.Hardsigmoid."""

    __slots__ = ()


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


class Dropout(_Dropout):
    """torch.nn.Dropout."""

    __slots__ = ()


class Dropout2d(_Dropout):
    """torch.nn.Dropout2d."""

    __slots__ = ()


class Dropout1d(_Dropout):
    """torch.nn.Dropout1d: of a signal's channels; PyTorch takes a vector too."""

    __slots__ = ()

    def output(self, shape: Shape) -> Shape:
        require_rank(shape, "Dropout1d", (0, 1))
        return shape


class Dropout3d(_Dropout):
    """torch.nn.Dropout3d; PyTorch takes any input, as Dropout2d does."""

    __slots__ = ()


class AlphaDropout(_Dropout):
    """torch.nn.AlphaDropout."""

    __slots__ = ()


class FeatureAlphaDropout(_Dropout):
    """torch.nn.FeatureAlphaDropout."""

    __slots__ = ()


class ELU(_Exponential):
    """torch.nn.ELU."""

    __slots__ = ()


class CELU(_Exponential):
    """torch.nn.CELU."""

    __slots__ = ()

    def check(self) -> None:
        if self.alpha == 0:
            raise LayerError("alpha must not be 0: CELU divides by it", arg="alpha")


class SELU(_InPlace):
    """torch.nn.SELU."""

    __slots__ = ()


@frozen(kw_only=True)
class Hardtanh(ShapeKeeping):
    """torch.nn.Hardtanh."""

    min_val: float = arg(args.number, -1.0)
    max_val: float = arg(args.number, 1.0)
    inplace: bool = arg(args.boolean, False)

    def check(self) -> None:
        if self.max_val <= self.min_val:
            raise LayerError(
                f"max_val {self.max_val} must be greater than min_val {self.min_val}",
                arg="max_val",
            )


class Hardshrink(_Shrink):
    """torch.nn.Hardshrink."""

    __slots__ = ()


class Softshrink(_Shrink):
    """torch.nn.Softshrink."""

    __slots__ = ()

    def check(self) -> None:
        if self.lambd < 0:
            raise LayerError(f"lambd must be at least 0, got {self.lambd}", arg="lambd")


@frozen(kw_only=True)
class Tanhshrink(ShapeKeeping):
    """torch.nn.Tanhshrink."""


@frozen(kw_only=True)
class LogSigmoid(ShapeKeeping):
    """torch.nn.LogSigmoid."""


@frozen(kw_only=True)
class Softsign(ShapeKeeping):
    """torch.nn.Softsign."""


@frozen(kw_only=True)
class Softplus(ShapeKeeping):
    """torch.nn.Softplus."""

    beta: float = arg(args.number, 1.0)
    threshold: float = arg(args.number, 20.0)


class Mish(_InPlace):
    """torch.nn.Mish."""

    __slots__ = ()


@frozen(kw_only=True)
class RReLU(ShapeKeeping):
    """torch.nn.RReLU."""

    lower: float = arg(args.number, 1 / 8)
    upper: float = arg(args.number, 1 / 3)
    inplace: bool = arg(args.boolean, False)

    def check(self) -> None:
        if self.lower > self.upper:
            raise LayerError(
                f"lower {self.lower} must not be greater than upper {self.upper}", arg="lower"
            )


@frozen(kw_only=True)
class Threshold(ShapeKeeping):
    """torch.nn.Threshold."""

    threshold: float = arg(args.number)
    value: float = arg(args.number)
    inplace: bool = arg(args.boolean, False)


@frozen(kw_only=True)
class PReLU(ShapeKeeping):
    """torch.nn.PReLU: one learnt slope, or one per channel (per feature of a vector)."""

    num_parameters: int = arg(args.positive_int, 1)
    init: float = arg(args.number, 0.25)

    def output(self, shape: Shape) -> Shape:
        if self.num_parameters != 1:
            check_stated(
                self.num_parameters,
                shape.dims[0],
                arg_name="num_parameters",
                shape=shape,
                hint="; PReLU takes 1 or the number of channels",
            )
        return shape

    def params(self, before: Shape) -> int:
        return self.num_parameters
