"""The padding layers of 1, 2 and 3 dimensions: zero, constant, reflection, replication, circular.

Padding is written as PyTorch takes it: one integer for every side, or a list of two per
axis, last axis first: (left, right, top, bottom, front, back). Negative amounts crop.
"""

from __future__ import annotations

from shapecalc.arith import Axis, Pad
from shapecalc.errors import LayerError, describe
from shapecalc.layers import args
from shapecalc.layers.args import PerAxis, Value
from shapecalc.layers.base import arg
from shapecalc.layers.spatial import Spatial, computed, resize
from shapecalc.shape import Shape, axis_names
from shapecalc.value import frozen

_SIDES = ("left", "right", "top", "bottom", "front", "back")


def padding(*, full: bool) -> PerAxis[tuple[int, ...]]:
    """Return the converter of a pad's padding, made per number of axes.

    A list has two integers per axis, last axis first; unless `full`, it may leave out the
    first axes, as the constant pads allow.
    """

    def for_rank(rank: int) -> args.Convert[tuple[int, ...]]:
        counts = (2 * rank,) if full else tuple(range(2, 2 * rank + 1, 2))
        numbers = ", ".join(map(str, counts[:-1])) + " or " if len(counts) > 1 else ""
        listed = f"a list of {numbers}{counts[-1]} integers ([{', '.join(_SIDES[: 2 * rank])}])"

        def convert(value: Value) -> tuple[int, ...]:
            try:
                if not isinstance(value, tuple):
                    return (args.integer(value),) * (2 * rank)
                if len(value) in counts:
                    return tuple(args.integer(item) for item in value)
            except ValueError:
                pass
            raise ValueError(f"expected an integer or {listed}, got {describe(value)}")

        return convert

    return for_rank


class _Pad(Spatial):
    """A pad of a map of `RANK` axes; what each mode refuses is `check_axis`."""

    __slots__ = ()
    padding: tuple[int, ...]

    def make_ops(self) -> tuple[Axis, ...]:
        ops: list[Axis] = [None] * self.RANK
        for pair in range(len(self.padding) // 2):  # the last axis first
            before, after = self.padding[2 * pair : 2 * pair + 2]
            if before or after:
                ops[self.RANK - 1 - pair] = Pad(before, after)
        return tuple(ops)

    def output(self, shape: Shape) -> Shape:
        channels = self.channels(shape)
        for name, op, size in zip(axis_names(self.RANK), self.ops, shape.spatial, strict=True):
            if isinstance(op, Pad):
                self.check_axis(name, op, size, shape)
        return Shape((channels, *resize(shape, self.ops)))

    def check_axis(self, name: str, op: Pad, size: int, shape: Shape) -> None:
        """Raise if this mode cannot pad axis `name`, of `size`, so; `resize` checks the rest."""
        return None


class _Constant(_Pad):
    """A pad with a constant, which crops each axis first: by no more than its size."""

    __slots__ = ()

    def check_axis(self, name: str, op: Pad, size: int, shape: Shape) -> None:
        cropped = -min(op.before, 0) - min(op.after, 0)
        if cropped > size:
            raise LayerError(
                f"padding ({op.before}, {op.after}) on {name} crops {cropped} positions, more "
                f"than its size {size} (input {shape})",
                arg="padding",
            )


@frozen(kw_only=True)
class ZeroPad(_Constant):
    """torch.nn.ZeroPad1d/2d/3d."""

    padding: tuple[int, ...] = arg(padding(full=False), per_axis=True)
    ops: tuple[Axis, ...] = computed()


class ZeroPad1d(ZeroPad):
    """torch.nn.ZeroPad1d."""

    __slots__ = ()
    RANK = 1


class ZeroPad2d(ZeroPad):
    """torch.nn.ZeroPad2d."""

    __slots__ = ()
    RANK = 2


class ZeroPad3d(ZeroPad):
    """torch.nn.ZeroPad3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class ConstantPad(_Constant):
    """torch.nn.ConstantPad1d/2d/3d: pads with `value`."""

    padding: tuple[int, ...] = arg(padding(full=False), per_axis=True)
    value: float = arg(args.number)
    ops: tuple[Axis, ...] = computed()


class ConstantPad1d(ConstantPad):
    """torch.nn.ConstantPad1d."""

    __slots__ = ()
    RANK = 1


class ConstantPad2d(ConstantPad):
    """torch.nn.ConstantPad2d."""

    __slots__ = ()
    RANK = 2


class ConstantPad3d(ConstantPad):
    """torch.nn.ConstantPad3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class ReflectionPad(_Pad):
    """torch.nn.ReflectionPad1d/2d/3d: mirrors the input, so pads less than its size."""

    padding: tuple[int, ...] = arg(padding(full=True), per_axis=True)
    ops: tuple[Axis, ...] = computed()

    def check_axis(self, name: str, op: Pad, size: int, shape: Shape) -> None:
        if op.before >= size or op.after >= size:
            raise LayerError(
                f"padding ({op.before}, {op.after}) on {name} must be less than its size "
                f"{size} to reflect it (input {shape})",
                arg="padding",
            )


class ReflectionPad1d(ReflectionPad):
    """torch.nn.ReflectionPad1d."""

    __slots__ = ()
    RANK = 1


class ReflectionPad2d(ReflectionPad):
    """torch.nn.ReflectionPad2d."""

    __slots__ = ()
    RANK = 2


class ReflectionPad3d(ReflectionPad):
    """torch.nn.ReflectionPad3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class ReplicationPad(_Pad):
    """torch.nn.ReplicationPad1d/2d/3d: repeats the edge, by any amount."""

    padding: tuple[int, ...] = arg(padding(full=True), per_axis=True)
    ops: tuple[Axis, ...] = computed()


class ReplicationPad1d(ReplicationPad):
    """torch.nn.ReplicationPad1d."""

    __slots__ = ()
    RANK = 1


class ReplicationPad2d(ReplicationPad):
    """torch.nn.ReplicationPad2d."""

    __slots__ = ()
    RANK = 2


class ReplicationPad3d(ReplicationPad):
    """torch.nn.ReplicationPad3d."""

    __slots__ = ()
    RANK = 3


@frozen(kw_only=True)
class CircularPad(_Pad):
    """torch.nn.CircularPad1d/2d/3d: wraps the input around, at most once."""

    padding: tuple[int, ...] = arg(padding(full=True), per_axis=True)
    ops: tuple[Axis, ...] = computed()

    def check_axis(self, name: str, op: Pad, size: int, shape: Shape) -> None:
        for amount, other in ((op.before, op.after), (op.after, op.before)):
            kept = size + min(other, 0)  # what is left of the input to wrap around
            if amount <= kept:
                continue
            if other >= 0:
                raise LayerError(
                    f"padding ({op.before}, {op.after}) on {name} must be at most its size "
                    f"{size}: circular padding wraps around once (input {shape})",
                    arg="padding",
                )
            raise LayerError(
                f"padding ({op.before}, {op.after}) on {name} would wrap around {amount}, but "
                f"cropping leaves {max(kept, 0)} of its {size} positions (input {shape})",
                arg="padding",
            )


class CircularPad1d(CircularPad):
    """torch.nn.CircularPad1d."""

    __slots__ = ()
    RANK = 1


class CircularPad2d(CircularPad):
    """torch.nn.CircularPad2d."""

    __slots__ = ()
    RANK = 2


class CircularPad3d(CircularPad):
    """torch.nn.CircularPad3d."""

    __slots__ = ()
    RANK = 3
