"""Symbolic inputs: every row's formula is the engine's size, at every size it accepts.

The quick tests try every size to 40 and a spread of larger ones, along each spatial axis
(the others at the spec's size) and along all at once; `pytest -m slow` tries every size
from 1 to 2048 that way, as issue 15 asks (about half an hour on two cores).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shapecalc import api, catalog, engine
from shapecalc.errors import UsageError
from shapecalc.formats._formula import show
from shapecalc.formula import Dims, Symbol, value
from shapecalc.modules import Model
from shapecalc.rows import Result
from shapecalc.shape import axis_names
from shapecalc.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
SPECS = [
    *sorted((ROOT / "tests" / "specs").glob("*.yaml")),
    *sorted(path for path in (ROOT / "examples").glob("*.yaml") if path.stem != "typo"),
]
# Along all axes at once, and, fewer, along each alone: some 45 runs of each model, 15 s in all.
QUICK = [*range(1, 13), 15, 16, 17, 31, 32, 33, 63, 97, 224, 225, 331, 1023]
QUICK_EACH = [1, 2, 3, 5, 8, 13, 31, 33, 97, 225]
EVERY = range(1, 2049)


def spatial_model(name: str) -> Model:
    """Load a built-in model or spec; skip the test for one whose input has no spatial size."""
    if name.endswith(".yaml"):
        model = load_spec(str(ROOT / name), Path(name).name, None)
    else:
        model = catalog.load(name)
    if not model.input.is_map:
        pytest.skip("a vector input has no spatial size to name")
    return model


def symbolic(model: Model) -> Result:
    """Infer with every spatial axis a symbol named as the axis is: H, W; L; D, H, W."""
    shape = model.input
    dims: Dims = (shape.channels, *(Symbol(name) for name in axis_names(shape.rank)))
    return engine.infer(model, shape, fields=False, formulas=dims)


def directions(
    model: Model, sizes: range | list[int], each: range | list[int]
) -> Iterator[dict[str, int]]:
    """Yield the symbols' sizes to try: each axis alone through `each`, all through `sizes`."""
    names = axis_names(model.input.rank)
    default = dict(zip(names, model.input.spatial, strict=True))
    for name in names:
        for size in each:
            yield {**default, name: size}
    if len(names) > 1:
        for size in sizes:
            yield dict.fromkeys(names, size)


def mismatches(
    model: Model, sizes: range | list[int], each: range | list[int] | None = None
) -> list[str]:
    """Return each row, at each size the engine accepts, whose formula gives another size."""
    formulas = symbolic(model).rows
    found = []
    for sizes_of in directions(model, sizes, sizes if each is None else each):
        shape = model.input.with_spatial(tuple(sizes_of.values()))
        outcome = engine.attempt(model, shape, fields=False)
        if not isinstance(outcome, Result):
            continue
        for row, named in zip(outcome.rows, formulas, strict=True):
            if row.shape is None or named.formulas is None:
                continue
            made = tuple(None if dim is None else value(dim, sizes_of) for dim in named.formulas)
            if made != row.shape.dims:
                found.append(f"{row.path} at {sizes_of}: {made} for {row.shape}")
    return found


MODELS = [*catalog.builtin_names(), *(str(path.relative_to(ROOT)) for path in SPECS)]


@pytest.mark.parametrize("name", MODELS, ids=str)
def test_every_formula_is_the_engines_size(name: str) -> None:
    model = spatial_model(name)
    assert mismatches(model, QUICK, QUICK_EACH) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS, ids=str)
def test_every_formula_at_every_size_to_2048(name: str) -> None:
    model = spatial_model(name)
    assert mismatches(model, EVERY) == []


@pytest.mark.parametrize("name", MODELS, ids=str)
def test_every_row_has_a_formula(name: str) -> None:
    """No dimension is unknown: products of formulas are formulas too."""
    model = spatial_model(name)
    rows = symbolic(model).rows
    assert [
        row.path for row in rows if row.shape and (row.formulas is None or None in row.formulas)
    ] == []


@pytest.mark.parametrize(
    ("name", "size", "path", "text"),
    [
        ("resnet18", "HxW", "layer4", ("512", "⌈H/32⌉", "⌈W/32⌉")),
        ("resnet18", "H", "maxpool", ("64", "⌈H/4⌉", "⌈H/4⌉")),
        ("vgg16", "3xHx224", "features", ("512", "⌊H/32⌋", "7")),
        ("alexnet", "HxW", "features.2", ("64", "⌊(H − 7)/8⌋", "⌊(W − 7)/8⌋")),
        ("inception_v3", "HxW", "Conv2d_2a_3x3", ("32", "⌈H/2⌉ − 3", "⌈W/2⌉ − 3")),
        ("r3d_18", "3xTxHxW", "layer4", ("512", "⌈T/8⌉", "⌈H/16⌉", "⌈W/16⌉")),
    ],
    ids=["resnet18", "square", "fixed-width", "alexnet", "inception", "video"],
)
def test_formulas_as_people_know_them(
    name: str, size: str, path: str, text: tuple[str, ...]
) -> None:
    result = api.infer(name, size)
    [row] = [row for row in result.rows if row.path == path]
    assert row.formulas is not None
    assert tuple(show(dim) for dim in row.formulas if dim is not None) == text


def test_the_figures_are_at_the_specs_size() -> None:
    symbolic_result, numeric = api.infer("resnet18", "HxW"), api.infer("resnet18", 224)
    assert (
        symbolic_result.input == numeric.input and symbolic_result.total_macs == numeric.total_macs
    )
    assert [row.shape for row in symbolic_result.rows] == [row.shape for row in numeric.rows]
    assert symbolic_result.input_formulas == (3, Symbol("H"), Symbol("W"))


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("Cx224x224", "a symbol stands for a spatial size"),
        ("1x2x3xHxW", "the model takes a C×H×W input"),
    ],
    ids=["channels", "too-many"],
)
def test_symbols_where_sizes_go_only(size: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        api.infer("resnet18", size)
