"""JSON: the model, its input and output, totals, memory, and one object per module.

Shapes are one sample's; with a batch above one, `"batch"` says how many samples the MACs
and bytes are of (at a batch of one it is left out, as the document always was).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring as _string  # as dumps writes a string, in C
from typing import TYPE_CHECKING

from shapecalc.engine import Result, Row
from shapecalc.field import Field
from shapecalc.formats import Options
from shapecalc.formats.columns import visible
from shapecalc.memory import DType, memory, nbytes
from shapecalc.shape import axis_names
from shapecalc.sizes import total_stride, uneven

if TYPE_CHECKING:  # formulas are for symbolic inputs only: a numeric run never loads them
    from shapecalc.formula import Dims
    from shapecalc.modules import Registered


def _set(result: Result) -> dict[str, object]:
    """Return the model's parameters set (`--set`), by name, under "set"; nothing without."""
    given = {item.name: item.value for item in result.model.arguments if item.given}
    return {"set": given} if given else {}


def render(result: Result, options: Options) -> str:
    """Return the document, one module per line so that it diffs and greps well."""
    batch = options.batch
    used = memory(result, options.dtype, batch)
    head = {
        "model": result.model.name,
        "type": result.model.type,
        "input": list(result.input.dims),
        **({"batch": batch} if batch != 1 else {}),
        **_set(result),
        "output": list(result.output.dims),
        "total_params": result.total_params,
        "total_macs": result.batch_macs(batch),
        "total_attention_macs": result.batch_attention_macs(batch),
        "memory": {
            "dtype": options.dtype.value,
            "input_bytes": used.input,
            "activation_bytes": used.activations,
            "param_bytes": used.params,
            "total_bytes": used.total,
            "torchinfo_forward_backward_bytes": used.forward_backward,
            "torchinfo_total_bytes": used.torchinfo_total,
        },
        **_formulas(result),
        "total_stride": list(total_stride(result)) if result.input.is_map else None,
        "uneven": [
            {
                "path": item.row.path,
                "axis": axis_names(result.input.rank)[item.axis],
                "input": item.size,
                "stride": item.stride,
                "output": item.output,
            }
            for item in uneven(result)
        ],
    }
    lines = ["{", *(f'  "{key}": {dumps(value)},' for key, value in head.items())]
    made = _rows(visible(result, options.depth), options.dtype, batch, bool(result.attention_macs))
    rows = [f"    {row}," for row in made]
    if rows:
        rows[-1] = rows[-1].removesuffix(",")
        lines += ['  "layers": [', *rows, "  ]"]
    else:
        lines.append('  "layers": []')
    del rows  # a hundred thousand rows are 20 MB: one copy less at the join
    return "\n".join([*lines, "}", ""])


def _formulas(result: Result) -> dict[str, object]:
    """Return, for symbolic sizes, their values the figures are at and the formulas' forms."""
    if result.input_formulas is None:
        return {}
    from shapecalc.formats.valid import data
    from shapecalc.valid import valid_sizes

    return {
        "symbols": result.symbols,
        "input_formula": _texts(result.input_formulas),
        "output_formula": _texts(result.output_formulas),
        "valid": {found.symbol: data(found) for found in valid_sizes(result)},
    }


def _texts(formulas: Dims | None) -> list[str | None] | None:
    if formulas is None:
        return None
    from shapecalc.formats._formula import show

    return [None if dim is None else show(dim) for dim in formulas]


def _formula(formulas: Dims | None) -> str:
    """Return a row's formulas, as text and as structures, to follow its other keys."""
    if formulas is None:
        return ""
    from shapecalc.formats._formula import structure

    expressions = [structure(dim) for dim in formulas]
    return f', "formula": {dumps(_texts(formulas))}, "expression": {dumps(expressions)}'


def dumps(value: object) -> str:
    """Return `value` as JSON on one line, characters beyond ASCII as they are."""
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps would make one per call


def _rows(rows: list[Row], dtype: DType, batch: int = 1, attends: bool = False) -> Iterator[str]:
    """Yield each row's object on one line, exactly as `dumps` would write it; with
    `attention_macs` where the model `attends`.

    Written directly: a dict per row and the encoder's set-up on each call cost twice the
    writing, and the largest models have a hundred thousand rows, which share a few shapes
    and fields.
    """
    shapes: dict[tuple[int, ...], tuple[str, int]] = {}
    last: Field | None = None  # a row's field is often the row before's, passed on
    tail = "}"
    for row in rows:
        module, reach = row.module, row.field
        if row.shape is None:
            shape, size = "null", 0
        else:
            made = shapes.get(row.shape.dims)
            if made is None:
                size = nbytes(row.shape, dtype, batch)
                made = shapes[row.shape.dims] = (_list(row.shape.dims), size)
            shape, size = made
        if reach is not last or row.formulas is not None:
            last, tail = reach, _field(reach) + _formula(row.formulas) + "}"
        yield (
            f'{{"path": {_string(module.path)}, "name": {_string(module.name)}, '
            f'"type": {_string(module.type)}, "depth": {module.depth}, {_from(module)}'
            f'"shape": {shape}, '
            f'"params": {row.params}, "macs": {row.batch_macs(batch)}, '
            + (f'"attention_macs": {row.batch_attention_macs(batch)}, ' if attends else "")
            + f'"output_bytes": {size}{tail}'
        )


def _from(module: Registered) -> str:
    """Say where a module takes its input, when its `from:` says: the references as written."""
    takes = module.takes
    if takes is None:
        return ""
    refs = ", ".join(str(ref) if isinstance(ref, int) else _string(ref) for ref in takes.written)
    return f'"from": [{refs}], ' if takes.many else f'"from": {refs}, '


def _field(field: Field | None) -> str:
    if field is None:
        return ""
    uniform = "true" if all(axis.uniform for axis in field.axes) else "false"
    sizes = ", ".join(str(_number(axis.size)) for axis in field.axes)
    strides = ", ".join(str(_number(axis.stride)) for axis in field.axes)
    return (
        f', "receptive_field": [{sizes}], "effective_stride": [{strides}], '
        f'"field_uniform": {uniform}'
    )


def _number(number: int | None) -> int | str:
    return "null" if number is None else number


def _list(numbers: tuple[int | None, ...]) -> str:
    if None in numbers:
        return (
            "[" + ", ".join("null" if number is None else str(number) for number in numbers) + "]"
        )
    return "[" + ", ".join(map(str, numbers)) + "]"
