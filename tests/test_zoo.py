"""Every built-in model against torchvision: rows, shapes, params, MACs and failures."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import torch_data

from shapecalc import catalog
from shapecalc.engine import infer
from shapecalc.errors import ShapeError
from shapecalc.shape import Shape

ZOO = torch_data("torch_zoo.json")["models"]
CASES = [
    pytest.param(name, size, id=f"{name}-{size}")
    for name, model in ZOO.items()
    for size in model["sizes"]
]
# Totals torchvision publishes: params, and GFLOPS (which are GMACs), to two places.
PUBLISHED = {
    "resnet50": (25_557_032, 4.09),
    "vgg16": (138_357_544, 15.47),
    "googlenet": (6_624_904, 1.50),
    "mobilenet_v2": (3_504_872, 0.30),
}


def test_every_recorded_model_is_built_in() -> None:
    assert set(ZOO) <= set(catalog.builtin_names())
    assert len(ZOO) == 16


@pytest.mark.parametrize(("name", "size"), CASES)
def test_model_matches_torchvision(name: str, size: str) -> None:
    recorded: dict[str, Any] = ZOO[name]
    height, width = (int(part) for part in size.split("x"))
    model = catalog.load(name)
    expected = recorded["sizes"][size]
    if "error" in expected:
        with pytest.raises(ShapeError) as caught:
            infer(model, Shape((3, height, width)))
        assert caught.value.where.endswith(expected["path"]), str(caught.value)
        return
    result = infer(model, Shape((3, height, width)))
    got = [(row.path, row.type, list(row.shape.dims), row.params, row.macs) for row in result.rows]
    want = list(
        zip(
            recorded["paths"],
            recorded["types"],
            expected["shapes"],
            recorded["params"],
            expected["macs"],
            strict=True,
        )
    )
    assert got == [tuple(row) for row in want]
    assert result.total_params == recorded["total_params"]


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_published_totals(name: str, published: tuple[int, float]) -> None:
    result = infer(catalog.load(name), Shape((3, 224, 224)))
    assert result.total_params == published[0]
    assert round(result.total_macs / 1e9, 2) == published[1]
