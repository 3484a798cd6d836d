"""Results cached beside their models: a hit equals the engine's, anything amiss is a miss."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from conftest import settled

from shapecalc import _cache, _results, api, catalog, engine
from shapecalc.errors import ShapeError
from shapecalc.modules import Model
from shapecalc.rows import Result, Stopped
from shapecalc.shape import Shape
from shapecalc.spec import load_spec

# A model of 4 × 100 modules, and the same with one layer changed, as long a file.
DEEP = (
    "input: [4, 64, 64]\n"
    "blocks:\n"
    "  Block: {children: {conv: {type: Conv2d, out_channels: 4, kernel_size: 3, padding: 1},"
    " act: ReLU, pool: {type: MaxPool2d, kernel_size: 1}}}\n"
    "model: [{type: Block, repeat: 100}]\n"
)
EDITED = DEEP.replace("ReLU", "Tanh")


def results(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.result")) if folder.exists() else []


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Shape]:
    """Record the shapes the engine is run on, which a hit is not."""
    ran: list[Shape] = []
    real = engine.attempt

    def spy(model: Model, shape: Shape, **options: Any) -> Result | Stopped:
        ran.append(shape)
        return real(model, shape, **options)

    monkeypatch.setattr(engine, "attempt", spy)
    return ran


@pytest.mark.parametrize(
    ("name", "size"),
    [("efficientnet_b7", None), ("densenet121", 225), ("resnet152", (3, 300, 331))],
    ids=["b7-default", "densenet-225", "resnet152-300x331"],
)
def test_a_hit_equals_the_engine(
    name: str, size: int | tuple[int, ...] | None, cache: Path, runs: list[Shape]
) -> None:
    model = api.load(name)
    first, second = api.infer(model, size), api.infer(model, size)
    assert len(runs) == 1 and len(results(cache)) == 1
    fresh = engine.infer(catalog.load(name), api.input_shape(model, size))
    assert second == first == fresh
    assert second.model is model  # its rows hold the model's own modules, not copies
    assert {id(row.module) for row in second.rows} <= {id(row.module) for row in first.rows}


def test_each_size_has_its_own(cache: Path, runs: list[Shape]) -> None:
    model = api.load("densenet121")
    outputs = [api.infer(model, size).rows[1].shape for size in (224, 256, 224, 256)]
    assert outputs[:2] == outputs[2:] and outputs[0] != outputs[1]
    assert len(runs) == 2 and len(results(cache)) == 2


def test_small_models_are_not_stored(cache: Path) -> None:
    api.infer(api.load("resnet18"))
    assert results(cache) == [] and len(list(cache.iterdir())) == 1


def test_a_model_the_cache_did_not_serve_is_not_stored(cache: Path, runs: list[Shape]) -> None:
    served = api.load("densenet121")
    built = load_spec(catalog.locate("densenet121")[0], "densenet121.yaml", None)
    assert built == served
    api.infer(built)
    api.infer(built)
    assert len(runs) == 2 and results(cache) == []


def test_only_the_last_model_served(cache: Path, runs: list[Shape]) -> None:
    first = api.load("densenet121")
    api.load("resnet152")
    api.infer(first)
    assert results(cache) == []


def test_an_edited_spec_is_inferred_again(tmp_path: Path, cache: Path, runs: list[Shape]) -> None:
    net = tmp_path / "deep.yaml"
    for text, act, ran in ((DEEP, "ReLU", 1), (None, "ReLU", 1), (EDITED, "Tanh", 2)):
        if text is not None:
            net.write_text(text, encoding="utf-8")
            settled(net)
        rows = api.infer(api.load(net)).rows
        assert [row.module.type for row in rows[1:3]] == ["Conv2d", act]
        assert len(runs) == ran
    assert len(results(cache)) == 2


def test_a_refusal_is_not_stored(cache: Path) -> None:
    model = api.load("densenet121")
    raised = []
    for _ in range(2):
        with pytest.raises(ShapeError) as caught:
            api.infer(model, 8)
        raised.append(str(caught.value))
    assert raised[0] == raised[1] and results(cache) == []


def corrupt(entry: Path, tag: str) -> list[bytes]:
    data = entry.read_bytes()
    other = _cache.reference.__name__.encode()
    return [
        b"",
        b"not a pickle",
        data[: len(data) // 2],
        data.replace(tag.encode(), tag[::-1].encode()),  # of another model entry
        pickle.dumps([1, 2, 3]),
        data.replace(other, b"x" * len(other)),  # a reference by another name: no such class
        data.replace(b"shapecalc.rows", b"shapecalc.rowz"),
    ]


def test_a_bad_entry_is_a_miss(cache: Path, runs: list[Shape]) -> None:
    model = api.load("densenet121")
    fresh = api.infer(model)
    [entry] = results(cache)
    tag = _cache.tag(model)
    assert tag is not None and tag.encode() in entry.read_bytes()
    for number, data in enumerate(corrupt(entry, tag), 2):
        entry.write_bytes(data)
        assert api.infer(model) == fresh
        assert len(runs) == number  # inferred again, and stored again
    assert api.infer(model) == fresh and len(runs) == len(corrupt(entry, tag)) + 1


@pytest.mark.parametrize(
    "number", [-1, 10**6, "0", 1.0], ids=["negative", "beyond", "str", "float"]
)
def test_a_reference_out_of_range_is_refused(number: object) -> None:
    data = pickle.dumps(_Reference(number))
    with pytest.raises(pickle.UnpicklingError, match="not a reference"):
        _cache.unpickle(data, ["only"])


def test_a_reference_outside_a_cache_read_raises() -> None:
    with pytest.raises(TypeError):
        _cache.reference(0)


def test_the_threshold_is_real(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_results, "MIN_MODULES", 10)
    api.infer(api.load("resnet18"))
    assert len(results(cache)) == 1


class _Reference:
    """Pickles as the cache writes a reference, to `number`."""

    def __init__(self, number: object) -> None:
        self.number = number

    def __reduce__(self) -> tuple[object, tuple[object]]:
        return _cache.reference, (self.number,)
