"""Input-size advice as text: warnings for uneven strides, sweeps, the smallest input."""

from __future__ import annotations

from shapecalc.engine import Result, Row
from shapecalc.formats import Format
from shapecalc.formats.text import alike
from shapecalc.modules import Model
from shapecalc.shape import Shape, axis_names
from shapecalc.sizes import (
    Sample,
    Smallest,
    Uneven,
    nearest_clean,
    reach,
    total_stride,
    uneven,
)

MAX_PLACES = 3  # uneven layers named in a sweep's status, or in one warning, before "and N more"


def warnings(model: Model, result: Result) -> list[str]:
    """Return a `note:` with the total stride and clean sizes, then a `warning:` line for the
    strided layers that round, one for each input and stride they have alike (a block's
    convolution and its shortcut's)."""
    found = uneven(result)
    if not found:
        return []
    strides = total_stride(result)
    note = f"note: the total stride is {alike([stride or 0 for stride in strides])}"
    within = reach(model, 2 * result.input.rank)  # each axis, each way
    if within:
        note += f"; clean input sizes near {alike(result.input.spatial)}: {_clean(result, within)}"
    return [note, *(f"warning: {_rounding(rows, items)}" for rows, items in _alike(found))]


def _clean(result: Result, within: int) -> str:
    """Say the nearest clean sizes along each axis, each searched `within` sizes each way."""
    spatial = result.input.spatial
    near = [nearest_clean(result.model, result.input, axis, within) for axis in range(len(spatial))]
    if len(set(spatial)) == 1 and all(pair == near[0] for pair in near):
        return _either(near[0], within)
    pairs = zip(axis_names(len(spatial)), near, strict=True)
    return ", ".join(f"{name} {_either(pair, within)}" for name, pair in pairs)


def _alike(found: list[Uneven]) -> list[tuple[list[Row], list[Uneven]]]:
    """Group the rounding by layer, then the layers that round alike: the same sizes in, the
    same strides, the same sizes out; in row order."""
    by_row: dict[str, tuple[Row, list[Uneven]]] = {}
    for item in found:
        by_row.setdefault(item.row.path, (item.row, []))[1].append(item)
    groups: dict[tuple[object, ...], tuple[list[Row], list[Uneven]]] = {}
    for row, items in by_row.values():
        key = tuple((item.axis, item.size, item.stride, item.output) for item in items)
        groups.setdefault(key, ([], items))[0].append(row)
    return list(groups.values())


def _where(rows: list[Row]) -> str:
    """Name the layers: `a (Conv2d)`, `a (Conv2d) and b (Conv2d)`, `a, b, c and 4 more`;
    work in a module's forward() as such: `Mixed_6a.max_pool (MaxPool2d in forward())`."""
    names = [
        f"{row.path} ({row.type}{' in forward()' if row.module.functional else ''})"
        for row in rows[:MAX_PLACES]
    ]
    if len(rows) > MAX_PLACES:
        names.append(f"{len(rows) - MAX_PLACES} more")
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _rounding(rows: list[Row], items: list[Uneven]) -> str:
    where = _where(rows)
    its, output = ("its", "the output") if len(rows) == 1 else ("their", "each output")
    row = rows[0]
    assert row.input is not None  # a layer that rounded ran
    first, rank = items[0], row.input.rank
    if (
        rank > 1
        and len(items) == rank
        and all((item.size, item.stride) == (first.size, first.stride) for item in items)
    ):
        return (
            f"{where}: input {_all(first.size, rank)} is not a multiple of {its} stride "
            f"{first.stride}; {output} {_all(first.output, rank)} is rounded"
        )
    names = axis_names(rank)
    return f"{where}: " + "; ".join(
        f"input {names[item.axis]} {item.size} is not a multiple of {its} stride {item.stride}, "
        f"output {names[item.axis]} {item.output} is rounded"
        for item in items
    )


def _all(size: int, rank: int) -> str:
    return "×".join([str(size)] * rank)


def _either(pair: tuple[int | None, int | None], within: int) -> str:
    found = [str(size) for size in pair if size is not None]
    return " or ".join(found) if found else f"none within ±{within:,}"


