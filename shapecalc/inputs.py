"""Input sizes as people write them: `224`, `224x320`, `3x224x224`, and sweeps `1:1024`."""

from __future__ import annotations

from shapecalc.errors import UsageError
from shapecalc.limits import MAX_SIZE_DIGITS, MAX_SWEEP
from shapecalc.shape import Shape

SEPARATORS = "xX×*"
SIZE_FORMS = "use 224 (H = W), 224x320 (H×W) or 3x224x224 (C×H×W), each a whole number ≥ 1"


def natural(text: str) -> int | None:
    """Read a whole number of ASCII digits, at most MAX_SIZE_DIGITS of them; else None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_SIZE_DIGITS:
        return int(text)
    return None


def parse_size(text: str) -> tuple[int, ...]:
    """Read `224` (H = W), `224x320` (H×W) or `3x224x224` (C×H×W); raise ValueError if not."""
    for separator in SEPARATORS:
        text = text.replace(separator, "x")
    parts = text.split("x")
    numbers = [number for number in map(natural, parts) if number is not None and number >= 1]
    if len(numbers) == len(parts) and 1 <= len(numbers) <= 3:
        return tuple(numbers)
    raise ValueError(SIZE_FORMS)


def parse_sweep(text: str) -> range:
    """Read `START:STOP[:STEP]`, STOP included; raise ValueError if not."""
    parts = text.split(":")
    numbers = [number for number in map(natural, parts) if number is not None]
    if len(numbers) == len(parts) and 2 <= len(numbers) <= 3:
        start, stop, step = (*numbers, 1)[:3]
        if 1 <= start <= stop and step >= 1 and (stop - start) // step < MAX_SWEEP:
            return range(start, stop + 1, step)
    raise ValueError(
        "use START:STOP or START:STOP:STEP with 1 ≤ START ≤ STOP, STEP ≥ 1 and at most "
        f"{MAX_SWEEP:,} sizes"
    )


def apply(default: Shape, size: int | tuple[int, ...] | None) -> Shape:
    """Return the input shape: `size` as H = W, (H, W) or (C, H, W) over the spec's default."""
    if size is None:
        return default
    if isinstance(size, int):
        size = (size,)
    if len(size) == 3:
        return Shape(size)
    if not default.is_map:
        raise UsageError("--input", f"the model takes a {default} input, not a C×H×W image")
    height, width = size if len(size) == 2 else (size[0], size[0])
    return Shape((default.channels, height, width))
