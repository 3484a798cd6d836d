"""Numbers, fields and sizes as people read them; shared by every text format."""

from __future__ import annotations

from shapecalc.field import Field, Reach

_UNITS = ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K"))


def compact(count: int, *, space: str = "") -> str:
    """Show a count in three significant figures: `9.41K`, `118M`, `1.81G`; below 1000 as is.

    `space` goes between the number and its unit, as in `1.81 G`.
    """
    for scale, unit in _UNITS:
        if count >= scale:
            value = count / scale
            digits = 2 if value < 10 else 1 if value < 100 else 0
            return f"{value:.{digits}f}{space}{unit}"
    return str(count)


def grouped(count: int) -> str:
    """Show a count with thousands separators: `11,689,512`."""
    return f"{count:,}"


def megabytes(count: int) -> str:
    """Show bytes in decimal megabytes, as torchinfo does: `46.76 MB`."""
    return f"{count / 10**6:,.2f} MB"


def reach(value: Reach) -> str:
    """Show one axis of a field: `43`, `all` for the whole input, `≤9` when windows vary."""
    if value.size is None:
        return "all"
    return f"{value.size}" if value.uniform else f"≤{value.size}"


def field(value: Field | None) -> str:
    """Show a receptive field: `43` when square, `43×51` when not, empty when undefined."""
    if value is None:
        return ""
    height, width = reach(value.h), reach(value.w)
    return height if height == width else f"{height}×{width}"


def stride(value: Field | None) -> str:
    """Show an effective stride like a field: `32`, `8×16`; `-` where it is undefined."""
    if value is None:
        return ""
    parts = [str(axis.stride) if axis.stride is not None else "-" for axis in (value.h, value.w)]
    return parts[0] if parts[0] == parts[1] else "×".join(parts)
