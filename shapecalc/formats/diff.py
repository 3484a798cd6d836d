"""Two models row by row: added, removed and changed modules, and the totals' deltas.

Rows are B's, in B's order, with A's removed rows after the row they followed; each is
marked `+` (only B has it), `-` (only A has it) or `~` (changed), and a changed figure
reads `A → B`. Runs of unchanged rows are counted on one line unless every row is asked for.
A batch scales both models' MACs and memory, as it does one model's (shapecalc.memory).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from shapecalc.compare import Change, Diff, Status
from shapecalc.engine import Result, Row
from shapecalc.errors import UsageError
from shapecalc.formats import Format
from shapecalc.formats.grid import Grid
from shapecalc.formats.side import shape_dims
from shapecalc.formats.text import PER_SAMPLE, batched, compact, grouped, megabytes, output_text
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
    batch: int = 1,
) -> str:
    """Return the comparison in `fmt`, one of FORMATS; `every` shows unchanged rows too;
    MACs and memory are of `batch` samples."""
    if fmt not in FORMATS:
        names = ", ".join(each.value for each in FORMATS)
        raise UsageError("--format", f"diff writes {names}, not {fmt.value}")
    changes = diff.changes(depth)
    if fmt is Format.JSON:
        return _json(diff, changes, dtype, every=every, batch=batch)
    if fmt is Format.CSV:
        return _csv(changes, every=every, batch=batch).render(Format.CSV)
    lines = tuple(_lines(changes, every=every, batch=batch))
    grid = Grid(HEADINGS, lines, right=frozenset({4, 5}), named=frozenset({1, 2}))
    notes = [*totals(diff, dtype, batch), ("rows", _counts(changes))]
    if fmt is Format.MARKDOWN:
        from shapecalc.formats.markdown import escape, escape_name

        a, b = (escape_name(result.model.name) for result in (diff.a, diff.b))
        caption = f"**{a}**{ARROW}**{b}** · {escape(_inputs(diff, batch))}"
        items = [f"- **{label}**: {escape(text)}" for label, text in notes]
        return "\n".join([caption, "", grid.render(fmt).rstrip("\n"), "", *items, ""])
    width = max(len(label) for label, _ in notes) + 2
    summary = "".join(f"{label.ljust(width)}{text}\n" for label, text in notes)
    caption = f"{diff.a.model.name}{ARROW}{diff.b.model.name} · {_inputs(diff, batch)}\n"
    return caption + grid.render(Format.TABLE) + summary


def _inputs(diff: Diff, batch: int = 1) -> str:
    """Say the input: once when both models take the same."""
    a, b = batched(diff.a.input, batch), batched(diff.b.input, batch)
    shown = f"input {a}" if a == b else f"input {a}{ARROW}{b}"
    return shown if batch == 1 else shown + PER_SAMPLE


def _lines(changes: list[Change], *, every: bool, batch: int = 1) -> Iterator[tuple[str, ...]]:
    """Yield a line per row shown, and one counting each run of unchanged rows elided."""
    run = 0
    for change in changes:
        if change.status is Status.UNCHANGED and not every:
            run += 1
            continue
        if run:
            yield _elided(run)
            run = 0
        yield _line(change, batch)
    if run:
        yield _elided(run)


def _elided(count: int) -> tuple[str, ...]:
    return (SAME, f"{grouped(count)} unchanged", "", "", "", "")


def _line(change: Change, batch: int = 1) -> tuple[str, ...]:
    """Return a row's cells: A's figure, B's, or `A → B` where they differ."""
    row = change.row
    return (
        change.status.value.strip(),
        row.path,
        _pair(change, lambda row: row.type),
        _pair(change, lambda row: output_text(row.shape)),
        _pair(change, lambda row: _count(row.params)),
        _pair(change, lambda row: _count(row.batch_macs(batch))),
    )


