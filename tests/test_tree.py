"""The rich tree: columns, colour, width, the summary and --explain."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from rich.console import Console
from rich.tree import Tree

from shapecalc.engine import infer
from shapecalc.formats import Format, Options, write
from shapecalc.formats.tree import ShapeTree, guides
from shapecalc.modules import Model
from shapecalc.shape import Shape


def text_of(console: Console) -> str:
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_tree_golden(resnet18: Model, console: Console, golden: Callable[[str, str], None]) -> None:
    console.print(ShapeTree.of(infer(resnet18, resnet18.input), Options()))
    golden("resnet18_224.tree.txt", text_of(console))


def test_tree_explain_golden(
    resnet18: Model, console: Console, golden: Callable[[str, str], None]
) -> None:
    console.print(ShapeTree.of(infer(resnet18, Shape((3, 97, 131))), Options(explain=True)))
    golden("resnet18_97x131.explain.tree.txt", text_of(console))


def test_tree_shows_every_module_with_its_figures(resnet18: Model, console: Console) -> None:
    result = infer(resnet18, Shape((3, 97, 131)))
    console.print(ShapeTree.of(result, Options()))
    caption, *lines = text_of(console).splitlines()
    assert caption == "input 3@97×131"
    assert lines[0].split() == ["output", "params", "MACs", "field"]
    assert lines[1].split() == ["resnet18", "ResNet", "1000", "11.7M", "568M"]
    body = lines[2 : 2 + len(result.rows)]
    assert len(body) == 67
    for line, row in zip(body, result.rows, strict=True):
        assert row.name in line.split()
        assert str(row.shape) in line.split()
    assert body[0].split() == [
        *("├──", "conv1", "Conv2d", "64@49×66", "9.41K", "30.4M", "7", "rounded")
    ]
    assert body[1].split() == ["├──", "bn1", "BatchNorm2d", "64@49×66", "128", "–", "7"]
    assert body[-1].split() == ["└──", "fc", "Linear", "1000", "513K", "512K", "all"]
    labels = [line.split()[0] for line in lines[-5:]]
    assert labels == ["output", "params", "MACs", "memory", "torchinfo"]
    assert lines[-4] == "params     11,689,512 (46.76 MB as float32)"


def test_tree_piped_is_plain_and_uncut(resnet18: Model) -> None:
    stream = io.StringIO()
    write(infer(resnet18, Shape((3, 10**9, 7))), Format.TREE, stream, Options())
    text = stream.getvalue()
    assert "\x1b[" not in text
    assert "downsample  Sequential         512@31250000×1" in text
    assert all(line == line.rstrip() for line in text.splitlines())


def test_tree_in_colour_on_a_terminal(resnet18: Model) -> None:
    console = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    console.print(ShapeTree.of(infer(resnet18, resnet18.input), Options()))
    assert "\x1b[36m64@112×112" in text_of(console)


def test_tree_width_fits_its_longest_line(resnet18: Model) -> None:
    for options in (Options(), Options(explain=True)):
        view = ShapeTree.of(infer(resnet18, Shape((3, 97, 131))), options)
        console = Console(file=io.StringIO(), width=view.width, color_system=None)
        console.print(view)
        assert max(len(line) for line in text_of(console).splitlines()) == view.width


@pytest.mark.parametrize(
    "depths",
    [
        pytest.param([1], id="one"),
        pytest.param([1, 1, 1], id="flat"),
        pytest.param([1, 2, 3, 4], id="chain"),
        pytest.param([1, 2, 2, 1, 2, 3, 3, 2, 1], id="nested"),
        pytest.param([1, 2, 3, 1, 2, 3], id="closing-two-levels"),
    ],
)
def test_guides_are_the_ones_rich_draws(depths: list[int]) -> None:
    tree = Tree("root")
    parents = [tree]
    for index, depth in enumerate(depths):
        del parents[depth:]
        parents.append(parents[-1].add(str(index)))
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(tree)
    expected = [line.rstrip() for line in text_of(console).splitlines()[1:]]
    drawn = [guide + str(index) for index, guide in enumerate(guides(depths))]
    assert drawn == expected


def test_layers_that_round_are_marked(resnet18: Model) -> None:
    result = infer(resnet18, Shape((3, 225, 225)))
    lines = ShapeTree.of(result, Options(depth=1)).plain().splitlines()
    marked = {line.split()[1]: line.split("  ")[-1] for line in lines if "rounded" in line}
    assert marked == {
        "conv1": "rounded",
        "maxpool": "rounded",
        "layer2": "rounded within",
        "layer3": "rounded within",
        "layer4": "rounded within",
    }
    full = ShapeTree.of(result, Options(explain=True)).plain()
    assert "├── conv1               Conv2d" in full
    assert "rounded: 113 = ⌊(225 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1" in full
    assert "rounded" not in ShapeTree.of(infer(resnet18, resnet18.input), Options()).plain()


@pytest.mark.parametrize("fmt", [Format.TREE, Format.TABLE], ids=lambda fmt: fmt.value)
def test_piped_drawings_import_nothing_of_rich(fmt: Format) -> None:
    import subprocess
    import sys

    code = (
        "import io, sys\n"
        "from shapecalc import api\n"
        "from shapecalc.formats import Format, Options, write\n"
        f"write(api.infer('resnet18', '225'), Format.{fmt.name}, io.StringIO(), Options())\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'rich'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
