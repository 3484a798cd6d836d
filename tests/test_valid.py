"""The sizes a model takes, said exactly: each prediction against the engine's answer.

The quick tests try sizes to 48 and a spread of larger ones along each axis, and along all
at once through a single symbol; `pytest -m slow` tries every size from 1 to 2048.
"""

from __future__ import annotations

import pytest
from conftest import spec
from test_symbolic import MODELS, spatial_model

from shapecalc import api, engine, sizes
from shapecalc.formats.valid import data, line
from shapecalc.formula import Dims, Symbol
from shapecalc.modules import Model
from shapecalc.rows import Result
from shapecalc.shape import axis_names
from shapecalc.valid import Unknown, Valid, valid_sizes

QUICK = [*range(1, 25), 31, 32, 33, 63, 64, 65, 75, 97, 188, 224, 225, 299, 1023]
EVERY = range(1, 2049)
# One model of each family, and every spec: the slow test takes every model.
FAMILIES = [
    "alexnet",
    "convnext_tiny",
    "deeplabv3_mobilenet_v3_large",
    "densenet121",
    "efficientnet_b3",
    "efficientnet_v2_s",
    "fcn_resnet50",
    "googlenet",
    "inception_v3",
    "lraspp_mobilenet_v3_large",
    "mc3_18",
    "mnasnet0_5",
    "mobilenet_v3_small",
    "r2plus1d_18",
    "regnet_y_400mf",
    "resnet18",
    "s3d",
    "shufflenet_v2_x0_5",
    "squeezenet1_0",
    "vgg11",
    *(name for name in MODELS if name.endswith(".yaml")),
]


def symbolic(model: Model, single: bool) -> Result:
    """Infer with a symbol per axis (H, W), or one for all (S)."""
    shape = model.input
    names = ["S"] * shape.rank if single else list(axis_names(shape.rank))
    dims: Dims = (shape.channels, *(Symbol(name) for name in names))
    return engine.infer(model, shape, fields=False, formulas=dims)


def wrong(model: Model, tried: range | list[int]) -> list[str]:
    """Return each size at which a prediction differs from the engine's answer."""
    found = []
    shape = model.input
    for single in (False, True) if shape.rank > 1 else (False,):
        result = symbolic(model, single)
        for each in valid_sizes(result):
            if isinstance(each, Unknown):
                found.extend(_unknown(model, each))
                continue
            axes = _axes(result, each.symbol)
            for size in tried:
                found.extend(_checked(model, each, axes, size, clean=not single))
    return found


def _unknown(model: Model, unknown: Unknown) -> list[str]:
    """An unknown is fine only where a size has no period: an inexact scale, a product."""
    if "no period" in unknown.reason:
        return []
    return [f"{unknown.symbol}: {unknown.reason}"]


def _axes(result: Result, name: str) -> list[int]:
    """Return the spatial axes the symbol `name` stands for."""
    dims = result.input_formulas or ()
    return [axis for axis, dim in enumerate(dims[1:]) if dim == Symbol(name)]


def _checked(model: Model, found: Valid, axes: list[int], size: int, *, clean: bool) -> list[str]:
    """Compare the prediction at `size` on `axes` with the engine's, and its cleanness."""
    spatial = tuple(size if axis in axes else held for axis, held in enumerate(model.input.spatial))
    given = model.input.with_spatial(spatial)
    takes = isinstance(engine.attempt(model, given, fields=False), Result)
    name = found.symbol
    if (size in found) != takes:
        return [f"{name} = {size}: predicted {size in found}, the engine {takes}"]
    if takes and clean:
        even = size >= found.clean_start and size % found.period in found.clean
        if even != sizes.is_clean(model, given, axes[0]):
            return [f"{name} = {size}: clean predicted {even}"]
    return []


@pytest.mark.parametrize("name", FAMILIES, ids=str)
def test_the_valid_sizes_are_the_engines(name: str) -> None:
    model = spatial_model(name)
    assert wrong(model, QUICK) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS, ids=str)
def test_the_valid_sizes_to_2048(name: str) -> None:
    model = spatial_model(name)
    assert wrong(model, EVERY) == []


