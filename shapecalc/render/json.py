"""JSON: the model, its input and output, and one object per module."""

from __future__ import annotations

import json

from shapecalc.engine import Result, Row


def render(result: Result) -> str:
    """Return the document, one module per line so that it diffs and greps well."""
    head = {
        "model": result.model.name,
        "type": result.model.type,
        "input": list(result.input.dims),
        "output": list(result.output.dims),
    }
    lines = [f'  "{key}": {json.dumps(value, ensure_ascii=False)},' for key, value in head.items()]
    rows = ",\n".join(f"    {json.dumps(_row(row), ensure_ascii=False)}" for row in result.rows)
    layers = f'  "layers": [\n{rows}\n  ]' if rows else '  "layers": []'
    return "{\n" + "\n".join(lines) + "\n" + layers + "\n}\n"


def _row(row: Row) -> dict[str, object]:
    return {
        "path": row.path,
        "name": row.name,
        "type": row.type,
        "depth": row.depth,
        "shape": list(row.shape.dims),
    }
