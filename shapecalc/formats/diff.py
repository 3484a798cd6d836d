"""Two models row by row: added, removed and changed modules, and the totals' deltas.

Rows are B's, in B's order, with A's removed rows after the row they followed; each is
marked `+` (only B has it), `-` (only A has it) or `~` (changed), and a changed figure
reads `A → B`. Runs of unchanged rows are counted on one line unless every row is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from shapecalc.compare import Change, Diff, Status
from shapecalc.engine import Result, Row
from shapecalc.errors import UsageError
from shapecalc.formats import Format
from shapecalc.formats.grid import Grid
from shapecalc.formats.side import shape_dims
from shapecalc.formats.text import compact, grouped, megabytes, output_text
from shapecalc.memory import DType, memory

FORMATS = (Format.TABLE, Format.MARKDOWN, Format.CSV, Format.JSON)
ARROW = " → "
HEADINGS = ("", "path", "type", "output", "params", "MACs")
SAME = "…"  # the mark of a line that counts unchanged rows


def render(
    diff: Diff,
    fmt: Format,
    dtype: DType = DType.FLOAT32,
    depth: int | None = None,
    *,
    every: bool = False,
) -> str:
    """Return the comparison in `fmt`, one of FORMATS; `every` shows unchanged rows too."""
    if fmt not in FORMATS:
        names = ", ".join(each.value for each in FORMATS)
        raise UsageError("--format", f"diff writes {names}, not {fmt.value}")
    changes = diff.changes(depth)
    if fmt is Format.JSON:
        return _json(diff, changes, dtype, every=every)
    if fmt is Format.CSV:
        return _csv(changes, every=every).render(Format.CSV)
    lines = tuple(_lines(changes, every=every))
    grid = Grid(HEADINGS, lines, right=frozenset({4, 5}), named=frozenset({1, 2}))
    notes = [*totals(diff, dtype), ("rows", _counts(changes))]
    if fmt is Format.MARKDOWN:
        from shapecalc.formats.markdown import escape, escape_name

        a, b = (escape_name(result.model.name) for result in (diff.a, diff.b))
        caption = f"**{a}**{ARROW}**{b}** · {escape(_inputs(diff))}"
        items = [f"- **{label}**: {escape(text)}" for label, text in notes]
        return "\n".join([caption, "", grid.render(fmt).rstrip("\n"), "", *items, ""])
    width = max(len(label) for label, _ in notes) + 2
    summary = "".join(f"{label.ljust(width)}{text}\n" for label, text in notes)
    caption = f"{diff.a.model.name}{ARROW}{diff.b.model.name} · {_inputs(diff)}\n"
    return caption + grid.render(Format.TABLE) + summary


def _inputs(diff: Diff) -> str:
    """Say the input: once when both models take the same."""
    a, b = str(diff.a.input), str(diff.b.input)
    return f"input {a}" if a == b else f"input {a}{ARROW}{b}"


def _lines(changes: list[Change], *, every: bool) -> Iterator[tuple[str, ...]]:
    """Yield a line per row shown, and one counting each run of unchanged rows elided."""
    run = 0
    for change in changes:
        if change.status is Status.UNCHANGED and not every:
            run += 1
            continue
        if run:
            yield _elided(run)
            run = 0
        yield _line(change)
    if run:
        yield _elided(run)


def _elided(count: int) -> tuple[str, ...]:
    return (SAME, f"{grouped(count)} unchanged", "", "", "", "")


def _line(change: Change) -> tuple[str, ...]:
    """Return a row's cells: A's figure, B's, or `A → B` where they differ."""
    row = change.row
    return (
        change.status.value.strip(),
        row.path,
        _pair(change, lambda row: row.type),
        _pair(change, lambda row: output_text(row.shape)),
        _pair(change, lambda row: _count(row.params)),
        _pair(change, lambda row: _count(row.macs)),
    )


def _pair(change: Change, show: Callable[[Row], str]) -> str:
    if change.a is None or change.b is None:
        return show(change.row)
    old, new = show(change.a), show(change.b)
    return old if old == new else f"{old}{ARROW}{new}"


def _count(value: int) -> str:
    return compact(value) if value else "–"


