"""BatchNorm2d."""

from __future__ import annotations

from shapecalc.layers import args
from shapecalc.layers.base import Base, arg, check_stated, require_map
from shapecalc.shape import Shape
from shapecalc.value import frozen


@frozen(kw_only=True)
class BatchNorm2d(Base):
    """torch.nn.BatchNorm2d; `num_features` is taken from the input unless stated."""

    num_features: int | None = arg(args.positive_int, None)
    eps: float = arg(args.positive_number, 1e-5)
    momentum: float | None = arg(args.optional(args.probability), 0.1)
    affine: bool = arg(args.boolean, True)
    track_running_stats: bool = arg(args.boolean, True)

    def output(self, shape: Shape) -> Shape:
        channels, _, _ = require_map(shape, "BatchNorm2d")
        check_stated(self.num_features, channels, arg_name="num_features", shape=shape)
        return shape

    def params(self, before: Shape) -> int:
        return (
            2 * before.channels if self.affine else 0
        )  # weight and bias; running stats are buffers
