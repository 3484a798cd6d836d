"""Upsampling of a map of any rank, by a size or a scale factor, and torchvision's centre crop."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from shapecalc.arith import Axis, Interpolate, Pad
from shapecalc.errors import LayerError, describe, quote
from shapecalc.layers import args
from shapecalc.layers.args import Value
from shapecalc.layers.base import Base, arg, require_map
from shapecalc.layers.spatial import resize
from shapecalc.shape import Shape
from shapecalc.value import frozen

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims

MODES = ("nearest", "linear", "bilinear", "bicubic", "trilinear", "area", "nearest-exact")
# The interpolating modes, by the one rank each works in; the others work in any.
INTERPOLATING = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
T = TypeVar("T")


def _one_or_list(item: args.Convert[T], what: str) -> args.Convert[T | tuple[T, ...]]:
    """Accept one value for every axis or a non-empty list, one per axis of the input."""

    def convert(value: Value) -> T | tuple[T, ...]:
        try:
            if not isinstance(value, tuple):
                return item(value)
            if value:
                return tuple(item(each) for each in value)
        except ValueError:
            pass
        raise ValueError(
            f"expected {what} or a list of one per spatial axis, got {describe(value)}"
        )

    return convert


def _for_axes(value: T | tuple[T, ...], rank: int) -> tuple[T, ...] | None:
    """Return a value for each of `rank` axes; None for a list of another length."""
    if isinstance(value, tuple):
        return value if len(value) == rank else None
    return (value,) * rank


class _Resampling(Base):
    """Upsampling's arithmetic: `nn.Upsample` and the two fixed-mode classes made from it."""

    __slots__ = ()
    mode_given: ClassVar[bool] = False  # whether `mode` is an argument, not the class's own
    size: int | tuple[int, ...] | None
    scale_factor: float | tuple[float, ...] | None
    mode: str
    align_corners: bool | None
    recompute_scale_factor: bool | None

    def check(self) -> None:
        kind = type(self).__name__
        if self.size is None and self.scale_factor is None:
            raise LayerError(f"{kind} needs size or scale_factor")
        if self.size is not None and self.scale_factor is not None:
            raise LayerError(f"{kind} takes size or scale_factor, not both", arg="scale_factor")
        if self.align_corners is not None and self.mode not in INTERPOLATING:
            raise LayerError(
                "align_corners can only be set with an interpolating mode (linear, bilinear, "
                f"bicubic or trilinear), not {quote(self.mode)}",
                arg="align_corners",
            )
        if self.recompute_scale_factor and self.size is not None:
            raise LayerError(
                "recompute_scale_factor is not meaningful with an explicit size",
                arg="recompute_scale_factor",
            )

    def output(self, shape: Shape) -> Shape:
        channels = require_map(shape, type(self).__name__)
        rank = INTERPOLATING.get(self.mode)
        if rank is not None:
            try:
                require_map(shape, f"mode {quote(self.mode)}", rank)
            except LayerError as error:  # point at the mode where the spec gives one
                raise LayerError(error.what, arg="mode" if self.mode_given else None) from None
        ops = self.axes(shape)
        if ops is None:
            name = "size" if self.size is not None else "scale_factor"
            value = self.size if self.size is not None else self.scale_factor
            count = len(value) if isinstance(value, tuple) else 1
            raise LayerError(
                f"{name} {describe(value)} must have one entry per spatial axis: the input "
                f"{shape} has {shape.rank}, not {count}",
                arg=name,
            )
        return Shape((channels, *resize(shape, ops)))

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        how = (self.mode, bool(self.align_corners), bool(self.recompute_scale_factor))
        if self.size is not None:
            sizes = _for_axes(self.size, before.rank)
            return None if sizes is None else tuple(Interpolate(size, None, *how) for size in sizes)
        assert self.scale_factor is not None
        scales = _for_axes(self.scale_factor, before.rank)
        return None if scales is None else tuple(Interpolate(None, scale, *how) for scale in scales)


