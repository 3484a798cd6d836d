"""Every built-in model against torchvision: rows, shapes, params, MACs and failures.

tools/record_zoo.py recorded each model from torchvision into tests/data/zoo/NAME.json.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import DATA

from shapecalc import catalog
from shapecalc.engine import Result, infer
from shapecalc.errors import ShapeError
from shapecalc.modules import Leaf, Model, descendants
from shapecalc.shape import Shape

ZOO: dict[str, Any] = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((DATA / "zoo").glob("*.json"))
}
CASES = [
    pytest.param(name, size, id=f"{name}-{size}")
    for name, model in ZOO.items()
    for size in model["sizes"]
]
# The published figures of these segmentation models' weights count their auxiliary
# classifier, which these specs (aux_loss=False, torchvision's default) leave out; their
# rows are compared with torchvision's all the same.
AUXILIARY = {"fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101"}
AUXILIARY |= {"deeplabv3_mobilenet_v3_large"}
# Inception v3's published parameters count its AuxLogits (aux_logits=True), which runs only
# in training: its published MACs are the eval-mode model's, this spec's.
AUXILIARY_PARAMS = AUXILIARY | {"inception_v3"}


def test_every_built_in_model_is_recorded() -> None:
    """Each CNN from torchvision here, each vision transformer in tests/test_transformers.py,
    each Ultralytics config in tests/test_ultralytics.py."""
    transformers = {path.stem for path in (DATA / "transformers").glob("*.json")}
    others = set(ZOO) | set(catalog.ultralytics_configs())
    assert set(catalog.builtin_names()) - transformers == others


@pytest.mark.parametrize(("name", "size"), CASES)
def test_model_matches_torchvision(name: str, size: str) -> None:
    recorded: dict[str, Any] = ZOO[name]
    shape = Shape((3, *(int(part) for part in size.split("x"))))
    model = catalog.load(name)
    expected = recorded["sizes"][size]
    if "error" in expected:
        with pytest.raises(ShapeError) as caught:
            infer(model, shape)
        assert caught.value.where.endswith(expected["path"]), str(caught.value)
        return
    assert_rows(infer(model, shape), recorded, expected)


def assert_rows(result: Result, recorded: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every row as torchvision's `recorded` model, whose shapes and MACs at this size
    are `expected`."""
    got = [
        (row.path, row.type, row.shape and list(row.shape.dims), row.params, row.macs)
        for row in result.rows
    ]
    want = zip(
        recorded["paths"],
        recorded["types"],
        expected["shapes"],
        recorded["params"],
        expected["macs"],
        strict=True,
    )
    assert got == [tuple(row) for row in want]
    assert result.total_params == recorded["total_params"]


@pytest.mark.parametrize("name", sorted(ZOO))
def test_default_input_is_torchvisions_evaluation_size(name: str) -> None:
    assert catalog.load(name).input.dims == (3, *ZOO[name]["default"])


@pytest.mark.parametrize("name", sorted(set(ZOO) - AUXILIARY))
def test_published_figures(name: str) -> None:
    """Params equal the weights' `num_params`; MACs their `_ops` to its printed places."""
    published = ZOO[name]["published"]
    model = catalog.load(name)
    result = infer(model, model.input, fields=False)
    if name not in AUXILIARY_PARAMS:
        assert result.total_params == published["num_params"]
    places = len(repr(published["gmacs"]).partition(".")[2])
    assert round(result.total_macs / 1e9, places) == published["gmacs"]


ARGUMENTS: dict[str, Any] = json.loads((DATA / "zoo_arguments.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(ARGUMENTS["models"]))
def test_layer_arguments_match_torchvision(name: str) -> None:
    """Dropouts' p, norms' eps and momentum, inplace, StochasticDepth's p and mode: what
    changes no shape still says the layer is torchvision's, to the last bit of a float."""
    assert layer_arguments(catalog.load(name)) == ARGUMENTS["models"][name]


def layer_arguments(model: Model) -> dict[str, dict[str, Any]]:
    """Each layer's arguments that tools/record_zoo.py records (ARGUMENTS), by path."""
    keys = ("p", "eps", "momentum", "inplace", "mode")
    found = {}
    for module in descendants(model.root):
        if isinstance(module, Leaf):
            given = {key: getattr(module.layer, key) for key in keys if hasattr(module.layer, key)}
            if given:
                found[module.path] = given
    return found


# The same models built with constructor arguments, which `--set` gives the built-in specs
# (tools/record_zoo.py --set recorded them; in_channels replaced the first convolution).
SET: dict[str, Any] = json.loads((DATA / "zoo_set.json").read_text(encoding="utf-8"))["models"]


@pytest.mark.parametrize(
    ("case", "size"), [(case, size) for case in SET for size in SET[case]["sizes"]], ids=str
)
def test_set_matches_torchvision_built_with_those_arguments(case: str, size: str) -> None:
    recorded = SET[case]
    model = catalog.load(recorded["builder"], recorded["set"])
    assert_rows(
        infer(model, Shape(tuple(int(part) for part in size.split("x")))),
        recorded,
        recorded["sizes"][size],
    )
    assert layer_arguments(model) == recorded["arguments"]


def test_set_records_what_it_set() -> None:
    """The model says which values were set, and keeps the others' defaults."""
    model = catalog.load("resnet18", {"num_classes": 10})
    assert [(item.name, item.default, item.value, item.given) for item in model.arguments] == [
        ("num_classes", 1000, 10, True),
        ("in_channels", 3, 3, False),
    ]