def totals(diff: Diff, dtype: DType) -> list[tuple[str, str]]:
    """Return the summary's lines: the inputs and outputs, then each total with its delta."""
    a, b = diff.a, diff.b
    used_a, used_b = memory(a, dtype).total, memory(b, dtype).total
    return [
        ("output", _changed(str(a.output), str(b.output))),
        ("params", _delta(a.total_params, b.total_params, grouped)),
        ("MACs", _delta(a.total_macs, b.total_macs, grouped)),
        ("memory", _delta(used_a, used_b, megabytes, f"as {dtype.value}")),
    ]


def _changed(old: str, new: str) -> str:
    return old if old == new else f"{old}{ARROW}{new}"


def _delta(old: int, new: int, show: Callable[[int], str], note: str = "") -> str:
    """Say `old → new (+delta)`, or the figure once when it did not change."""
    after = f"; {note}" if note else ""
    if old == new:
        return f"{show(old)} (unchanged{after})"
    sign = "+" if new > old else "-"
    return f"{show(old)}{ARROW}{show(new)} ({sign}{show(abs(new - old))}{after})"


def _counts(changes: list[Change]) -> str:
    counted = dict.fromkeys(Status, 0)
    for change in changes:
        counted[change.status] += 1
    return (
        f"{grouped(counted[Status.ADDED])} added, {grouped(counted[Status.REMOVED])} removed, "
        f"{grouped(counted[Status.CHANGED])} changed, "
        f"{grouped(counted[Status.UNCHANGED])} unchanged"
    )


def _csv(changes: list[Change], *, every: bool) -> Grid:
    """One record per row shown: its status, then A's figures and B's, raw."""
    headings = ("status", "path", "name", "depth")
    sides = [f"{side}_{aspect}" for side in "ab" for aspect in ("type", "output", "params", "macs")]
    records = tuple(
        (
            change.status.name.lower(),
            change.row.path,
            change.row.name,
            str(change.row.depth),
            *_raw(change.a),
            *_raw(change.b),
        )
        for change in changes
        if every or change.status is not Status.UNCHANGED
    )
    return Grid((*headings, *sides), records, named=frozenset({1, 2, 4, 8}))


def _raw(row: Row | None) -> tuple[str, ...]:
    if row is None:
        return ("", "", "", "")
    return (row.type, shape_dims(row.shape), str(row.params), str(row.macs))


def _json(diff: Diff, changes: list[Change], dtype: DType, *, every: bool) -> str:
    """Return A's and B's totals, the rows that differ (all with `every`), and the counts."""
    from shapecalc.formats.json import dumps

    head = {
        "a": _json_totals(diff.a, dtype),
        "b": _json_totals(diff.b, dtype),
        "same": diff.same,
        "counts": {
            status.name.lower(): sum(change.status is status for change in changes)
            for status in Status
        },
    }
    lines = [f'  "{key}": {dumps(value)},' for key, value in head.items()]
    rows = [
        f"    {dumps(_json_row(change))},"
        for change in changes
        if every or change.status is not Status.UNCHANGED
    ]
    if rows:
        rows[-1] = rows[-1].removesuffix(",")
    return "\n".join(["{", *lines, '  "rows": [', *rows, "  ]", "}", ""])


def _json_totals(result: Result, dtype: DType) -> dict[str, object]:
    return {
        "model": result.model.name,
        "input": list(result.input.dims),
        "output": list(result.output.dims),
        "total_params": result.total_params,
        "total_macs": result.total_macs,
        "memory": {"dtype": dtype.value, "total_bytes": memory(result, dtype).total},
    }


def _json_row(change: Change) -> dict[str, object]:
    row = change.row
    return {
        "status": change.status.name.lower(),
        "path": row.path,
        "name": row.name,
        "depth": row.depth,
        "differs": list(change.differs),
        "a": _json_side(change.a),
        "b": _json_side(change.b),
    }


def _json_side(row: Row | None) -> dict[str, object] | None:
    if row is None:
        return None
    shape = list(row.shape.dims) if row.shape else None
    return {"type": row.type, "shape": shape, "params": row.params, "macs": row.macs}
