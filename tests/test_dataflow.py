"""The data flow a diagram draws: a node per module at a depth, an edge per tensor passed."""

from __future__ import annotations

import pickle
from collections import Counter

import pytest
from _flow import ours, recorded, torch_flow
from conftest import spec

from shapecalc import catalog, dataflow, engine
from shapecalc.dataflow import Graph, Kind
from shapecalc.modules import Combine, Container, Leaf, Model
from shapecalc.rows import Result, Row
from shapecalc.shape import Shape

BUILTINS = catalog.builtin_names()
DEPTHS = (1, 2, 3, None)
RECORDED = recorded()


def graph(model: Model, depth: int | None = None) -> tuple[Result, Graph]:
    result = engine.infer(model, model.input)
    return result, dataflow.of(result, depth)


def drawn(result: Result, depth: int | None) -> list[Row]:
    """Return the rows a diagram at `depth` draws as nodes, as the rows alone say: every
    module that ran at that depth, and every leaf above it."""
    return [
        row
        for row in result.rows
        if row.ran and (depth is None or row.depth <= depth) and (row.depth == depth or row.is_leaf)
    ]


@pytest.mark.parametrize("depth", DEPTHS, ids=lambda depth: f"depth-{depth}")
@pytest.mark.parametrize("name", BUILTINS)
def test_nodes_are_the_modules_at_the_depth_and_edges_carry_their_shapes(
    name: str, depth: int | None
) -> None:
    result, flow = graph(catalog.load(name), depth)
    modules = [node.row for node in flow.nodes if node.kind is Kind.MODULE]
    assert Counter(id(row) for row in modules) == Counter(id(row) for row in drawn(result, depth))
    assert flow.nodes[0].kind is Kind.INPUT and flow.nodes[-1].kind is Kind.OUTPUT
    kinds = Counter(node.kind for node in flow.nodes)
    assert kinds[Kind.INPUT] == kinds[Kind.OUTPUT] == 1
    for edge in flow.edges:
        assert edge.source != edge.target
        source = flow.nodes[edge.source]
        if source.kind is Kind.INPUT:
            assert edge.shape == result.input
        elif source.kind is Kind.MODULE and source.row is not None:
            # A layer passes on what its row shows; a container drawn whole passes on what a
            # module within it gave: its own output, or where a use runs it in parts (as
            # LRASPP's head) or it returns several (as a segmentation backbone), a child's.
            shapes = {source.row.shape} if source.row.is_leaf else within(result, source.row)
            assert edge.shape in shapes, edge
    into_output = [edge for edge in flow.edges if edge.target == len(flow.nodes) - 1]
    assert into_output[0].shape == result.output
    reached = _reached(flow)
    assert reached == set(range(len(flow.nodes))), "every node is drawn from the input on"


def within(result: Result, row: Row) -> set[Shape | None]:
    """Return the shapes of the rows of `row`'s module and the modules within it."""
    inner = row.path + "."
    return {
        each.shape for each in result.rows if each.path == row.path or each.path.startswith(inner)
    }


def _reached(flow: Graph) -> set[int]:
    after: dict[int, list[int]] = {}
    for edge in flow.edges:
        after.setdefault(edge.source, []).append(edge.target)
    seen, pending = {0}, [0]
    while pending:
        for target in after.get(pending.pop(), []):
            if target not in seen:
                seen.add(target)
                pending.append(target)
    return seen


def test_a_residual_block_joins_its_main_path_and_the_identity() -> None:
    _, flow = graph(catalog.load("resnet18"))
    joins = [place for place, node in enumerate(flow.nodes) if node.kind is Kind.JOIN]
    assert len(joins) == 8
    first = joins[0]
    sources = [flow.nodes[edge.source] for edge in flow.inputs(first)]
    names = [node.row.path for node in sources if node.row is not None]
    assert names == ["layer1.0.bn2", "maxpool"]  # the main path, then the identity shortcut
    assert [str(edge.shape) for edge in flow.inputs(first)] == ["64@56×56", "64@56×56"]
    node = flow.nodes[first]
    assert isinstance(node.module, Container) and node.module.combine is Combine.ADD
    assert node.group is not None and flow.groups[node.group].row.path == "layer1.0"


