"""Input-size advice as text: warnings for uneven strides, sweeps, the smallest input."""

from __future__ import annotations

from collections.abc import Iterable

from shapecalc.engine import Result, Row
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.sizes import AXES, Sample, Smallest, Uneven, nearest_clean, total_stride, uneven

MAX_PLACES = 3  # uneven layers named in a sweep's status before "and N more"


def warnings(model: Model, result: Result) -> list[str]:
    """Return a `warning:` line per strided layer that rounds, and a `note:` with clean sizes."""
    found = uneven(result)
    if not found:
        return []
    lines = [f"warning: {_rounding(row, items)}" for row, items in _by_row(found)]
    strides = total_stride(result)
    stride = _pair(strides[0] or 0, strides[1] or 0)
    spatial = result.input.spatial
    near = [nearest_clean(model, result.input, axis) for axis in (0, 1)]
    if spatial[0] == spatial[1] and near[0] == near[1]:
        sizes = _either(near[0])
    else:
        sizes = ", ".join(f"{name} {_either(pair)}" for name, pair in zip(AXES, near, strict=True))
    lines.append(
        f"note: the total stride is {stride}; clean input sizes near {_pair(*spatial)}: {sizes}"
    )
    return lines


def _by_row(found: list[Uneven]) -> list[tuple[Row, list[Uneven]]]:
    groups: dict[str, tuple[Row, list[Uneven]]] = {}
    for item in found:
        groups.setdefault(item.row.path, (item.row, []))[1].append(item)
    return list(groups.values())


def _rounding(row: Row, items: list[Uneven]) -> str:
    where = f"{row.path} ({row.type})"
    if len(items) == 2 and (items[0].size, items[0].stride) == (items[1].size, items[1].stride):
        first = items[0]
        return (
            f"{where}: input {first.size}×{first.size} is not a multiple of its stride "
            f"{first.stride}; the output {first.output}×{first.output} is rounded"
        )
    return f"{where}: " + "; ".join(
        f"input {AXES[item.axis]} {item.size} is not a multiple of its stride {item.stride}, "
        f"output {AXES[item.axis]} {item.output} is rounded"
        for item in items
    )


def _pair(height: int, width: int) -> str:
    return str(height) if height == width else f"{height}×{width}"


def _either(pair: tuple[int | None, int | None]) -> str:
    found = [str(size) for size in pair if size is not None]
    return " or ".join(found) if found else "none within reach"


def sweep_table(samples: Iterable[Sample]) -> str:
    """Return a sweep as an aligned text table: a line per input size."""
    samples = list(samples)
    names = _stages(samples)
    header = ["input", *names, "output", "status"]
    body = [[str(sample.size), *_cells(sample, names)] for sample in samples]
    widths = [max(len(line[column]) for line in [header, *body]) for column in range(len(header))]
    return "".join(
        "  ".join(
            cell.rjust(width) if column == 0 else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        + "\n"
        for line in [header, *body]
    )


def sweep_json(samples: Iterable[Sample]) -> str:
    """Return a sweep as JSON: one object per input size."""
    from shapecalc.formats.json import dumps

    samples = list(samples)
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
    """Name the top-level modules that change H or W for some size of the sweep."""
    order: dict[str, bool] = {}
    for sample in samples:
        for stage in sample.stages:
            order[stage.path] = order.get(stage.path, False) or stage.before != stage.after
    return [path for path, changes in order.items() if changes]


def _cells(sample: Sample, names: list[str]) -> list[str]:
    if not isinstance(sample.outcome, Shape):
        return [""] * len(names) + ["", f"invalid: {sample.outcome}"]
    sizes = {stage.path: _pair(*stage.after) for stage in sample.stages}
    return [*(sizes[name] for name in names), str(sample.outcome), _status(sample)]


def _status_word(sample: Sample) -> str:
    if not isinstance(sample.outcome, Shape):
        return "invalid"
    return "uneven" if sample.uneven else "clean"


def _status(sample: Sample) -> str:
    if not sample.uneven:
        return "clean"
    named = ", ".join(sample.uneven[:MAX_PLACES])
    extra = len(sample.uneven) - MAX_PLACES
    return f"uneven: {named}" + (f" and {extra} more" if extra > 0 else "")


def smallest_text(model: Model, found: Smallest, *, height: int, width: int) -> str:
    """Say the smallest input sizes a model accepts, given the H and W searched beside."""

    def size(value: int | None, text: str = "{}") -> str:
        return "none up to the search limit" if value is None else text.format(value)

    return (
        f"smallest input for {model.name}:\n"
        f"  H: {size(found.height)} (with W = {width})\n"
        f"  W: {size(found.width)} (with H = {height})\n"
        f"  square: {size(found.square, '{0}×{0}')}\n"
    )
