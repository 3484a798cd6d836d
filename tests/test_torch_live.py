"""Live comparison with torchvision, where torch is installed; skipped cleanly elsewhere.

The recorded data in tests/data covers the same ground without torch; this test checks
every built-in model at further sizes, some drawn at random each run, against the real
thing, with the same recording code as tools/record_torch.py.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from shapecalc import catalog
from shapecalc.engine import infer
from shapecalc.errors import ShapeError
from shapecalc.shape import Shape

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import record_torch  # noqa: E402 - needs torch, which the lines above make sure of
import record_zoo  # noqa: E402

pytestmark = pytest.mark.torch
SIZES = [(224, 224), (1, 1), (3, 1000), (random.randint(1, 400), random.randint(1, 400))]
VIDEO_SIZES = [(16, 112, 112), (1, 1, 1), (3, 7, 500), (random.randint(1, 24), *SIZES[-1])]


@pytest.mark.parametrize("name", sorted(record_zoo.ZOO))
@pytest.mark.parametrize("case", range(len(SIZES)))
def test_live(name: str, case: int) -> None:
    size = (VIDEO_SIZES if name in record_zoo.VIDEO else SIZES)[case]
    model = record_zoo.build(name)
    ours = catalog.load(name)
    failed = record_torch.failure(model, size)
    if failed:
        with pytest.raises(ShapeError) as caught:
            infer(ours, Shape((3, *size)))
        assert caught.value.where.endswith(failed["path"])
        return
    expected = record_torch.module_rows(model, size, "cpu")
    result = infer(ours, Shape((3, *size)))
    got = [
        {
            "path": row.path,
            "type": row.type,
            "shape": row.shape and list(row.shape.dims),
            "params": row.params,
            "macs": row.macs,
        }
        for row in result.rows
    ]
    assert got == expected
