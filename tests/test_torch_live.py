"""Live comparison with torchvision, where torch is installed; skipped cleanly elsewhere.

The recorded data in tests/data covers the same ground without torch; this test checks
every built-in model at further sizes, some drawn at random each run, against the real
thing, with the same code as tools/compare_zoo.py (and the recording code it uses).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import compare_transformers  # noqa: E402 - needs torch, which the lines above make sure of
import compare_zoo  # noqa: E402
import record_transformers  # noqa: E402
import record_zoo  # noqa: E402

pytestmark = pytest.mark.torch
SIZES = [(224, 224), (1, 1), (3, 1000), (random.randint(1, 400), random.randint(1, 400))]
VIDEO_SIZES = [(16, 112, 112), (1, 1, 1), (3, 7, 500), (random.randint(1, 24), *SIZES[-1])]


@pytest.mark.parametrize("name", sorted(record_zoo.ZOO))
@pytest.mark.parametrize("case", range(len(SIZES)))
def test_live(name: str, case: int) -> None:
    """Every row equal to torchvision's, or both refusing the input at the same module."""
    size = (VIDEO_SIZES if name in record_zoo.VIDEO else SIZES)[case]
    assert compare_zoo.differs(name, size) is None


TRANSFORMER_SIZES = [(97, 131), (random.randint(1, 400), random.randint(1, 400))]


@pytest.mark.parametrize("name", sorted(record_transformers.MODELS))
@pytest.mark.parametrize("case", range(1 + len(TRANSFORMER_SIZES)))
def test_live_transformers(name: str, case: int) -> None:
    """Each vision transformer at its default size, one it refuses or takes, one at random."""
    size = [record_transformers.MODELS[name]["sizes"][0], *TRANSFORMER_SIZES][case]
    assert compare_transformers.differs(name, size) is None
