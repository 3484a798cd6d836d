"""Input sizes in every form people write them, and those refused, each with its reason."""

from __future__ import annotations

import pytest

from shapecalc.errors import UsageError
from shapecalc.formula import Symbol
from shapecalc.inputs import (
    SIZE_FORMS,
    SYMBOLIC_FORMS,
    apply,
    parse_batch,
    parse_input,
    parse_size,
    symbolic,
    take_batch,
)
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
            "a batch of 2: shapes here are one sample's; give the sizes without it (a "
            "report's --batch, or render's batch=, scales the MACs and memory)",
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


SIGNAL = Shape((1, 16000))


@pytest.mark.parametrize(
    ("texts", "default", "given", "sizes", "batch"),
    [
        pytest.param(["224"], IMAGE, None, [(224,)], 1, id="no-batch"),
        pytest.param(["224"], IMAGE, 8, [(224,)], 8, id="batch-option"),
        pytest.param(["8x3x224x224"], IMAGE, None, [(3, 224, 224)], 8, id="leading-batch"),
        pytest.param(["(8, 3, 224, 224)"], IMAGE, 8, [(3, 224, 224)], 8, id="both-agree"),
        pytest.param(["1x3x224x224"], IMAGE, None, [(3, 224, 224)], 1, id="batch-of-one"),
        pytest.param(["3x224x224"], IMAGE, 4, [(3, 224, 224)], 4, id="chw-and-option"),
        pytest.param(["4x1x16000"], SIGNAL, None, [(1, 16000)], 4, id="signal"),
        pytest.param(["2x3x16x112x112"], VOLUME, None, [(3, 16, 112, 112)], 2, id="volume"),
        pytest.param(
            ["8x3x224x224", "320"], IMAGE, None, [(3, 224, 224), (320,)], 8, id="side-by-side"
        ),
        pytest.param(
            ["8x3x224x224", "8x3x320x320"],
            IMAGE,
            None,
            [(3, 224, 224), (3, 320, 320)],
            8,
            id="side-by-side-alike",
        ),
    ],
)
def test_batch_taken(
    texts: list[str],
    default: Shape,
    given: int | None,
    sizes: list[tuple[int, ...]],
    batch: int,
) -> None:
    parsed = tuple(parse_size(text) for text in texts)
    assert take_batch(default, parsed, given) == (tuple(sizes), batch)


@pytest.mark.parametrize(
    ("texts", "given", "message"),
    [
        pytest.param(
            ["4x3x224x224"],
            8,
            "--batch: 8 is not --input's batch of 4: give the batch once",
            id="disagree",
        ),
        pytest.param(
            ["1x3x224x224"],
            8,
            "--batch: 8 is not --input's batch of 1: give the batch once",
            id="disagree-with-one",
        ),
        pytest.param(
            ["8x3x224x224", "4x3x224x224"],
            None,
            "--input: batches of 4 and 8: sizes side by side share one batch; give it once, "
            "with --batch",
            id="side-by-side-differ",
        ),
        pytest.param(
            ["8x3x224x224", "4x3x224x224"],
            8,
            "--batch: 8 is not --input's batch of 4: give the batch once",
            id="side-by-side-one-differs",
        ),
        pytest.param(
            ["1000001x3x224x224"],
            None,
            "--input: a batch of 1,000,001: give one from 1 to 1,000,000",
            id="beyond-the-limit",
        ),
    ],
)
def test_batch_refused(texts: list[str], given: int | None, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        take_batch(IMAGE, tuple(parse_size(text) for text in texts), given)
    assert f"{caught.value.where}: {caught.value.what}" == message


@pytest.mark.parametrize(
    ("text", "batch"),
    [
        pytest.param("8", 8, id="eight"),
        pytest.param(" 1 ", 1, id="one"),
        pytest.param("1000000", 1_000_000, id="the-limit"),
        pytest.param("0", None, id="zero"),
        pytest.param("1000001", None, id="beyond"),
        pytest.param("-8", None, id="negative"),
        pytest.param("8x", None, id="not-a-number"),
        pytest.param("2.5", None, id="fraction"),
    ],
)
def test_parse_batch(text: str, batch: int | None) -> None:
    if batch is None:
        with pytest.raises(ValueError, match="use a whole number from 1 to 1,000,000"):
            parse_batch(text)
    else:
        assert parse_batch(text) == batch


H, W, T = Symbol("H"), Symbol("W"), Symbol("T")
HEIGHT, WIDTH = Symbol("Height"), Symbol("Width")


@pytest.mark.parametrize(
    ("text", "default", "shape", "dims"),
    [
        pytest.param("HxW", IMAGE, (3, 224, 224), (3, H, W), id="h-x-w"),
        pytest.param("H", IMAGE, (3, 224, 224), (3, H, H), id="square"),
        pytest.param("3xHx320", IMAGE, (3, 224, 320), (3, H, 320), id="one-symbol"),
        pytest.param("(1, 3, H, W)", IMAGE, (3, 224, 224), (3, H, W), id="torchinfo-batch"),
        pytest.param("Height×Width", IMAGE, (3, 224, 224), (3, HEIGHT, WIDTH), id="words"),
        pytest.param("3xTxHxW", VOLUME, (3, 16, 112, 112), (3, T, H, W), id="volume"),
        pytest.param("HxH", Shape((3, 200, 300)), (3, 200, 200), (3, H, H), id="first-axis-size"),
    ],
)
def test_symbols_accepted(
    text: str, default: Shape, shape: tuple[int, ...], dims: tuple[object, ...]
) -> None:
    assert symbolic(default, parse_input(text)) == (Shape(shape), dims)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Hx", id="trailing-x"),
        pytest.param("H1", id="letters-and-digits"),
        pytest.param("Ĥ", id="not-ascii"),
        pytest.param("H_W", id="underscore"),
        pytest.param("ABCDEFGHIJKLM", id="too-long"),
        pytest.param("H-1", id="arithmetic"),
    ],
)
def test_symbols_refused_as_no_size(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_input(text)
    assert str(caught.value) == SYMBOLIC_FORMS


def test_numbers_read_alike() -> None:
    assert parse_input("(1, 3, 224, 320)") == parse_size("(1, 3, 224, 320)")
