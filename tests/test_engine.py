"""The engine: every module's output shape, against PyTorch, and the errors it raises."""

from __future__ import annotations

import time
from typing import Any

import pytest
from conftest import RESNET18_TOP, TESTS, spec, torch_data

from shapecalc.engine import Row, Stopped, attempt, infer
from shapecalc.errors import ShapeError
from shapecalc.modules import Model
from shapecalc.shape import Shape
from shapecalc.spec import load_spec

RESNET18 = torch_data("torch_resnet18.json")
SPECS = TESTS / "specs"


def case_id(case: dict[str, Any]) -> str:
    return "x".join(str(dim) for dim in case["input"][1:])


@pytest.mark.parametrize("case", RESNET18["cases"], ids=case_id)
def test_resnet18_matches_torchvision(resnet18: Model, case: dict[str, Any]) -> None:
    """Every module torchvision's resnet18 has, in named_modules() order, with its shape,
    its parameters as module.parameters() counts them and its MACs from the real shapes."""
    result = infer(resnet18, Shape(tuple(case["input"])))
    got = [
        (row.path, row.type, row.shape and list(row.shape.dims), row.params, row.macs)
        for row in result.rows
    ]
    expected = [
        (row["path"], row["type"], row["shape"], row["params"], row["macs"]) for row in case["rows"]
    ]
    assert got == expected
    assert list(result.output.dims) == case["rows"][-1]["shape"]
    top = [row for row in case["rows"] if "." not in row["path"]]
    assert result.total_params == sum(row["params"] for row in top) == 11_689_512
    assert result.total_macs == sum(row["macs"] for row in top)


def test_resnet18_at_224_costs_what_torchvision_publishes(resnet18: Model) -> None:
    result = infer(resnet18, resnet18.input)
    assert (result.total_params, result.total_macs) == (11_689_512, 1_814_073_344)


@pytest.mark.parametrize("case", RESNET18["fields"], ids=case_id)
def test_resnet18_fields_match_pytorch_gradients(resnet18: Model, case: dict[str, Any]) -> None:
    """Fields and strides as measured from input gradients in PyTorch, whole input as null."""
    result = infer(resnet18, Shape(tuple(case["input"])))
    got = []
    for row in result.rows:
        assert row.field is not None
        axes = row.field.axes
        got.append((row.path, [axis.size for axis in axes], [axis.stride for axis in axes]))
    expected = [
        (row["path"], row["receptive_field"], row["effective_stride"]) for row in case["rows"]
    ]
    assert got == expected
    layers = {row.path: row.field.axes[0].size for row in result.rows if row.field is not None}
    assert [layers[f"layer{n}"] for n in (1, 2, 3, 4)] == [43, 99, 211, 435]


def test_resnet18_recorded_sizes_cover_the_hard_cases() -> None:
    sizes = {case_id(case) for case in RESNET18["cases"]}
    assert {"224x224", "1x1", "1x500", "97x131", "1000000000x1"} <= sizes


def test_rows_carry_depth_and_name(resnet18: Model) -> None:
    rows = infer(resnet18, resnet18.input).rows
    assert len(rows) == 67
    row = next(row for row in rows if row.path == "layer2.0.downsample.0")
    assert (row.name, row.type, row.depth, row.is_leaf) == ("0", "Conv2d", 4, True)
    assert [row.path for row in rows if row.depth == 1] == RESNET18_TOP


def test_functional_work_changes_shapes_without_a_row() -> None:
    model = spec("""
        input: [4, 2, 2]
        model:
          children:
            flat: {type: Flatten, functional: true}
            fc: {type: Linear, out_features: 3}
    """)
    result = infer(model, model.input)
    assert [(row.path, row.shape) for row in result.rows] == [("fc", Shape((3,)))]


