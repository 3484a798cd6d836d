"""JSON: the model, its input and output, totals, memory, and one object per module."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # as dumps writes a string, in C

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
    rows = ",\n".join(f"    {_row(row, options.dtype)}" for row in visible(result, options.depth))
    layers = f'  "layers": [\n{rows}\n  ]' if rows else '  "layers": []'
    return "{\n" + "\n".join(lines) + "\n" + layers + "\n}\n"


def dumps(value: object) -> str:
    """Return `value` as JSON on one line, characters beyond ASCII as they are."""
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps would make one per call


def _row(row: Row, dtype: DType) -> str:
    """Return a row's object on one line, exactly as `dumps` would write it.

    Written directly: a dict per row and the encoder's set-up on each call cost twice the
    writing, and the largest models have a hundred thousand rows.
    """
    text = (
        f'{{"path": {_string(row.path)}, "name": {_string(row.name)}, '
        f'"type": {_string(row.type)}, "depth": {row.depth}, "shape": {_list(row.shape.dims)}, '
        f'"params": {row.params}, "macs": {row.macs}, "output_bytes": {nbytes(row.shape, dtype)}'
    )
    if row.field is not None:
        h, w = row.field.h, row.field.w
        uniform = "true" if h.uniform and w.uniform else "false"
        text += (
            f', "receptive_field": {_list((h.size, w.size))}, '
            f'"effective_stride": {_list((h.stride, w.stride))}, "field_uniform": {uniform}'
        )
    return text + "}"


def _list(numbers: tuple[int | None, ...]) -> str:
    if None in numbers:
        return (
            "[" + ", ".join("null" if number is None else str(number) for number in numbers) + "]"
        )
    return "[" + ", ".join(map(str, numbers)) + "]"