@pytest.mark.parametrize(
    ("name", "size", "text"),
    [
        (
            "resnet18",
            "H",
            "H: valid for every H ≥ 1; clean (no rounding anywhere) when H ≡ 0 (mod 32), "
            "e.g. 32, 64, …, 224, 256, …",
        ),
        (
            "vgg16",
            "HxW",
            "H: valid for every H ≥ 32 (with W = 224); clean (no rounding anywhere) when "
            "H ≡ 0 (mod 32), e.g. 32, 64, …, 224, 256, …",
        ),
        (
            "alexnet",
            "H",
            "H: valid for every H ≥ 63; clean (no rounding anywhere) when H ≡ 28 (mod 32), "
            "e.g. 92, 124, …, 252, 284, …",
        ),
        (
            "examples/unet.yaml",
            "H",
            "H: valid for every H ≥ 188; clean (no rounding anywhere) when H ≡ 12 (mod 16), "
            "e.g. 188, 204, …, 572, 588, …",
        ),
    ],
    ids=["resnet18", "vgg16", "alexnet", "unet"],
)
def test_said_as_people_ask(name: str, size: str, text: str) -> None:
    result = api.infer(name, size)
    assert line(valid_sizes(result)[0], result.symbols) == text


@pytest.mark.parametrize(
    ("found", "text"),
    [
        (
            Valid("H", (), 32, 32, (0, 8, 16, 24), 32, (0,)),
            "H: valid for H ≥ 32 with H ≡ 0, 8, 16, 24 (mod 32)",
        ),
        (Valid("H", (3, 4, 5, 9), 12, 4, (), 12, ()), "H: valid for H = 3–5, 9 only"),
        (Valid("H", (7,), 10, 2, (0, 1), 10, (0,)), "H: valid for H = 7 and every H ≥ 10"),
        (Valid("H", (), 1, 4, (), 1, ()), "H: no size works"),
        (
            Unknown("H", "a size has no period"),
            "H: which sizes work is not worked out: a size has no period",
        ),
    ],
    ids=["residues", "listed-only", "listed-then-every", "none", "unknown"],
)
def test_said_of_any_pattern(found: Valid | Unknown, text: str) -> None:
    assert line(found, {"H": 224}).startswith(text)


def test_as_data() -> None:
    found = Valid("H", (7,), 10, 4, (0, 2), 12, (0,))
    assert data(found) == {
        "min": 7,
        "listed": [7],
        "start": 10,
        "period": 4,
        "residues": [0, 2],
        "clean": {"listed": [], "start": 12, "residues": [0]},
    }
    assert [size for size in range(1, 20) if size in found] == [7, 10, 12, 14, 16, 18]
    assert Valid("H", (), 10, 4, (1,), 10, ()).smallest == 13


FLATTENED = """
input: [3, 32, 32]
model:
  - {type: Conv2d, out_channels: 8, kernel_size: 3, padding: 1}
  - {type: MaxPool2d, kernel_size: 2}
  - Flatten
  - {type: Linear, in_features: 2048, out_features: 10}
"""


def test_a_flattened_size_is_found_past_the_start() -> None:
    """A Linear after a Flatten takes 8·⌊H/2⌋·16 = 2048 only: H = 32 or 33, past any start."""
    model = spec(FLATTENED)
    result = api.infer(model, "HxW")
    found = valid_sizes(result)
    assert [each.listed for each in found if isinstance(each, Valid)] == [(32, 33), (32, 33)]
    assert all(not each.residues for each in found if isinstance(each, Valid))
    square = api.infer(model, "H")
    [unknown] = valid_sizes(square)
    assert isinstance(unknown, Unknown) and "product" in unknown.reason


def test_a_model_built_for_one_size_takes_it_only_and_says_it_is_clean() -> None:
    """ViT asserts its image_size: the one size listed, and clean (224 = 14 patches of 16)."""
    from shapecalc import catalog

    found = api.valid_sizes(api.infer(catalog.load("vit_b_16"), "3xHx224"))
    assert found == [Valid("H", (224,), 225, 16, (), 225, (), 32, (224,))]
    assert line(found[0], {"H": 224}) == (
        "H: valid for H = 224 only; clean (no rounding anywhere) at H = 224"
    )
