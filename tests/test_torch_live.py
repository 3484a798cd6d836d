"""Live comparison with torchvision, where torch is installed; skipped cleanly elsewhere.

The recorded data in tests/data covers the same ground without torch; this test checks
further sizes, drawn at random each run, against the real thing.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from shapecalc.engine import infer
from shapecalc.modules import Model
from shapecalc.shape import Shape

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")

pytestmark = pytest.mark.torch


def macs(module: Any, before: Any, after: Any) -> int:
    if isinstance(module, torch.nn.Conv2d):
        taps = module.kernel_size[0] * module.kernel_size[1]
        return int(after[0].numel() * (before.shape[1] // module.groups) * taps)
    if isinstance(module, torch.nn.Linear):
        return int(after[0].numel() * before.shape[-1])
    return 0


def torchvision_rows(height: int, width: int) -> list[tuple[str, str, list[int], int, int]]:
    """Each module's path, type, output shape, parameters and MACs (its subtree's)."""
    model = torchvision.models.resnet18(weights=None).eval().to("meta")
    shapes: dict[str, list[int]] = {}
    own: dict[str, int] = {}
    for path, module in model.named_modules():

        def record(module: Any, inputs: Any, out: Any, path: str = path) -> None:
            shapes.setdefault(path, list(out.shape[1:]))
            own.setdefault(path, macs(module, inputs[0], out))

        module.register_forward_hook(record)
    model(torch.zeros(1, 3, height, width, device="meta"))
    return [
        (
            path,
            type(module).__name__,
            shapes[path],
            sum(p.numel() for p in module.parameters()),
            sum(own[f"{path}.{sub}" if sub else path] for sub, _ in module.named_modules()),
        )
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
    got = [(row.path, row.type, list(row.shape.dims), row.params, row.macs) for row in result.rows]
    assert got == torchvision_rows(height, width)
