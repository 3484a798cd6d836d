"""The output formats: the document's listing, the rich tree and JSON."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

from conftest import GOLDEN
from rich.console import Console

from shapecalc.engine import infer
from shapecalc.modules import Model
from shapecalc.render import Format, write
from shapecalc.render.listing import render as listing
from shapecalc.render.tree import ShapeTree
from shapecalc.shape import Shape


def document_listing() -> str:
    """The blog's listing at 224, without its `#` comments and blank lines."""
    text = (GOLDEN / "document_listing.txt").read_text(encoding="utf-8")
    lines = (re.sub(r"\s*#.*$", "", line) for line in text.splitlines())
    return "".join(f"{line}\n" for line in lines if line.strip())


def test_listing_equals_the_document(resnet18: Model) -> None:
    assert listing(infer(resnet18, Shape((3, 224, 224)))) == document_listing()


def test_document_listing_is_the_blogs_own_text() -> None:
    text = (GOLDEN / "document_listing.txt").read_text(encoding="utf-8")
    assert text.startswith("Input:3@224*224\n\nconv1:64@112*112 # 112 == (224-7+2+3*2)/2\n")
    assert "\t\tdownsample:\n\t\t\t0:128@28*28\n" in text
    assert text.endswith("avgpool:512@1*1\n\nfc:1000\n")


def test_listing_at_a_non_square_size(resnet18: Model) -> None:
    lines = listing(infer(resnet18, Shape((3, 97, 131)))).splitlines()
    assert lines[:2] == ["Input:3@97*131", "conv1:64@49*66"]
    assert "\t\t\t0:512@4*5" in lines
    assert lines[-2:] == ["avgpool:512@1*1", "fc:1000"]


def test_tree_golden(resnet18: Model, console: Console, golden: Callable[[str, str], None]) -> None:
    console.print(ShapeTree(infer(resnet18, resnet18.input)))
    assert isinstance(console.file, io.StringIO)
    golden("resnet18_224.tree.txt", console.file.getvalue())


def test_tree_shows_every_module_with_its_shape(resnet18: Model, console: Console) -> None:
    result = infer(resnet18, Shape((3, 97, 131)))
    console.print(ShapeTree(result))
    assert isinstance(console.file, io.StringIO)
    lines = console.file.getvalue().splitlines()
    assert lines[0] == "resnet18 ResNet  input 3@97×131"
    assert lines[-1] == "output 1000"
    body = lines[1:-1]
    assert len(body) == len(result.rows) == 67
    for line, row in zip(body, result.rows, strict=True):
        assert line.split()[-3:] == [row.name, row.type, str(row.shape)]


def test_tree_piped_is_plain_and_uncut(resnet18: Model) -> None:
    stream = io.StringIO()
    write(infer(resnet18, Shape((3, 10**9, 7))), Format.TREE, stream)
    text = stream.getvalue()
    assert "\x1b[" not in text
    assert "downsample  Sequential         512@31250000×1" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_tree_in_colour_on_a_terminal(resnet18: Model) -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    console.print(ShapeTree(infer(resnet18, resnet18.input)))
    assert isinstance(console.file, io.StringIO)
    assert "\x1b[36m64@112×112" in console.file.getvalue()


def test_tree_width_fits_its_longest_line(resnet18: Model) -> None:
    view = ShapeTree(infer(resnet18, resnet18.input))
    console = Console(file=io.StringIO(), width=view.width, color_system=None)
    console.print(view)
    assert isinstance(console.file, io.StringIO)
    assert max(len(line) for line in console.file.getvalue().splitlines()) == view.width


def test_json(resnet18: Model) -> None:
    stream = io.StringIO()
    write(infer(resnet18, Shape((3, 7, 9))), Format.JSON, stream)
    data = json.loads(stream.getvalue())
    assert {key: data[key] for key in ("model", "type", "input", "output")} == {
        "model": "resnet18",
        "type": "ResNet",
        "input": [3, 7, 9],
        "output": [1000],
    }
    assert len(data["layers"]) == 67
    assert data["layers"][0] == {
        "path": "conv1",
        "name": "conv1",
        "type": "Conv2d",
        "depth": 1,
        "shape": [64, 4, 5],
    }
    assert data["layers"][25] == {
        "path": "layer2.0.downsample.0",
        "name": "0",
        "type": "Conv2d",
        "depth": 4,
        "shape": [128, 1, 2],
    }
