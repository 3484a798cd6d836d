"""Live comparison with torchvision, where torch is installed; skipped cleanly elsewhere.

The recorded data in tests/data covers the same ground without torch; this test checks
further sizes, drawn at random each run, against the real thing.
"""

from __future__ import annotations

import random

import pytest

from shapecalc.engine import infer
from shapecalc.modules import Model
from shapecalc.shape import Shape

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

pytestmark = pytest.mark.torch


def torchvision_rows(height: int, width: int) -> list[tuple[str, str, list[int]]]:
    model = torchvision.models.resnet18(weights=None).eval().to("meta")
    shapes: dict[str, list[int]] = {}
    for path, module in model.named_modules():
        if path:
            module.register_forward_hook(
                lambda _m, _i, out, path=path: shapes.__setitem__(path, list(out.shape[1:]))
            )
    model(torch.zeros(1, 3, height, width, device="meta"))
    return [
        (path, type(module).__name__, shapes[path])
        for path, module in model.named_modules()
        if path
    ]


SIZES = [
    (224, 224),
    (1, 1),
    (3, 1000),
    *[(random.randint(1, 700), random.randint(1, 700)) for _ in range(5)],
]


@pytest.mark.parametrize(("height", "width"), SIZES, ids=str)
def test_resnet18_live(resnet18: Model, height: int, width: int) -> None:
    result = infer(resnet18, Shape((3, height, width)))
    got = [(row.path, row.type, list(row.shape.dims)) for row in result.rows]
    assert got == torchvision_rows(height, width)