def test_a_dense_block_concatenates_one_output_at_a_time() -> None:
    _, flow = graph(catalog.load("densenet121"))
    cats = [place for place, node in enumerate(flow.nodes) if node.kind is Kind.JOIN]
    assert len(cats) == 6 + 12 + 24 + 16
    channels = [flow.inputs(place)[0].shape.dims[0] for place in cats[:3]]
    assert channels == [64, 96, 128]  # the block's input, then each concatenation before


def test_collapsed_modules_hide_what_ran_within() -> None:
    _, flow = graph(catalog.load("resnet18"), 1)
    layers = [node.row.path for node in flow.nodes if node.row is not None]
    assert layers == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
                      "avgpool", "fc"]  # fmt: skip
    assert [node.kind for node in flow.nodes].count(Kind.FUNCTION) == 1  # torch.flatten
    assert not flow.groups


def test_a_layer_run_again_is_a_node_of_its_own() -> None:
    _, flow = graph(catalog.load("resnet50"))
    again = [node for node in flow.nodes if node.kind is Kind.AGAIN]
    assert len(again) == 2 * 16  # each Bottleneck's relu, after bn1 and after bn2
    assert {node.module.path for node in again if node.module} >= {"layer1.0.relu"}


def test_a_graph_of_steps_draws_each_from() -> None:
    model = spec(
        """
        input: [3, 32, 32]
        model:
          - {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
          - {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
          - {type: Upsample, scale_factor: 2}
          - {type: Concat, cat: [], from: [-1, 0]}
        """
    )
    result, flow = graph(model)
    concat = next(
        place for place, node in enumerate(flow.nodes) if node.row and node.row.name == "3"
    )
    assert [flow.nodes[edge.source].row.name for edge in flow.inputs(concat)] == ["2", "0"]  # type: ignore[union-attr]
    assert flow.nodes[concat].kind is Kind.MODULE  # a container of no children is a leaf
    assert [str(edge.shape) for edge in flow.inputs(concat)] == ["8@16×16", "8@16×16"]
    assert result.output.dims == (16, 16, 16)


def test_a_resize_and_a_crop_are_drawn() -> None:
    model = spec(
        """
        input: [3, 33, 33]
        model:
          type: Net
          children:
            body:
              type: Body
              resize_to_input: bilinear
              children:
                - {type: Conv2d, out_channels: 4, kernel_size: 3, stride: 2}
            skip:
              type: Skip
              cat:
                - - {type: Conv2d, out_channels: 4, kernel_size: 3}
                - []
              crop: center
        """
    )
    _, flow = graph(model, None)
    kinds = [node.kind for node in flow.nodes]
    assert Kind.RESIZE in kinds and Kind.JOIN in kinds
    resize = flow.nodes[kinds.index(Kind.RESIZE)]
    assert isinstance(resize.module, Container) and resize.module.resize_to_input == "bilinear"
    join = kinds.index(Kind.JOIN)
    assert [str(edge.shape) for edge in flow.inputs(join)] == ["4@31×31", "4@33×33"]


def test_an_empty_container_passes_its_input_on() -> None:
    model = spec(
        """
        input: [3, 8, 8]
        model:
          type: Net
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 3}
            nothing: {type: Sequential, children: []}
            fc: {type: Flatten}
        """
    )
    _, flow = graph(model)
    names = [node.row.name for node in flow.nodes if node.row is not None]
    assert names == ["conv", "nothing", "fc"]
    assert [str(edge.shape) for edge in flow.edges] == ["3@8×8", "4@6×6", "4@6×6", "144"]


def test_a_graph_is_a_value() -> None:
    _, flow = graph(catalog.load("googlenet"), 2)
    assert pickle.loads(pickle.dumps(flow)) == flow
    assert isinstance(flow.nodes[1].module, Leaf)


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_every_call_and_what_it_takes_are_pytorchs(name: str) -> None:
    """PyTorch's data flow, recorded by tools/record_flow.py: each call of each layer with its
    output, and which call's output each call takes, through functional operations only."""
    model = catalog.load(name)
    calls, edges = ours(model, model.input)
    torch_calls, torch_edges = torch_flow(RECORDED[name])
    assert sorted((path, k, shape.dims) for path, k, shape in calls) == sorted(torch_calls)
    assert edges == torch_edges
