"""Several --input sizes of one model, side by side in one output."""

from __future__ import annotations

from collections.abc import Collection

from shapecalc import _streams
from shapecalc.cli._base import OutputClosedError, deliver
from shapecalc.errors import ShapecalcError, UsageError
from shapecalc.formats import Format
from shapecalc.memory import DType
from shapecalc.modules import Model

# Options of a single size's report that mean nothing beside several.
_SINGLE = ("--columns", "--explain", "--view")


def report_sides(
    network: Model,
    sizes: tuple[tuple[int, ...], ...],
    fmt: Format,
    *,
    given: Collection[str],
    depth: int | None,
    dtype: DType,
    output: str | None,
    quiet: bool,
    batch: int = 1,
) -> None:
    """Write the sizes side by side, then each one's warnings, labelled with its input.

    An input the model cannot take shows its column up to the failure, and the output says
    where each stopped; once everything is written, the first one's error ends the command
    (exit 1) as one line, as every error does.
    """
    from shapecalc import api

    for name in _SINGLE:
        if name in given:
            raise UsageError(name, "several inputs side by side leave it out; give one --input")
    sides = api.side_by_side(network, sizes)
    text = api.render_sides(sides, fmt, depth=depth, dtype=dtype, batch=batch)
    deliver(text, output, network)
    if not quiet:
        for result in filter(None, sides.results):
            for line in api.warnings(result):
                _say(line, str(result.input))
    stopped = [each for each in sides.outcomes if isinstance(each, api.Stopped)]
    if stopped:
        first, more = stopped[0], len(stopped) - 1
        also = f" ({more} more stopped, as the output says)" if more else ""
        raise ShapecalcError(f"input {first.input}{also}", str(first.error))


def _say(line: str, label: str) -> None:
    """Write a warning to standard error, its kind coloured, `label` after it."""
    kind, _, rest = line.partition(" ")
    line = f"{kind} {label}: {rest}"
    if not _streams.advise(line):
        raise OutputClosedError  # nobody is left to tell
