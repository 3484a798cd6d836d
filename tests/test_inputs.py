"""Input sizes in every form people write them, and those refused, each with its reason."""

from __future__ import annotations

import pytest

from shapecalc.errors import UsageError
from shapecalc.inputs import SIZE_FORMS, apply, parse_size
from shapecalc.shape import Shape

IMAGE = Shape((3, 224, 224))
VOLUME = Shape((3, 16, 112, 112))


@pytest.mark.parametrize(
    ("text", "default", "shape"),
    [
        pytest.param("224", IMAGE, (3, 224, 224), id="one-size"),
        pytest.param("97x131", IMAGE, (3, 97, 131), id="h-x-w"),
        pytest.param("97×131", IMAGE, (3, 97, 131), id="times-sign"),
        pytest.param("3*64*32", IMAGE, (3, 64, 32), id="star"),
        pytest.param("1x64x64", IMAGE, (1, 64, 64), id="c-x-h-x-w"),
        pytest.param("1x3x224x320", IMAGE, (3, 224, 320), id="batch-of-one"),
        pytest.param("224,320", IMAGE, (3, 224, 320), id="commas"),
        pytest.param("224, 320", IMAGE, (3, 224, 320), id="commas-and-spaces"),
        pytest.param("(3, 224, 224)", IMAGE, (3, 224, 224), id="tuple"),
        pytest.param("[1, 3, 97, 131]", IMAGE, (3, 97, 131), id="list-with-batch"),
        pytest.param("(224,)", IMAGE, (3, 224, 224), id="one-tuple"),
        pytest.param(" [ 8x8 ] ", IMAGE, (3, 8, 8), id="brackets-and-x"),
        pytest.param("(1, 3, 16, 112, 112)", VOLUME, (3, 16, 112, 112), id="volume-with-batch"),
        pytest.param("3x8x112x112", VOLUME, (3, 8, 112, 112), id="volume-c-x-d-x-h-x-w"),
    ],
)
def test_accepted(text: str, default: Shape, shape: tuple[int, ...]) -> None:
    assert apply(default, parse_size(text)) == Shape(shape)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("224x", id="trailing-x"),
        pytest.param("224,,224", id="empty-part"),
        pytest.param("[3, 224", id="unclosed"),
        pytest.param("(3, 224]", id="mismatched"),
        pytest.param("0x224", id="zero"),
        pytest.param("-224", id="negative"),
        pytest.param("224.0", id="float"),
        pytest.param("1x1x1x3x224x224", id="six-sizes"),
        pytest.param("((224))", id="nested"),
        pytest.param("\uff12\uff12\uff14", id="fullwidth-digits"),
    ],
)
def test_refused_as_no_size(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_size(text)
    assert str(caught.value) == SIZE_FORMS


@pytest.mark.parametrize(
    ("text", "default", "message"),
    [
        pytest.param(
            "2x3x224x224",
            IMAGE,
            "a batch of 2: shapes here are one sample's; give the sizes without it, or a "
            "batch of 1",
            id="batch-of-two",
        ),
        pytest.param(
            "1x1x3x224x224",
            IMAGE,
            "the model takes a C×H×W input (3@224×224): give one size, 2 (H×W), 3 (C×H×W) or "
            "4 (1×C×H×W), not 5",
            id="too-many",
        ),
    ],
)
def test_refused_for_the_model(text: str, default: Shape, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        apply(default, parse_size(text))
    assert caught.value.what == message
