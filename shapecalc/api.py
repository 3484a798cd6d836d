"""The Python API: load a model, infer for an input, render any format as a string.

    import shapecalc

    model = shapecalc.load("resnet18")             # a built-in name, or a spec file's path
    result = shapecalc.infer(model, input=224)     # 224, (224, 320), (3, 224, 224), "224x320"
    page = shapecalc.render(result, "markdown", depth=2)

The command line is a thin layer over these three functions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from shapecalc import catalog, engine, inputs
from shapecalc._modes import check_options
from shapecalc.engine import Result
from shapecalc.formats import Format, Options, View, text
from shapecalc.formats.columns import parse as parse_columns
from shapecalc.memory import DType
from shapecalc.modules import Model

Size = int | tuple[int, ...] | str


def load(model: str | os.PathLike[str]) -> Model:
    """Load a built-in model by name, or a spec file by path.

    Raises SpecError (a ShapecalcError) for a spec that cannot be read or is invalid.
    """
    return catalog.load(os.fspath(model))


def infer(model: Model | str | os.PathLike[str], input: Size | None = None) -> Result:
    """Compute every module's output, parameters, MACs and receptive field for `input`.

    `input` is H = W, (H, W), (C, H, W) or a string such as "224x320"; None is the spec's
    default. Raises ShapeError when a layer cannot take it, ValueError for a malformed size.
    """
    if not isinstance(model, Model):
        model = load(model)
    size = inputs.parse_size(input) if isinstance(input, str) else input
    return engine.infer(model, inputs.apply(model.input, size))


def render(
    result: Result,
    format: Format | str = Format.TABLE,
    *,
    depth: int | None = None,
    columns: Sequence[str] | str | None = None,
    dtype: DType | str = DType.FLOAT32,
    explain: bool = False,
    view: View | str = View.TABLE,
) -> str:
    """Return `result` in `format` (tree, table, listing, json, markdown, csv, html or svg).

    `depth` leaves out deeper modules; `columns` names the tabular formats' columns (e.g.
    "layer,output,params"); `dtype` sizes the memory figures; `explain` adds the arithmetic
    of each H/W change; `view` is what HTML and SVG show. An option the format would
    ignore (columns for the tree, say) raises UsageError, as on the command line.
    """
    fmt, view = Format(format), View(view)
    given = {
        name
        for name, named in (
            ("--columns", columns is not None),
            ("--explain", explain),
            ("--view", view is not View.TABLE),
            ("--dtype", DType(dtype) is not DType.FLOAT32),
        )
        if named
    }
    check_options(fmt, given, view)
    options = Options(
        dtype=DType(dtype),
        explain=explain,
        depth=depth,
        columns=None if columns is None else parse_columns(columns),
        view=view,
    )
    return text(result, fmt, options)