def test_concatenation_adds_channels() -> None:
    model = spec("""
        input: [3, 9, 9]
        model:
          type: Inception
          cat:
            - {a: {type: Conv2d, out_channels: 8, kernel_size: 1}}
            - {b: {type: Conv2d, out_channels: 4, kernel_size: 3, padding: 1}}
            - {c: {type: MaxPool2d, kernel_size: 3, stride: 1, padding: 1}}
    """)
    assert infer(model, model.input).output == Shape((15, 9, 9))


@pytest.mark.parametrize(
    ("text", "size", "message"),
    [
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              type: Block
              add:
                - {conv: {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}}
                - identity
            """,
            (3, 8, 8),
            "net.yaml:4:3: Block adds branches of different shapes: conv gives 8@4×4, "
            "identity gives 3@8×8",
            id="residual-mismatch",
        ),
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              type: Cat
              cat:
                - {a: {type: Conv2d, out_channels: 8, kernel_size: 3}}
                - {b: Identity}
            """,
            (3, 8, 8),
            "net.yaml:4:3: Cat concatenates branches of different H×W (or not C×H×W): "
            "a gives 8@6×6, b gives 3@8×8",
            id="concat-mismatch",
        ),
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              children:
                - {type: Conv2d, out_channels: 8, kernel_size: 3}
                - {type: MaxPool2d, kernel_size: 2}
                - {type: Conv2d, out_channels: 8, kernel_size: 3}
            """,
            (3, 5, 5),
            "net.yaml:7:7: 2: Conv2d: input 8@1×1 is too small: the output would be -1×-1 "
            "(H: ⌊(1 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 = -1; W: ⌊(1 + 2·0 − 1·(3 − 1) − 1) / 1⌋ + 1 "
            "= -1)",
            id="collapse",
        ),
        pytest.param(
            """
            input: [3, 8, 8]
            model: {children: {c: {type: Conv2d, in_channels: 1, out_channels: 8, kernel_size: 3}}}
            """,
            (3, 8, 8),
            "net.yaml:3:51: c: Conv2d: in_channels is 1 but the input is 3@8×8 (C = 3)",
            id="stated-channels",
        ),
    ],
)
def test_shape_errors_name_the_layer(text: str, size: tuple[int, ...], message: str) -> None:
    model = spec(text)
    with pytest.raises(ShapeError) as caught:
        infer(model, Shape(size))
    assert str(caught.value) == message


def test_constructs_match_pytorch() -> None:
    """Dilation, asymmetric kernels, ceil mode, a concatenation, 'same' padding, an adaptive
    pool and a Linear over W, against the same network measured in PyTorch."""
    data = torch_data("torch_constructs.json")
    model = load_spec(SPECS / "constructs.yaml", "constructs.yaml")
    result = infer(model, Shape(tuple(data["input"])))
    got = []
    for row in result.rows:
        assert row.field is not None
        axes = row.field.axes
        got.append(
            {
                "path": row.path,
                "type": row.type,
                "shape": row.shape and list(row.shape.dims),
                "params": row.params,
                "macs": row.macs,
                "receptive_field": [axis.size for axis in axes],
                "effective_stride": [axis.stride for axis in axes],
            }
        )
    assert got == data["rows"]


def test_without_fields_rows_differ_only_in_their_field(resnet18: Model) -> None:
    full = infer(resnet18, resnet18.input)
    lean = infer(resnet18, resnet18.input, fields=False)
    assert [row.field for row in lean.rows] == [None] * len(full.rows)
    assert [(r.path, r.shape, r.params, r.macs) for r in lean.rows] == [
        (r.path, r.shape, r.params, r.macs) for r in full.rows
    ]
    assert (lean.output, lean.total_params, lean.total_macs) == (
        full.output,
        full.total_params,
        full.total_macs,
    )


def test_a_long_dense_block_costs_linear_time() -> None:
    """20,000 layers, each taking the concatenation of every earlier output."""
    model = spec("""
        input: [1, 4, 4]
        model:
          type: _DenseBlock
          dense:
            - {type: Conv2d, out_channels: 1, kernel_size: 1, repeat: 20000}
    """)
    started = time.perf_counter()
    result = infer(model, model.input, fields=False)
    assert time.perf_counter() - started < 2
    assert result.output == Shape((20_001, 4, 4))


def test_sizes_beyond_any_tensor_are_refused() -> None:
    """Concatenating a map with itself 300 times would make 2^300 channels."""
    doubling = "{type: Twice, cat: [[], []]}"
    model = spec(f"input: [3, 2, 2]\nmodel: [{{{doubling[1:-1]}, repeat: 300}}]\n")
    with pytest.raises(ShapeError) as caught:
        infer(model, model.input)
    assert str(caught.value) == (
        "net.yaml:2:9: 254: a size of the output has more than 256 bits (about 10^77): "
        "no tensor is that large"
    )


def test_an_input_beyond_any_tensor_is_refused(resnet18: Model) -> None:
    with pytest.raises(ShapeError, match=r"^a size of the input has more than 256 bits"):
        infer(resnet18, Shape((3, 2**300, 7)))


JOINS = [
    pytest.param(
        """
        input: [8, 6, 6]
        model:
          type: SE
          mul:
            - []
            - - {type: AdaptiveAvgPool2d, output_size: 1}
              - {type: Conv2d, out_channels: 8, kernel_size: 1}
              - Sigmoid
        """,
        (8, 6, 6),
        id="gate-broadcasts",
    ),
    pytest.param(
        """
        input: [8, 6, 6]
        model: {type: Bias, add: [[], [{type: AdaptiveAvgPool2d, output_size: [1, 6]}]]}
        """,
        (8, 6, 6),
        id="add-broadcasts-one-axis",
    ),
    pytest.param(
        """
        input: [8, 6, 6]
        model: {type: Tall, dim: 2, cat: [[], [{type: MaxPool2d, kernel_size: [3, 1]}]]}
        """,
        (8, 8, 6),
        id="cat-along-height",
    ),
    pytest.param(
        """
        input: [8, 6, 6]
        model: {type: Wide, dim: -1, cat: [[], [], []]}
        """,
        (8, 6, 18),
        id="cat-along-the-last-dim",
    ),
    pytest.param(
        """
        input: [4, 17, 20]
        model:
          type: Up
          crop: center
          cat:
            - []
            - - {type: Conv2d, out_channels: 2, kernel_size: 3}
              - {type: Conv2d, out_channels: 2, kernel_size: [4, 3]}
        """,
        (6, 12, 16),
        id="crop-a-skip-to-the-path",
    ),
    pytest.param(
        """
        input: [2, 9, 7, 5]
        model:
          type: Up3d
          crop: center
          add: [[], [{type: Conv3d, out_channels: 2, kernel_size: [3, 1, 3]}]]
        """,
        (2, 7, 7, 3),
        id="crop-in-three-dimensions",
    ),
]


@pytest.mark.parametrize(("text", "output"), JOINS)
def test_joins(text: str, output: tuple[int, ...]) -> None:
    model = spec(text)
    assert infer(model, model.input).output == Shape(output)


def test_a_stopped_run_says_how_far_it_got() -> None:
    model = spec("""
        input: [3, 8, 8]
        model:
          children:
            a: {type: Conv2d, out_channels: 4, kernel_size: 3}
            b: {type: Conv2d, out_channels: 4, kernel_size: 7}
    """)
    stopped = attempt(model, model.input)
    assert isinstance(stopped, Stopped)
    assert [getattr(item, "path", None) for item in stopped.done] == ["a", "b"]
    assert isinstance(stopped.done[0], Row) and stopped.done[0].shape == Shape((4, 6, 6))
    assert not isinstance(stopped.done[1], Row)  # the layer that refused
    assert stopped.error.path == "b"
    with pytest.raises(ShapeError) as raised:
        infer(model, model.input)
    assert str(raised.value) == str(stopped.error)


# Registration order apart from run order: torchvision's SqueezeExcitation registers fc2
# before activation; a ModuleList runs only through its children; a module may never run.
REGISTERED = """
    input: [8, 6, 6]
    model:
      children:
        se:
          type: SqueezeExcitation
          mul:
            - pool: {type: AdaptiveAvgPool2d, output_size: 1}
              fc1: {type: Conv2d, out_channels: 2, kernel_size: 1}
              fc2: {type: Conv2d, out_channels: 8, kernel_size: 1, run: false}
              act: ReLU
              fc2 after act: {use: fc2}
            - identity
        sd: {type: StochasticDepth, p: 0.1, mode: row, run: false}
        convs:
          type: ModuleList
          run: false
          children:
            - {type: Conv2d, out_channels: 4, kernel_size: 3}
            - {type: Conv2d, out_channels: 4, kernel_size: 1}
        joined:
          functional: true
          cat: [[{use: convs.0}], [{use: convs.1}, {type: CenterCrop, size: 4, functional: true}]]
        head:
          type: Head
          parameters: {scale: [8, 1, 1], shift: [8]}
          resize_to_input: bilinear
          children: [{type: AdaptiveAvgPool2d, output_size: 2}]
"""


def test_modules_run_where_a_use_runs_them_and_rows_keep_registration_order() -> None:
    result = infer(spec(REGISTERED), Shape((8, 6, 6)))
    rows = {row.path: row for row in result.rows}
    assert [row.path for row in result.rows] == [
        "se", "se.pool", "se.fc1", "se.fc2", "se.act", "sd",
        "convs", "convs.0", "convs.1", "head", "head.0",
    ]  # fmt: skip
    assert (rows["se.fc2"].input, rows["se.fc2"].shape) == (Shape((2, 1, 1)), Shape((8, 1, 1)))
    assert rows["se"].shape == Shape((8, 6, 6))


def test_a_layer_a_use_runs_before_its_place_has_its_row_there() -> None:
    """torchvision's Bottleneck registers its relu after bn3 and runs it first after bn1:
    its row is at its place, with that first run's shapes, and its parameters count there."""
    model = spec(
        """
        input: [8, 6, 6]
        model:
          children:
            first: {use: late}
            conv: {type: Conv2d, out_channels: 8, kernel_size: 3}
            late: {type: Conv2d, out_channels: 4, kernel_size: 1, run: false}
            again: {use: late}
        """
    )
    result = infer(model, Shape((8, 6, 6)))
    assert [row.path for row in result.rows] == ["conv", "late"]
    late = result.rows[1]
    assert (late.input, late.shape, late.params) == (Shape((8, 6, 6)), Shape((4, 6, 6)), 36)
    assert result.total_params == 4 * 8 * 9 + 8 + 36  # conv takes late's 4 channels
    assert result.output == Shape((4, 4, 4))


def test_a_module_never_run_has_no_shape_and_a_module_list_its_last_childs() -> None:
    result = infer(spec(REGISTERED), Shape((8, 6, 6)))
    rows = {row.path: row for row in result.rows}
    assert (rows["sd"].ran, rows["sd"].shape, rows["sd"].params) == (False, None, 0)
    convs = rows["convs"]
    assert (convs.shape, convs.params) == (Shape((4, 6, 6)), 8 * 4 * 9 + 4 + 8 * 4 + 4)
    assert convs.macs == rows["convs.0"].macs + rows["convs.1"].macs


def test_own_parameters_count_in_the_module_and_resize_to_input_restores_its_size() -> None:
    result = infer(spec(REGISTERED), Shape((8, 6, 6)))
    head = next(row for row in result.rows if row.path == "head")
    assert (head.params, head.shape) == (16, Shape((8, 4, 4)))  # 4×4: the cat's size
    assert result.total_params == sum(row.params for row in result.rows if row.depth == 1)


def test_a_failure_leaves_out_modules_still_waiting_to_run() -> None:
    stopped = attempt(spec(REGISTERED), Shape((8, 2, 2)))
    assert isinstance(stopped, Stopped)
    assert stopped.error.where.endswith(": convs.0")
    done = [getattr(item, "path", None) for item in stopped.done]
    assert "convs.1" not in done and "head" not in done
