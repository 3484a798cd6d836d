"""JSON: the model, its input and output, totals, memory, and one object per module."""

from __future__ import annotations

import json

from shapecalc.engine import Result, Row
from shapecalc.formats import Options
from shapecalc.formats.columns import visible
from shapecalc.memory import DType, memory, nbytes
from shapecalc.sizes import AXES, total_stride, uneven


def render(result: Result, options: Options) -> str:
    """Return the document, one module per line so that it diffs and greps well."""
    used = memory(result, options.dtype)
    head = {
        "model": result.model.name,
        "type": result.model.type,
        "input": list(result.input.dims),
        "output": list(result.output.dims),
        "total_params": result.total_params,
        "total_macs": result.total_macs,
        "memory": {
            "dtype": options.dtype.value,
            "input_bytes": used.input,
            "activation_bytes": used.activations,
            "param_bytes": used.params,
            "total_bytes": used.total,
        },
        "total_stride": list(total_stride(result)) if result.input.is_map else None,
        "uneven": [
            {
                "path": item.row.path,
                "axis": AXES[item.axis],
                "input": item.size,
                "stride": item.stride,
                "output": item.output,
            }
            for item in uneven(result)
        ],
    }
    lines = [f'  "{key}": {dumps(value)},' for key, value in head.items()]
    rows = ",\n".join(
        f"    {dumps(_row(row, options.dtype))}" for row in visible(result, options.depth)
    )
    layers = f'  "layers": [\n{rows}\n  ]' if rows else '  "layers": []'
    return "{\n" + "\n".join(lines) + "\n" + layers + "\n}\n"


def dumps(value: object) -> str:
    """Return `value` as JSON on one line, characters beyond ASCII as they are."""
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps would make one per call


def _row(row: Row, dtype: DType) -> dict[str, object]:
    data: dict[str, object] = {
        "path": row.path,
        "name": row.name,
        "type": row.type,
        "depth": row.depth,
        "shape": list(row.shape.dims),
        "params": row.params,
        "macs": row.macs,
        "output_bytes": nbytes(row.shape, dtype),
    }
    if row.field is not None:
        axes = (row.field.h, row.field.w)
        data["receptive_field"] = [axis.size for axis in axes]
        data["effective_stride"] = [axis.stride for axis in axes]
        data["field_uniform"] = all(axis.uniform for axis in axes)
    return data
