"""The diagram's layout: nothing overlaps, every edge runs down between layers, in any graph."""

from __future__ import annotations

import itertools
import random

import pytest
from conftest import spec

from shapecalc import api, catalog
from shapecalc.errors import UsageError
from shapecalc.formats import Format, Options, View, diagram, text
from shapecalc.formats import _layout as layout_module
from shapecalc.formats._diagram import graph_of
from shapecalc.formats._layout import Placed, Size, TooLargeError, layout

Box = tuple[float, float, float, float]  # left, top, right, bottom
# The pictures the issue names, and the largest models, at full depth and at depth 2.
MODELS = (
    *("resnet18", "resnet50", "googlenet", "densenet121", "mobilenet_v2", "inception_v3"),
    *("yolov8n", "yolo11n-seg", "lraspp_mobilenet_v3_large", "convnext_tiny", "r3d_18"),
)


def boxes(sizes: list[Size], placed: Placed) -> list[Box]:
    """Return every node's box and every label's box."""
    found = []
    for place, size in enumerate(sizes):
        x, y = placed.x[place], placed.y[place]
        found.append((x - size.width / 2, y, x + size.width / 2, y + size.height))
        if size.label_height:
            left, top = placed.labels[place]
            found.append((left, top, left + size.label_width - 6, top + size.label_height))
    return found


def overlapping(found: list[Box]) -> list[tuple[Box, Box]]:
    """Return the pairs of boxes that overlap, by a sweep down the picture."""
    pairs: list[tuple[Box, Box]] = []
    active: list[Box] = []
    for box in sorted(found, key=lambda box: box[1]):
        active = [other for other in active if other[3] > box[1]]
        pairs += [(other, box) for other in active if other[0] < box[2] and box[0] < other[2]]
        active.append(box)
    return pairs


def check(sizes: list[Size], edges: list[tuple[int, int]]) -> Placed:
    """Lay out a graph and check it: no box meets another, every edge is a vertical run
    through a layer then a bend through a band that holds no box, and ends on its nodes."""
    placed = layout(sizes, edges)
    found = boxes(sizes, placed)
    assert not overlapping(found)
    for (source, target), route, upward in zip(edges, placed.routes, placed.upward, strict=True):
        top, bottom = (target, source) if upward else (source, target)
        assert route[0] == (placed.x[top], placed.y[top] + sizes[top].height)
        assert route[-1][1] == placed.y[bottom]
        assert abs(route[-1][0] - placed.x[bottom]) <= sizes[bottom].width / 2
        for (_, y1), (_, y2) in itertools.pairwise(route):
            assert y2 >= y1
        for index in range(1, len(route) - 1, 2):  # the bends: between layers, in no box
            (_, y1), (_, y2) = route[index], route[index + 1]
            assert not [box for box in found if box[1] < y2 and y1 < box[3]], route
        for index in range(0, len(route) - 1, 2):  # the runs down: through no other box
            (x, y1), (_, y2) = route[index], route[index + 1]
            crossed = [box for box in found if box[0] < x < box[2] and box[1] < y2 and y1 < box[3]]
            assert all(box[1] < route[0][1] or index == 0 for box in crossed), (route, crossed)
    return placed


def sizes_and_edges(name: str, depth: int | None) -> tuple[list[Size], list[tuple[int, int]]]:
    result = api.infer(catalog.load(name))
    options = Options(depth=depth)
    graph = graph_of(result, Format.SVG, options)
    return list(diagram.measured(result, graph, options).sizes), [
        (edge.source, edge.target) for edge in graph.edges
    ]


@pytest.mark.parametrize("depth", [None, 2], ids=["full", "depth-2"])
@pytest.mark.parametrize("name", MODELS)
def test_no_label_meets_a_node_an_edge_or_another_label(name: str, depth: int | None) -> None:
    check(*sizes_and_edges(name, depth))


def test_a_chain_is_straight_and_a_join_sits_under_its_direct_input() -> None:
    sizes, edges = sizes_and_edges("densenet121", None)
    placed = check(sizes, edges)
    xs = {round(placed.x[source]) for source, _ in edges[1:40]}
    assert max(xs) - min(xs) < 10  # the dense layers' chain, with its cats, runs straight down


@pytest.mark.parametrize("seed", range(30))
def test_any_graph_lays_out_without_overlaps(seed: int) -> None:
    """Random graphs: edges forwards and back (a collapsed module can feed one that fed it),
    skips of any length, fan-in and fan-out, nodes of every width, labels or none."""
    rng = random.Random(seed)
    count = rng.randint(2, 40)
    sizes = [
        Size(rng.uniform(10, 300), rng.uniform(10, 60), rng.choice([0.0, rng.uniform(10, 200)]),
             rng.choice([0.0, 16.0, 32.0]))
        for _ in range(count)
    ]  # fmt: skip
    edges = {(rng.randrange(count), rng.randrange(count)) for _ in range(rng.randint(1, 3 * count))}
    check(sizes, [(source, target) for source, target in edges if source != target])


def test_a_layout_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout_module, "MAX_DIAGRAM_POINTS", 50)
    sizes = [Size(10, 10)] * 40
    with pytest.raises(TooLargeError):
        layout(sizes, [(0, 39), *[(node, node + 1) for node in range(39)]])


def test_the_svg_of_a_hundred_branches_stays_linear() -> None:
    """A join of many branches, each a chain: the layout's passes stay within a second."""
    import time

    sizes = [Size(80, 30, 60, 16)] * 2002
    edges = [(0, 1 + 2 * branch) for branch in range(1000)]
    edges += [(1 + 2 * branch, 2 + 2 * branch) for branch in range(1000)]
    edges += [(2 + 2 * branch, 2001) for branch in range(1000)]
    began = time.process_time()
    layout(sizes, edges)
    assert time.process_time() - began < 1.0


@pytest.mark.parametrize("fmt", [Format.SVG, Format.MERMAID, Format.DOT], ids=lambda fmt: fmt.value)
def test_a_diagram_too_large_names_the_depth_option(fmt: Format) -> None:
    model = spec("input: [3, 8, 8]\nmodel:\n  - {type: ReLU, repeat: 6000}\n")
    with pytest.raises(UsageError, match=r"6,000 rows are more than the 5,000 a drawing holds"):
        text(api.infer(model), fmt, Options(view=View.GRAPH if fmt is Format.SVG else View.TABLE))


def test_edges_that_skip_many_layers_are_refused_at_once() -> None:
    """Each of 440 steps adds the model's input: 96,580 points of long edges in all."""
    import time

    steps = "\n".join(["  - {type: Add, add: [], from: [-1, input]}"] * 440)
    result = api.infer(spec(f"input: [3, 8, 8]\nmodel:\n{steps}\n"))
    began = time.process_time()
    with pytest.raises(UsageError, match="edges pass more than 20,000 layers in all"):
        text(result, Format.SVG, Options(view=View.GRAPH))
    assert time.process_time() - began < 1.0