def _pair(change: Change, show: Callable[[Row], str]) -> str:
    if change.a is None or change.b is None:
        return show(change.row)
    old, new = show(change.a), show(change.b)
    return old if old == new else f"{old}{ARROW}{new}"


def _count(value: int) -> str:
    return compact(value) if value else "–"


def totals(diff: Diff, dtype: DType, batch: int = 1) -> list[tuple[str, str]]:
    """Return the summary's lines: the inputs and outputs, then each total with its delta."""
    a, b = diff.a, diff.b
    used_a, used_b = memory(a, dtype, batch).total, memory(b, dtype, batch).total
    kind = f"as {dtype.value}" if batch == 1 else f"as {dtype.value}, a batch of {batch:,}"
    return [
        ("output", _changed(batched(a.output, batch), batched(b.output, batch))),
        ("params", _delta(a.total_params, b.total_params, grouped)),
        ("MACs", _delta(a.batch_macs(batch), b.batch_macs(batch), grouped)),
        ("memory", _delta(used_a, used_b, megabytes, kind)),
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


def _csv(changes: list[Change], *, every: bool, batch: int = 1) -> Grid:
    """One record per row shown: its status, then A's figures and B's, raw."""
    headings = ("status", "path", "name", "depth")
    sides = [f"{side}_{aspect}" for side in "ab" for aspect in ("type", "output", "params", "macs")]
    records = tuple(
        (
            change.status.name.lower(),
            change.row.path,
            change.row.name,
            str(change.row.depth),
            *_raw(change.a, batch),
            *_raw(change.b, batch),
        )
        for change in changes
        if every or change.status is not Status.UNCHANGED
    )
    return Grid((*headings, *sides), records, named=frozenset({1, 2, 4, 8}))


def _raw(row: Row | None, batch: int = 1) -> tuple[str, ...]:
    if row is None:
        return ("", "", "", "")
    return (row.type, shape_dims(row.shape), str(row.params), str(row.batch_macs(batch)))


def _json(diff: Diff, changes: list[Change], dtype: DType, *, every: bool, batch: int = 1) -> str:
    """Return A's and B's totals, the rows that differ (all with `every`), and the counts."""
    from shapecalc.formats.json import dumps

    head = {
        **({"batch": batch} if batch != 1 else {}),
        "a": _json_totals(diff.a, dtype, batch),
        "b": _json_totals(diff.b, dtype, batch),
        "same": diff.same,
        "counts": {
            status.name.lower(): sum(change.status is status for change in changes)
            for status in Status
        },
    }
    lines = [f'  "{key}": {dumps(value)},' for key, value in head.items()]
    rows = [
        f"    {dumps(_json_row(change, batch))},"
        for change in changes
        if every or change.status is not Status.UNCHANGED
    ]
    if rows:
        rows[-1] = rows[-1].removesuffix(",")
    return "\n".join(["{", *lines, '  "rows": [', *rows, "  ]", "}", ""])


def _json_totals(result: Result, dtype: DType, batch: int = 1) -> dict[str, object]:
    return {
        "model": result.model.name,
        "input": list(result.input.dims),
        "output": list(result.output.dims),
        "total_params": result.total_params,
        "total_macs": result.batch_macs(batch),
        "memory": {"dtype": dtype.value, "total_bytes": memory(result, dtype, batch).total},
    }


def _json_row(change: Change, batch: int = 1) -> dict[str, object]:
    row = change.row
    return {
        "status": change.status.name.lower(),
        "path": row.path,
        "name": row.name,
        "depth": row.depth,
        "differs": list(change.differs),
        "a": _json_side(change.a, batch),
        "b": _json_side(change.b, batch),
    }


def _json_side(row: Row | None, batch: int = 1) -> dict[str, object] | None:
    if row is None:
        return None
    shape = list(row.shape.dims) if row.shape else None
    return {"type": row.type, "shape": shape, "params": row.params, "macs": row.batch_macs(batch)}
