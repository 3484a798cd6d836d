"""The graph view: SVG and HTML diagrams drawn by shapecalc itself, from the command line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import named

from shapecalc import api, catalog
from shapecalc.formats import Format, Options, View, text
from shapecalc.formats._diagram import graph_of
from shapecalc.modules import Model

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = ["<script>x</script>", "a&b", 'q"uote', "]]>", "中文 ×", "  spaced"]


def svg(model: Model, depth: int | None = None, fmt: Format = Format.SVG) -> str:
    return text(api.infer(model), fmt, Options(depth=depth, view=View.GRAPH))


def texts(document: str) -> list[str]:
    """Return the text of every text element of an SVG document, parsed as XML."""
    root = ET.fromstring(document)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("depth", [None, 1, 2], ids=["full", "depth-1", "depth-2"])
@pytest.mark.parametrize("name", ["resnet18", "googlenet", "lraspp_mobilenet_v3_large"])
def test_every_node_and_edge_is_drawn_with_its_shape(name: str, depth: int | None) -> None:
    result = api.infer(catalog.load(name))
    document = text(result, Format.SVG, Options(depth=depth, view=View.GRAPH))
    root = ET.fromstring(document)
    graph = graph_of(result, Format.SVG, Options(depth=depth))
    paths = [
        path
        for path in root.iter(f"{SVG}path")
        if "marker-end" in path.attrib or "marker-start" in path.attrib
    ]
    assert len(paths) == len(graph.edges)
    shown = texts(document)
    for edge in graph.edges:
        assert str(edge.shape) in shown
    groups = [group for group in root.iter(f"{SVG}g") if group.find(f"{SVG}rect") is not None]
    assert len(groups) == len(graph.nodes)


def test_a_join_is_named_by_the_module_whose_forward_joins() -> None:
    """ResNet's blocks add in a functional container of their own: the block names the join."""
    shown = texts(svg(catalog.load("resnet18")))
    assert "layer1.0 add" in shown and "broadcast" in shown
    lraspp = texts(svg(catalog.load("lraspp_mobilenet_v3_large"), 1))
    assert {"add", "mul", "resize"} <= set(lraspp)  # the model's own forward(): no path
    unet = texts(svg(catalog.load("examples/unet.yaml")))
    assert "skip4 crop + cat" in unet  # the name the spec gives that work in forward()


def test_with_a_symbolic_input_every_edge_carries_its_formula() -> None:
    result = api.infer(catalog.load("resnet18"), "HxW")
    shown = texts(text(result, Format.SVG, Options(depth=1, view=View.GRAPH)))
    assert {"3@H×W", "64@⌈H/2⌉×⌈W/2⌉", "512@1×1", "1000"} <= set(shown)


def test_names_are_text() -> None:
    shown = texts(svg(named(HOSTILE)))
    for name in HOSTILE:
        assert name in shown


def test_an_html_page_holds_the_svg_and_says_the_model_in_its_title() -> None:
    page = svg(catalog.load("resnet18"), 1, Format.HTML)
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>resnet18 · 3@224×224</title>" in page
    drawing = page[page.index("<svg") : page.index("</svg>") + len("</svg>\n")]
    assert drawing == svg(catalog.load("resnet18"), 1)


def test_the_legend_names_the_kinds_drawn_only() -> None:
    shown = texts(svg(catalog.load("resnet50"), 2))
    assert "module drawn whole" in shown and "layer" in shown
    assert "join of branches" not in shown  # the blocks are drawn whole, their adds within
    full = texts(svg(catalog.load("resnet50")))
    assert {"join of branches", "layer run again"} <= set(full)


def test_golden(golden: Callable[[str, str], None]) -> None:
    golden("diagram_resnet18_d2.svg", svg(catalog.load("resnet18"), 2))


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--format", "mermaid"], "%% resnet18"),
        (["--format", "dot"], 'digraph "resnet18"'),
        (["--format", "svg", "--view", "graph"], "<svg"),
        (["--format", "html", "--view", "graph"], "<!DOCTYPE html>"),
    ],
    ids=["mermaid", "dot", "svg", "html"],
)
def test_the_command_line_writes_each_diagram(
    run: Callable[..., Any], args: list[str], start: str
) -> None:
    done = run("resnet18", "--depth", "1", *args)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(start)


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("net.mmd", "%% resnet18"),
        ("net.mermaid", "%% resnet18"),
        ("net.dot", "digraph"),
        ("net.gv", "digraph"),
    ],
    ids=["mmd", "mermaid", "dot", "gv"],
)
def test_an_output_files_extension_names_the_diagram(
    run: Callable[..., Any], tmp_path: Path, name: str, start: str
) -> None:
    done = run("resnet18", "-d", "1", "-o", str(tmp_path / name))
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--format", "svg", "--view", "graph", "--explain"],
            "error: --explain: the graph view holds no arithmetic; use --view table",
        ),
        (
            ["--format", "mermaid", "--explain"],
            "error: --explain: the mermaid format holds no arithmetic; these use it: csv, html, "
            "listing, markdown, svg, table, tree",
        ),
        (
            ["--format", "dot", "--view", "graph"],
            "error: --view: the dot format has one view; these use it: html, svg",
        ),
    ],
    ids=["explain-graph", "explain-mermaid", "view-dot"],
)
def test_options_a_diagram_would_ignore_are_refused(
    run: Callable[..., Any], args: list[str], message: str
) -> None:
    done = run("resnet18", *args)
    assert done.exit_code == 2
    assert done.stderr == message + "\n"
