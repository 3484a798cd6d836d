"""One model at a glance: what it is, its input and output, totals, and its own parameters."""

from __future__ import annotations

from collections.abc import Sequence

from shapecalc.engine import Result
from shapecalc.errors import describe
from shapecalc.formats.text import compact, grouped

SET_HINT = "(change with --set NAME=VALUE)"


def render(result: Result) -> str:
    """Return the model's description, input, output and totals, then its parameters."""
    model = result.model
    macs = result.total_macs
    head = [
        ("model", model.name),
        ("input", str(result.input)),
        ("output", str(result.output)),
        ("params", grouped(result.total_params)),
        ("MACs", f"{grouped(macs)} ({compact(macs, space=' ')})"),
    ]
    if model.description:
        head.insert(1, ("about", model.description))
    lines = _aligned(head)
    if model.description:  # wrapped at 80 columns under itself, as the other lines fit
        from textwrap import wrap

        indent = " " * (lines[0].index(model.name))
        about = wrap(lines[1], 80, subsequent_indent=indent, break_on_hyphens=False)
        lines[1:2] = about
    if not model.arguments:
        return "\n".join([*lines, "", "parameters: none declared", ""])
    rows = [("parameter", "value", SET_HINT)]
    for item in model.arguments:
        note = f"default {describe(item.default)}" if item.given else ""
        rows.append((item.name, describe(item.value), note))
    return "\n".join([*lines, "", *_aligned(rows), ""])


def _aligned(rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Return rows of cells, each column as wide as its widest cell but the last."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    return [
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]
