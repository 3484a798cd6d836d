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
from shapecalc.memory import DType, macs, memory


def entries(result: Result, dtype: DType, batch: int = 1) -> list[tuple[str, str]]:
    """Return the summary's lines as (label, text) pairs: MACs and memory of `batch` samples."""
    used = memory(result, dtype, batch)
    power = byte_unit(max(used.total, used.torchinfo_total))  # one unit for both sums
    unit = BYTE_UNITS[power]
    count = macs(result.total_macs, batch)
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
    ]