def sweep_text(samples: list[Sample], fmt: Format) -> str:
    """Return a sweep in `fmt`: an aligned table (TABLE), CSV, Markdown or JSON."""
    if fmt is Format.JSON:
        return _sweep_json(samples)
    names = _stages(samples)
    raw = fmt is Format.CSV  # every status in full, for a spreadsheet to filter
    rows = tuple((str(sample.size), *_cells(sample, names, raw=raw)) for sample in samples)
    headings = ("input", *names, "output", "status")
    named = frozenset(range(1, len(names) + 1)) | {len(headings) - 1}
    from shapecalc.formats.grid import Grid  # only a sweep needs it

    return Grid(headings, rows, frozenset({0}), named).render(fmt)


def _sweep_json(samples: list[Sample]) -> str:
    """Return a sweep as JSON: one object per input size."""
    from shapecalc.formats.json import dumps

    names = _stages(samples)
    items = []
    for sample in samples:
        item: dict[str, object] = {"input": sample.size, "status": _status_word(sample)}
        if isinstance(sample.outcome, Shape):
            sizes = {stage.path: list(stage.after) for stage in sample.stages}
            item["stages"] = {name: sizes[name] for name in names}
            item["output"] = list(sample.outcome.dims)
            item["uneven"] = list(sample.uneven)
        else:
            item["error"] = str(sample.outcome)
        items.append("  " + dumps(item))
    return "[\n" + ",\n".join(items) + "\n]\n"


def _stages(samples: list[Sample]) -> list[str]:
    """Name the top-level modules that change a spatial size for some input of the sweep."""
    order: dict[str, bool] = {}
    for sample in samples:
        for stage in sample.stages:
            order[stage.path] = order.get(stage.path, False) or stage.before != stage.after
    return [path for path, changes in order.items() if changes]


def _cells(sample: Sample, names: list[str], *, raw: bool) -> list[str]:
    if not isinstance(sample.outcome, Shape):
        return [""] * len(names) + ["", f"invalid: {sample.outcome}"]
    sizes = {stage.path: alike(stage.after) for stage in sample.stages}
    return [*(sizes[name] for name in names), str(sample.outcome), _status(sample, raw=raw)]


def _status_word(sample: Sample) -> str:
    if not isinstance(sample.outcome, Shape):
        return "invalid"
    return "uneven" if sample.uneven else "clean"


def _status(sample: Sample, *, raw: bool = False) -> str:
    if not sample.uneven:
        return "clean"
    shown = sample.uneven if raw else sample.uneven[:MAX_PLACES]
    extra = len(sample.uneven) - len(shown)
    return f"uneven: {', '.join(shown)}" + (f" and {extra} more" if extra > 0 else "")


_WORDS = {"L": "length", "D": "depth", "H": "height", "W": "width"}


def smallest_text(model: Model, shape: Shape, found: Smallest, fmt: Format) -> str:
    """Say the smallest input sizes a model accepts, searched beside `shape`'s sizes."""
    names = axis_names(shape.rank)
    if fmt is Format.JSON:
        from shapecalc.formats.json import dumps

        item: dict[str, object] = {"model": model.name, "input": list(shape.dims)}
        item |= {_WORDS.get(name, name): size for name, size in zip(names, found.axes, strict=True)}
        item |= {"square": found.square, "searched_up_to": found.limit}
        return dumps(item) + "\n"

    def say(value: int | None, text: str = "{}") -> str:
        return f"none up to {found.limit:,}" if value is None else text.format(value)

    lines = [f"smallest input for {model.name}:"]
    for axis, (name, value) in enumerate(zip(names, found.axes, strict=True)):
        others = ", ".join(
            f"{other} = {shape.spatial[index]}"
            for index, other in enumerate(names)
            if index != axis
        )
        lines.append(f"  {name}: {say(value)}" + (f" (with {others})" if others else ""))
    if shape.rank > 1:
        lines.append(f"  square: {say(found.square, _all(found.square or 0, shape.rank))}")
    return "\n".join(lines) + "\n"
