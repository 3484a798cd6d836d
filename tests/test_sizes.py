"""Input-size checks: uneven strides, the total stride, clean sizes, sweeps, smallest inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PEAK_KB, RESNET18_TOP, SECONDS, measure, spec

from shapecalc.engine import infer
from shapecalc.errors import ShapeError, UsageError
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.sizes import (
    Smallest,
    Stage,
    is_clean,
    nearest_clean,
    reach,
    smallest,
    sweep,
    total_stride,
    try_infer,
    uneven,
)

# Not square, so that H and W answer differently; kernel 5×3, no padding.
NARROW = """
    input: [1, 32, 32]
    model:
      - {type: Conv2d, out_channels: 4, kernel_size: [5, 3]}
      - {type: MaxPool2d, kernel_size: 2}
"""


def test_uneven_lists_each_rounding_axis(resnet18: Model) -> None:
    found = uneven(infer(resnet18, Shape((3, 225, 224))))
    assert [(item.row.path, item.axis, item.size, item.stride, item.output) for item in found] == [
        ("conv1", 0, 225, 2, 113),
        ("maxpool", 0, 113, 2, 57),
        ("layer2.0.conv1", 0, 57, 2, 29),
        ("layer2.0.downsample.0", 0, 57, 2, 29),
        ("layer3.0.conv1", 0, 29, 2, 15),
        ("layer3.0.downsample.0", 0, 29, 2, 15),
        ("layer4.0.conv1", 0, 15, 2, 8),
        ("layer4.0.downsample.0", 0, 15, 2, 8),
    ]
    assert uneven(infer(resnet18, resnet18.input)) == []


def test_uneven_names_work_in_forward_under_the_row_that_shows_it() -> None:
    """Swin's patch merging pads an odd size in forward(): its rounding is its module's,
    on a channels-last map (H×W×C), each axis where the map holds it."""
    from shapecalc.catalog import load
    from shapecalc.formats._rounding import Rounded, rounded

    result = infer(load("swin_t"), Shape((3, 100, 96)))
    found = [(item.row.path, item.axis, item.size, item.output) for item in uneven(result)]
    # H: 100 / 4 = 25, odd: padded to 26 and merged to 13, then 7, then 4; W: 24, 12, 6, 3
    assert found == [
        ("features.2.merge", 0, 25, 13),
        ("features.4.merge", 0, 13, 7),
        ("features.6.merge", 0, 7, 4),
    ]
    assert rounded(result, None) == dict.fromkeys(
        ["features.2", "features.4", "features.6"], Rounded.HERE
    )


@pytest.mark.parametrize(
    "name", ["resnet18", "efficientnet_b0", "regnet_y_400mf", "inception_v3", "swin_t"], ids=str
)
@pytest.mark.parametrize("axis", [0, 1], ids=["H", "W"])
def test_a_clean_size_is_one_whole_run_finds_clean(name: str, axis: int) -> None:
    """is_clean stops at the first layer that rounds; it answers as the whole result does."""
    from shapecalc.catalog import load

    model = load(name)
    for size in range(1, 97):
        shape = Shape((3, 64 + axis, size) if axis else (3, size, 64 + axis))
        result = try_infer(model, shape)
        whole = not isinstance(result, ShapeError) and not any(
            item.axis == axis
            for item in uneven(result)  # type: ignore[arg-type]
        )
        assert is_clean(model, shape, axis) == whole, size


def test_passes_stops_at_the_first_layer_that_fails(resnet18: Model) -> None:
    from shapecalc.engine import passes

    seen: list[str] = []

    def note(layer: object, before: Shape, after: Shape) -> bool:
        seen.append(type(layer).__name__)
        return len(seen) < 3

    assert not passes(resnet18, resnet18.input, note)
    assert seen == ["Conv2d", "BatchNorm2d", "ReLU"]
    assert passes(resnet18, resnet18.input, lambda *_: True)
    assert not passes(resnet18, Shape((1, 64, 64)), lambda *_: True)  # refused: one channel


def test_total_stride_and_the_nearest_clean_sizes(resnet18: Model) -> None:
    result = infer(resnet18, Shape((3, 225, 225)))
    assert total_stride(result) == (32, 32)
    assert nearest_clean(resnet18, result.input, 0, 1024) == (224, 256)
    assert nearest_clean(resnet18, Shape((3, 97, 131)), 1, 1024) == (128, 160)
    assert nearest_clean(resnet18, Shape((3, 97, 131)), 1, 2) == (None, None)
    assert nearest_clean(resnet18, Shape((3, 97, 131)), 1, 28) == (128, None)
    assert nearest_clean(resnet18, Shape((3, 97, 131)), 1, 29) == (128, 160)


def test_sweep(resnet18: Model) -> None:
    samples = list(sweep(resnet18, range(223, 226)))
    assert [sample.size for sample in samples] == [223, 224, 225]
    assert [sample.uneven for sample in samples] == [
        ("conv1",),
        (),
        (
            "conv1",
            "maxpool",
            "layer2.0.conv1",
            "layer2.0.downsample.0",
            "layer3.0.conv1",
            "layer3.0.downsample.0",
            "layer4.0.conv1",
            "layer4.0.downsample.0",
        ),
    ]
    assert samples[1].outcome == Shape((1000,))
    assert samples[1].stages[0] == Stage("conv1", (224, 224), (112, 112))
    assert [stage.path for stage in samples[1].stages] == RESNET18_TOP[:-1]  # fc has no map


def test_sweep_marks_sizes_too_small() -> None:
    samples = list(sweep(spec(NARROW), range(4, 8)))
    assert [type(sample.outcome).__name__ for sample in samples] == [
        "ShapeError",
        "ShapeError",
        "Shape",
        "Shape",
    ]
    error = samples[0].outcome
    assert isinstance(error, ShapeError)
    assert str(error).startswith("net.yaml:4:5: 0: Conv2d: input 1@4×4 is too small")


def test_smallest(resnet18: Model) -> None:
    assert smallest(resnet18, resnet18.input) == Smallest((1, 1), 1, 392)  # 100,000 // (3 × 85)
    assert smallest(spec(NARROW), Shape((1, 32, 32))) == Smallest((6, 4), 6, 1024)


def test_smallest_when_only_one_size_fits() -> None:
    fixed = spec("""
        input: [1, 8, 8]
        model:
          - {type: Conv2d, out_channels: 2, kernel_size: 3}
          - Flatten
          - {type: Linear, in_features: 72, out_features: 10}
    """)
    assert smallest(fixed, fixed.input) == Smallest((8, 8), 8, 1024)


def test_searches_stay_within_the_work_budget() -> None:
    """A model of 10,000 modules: a search may try 100,000 // (3 × 10,001) = 3 sizes."""
    big = spec("input: [1, 8, 8]\nmodel: [{type: ReLU, repeat: 10000}]\n")
    assert reach(big, 3) == 3
    assert smallest(big, Shape((1, 10**20, 10**20))) == Smallest((1, 1), 1, 3)
    with pytest.raises(UsageError, match=r"^--sweep: 10 sizes of a model of 10,001 modules"):
        sweep(big, range(1, 11))
    assert len(list(sweep(big, range(1, 10)))) == 9


SEARCHES = {
    "smallest-of-a-30-digit-input": (["resnet18", "--smallest", "-i", "3x" + "9" * 30], 0),
    "sweep-of-100000-sizes": (["resnet18", "--sweep", "1:100000"], 2),
    "note-for-a-large-model": (["BIG", "-i", "1x9x9", "-f", "json"], 0),
}


@pytest.mark.parametrize("name", SEARCHES)
def test_searches_answer_fast_and_small(name: str, tmp_path: Path) -> None:
    args, status = SEARCHES[name]
    big = tmp_path / "big.yaml"
    big.write_text(
        "input: [1, 8, 8]\nmodel:\n  - {type: MaxPool2d, kernel_size: 2}\n"
        "  - {type: ReLU, repeat: 30000}\n",
        encoding="utf-8",
    )
    seconds, peak_kb, got, stderr = measure(*[str(big) if arg == "BIG" else arg for arg in args])
    assert got == status, stderr
    assert seconds < SECONDS
    assert peak_kb < PEAK_KB
