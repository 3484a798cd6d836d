"""Input sizes as people write them: `224`, `224x320`, `3x224x224`, `1x16000`, sweeps `1:1024`.

Also as torchinfo's `input_size` and Python write them: `8x3x224x224` (a batch of 8),
`224,224`, `(3, 224, 224)`, `[1, 3, 224, 224]`. Shapes are one sample's: the command line
takes a leading batch off with `take_batch`, and the formats scale their figures by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from shapecalc.errors import UsageError
from shapecalc.limits import MAX_BATCH, MAX_SIZE_DIGITS, MAX_SWEEP, MAX_SYMBOL_LENGTH
from shapecalc.shape import Shape, axis_names

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims

SEPARATORS = "xX×*,"
BRACKETS = {"(": ")", "[": "]"}
SIZE_FORMS = (
    "use 224 (every spatial size), 224x320 (H×W), 3x224x224 (C×H×W), 1x3x224x224 (a batch "
    "of one), 1x16000 (C×L) or 3x16x112x112 (C×D×H×W), each a whole number ≥ 1, separated "
    "by x or commas, in brackets or not"
)
SYMBOLIC_FORMS = SIZE_FORMS.replace(
    "each a whole number ≥ 1", "each a whole number ≥ 1 or a spatial size's name (HxW: formulas)"
)
MAX_DIMS = 5  # a batch, C and three spatial axes


def natural(text: str) -> int | None:
    """Read a whole number of ASCII digits, at most MAX_SIZE_DIGITS of them; else None."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_SIZE_DIGITS:
        return int(text)
    return None


def symbol(text: str) -> str | None:
    """Read a symbolic size: ASCII letters but x (which separates sizes); else None."""
    text = text.strip()
    valid = text.isascii() and text.isalpha() and "x" not in text.lower()
    return text if valid and len(text) <= MAX_SYMBOL_LENGTH else None


def parse_size(text: str) -> tuple[int, ...]:
    """Read one to five sizes separated by `x`; raise ValueError if not.

    What they mean depends on the model (see `apply`).
    """
    parts = _parts(text)
    numbers = [number for number in map(natural, parts) if number is not None and number >= 1]
    if len(numbers) == len(parts) and 1 <= len(numbers) <= MAX_DIMS:
        return tuple(numbers)
    raise ValueError(SIZE_FORMS)


def parse_input(text: str) -> tuple[int | str, ...]:
    """Read sizes as `parse_size` does, where a spatial size may be a symbol: `3xHxW`."""
    parts = _parts(text)
    read = [symbol(part) or natural(part) for part in parts]
    if len(parts) <= MAX_DIMS and all(isinstance(part, str) or (part or 0) >= 1 for part in read):
        return tuple(read)  # type: ignore[arg-type]  # none is None: checked above
    raise ValueError(SYMBOLIC_FORMS)


def _parts(text: str) -> list[str]:
    """Split sizes as written, brackets and separators taken off."""
    text = text.strip()
    closing = BRACKETS.get(text[:1])
    if closing and text.endswith(closing):  # (3, 224, 224), or (224,) as Python writes it
        text = text[1:-1].strip().removesuffix(",")
    for separator in SEPARATORS:
        text = text.replace(separator, "x")
    return text.split("x")


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


def parse_batch(text: str) -> int:
    """Read a batch, a whole number from 1 to MAX_BATCH; raise ValueError if not."""
    number = natural(text)
    if number is None or not 1 <= number <= MAX_BATCH:
        raise ValueError(f"use a whole number from 1 to {MAX_BATCH:,}")
    return number


Sizes = TypeVar("Sizes", tuple[int, ...], tuple[int | str, ...])


def take_batch(
    default: Shape, sizes: Sequence[Sizes], batch: int | None
) -> tuple[tuple[Sizes, ...], int]:
    """Return `sizes` without their leading batch, and the batch they and `batch` agree on.

    `batch` is --batch's (None if not given); every size side by side shares one batch.
    """
    kept, batches = [], set()
    for size in sizes:
        batched = default.is_map and len(size) == default.rank + 2  # as `apply` reads them
        if batched:
            if isinstance(size[0], str):
                raise UsageError("--input", "a batch is a number, not a symbol")
            batches.add(check_batch(size[0], "--input"))
        kept.append(size[1:] if batched else size)
    found = sorted(batches)
    if batch is not None and found and found != [batch]:
        other = next(each for each in found if each != batch)
        raise UsageError(
            "--batch", f"{batch:,} is not --input's batch of {other:,}: give the batch once"
        )
    if len(found) > 1:
        raise UsageError(
            "--input",
            f"batches of {found[0]:,} and {found[1]:,}: sizes side by side share one batch; "
            "give it once, with --batch",
        )
    return tuple(kept), batch or (found[0] if found else 1)


def check_batch(batch: int, where: str = "--batch") -> int:
    """Return `batch` if it is from 1 to MAX_BATCH; else raise UsageError naming `where`."""
    if not 1 <= batch <= MAX_BATCH:
        raise UsageError(where, f"a batch of {batch:,}: give one from 1 to {MAX_BATCH:,}")
    return batch


def apply(default: Shape, size: int | tuple[int, ...] | None) -> Shape:
    """Return the input shape: `size` over the spec's default, whose rank it keeps.

    One number is every spatial size; as many numbers as spatial axes are those sizes; one
    more is the channels too, and one more again a batch, which must be of one: shapes here
    are one sample's (`take_batch` takes another off first). A model whose input is a
    vector takes no size.
    """
    if size is None:
        return default
    if isinstance(size, int):
        size = (size,)
    if not default.is_map:
        raise UsageError("--input", f"the model takes a {default} input, not a map")
    rank = default.rank
    if len(size) == rank + 2:
        if size[0] != 1:
            raise UsageError(
                "--input",
                f"a batch of {size[0]}: shapes here are one sample's; give the sizes without "
                "it (a report's --batch, or render's batch=, scales the MACs and memory)",
            )
        return Shape(size[1:])
    if len(size) == rank + 1:
        return Shape(size)
    if len(size) == rank:
        return default.with_spatial(size)
    if len(size) == 1:
        return default.with_spatial(size * rank)
    names = "×".join(axis_names(rank))
    raise UsageError(
        "--input",
        f"the model takes a C×{names} input ({default}): give one size, {rank} ({names}), "
        f"{rank + 1} (C×{names}) or {rank + 2} (1×C×{names}), not {len(size)}",
    )


def symbolic(default: Shape, size: tuple[int | str, ...]) -> tuple[Shape, Dims]:
    """Return the input shape at one size of `size`'s symbols, and its dims as formulas.

    Sizes land where `apply` puts numbers; a symbol stands for a spatial size only, and
    takes the spec's default size on the first axis it names (so that a square default
    gives a square input for `--input H`).
    """
    rank = default.rank if default.is_map else 0
    spatial = list(size * rank if len(size) == 1 else size[-rank:] if rank else ())
    leading = size[: max(len(size) - len(spatial), 0)] if len(size) > 1 else ()
    if any(isinstance(part, str) for part in leading):
        raise UsageError(
            "--input", "a symbol stands for a spatial size: the channels and batch are numbers"
        )
    from shapecalc.formula import Symbol

    chosen: dict[str, int] = {}
    for axis, part in enumerate(spatial):
        if isinstance(part, str):
            chosen.setdefault(part, default.spatial[axis])
    numbers = tuple(chosen[part] if isinstance(part, str) else part for part in size)
    shape = apply(default, numbers)
    named = (Symbol(part) if isinstance(part, str) else part for part in spatial)
    return shape, (shape.channels, *named)
