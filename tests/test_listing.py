"""The document's listing, byte for byte, and its `# …` arithmetic under --explain."""

from __future__ import annotations

import re

from conftest import GOLDEN

from shapecalc.engine import infer
from shapecalc.formats import Options
from shapecalc.formats.listing import render
from shapecalc.modules import Model
from shapecalc.shape import Shape


def document_listing() -> str:
    """The blog's listing at 224, without its `#` comments and blank lines."""
    text = (GOLDEN / "document_listing.txt").read_text(encoding="utf-8")
    lines = (re.sub(r"\s*#.*$", "", line) for line in text.splitlines())
    return "".join(f"{line}\n" for line in lines if line.strip())


def test_listing_equals_the_document(resnet18: Model) -> None:
    assert render(infer(resnet18, Shape((3, 224, 224))), Options()) == document_listing()


def test_document_listing_is_the_blogs_own_text() -> None:
    text = (GOLDEN / "document_listing.txt").read_text(encoding="utf-8")
    assert text.startswith("Input:3@224*224\n\nconv1:64@112*112 # 112 == (224-7+2+3*2)/2\n")
    assert "\t\tdownsample:\n\t\t\t0:128@28*28\n" in text
    assert text.endswith("avgpool:512@1*1\n\nfc:1000\n")


def test_listing_at_a_non_square_size(resnet18: Model) -> None:
    lines = render(infer(resnet18, Shape((3, 97, 131))), Options()).splitlines()
    assert lines[:2] == ["Input:3@97*131", "conv1:64@49*66"]
    assert "\t\t\t0:512@4*5" in lines
    assert lines[-2:] == ["avgpool:512@1*1", "fc:1000"]


def test_explain_puts_the_correct_arithmetic_where_the_document_had_its_own(
    resnet18: Model,
) -> None:
    lines = render(infer(resnet18, resnet18.input), Options(explain=True)).splitlines()
    assert lines[1] == "conv1:64@112*112 # 112 = ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"
    assert lines[4] == "maxpool:64@56*56 # 56 = ⌊(112 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1"
    assert "\t\t\t0:128@28*28 # 28 = ⌊(56 + 2·0 − 1·(1 − 1) − 1) / 2⌋ + 1" in lines
    assert lines[-2] == "avgpool:512@1*1 # 1 = output_size, pooled from 7"
    commented = [line for line in lines if "#" in line]
    assert len(commented) == 9  # conv1, maxpool, 3 × (conv1, downsample.0), avgpool
    stripped = "".join(re.sub(r" # .*$", "", line) + "\n" for line in lines)
    assert stripped == document_listing()