_SIZES = _one_or_list(args.positive_int, "an integer ≥ 1")
_SCALES = _one_or_list(args.positive_number, "a number > 0")


@frozen(kw_only=True)
class Upsample(_Resampling):
    """torch.nn.Upsample, of a map of any rank; output ⌊size·scale_factor⌋ per axis."""

    mode_given = True

    size: int | tuple[int, ...] | None = arg(args.optional(_SIZES), None)
    scale_factor: float | tuple[float, ...] | None = arg(args.optional(_SCALES), None)
    mode: str = arg(args.choice(*MODES), "nearest")
    align_corners: bool | None = arg(args.optional(args.boolean), None)
    recompute_scale_factor: bool | None = arg(args.optional(args.boolean), None)


@frozen(kw_only=True)
class UpsamplingNearest2d(_Resampling):
    """torch.nn.UpsamplingNearest2d: Upsample in mode 'nearest', of a map of any rank."""

    size: int | tuple[int, ...] | None = arg(args.optional(_SIZES), None)
    scale_factor: float | tuple[float, ...] | None = arg(args.optional(_SCALES), None)

    @property
    def mode(self) -> str:  # type: ignore[override]
        return "nearest"

    @property
    def align_corners(self) -> bool | None:  # type: ignore[override]
        return None

    @property
    def recompute_scale_factor(self) -> bool | None:  # type: ignore[override]
        return None


@frozen(kw_only=True)
class UpsamplingBilinear2d(_Resampling):
    """torch.nn.UpsamplingBilinear2d: Upsample in mode 'bilinear' with align_corners."""

    size: int | tuple[int, ...] | None = arg(args.optional(_SIZES), None)
    scale_factor: float | tuple[float, ...] | None = arg(args.optional(_SCALES), None)

    @property
    def mode(self) -> str:  # type: ignore[override]
        return "bilinear"

    @property
    def align_corners(self) -> bool | None:  # type: ignore[override]
        return True

    @property
    def recompute_scale_factor(self) -> bool | None:  # type: ignore[override]
        return None


def crop_size(value: Value) -> tuple[int, int]:
    """Accept an integer ≥ 1, or a list of one or two of them: CenterCrop's (h, w)."""
    try:
        if not isinstance(value, tuple):
            side = args.positive_int(value)
            return side, side
        if len(value) in (1, 2):
            sides = tuple(args.positive_int(item) for item in value)
            return sides[0], sides[-1]
    except ValueError:
        pass
    raise ValueError(
        f"expected an integer ≥ 1 or a list of one or two of them ([h, w]), got {describe(value)}"
    )


def centre(size: int, crop: int) -> Pad | None:
    """Return how torchvision's center_crop changes an axis of `size` to `crop`.

    A larger crop pads with zeros, the odd one after; a smaller one starts at
    `int(round((size − crop) / 2.0))`, with Python's rounding of halves to even.
    """
    if crop == size:
        return None
    if crop > size:
        extra = crop - size
        return Pad(extra // 2, (extra + 1) // 2)
    top = round((size - crop) / 2.0)
    return Pad(-top, top + crop - size)


@frozen(kw_only=True)
class CenterCrop(Base):
    """torchvision.transforms.CenterCrop: crops (or pads) the last two axes to `size`."""

    size: tuple[int, int] = arg(crop_size)

    def output(self, shape: Shape) -> Shape:
        ops = self.axes(shape)
        if ops is None:
            raise LayerError(
                f"CenterCrop crops the last two axes of a C×H×W or C×D×H×W input, got {shape}"
            )
        return Shape((shape.dims[0], *resize(shape, ops)))

    def axes(self, before: Shape) -> tuple[Axis, ...] | None:
        if before.rank < 2:
            return None
        *rest, height, width = before.spatial
        crops = (centre(height, self.size[0]), centre(width, self.size[1]))
        return (None,) * len(rest) + crops

    def formulas(self, before: Shape, dims: Dims, after: Shape) -> Dims:
        """The last two axes are `size`, cropped or padded to from any size."""
        return (*dims[:-2], *self.size)
