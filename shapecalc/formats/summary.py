"""The summary under a model's rows: output, totals and memory, as label and text."""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats.text import (
    BYTE_UNITS,
    at_sizes,
    batched,
    byte_unit,
    compact,
    grouped,
    in_unit,
    megabytes,
)
from shapecalc.memory import DType, memory


def entries(result: Result, dtype: DType, batch: int = 1) -> list[tuple[str, str]]:
    """Return the summary's lines as (label, text) pairs: MACs and memory of `batch` samples."""
    used = memory(result, dtype, batch)
    power = byte_unit(max(used.total, used.torchinfo_total))  # one unit for both sums
    unit = BYTE_UNITS[power]
    count = result.batch_macs(batch)
    kind = dtype.value if batch == 1 else f"{dtype.value}, a batch of {batch:,}"
    kind += at_sizes(result.input, result.input_formulas)
    at = at_sizes(result.input, result.input_formulas)
    return [
        ("output", batched(result.output, batch, result.output_formulas)),
        ("params", f"{grouped(result.total_params)} ({megabytes(used.params)} as {dtype.value})"),
        (
            "MACs",
            f"{grouped(count)} ({compact(count, space=' ')}; "
            f"FLOPs = 2 × MACs = {compact(2 * count, space=' ')}){at}",
        ),
        *([("attention", _attention(result, batch))] if result.attention_macs else []),
        (
            "memory",
            f"input {in_unit(used.input, power)} + activations "
            f"{in_unit(used.activations, power)} + params {in_unit(used.params, power)} = "
            f"{in_unit(used.total, power)} {unit} ({kind}; 1 {unit} = 10^{6 + 3 * power} B)",
        ),
        (  # torchinfo's total, and why it differs: its "forward/backward pass size"
            "torchinfo",
            f"{in_unit(used.torchinfo_total, power)} {unit}: outputs of layers with weights, "
            f"twice ({in_unit(used.forward_backward, power)}), in place of activations",
        ),
        *([("ultralytics", ultralytics(result, batch))] if result.model.ultralytics else []),
    ]


def _attention(result: Result, batch: int) -> str:
    """Say how many of the MACs are attention's matrix products, which counters disagree on."""
    count = result.batch_attention_macs(batch)
    share = count / result.batch_macs(batch)
    return (
        f"{grouped(count)} of the MACs ({compact(count, space=' ')}, {share:.1%}) in attention's "
        "matrix products, Q·Kᵀ and attention·V"
    )


def ultralytics(result: Result, batch: int = 1) -> str:
    """Say the totals as Ultralytics' model summary does, and its head's strides.

    Its layers are the modules `named_modules()` lists that have no children; its GFLOPs are
    2 × MACs, those of the fused model, which FlopCounterMode counts as shapecalc does.
    """
    layers = sum(row.is_leaf for row in result.rows)
    gflops = 2 * result.batch_macs(batch) / 1e9
    text = f"{layers} layers, {result.total_params:,} parameters, {gflops:.1f} GFLOPs (fused)"
    strides = _strides(result)
    return text + (f"; strides {', '.join(map(str, strides))}" if strides else "")


def _strides(result: Result) -> list[int]:
    """Return the strides of the maps the model's last layer takes, as Detect's `stride`:
    how many input rows make one of theirs; none unless every one divides evenly."""
    steps = [row for row in result.rows if row.depth == 2]
    takes = steps[-1].module.takes if steps else None
    if takes is None or not result.input.is_map:
        return []
    height = result.input.spatial[0]
    found = []
    for place in takes.steps:  # as resolved: -1 is the step before the head, not the head
        shape = steps[place].shape if 0 <= place < len(steps) else None
        if shape is None or not shape.is_map or height % shape.spatial[0]:
            return []
        found.append(height // shape.spatial[0])
    return found
