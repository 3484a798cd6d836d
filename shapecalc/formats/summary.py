"""The summary under a model's rows: output, totals and memory, as label and text."""

from __future__ import annotations

from shapecalc.engine import Result
from shapecalc.formats.text import compact, grouped, megabytes
from shapecalc.memory import DType, memory


def _mb(count: int) -> str:
    return megabytes(count).removesuffix(" MB")


def entries(result: Result, dtype: DType) -> list[tuple[str, str]]:
    """Return the summary's lines as (label, text) pairs."""
    used = memory(result, dtype)
    macs = result.total_macs
    return [
        ("output", str(result.output)),
        ("params", f"{grouped(result.total_params)} ({megabytes(used.params)} as {dtype.value})"),
        (
            "MACs",
            f"{grouped(macs)} ({compact(macs, space=' ')}; "
            f"FLOPs = 2 × MACs = {compact(2 * macs, space=' ')})",
        ),
        (
            "memory",
            f"input {_mb(used.input)} + activations {_mb(used.activations)} + params "
            f"{_mb(used.params)} = {megabytes(used.total)} ({dtype.value}; 1 MB = 10^6 B)",
        ),
    ]
