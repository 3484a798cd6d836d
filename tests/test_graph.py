"""Graphs: a step's `from:` (an earlier step by index or name, the input, or one of several
inputs), joins of the several inputs a `from:` list gives, and one layer `shared:` by several
places, as Ultralytics' configs have them."""

from __future__ import annotations

import pickle
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import settled, spec

from shapecalc import api, catalog, engine
from shapecalc.errors import ShapecalcError, ShapeError, SpecError
from shapecalc.formula import value
from shapecalc.modules import Container, Leaf, Model, Reuse
from shapecalc.rows import Result, Row
from shapecalc.shape import Shape
from shapecalc.valid import Valid


def rows(model: Model, shape: Shape | None = None) -> dict[str, Row]:
    """Infer `model` (at its own input by default) and return its rows by path."""
    result = engine.infer(model, shape or model.input)
    return {row.path: row for row in result.rows}


def failure(text: str) -> ShapecalcError:
    """Return the error building `text`, or inferring it at its own input, raises."""
    with pytest.raises(ShapecalcError) as caught:
        model = spec(text)
        engine.infer(model, model.input)
    return caught.value


# A feature pyramid written as Ultralytics writes one: steps numbered in a list, each Concat
# taking the step before and an earlier one by index.
FPN = """
    input: [3, 64, 64]
    model:
      - {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}   # 0: P1/2
      - {type: Conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1}  # 1: P2/4
      - {type: Conv2d, out_channels: 32, kernel_size: 3, stride: 2, padding: 1}  # 2: P3/8
      - {type: Upsample, scale_factor: 2}                                        # 3
      - {type: Concat, cat: [], from: [-1, 1]}                                   # 4
      - {type: Conv2d, out_channels: 16, kernel_size: 1}                         # 5
      - {type: Upsample, scale_factor: 2}                                        # 6
      - {type: Concat, cat: [], from: [-1, 0]}                                   # 7
      - {type: Conv2d, out_channels: 8, kernel_size: 3, padding: 1}              # 8
      - {type: Conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1}  # 9
      - {type: Concat, cat: [], from: [-1, 5]}                                   # 10
"""


def conv(out: int, into: int, size: int, kernel: int) -> tuple[int, int]:
    """Return a biased square Conv2d's parameters and its MACs at `size`×`size` output."""
    return out * into * kernel * kernel + out, out * size * size * into * kernel * kernel


def test_an_fpn_takes_each_concat_from_the_steps_it_names() -> None:
    got = rows(spec(FPN))
    assert [
        (path, str(row.input), str(row.shape), row.params, row.macs) for path, row in got.items()
    ] == [
        ("0", "3@64×64", "8@32×32", *conv(8, 3, 32, 3)),
        ("1", "8@32×32", "16@16×16", *conv(16, 8, 16, 3)),
        ("2", "16@16×16", "32@8×8", *conv(32, 16, 8, 3)),
        ("3", "32@8×8", "32@16×16", 0, 0),
        ("4", "32@16×16", "48@16×16", 0, 0),  # 32 upsampled + 16 of step 1; shows the first
        ("5", "48@16×16", "16@16×16", *conv(16, 48, 16, 1)),
        ("6", "16@16×16", "16@32×32", 0, 0),
        ("7", "16@32×32", "24@32×32", 0, 0),  # + 8 of step 0
        ("8", "24@32×32", "8@32×32", *conv(8, 24, 32, 3)),
        ("9", "8@32×32", "16@16×16", *conv(16, 8, 16, 3)),
        ("10", "16@16×16", "32@16×16", 0, 0),  # + 16 of step 5
    ]
    result = engine.infer(spec(FPN), Shape((3, 64, 64)))
    assert (result.output, result.total_params, result.total_macs) == (
        Shape((32, 16, 16)),
        224 + 1168 + 4640 + 784 + 1736 + 1168,
        221_184 + 294_912 + 294_912 + 196_608 + 1_769_472 + 294_912,
    )


def test_a_from_records_what_it_names_as_written() -> None:
    root = spec(FPN).root
    assert isinstance(root, Container) and root.graph
    takes = [step.takes for step in root.branches[0]]
    assert [(t.steps, t.many, t.written) for t in takes if t is not None] == [
        ((3, 1), True, (-1, 1)),
        ((6, 0), True, (-1, 0)),
        ((9, 5), True, (-1, 5)),
    ]
    first = takes[4]
    assert first is not None and (first.mark.line, first.mark.column) == (8, 35)  # the value


# The same pyramid's top, by name.
NAMED = """
    input: [3, 64, 64]
    model:
      children:
        p1: {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
        p2: {type: Conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1}
        p3: {type: Conv2d, out_channels: 32, kernel_size: 3, stride: 2, padding: 1}
        up: {type: Upsample, scale_factor: 2}
        cat: {type: Concat, cat: [], from: [up, p2]}
        lateral: {type: Conv2d, out_channels: 8, kernel_size: 1, from: p1}
        skip: {type: Identity, from: "p${1 + 2}"}
"""


@pytest.mark.parametrize(
    ("path", "shape"),
    [
        pytest.param("cat", "48@16×16", id="a-list-of-names"),
        pytest.param("lateral", "8@32×32", id="one-name"),
        pytest.param("skip", "32@8×8", id="a-name-filled-in"),
    ],
)
def test_names_are_references(path: str, shape: str) -> None:
    assert str(rows(spec(NAMED))[path].shape) == shape


def test_a_name_and_an_index_name_the_same_step() -> None:
    by_index = spec(
        NAMED.replace("[up, p2]", "[-1, 1]")
        .replace("from: p1", "from: -5")
        .replace('from: "p${1 + 2}"', "from: 2")
    )
    figures = [
        [(path, row.input, row.shape, row.params, row.macs) for path, row in rows(model).items()]
        for model in (by_index, spec(NAMED))
    ]
    assert figures[0] == figures[1]


def test_an_index_counts_steps_and_a_name_counts_modules() -> None:
    """A functional step is a step (it has an index) but no module (it has no number)."""
    text = """
        input: [4, 8, 8]
        model:
          - {type: Conv2d, out_channels: 4, kernel_size: 1}      # step 0, module 0
          - {type: MaxPool2d, kernel_size: 2, functional: true}  # step 1
          - {type: Conv2d, out_channels: 4, kernel_size: 1}      # step 2, module 1
          - {type: Identity, from: FROM}
    """
    assert str(rows(spec(text.replace("FROM", "1")))["2"].shape) == "4@4×4"  # the pool
    assert str(rows(spec(text.replace("FROM", '"1"')))["2"].input) == "4@4×4"  # module 1
    assert str(rows(spec(text.replace("FROM", "0")))["2"].shape) == "4@8×8"


@pytest.mark.parametrize(
    ("first", "second", "inputs"),
    [
        pytest.param("-1", "-1", ("3@8×8", "3@4×4"), id="minus-one"),
        pytest.param("-1", "-2", ("3@8×8", "3@8×8"), id="minus-count-plus-one-is-the-input"),
        pytest.param("input", "input", ("3@8×8", "3@8×8"), id="input"),
        pytest.param("-1", "0", ("3@8×8", "3@4×4"), id="zero"),
    ],
)
def test_the_input_by_index(first: str, second: str, inputs: tuple[str, str]) -> None:
    got = rows(
        spec(f"""
        input: [3, 8, 8]
        model:
          - {{type: MaxPool2d, kernel_size: 2, from: {first}}}
          - {{type: Identity, from: {second}}}
        """)
    )
    assert (str(got["0"].input), str(got["1"].input)) == inputs


# A container given several inputs by a from: list: its steps pick one, all, or several.
SEVERAL = """
    input: [3, 8, 8]
    model:
      children:
        a: {type: Conv2d, out_channels: 4, kernel_size: 1}
        b: {type: Conv2d, out_channels: 6, kernel_size: 3, padding: 1}
        fuse:
          from: [a, b]
          children:
            x: {type: Conv2d, out_channels: 2, kernel_size: 1, from: input.1}
            y: {type: ReLU, from: input.0}
            cat: {type: Concat, cat: [], from: [x, y, input.0]}
            all: {type: Concat, cat: [], from: input}
"""


def test_a_container_given_several_inputs_picks_them_by_element() -> None:
    got = rows(spec(SEVERAL))
    assert {path: (str(row.input), str(row.shape)) for path, row in got.items()} == {
        "a": ("3@8×8", "4@8×8"),
        "b": ("4@8×8", "6@8×8"),
        "fuse": ("4@8×8", "10@8×8"),  # of several inputs, the row shows the first
        "fuse.x": ("6@8×8", "2@8×8"),
        "fuse.y": ("4@8×8", "4@8×8"),
        "fuse.cat": ("2@8×8", "10@8×8"),  # 2 + 4 + 4
        "fuse.all": ("4@8×8", "10@8×8"),  # input: both, 4 + 6
    }
    assert (got["fuse"].params, got["fuse.x"].params) == (6 * 2 + 2, 6 * 2 + 2)


def test_a_first_step_without_from_takes_all_of_several_inputs() -> None:
    model = spec("""
        input: [3, 8, 8]
        model:
          children:
            a: {type: Conv2d, out_channels: 4, kernel_size: 1}
            b: {type: Conv2d, out_channels: 6, kernel_size: 1}
            fuse: {from: [a, b], children: {cat: {type: Concat, cat: []}}}
    """)
    assert str(rows(model)["fuse.cat"].shape) == "10@8×8"


ZIPPED = """
    input: [3, 8, 8]
    model:
      children:
        a: {type: Conv2d, out_channels: 4, kernel_size: 1}
        b: {type: Conv2d, out_channels: 6, kernel_size: 1}
        j:
          type: Fuse
          from: FROM
          add:
            - {p: {type: Conv2d, out_channels: 5, kernel_size: 1}}
            - {q: {type: Conv2d, out_channels: 5, kernel_size: 1}}
"""


def test_a_join_of_n_branches_runs_branch_i_on_input_i() -> None:
    got = rows(spec(ZIPPED.replace("FROM", "[a, b]")))
    assert {
        path: (str(row.input), str(row.shape), row.params, row.macs) for path, row in got.items()
    } == {
        "a": ("3@8×8", "4@8×8", 16, 4 * 64 * 3),
        "b": ("4@8×8", "6@8×8", 30, 6 * 64 * 4),
        "j": ("4@8×8", "5@8×8", 25 + 35, 5 * 64 * (4 + 6)),
        "j.p": ("4@8×8", "5@8×8", 5 * 4 + 5, 5 * 64 * 4),
        "j.q": ("6@8×8", "5@8×8", 5 * 6 + 5, 5 * 64 * 6),
    }


# Ultralytics' Detect: one head per level of the three before it, picked by input.${i}.
DETECT = """
    input: [3, 32, 32]
    model:
      - {type: Conv2d, out_channels: 4, kernel_size: 3, stride: 2, padding: 1}
      - {type: Conv2d, out_channels: 8, kernel_size: 3, stride: 2, padding: 1}
      - {type: Conv2d, out_channels: 16, kernel_size: 3, stride: 2, padding: 1}
      - type: Detect
        from: "${range(-3, 0)}"
        children:
          cv:
            - {type: Conv2d, out_channels: "${gcd(4 * (i + 1), 6)}", kernel_size: 1,
               from: "input.${i}", repeat: 3}
"""


def test_range_and_input_i_under_repeat() -> None:
    model = spec(DETECT)
    got = rows(model)
    assert {
        path: (str(row.input), str(row.shape)) for path, row in got.items() if "cv." in path
    } == {
        "3.cv.0": ("4@16×16", "2@16×16"),  # gcd(4, 6)
        "3.cv.1": ("8@8×8", "2@8×8"),  # gcd(8, 6)
        "3.cv.2": ("16@4×4", "6@4×4"),  # gcd(12, 6)
    }
    assert str(got["3"].input) == "4@16×16" and str(got["3"].shape) == "6@4×4"
    root = model.root
    assert isinstance(root, Container)
    detect = root.branches[0][3]
    assert isinstance(detect, Container) and detect.takes is not None
    assert (detect.takes.steps, detect.takes.written) == ((0, 1, 2), (-3, -2, -1))
    heads = detect.branches[0][0]
    assert isinstance(heads, Container)
    assert [step.takes.written for step in heads.branches[0] if step.takes] == [
        ("input.0",),
        ("input.1",),
        ("input.2",),
    ]


# Ultralytics' Conv: every one's activation is the one `Conv.default_act` object.
SHARED = """
    input: [4, 8, 8]
    blocks:
      Conv:
        params: [c, k: 1, s: 1]
        children:
          conv: {type: Conv2d, out_channels: $c, kernel_size: $k, stride: $s,
                 padding: "${k // 2}", bias: false}
          bn: BatchNorm2d
          act: {type: PReLU, shared: default_act}
    model:
      - {type: Conv, c: 4}
      - {type: Conv, c: 4, k: 3, s: 2}
      - {type: Conv, c: 4}
      - {type: Concat, cat: [], from: [1, -1]}
"""


def test_a_shared_layer_has_one_row_and_runs_everywhere() -> None:
    model = spec(SHARED)
    result = engine.infer(model, model.input)
    got = {row.path: row for row in result.rows}
    assert list(got) == [
        "0", "0.conv", "0.bn", "0.act", "1", "1.conv", "1.bn", "2", "2.conv", "2.bn", "3",
    ]  # fmt: skip
    act = got["0.act"]
    assert (str(act.input), str(act.shape), act.params) == ("4@8×8", "4@8×8", 1)  # first run
    convs = [4 * 4 * 1, 4 * 4 * 9, 4 * 4 * 1]
    assert [got[f"{n}"].params for n in range(3)] == [convs[0] + 8 + 1, convs[1] + 8, convs[2] + 8]
    assert result.total_params == sum(convs) + 3 * 8 + 1  # the PReLU's weight, counted once
    assert result.output == Shape((8, 4, 4))
    assert_shared(model)


def assert_shared(model: Model) -> None:
    """Assert that the later Convs' activations of SHARED are uses of the first's object."""
    root = model.root
    assert isinstance(root, Container)
    acts = [step.branches[0][2] for step in root.branches[0][:3] if isinstance(step, Container)]
    first, *later = acts
    assert isinstance(first, Leaf) and [act.path for act in acts] == ["0.act", "1.act", "2.act"]
    assert all(isinstance(act, Reuse) and act.shares is first for act in later)


def test_a_shared_layer_counts_its_macs_at_every_run() -> None:
    model = spec("""
        input: [4, 8, 8]
        model:
          children:
            a: {type: Conv2d, out_channels: 4, kernel_size: 3, padding: 1, shared: c}
            pool: {type: MaxPool2d, kernel_size: 2}
            b: {type: Conv2d, out_channels: 4, kernel_size: 3, padding: 1, shared: c}
    """)
    result = engine.infer(model, model.input)
    assert [(row.path, row.params, row.macs) for row in result.rows] == [
        ("a", 4 * 4 * 9 + 4, 4 * 64 * 36),  # the row shows its first run
        ("pool", 0, 0),
    ]
    assert (result.output, result.total_params, result.total_macs) == (
        Shape((4, 4, 4)),
        148,
        4 * 64 * 36 + 4 * 16 * 36,
    )


def test_qkv_attention_between_convolutions() -> None:
    """Ultralytics' Attention: qkv, the attention matmuls, and pe on v, added, then proj."""
    got = engine.infer(
        spec("""
        input: [16, 8, 8]
        model:
          type: Attention
          children:
            qkv: {type: Conv2d, out_channels: 32, kernel_size: 1}
            mix: {type: QKVAttention, num_heads: 2, key_dim: 4, head_dim: 8, functional: true}
            v: {type: Narrow, dim: 1, start: 16, length: 16, functional: true, from: qkv}
            pe: {type: Conv2d, out_channels: 16, kernel_size: 3, padding: 1, groups: 16}
            sum: {type: Add, add: [], from: [mix, pe], functional: true}
            proj: {type: Conv2d, out_channels: 16, kernel_size: 1}
        """),
        Shape((16, 8, 8)),
    )
    assert [(row.path, str(row.input), str(row.shape)) for row in got.rows] == [
        ("qkv", "16@8×8", "32@8×8"),
        ("pe", "16@8×8", "16@8×8"),
        ("proj", "16@8×8", "16@8×8"),
    ]
    attention = 2 * 64 * 64 * (4 + 8)  # num_heads · N² · (key_dim + head_dim)
    assert got.total_macs == 32 * 64 * 16 + attention + 16 * 64 * 9 + 16 * 64 * 16


ERRORS = [
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          - ReLU
          - {type: ReLU, from: 2}
        """,
        "net.yaml:5:24: from: 2 is no step before this one: it is step 1 of the model, so "
        "from: takes 0 to 0, or -1 to -1 counting back (-2 or 'input' is the sequence's input)",
        id="index-past-this-step",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: ReLU
            b: ReLU
            c: {type: ReLU, from: -4}
        """,
        "net.yaml:7:27: from: -4 is no step before this one: it is step 2 of the model, so "
        "from: takes 0 to 1, or -1 to -2 counting back (-3 or 'input' is the sequence's input)",
        id="index-before-the-input",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {children: {b: {type: ReLU, from: 0}}}
        """,
        "net.yaml:5:42: a: from: 0: this is the first step of a, which takes only -1 or "
        "'input', the sequence's input",
        id="first-step-positive",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 1}
            act: {type: ReLU, from: convv}
        """,
        "net.yaml:6:29: from: no step before this one is named 'convv' (did you mean 'conv'?)",
        id="unknown-name",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 1}
            act: {type: ReLU, from: act}
        """,
        "net.yaml:6:29: from: no step before this one is named 'act'",
        id="its-own-name",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 1}
            act: {type: ReLU, from: input.x}
        """,
        "net.yaml:6:29: from: 'input.x': expected input.N, N a number from 0",
        id="input-dot-not-a-number",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 1}
            act: {type: ReLU, from: [conv, 1.5]}
        """,
        "net.yaml:6:36: from: expected a step's index or name, 'input', or a list of them, got 1.5",
        id="not-a-reference",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            conv: {type: Conv2d, out_channels: 4, kernel_size: 1}
            act: {type: ReLU, from: []}
        """,
        "net.yaml:6:29: from: expected a step, or a list of one or more",
        id="empty-list",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            fc2: {type: Conv2d, out_channels: 4, kernel_size: 1, run: false}
            act: {type: ReLU, from: fc2}
        """,
        "net.yaml:6:29: from: 'fc2' is registered with run: false, so it gives no output "
        "there; take from the use that runs it",
        id="run-false-by-name",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          - {type: Conv2d, out_channels: 4, kernel_size: 1, run: false}
          - {type: ReLU, from: -1}
        """,
        "net.yaml:5:24: from: '-1' is registered with run: false, so it gives no output "
        "there; take from the use that runs it",
        id="run-false-by-index",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model: {children: [ReLU], from: input}
        """,
        "net.yaml:3:8: from: is for a sequence's steps; the model takes the input",
        id="root",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          type: _DenseBlock
          dense:
            - ReLU
            - {type: ReLU, from: 0}
        """,
        "net.yaml:4:3: from: is for a sequence's steps; dense feeds each its input",
        id="dense",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: ReLU
            d: {type: _DenseBlock, dense: [ReLU], from: [input, a]}
        """,
        "net.yaml:6:8: d: _DenseBlock is dense: it takes one input, and from: gives it 2",
        id="dense-given-two",
    ),
    pytest.param(
        ZIPPED.replace("FROM", "[a, b, input]"),
        "net.yaml:8:7: j: Fuse takes 3 inputs (from:) but has 2 branches: a join of several "
        "inputs has no branches, or one for each",
        id="zipped-too-many-inputs",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {type: Conv2d, out_channels: 4, kernel_size: 1}
            b: {type: Conv2d, out_channels: 4, kernel_size: 1, from: [a, input]}
        """,
        "net.yaml:6:8: b: Conv2d takes one input; from: gives it 2 (a join, such as Concat, "
        "takes several)",
        id="a-layer-given-several",
    ),
    pytest.param(
        SEVERAL.replace("from: input.1}", "}"),
        "net.yaml:10:12: fuse.x: Conv2d takes one input; from: gives it 2 (a join, such as "
        "Concat, takes several)",
        id="a-first-step-given-several",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {type: Conv2d, out_channels: 4, kernel_size: 1}
            b: {type: Concat, cat: []}
        """,
        "net.yaml:6:8: b: Concat joins several inputs, a from: list; it is given one",
        id="zero-branches-given-one",
    ),
    pytest.param(
        SEVERAL.replace("input.1", "input.2"),
        "net.yaml:10:12: fuse.x: from: input.2: the input is 2 outputs, with no element 2",
        id="input-n-past-the-inputs",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {type: SiLU, shared: act}
            b: {type: ReLU, shared: act}
        """,
        "net.yaml:6:29: shared: 'act' is a SiLU at a, with other arguments or of another "
        "type: one module object is one layer",
        id="shared-another-type",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {type: PReLU, num_parameters: 3, shared: act}
            b: {children: {c: {type: PReLU, shared: act}}}
        """,
        "net.yaml:6:45: b: shared: 'act' is a PReLU at a, with other arguments or of another "
        "type: one module object is one layer",
        id="shared-other-arguments",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {type: SiLU, shared: act, functional: true}
        """,
        "net.yaml:5:29: shared: expected a name, for a layer that runs here",
        id="shared-functional",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model:
          children:
            a: {use: b, shared: act}
        """,
        "net.yaml:5:17: a use step takes no argument 'shared'",
        id="shared-use",
    ),
    pytest.param(
        """
        input: [3, 32, 32]
        model:
          - {type: Conv2d, out_channels: 8, kernel_size: 2}
          - {type: Conv2d, out_channels: 16, kernel_size: 1, from: -2}
          - {type: Concat, cat: [], from: [-1, 0]}
        """,
        "net.yaml:6:35: 2: Concat concatenates inputs of different H×W (or not C×H×W): "
        "from -1 gives 16@32×32, from 0 gives 8@31×31",
        id="concat-sizes",
    ),
    pytest.param(
        """
        input: [3, 32, 32]
        model:
          children:
            a: {type: Conv2d, out_channels: 8, kernel_size: 2}
            b: {type: Conv2d, out_channels: 8, kernel_size: 1, from: input}
            s: {type: Sum, add: [], from: [a, b, input]}
        """,
        "net.yaml:7:35: s: Sum adds inputs of different shapes: from a gives 8@31×31, "
        "from b gives 8@32×32, from input gives 3@32×32",
        id="add-shapes",
    ),
    pytest.param(
        """
        input: [3, 32, 32]
        model:
          children:
            a: {type: Conv2d, out_channels: 8, kernel_size: 2}
            b: {type: Conv2d, out_channels: 8, kernel_size: 1, from: input}
            s: {type: Sum, add: [[ReLU], [ReLU]], from: [a, b]}
        """,
        "net.yaml:7:8: s: Sum adds branches of different shapes: 0 gives 8@31×31, 1 gives 8@32×32",
        id="zipped-shapes",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model: [{type: Conv2d, out_channels: "${len(range(10001))}", kernel_size: 1}]
        """,
        "net.yaml:3:38: 0: 'range(10001)': range() would make 10,001 values, more than 10,000",
        id="range-too-long",
    ),
    pytest.param(
        """
        input: [3, 8, 8]
        model: [{type: Conv2d, out_channels: 4, kernel_size: 1, groups: "${gcd(2.0, 4)}"}]
        """,
        "net.yaml:3:65: 0: 'gcd(2.0, 4)': gcd() takes whole numbers, got [2.0, 4]",
        id="gcd-of-a-float",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_graph_errors_point_at_the_mistake(text: str, message: str) -> None:
    assert str(failure(text)) == message


# The symbolic path: every row's formula is the numeric walk's size wherever that succeeds.
@pytest.mark.parametrize(
    "text",
    [
        pytest.param(FPN, id="fpn"),
        pytest.param(DETECT, id="detect"),
        pytest.param(SHARED, id="shared"),
        pytest.param(ZIPPED.replace("FROM", "[a, b]"), id="zipped"),
        pytest.param(SEVERAL, id="several"),
    ],
)
def test_formulas_agree_with_numeric_inference(text: str) -> None:
    model = spec(text)
    symbolic = api.infer(model, "HxW")
    assert symbolic.input_formulas is not None
    checked = 0
    for height, width in [(64, 64), (32, 96), (63, 71), (128, 8), (17, 40)]:
        outcome = engine.attempt(model, model.input.with_spatial((height, width)), fields=False)
        if not isinstance(outcome, Result):
            continue
        checked += 1
        sizes = {"H": height, "W": width}
        for row, named in zip(outcome.rows, symbolic.rows, strict=True):
            assert row.shape is not None and named.formulas is not None, row.path
            made = tuple(None if dim is None else value(dim, sizes) for dim in named.formulas)
            assert made == row.shape.dims, f"{row.path} at {sizes}"
    assert checked >= 2


def test_an_fpn_takes_the_sizes_its_concats_allow() -> None:
    """Each Concat needs the upsampled map to match the skip: H ≡ 0 or 7 (mod 8)."""
    model = spec(FPN)
    symbolic = api.infer(model, "HxW")
    height = api.valid_sizes(symbolic)[0]
    assert isinstance(height, Valid) and (height.period, height.residues) == (8, (0, 7))
    for size in range(1, 100):
        taken = isinstance(engine.attempt(model, Shape((3, size, 64)), fields=False), Result)
        assert taken == (size in height), size
    formulas = {row.path: row.formulas for row in symbolic.rows}
    assert formulas["10"] is not None and formulas["10"][0] == 32  # 16 + 16 channels


GRAPHS = [
    pytest.param(FPN, id="fpn"),
    pytest.param(SHARED, id="shared"),
    pytest.param(DETECT, id="detect"),
    pytest.param(SEVERAL, id="several"),
]


@pytest.mark.parametrize("text", GRAPHS)
def test_a_graph_pickles_unchanged(text: str) -> None:
    model = spec(text)
    copy = pickle.loads(pickle.dumps(model))
    assert copy == model
    assert engine.infer(copy, copy.input) == engine.infer(model, model.input)


def test_a_shared_layer_is_one_object_after_pickling() -> None:
    assert_shared(pickle.loads(pickle.dumps(spec(SHARED))))


@pytest.mark.parametrize("text", GRAPHS)
def test_a_graph_comes_back_from_the_model_cache_unchanged(
    text: str, tmp_path: Path, cache: Path, builds: list[str]
) -> None:
    path = tmp_path / "graph.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    settled(path)
    built = catalog.load(str(path))
    cached = catalog.load(str(path))
    assert len(builds) == 1 and any(cache.iterdir())  # the second load read no spec
    assert cached == built and cached is not built
    assert api.infer(cached) == api.infer(built)
    if text is SHARED:
        assert_shared(cached)


# Found while writing these tests: each xfail is a bug left, with the smallest spec that shows it.


def test_an_empty_name_is_no_step() -> None:
    with pytest.raises(SpecError, match="no step before this one is named ''"):
        spec("""
            input: [3, 8, 8]
            model:
              - {type: Conv2d, out_channels: 4, kernel_size: 1}
              - {type: MaxPool2d, kernel_size: 2, functional: true}
              - {type: Identity, from: ""}
        """)


@pytest.mark.parametrize(
    ("text", "contradiction"),
    [
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              children:
                a: ReLU
                b: {children: {x: {type: ReLU, from: input.0}}}
            """,
            "not 1 or more",  # "the input is 1 output, not 1 or more"
            id="input-0-of-one-input",
        ),
        pytest.param(ZIPPED.replace("FROM", "[a]"), "takes 1 inputs", id="one-inputs"),
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              children:
                a: ReLU
                b: {type: ReLU, from: [a]}
            """,
            "takes one input; from: gives it 1 ",
            id="a-list-of-one-to-a-layer",
        ),
    ],
)
def test_messages_about_one_input_say_what_is_wrong(text: str, contradiction: str) -> None:
    assert contradiction not in str(failure(text))


def test_a_join_of_the_whole_input_names_each_element() -> None:
    message = str(
        failure("""
        input: [3, 8, 8]
        model:
          children:
            a: {type: MaxPool2d, kernel_size: 2}
            d: {children: {x: {type: Concat, cat: [], from: input}}, from: [input, a]}
        """)
    )
    assert message.endswith("from input.0 gives 3@8×8, from input.1 gives 3@4×4")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            """
            input: [3, 8, 8]
            model:
              children:
                a: {children: {x: ReLU}, shared: s}
                b: {children: {x: ReLU}, shared: s}
            """,
            id="container",
        ),
        pytest.param(
            """
            input: [3, 8, 8]
            blocks:
              B: {params: [c], children: {x: {type: Conv2d, out_channels: $c, kernel_size: 1}}}
            model:
              children:
                a: {type: B, c: 3, shared: s}
                b: {type: B, c: 3, shared: s}
            """,
            id="block",
        ),
    ],
)
def test_shared_on_a_container_is_refused_or_shares_it(text: str) -> None:
    try:
        model = spec(text)
    except SpecError:
        return
    assert list(rows(model)) == ["a", "a.x"]  # one module object: named_modules() lists it once


@pytest.mark.parametrize(
    "again",
    ["{use: a}", "{type: Conv2d, out_channels: 4, kernel_size: 1, shared: c}"],
    ids=["use", "shared"],
)
def test_a_layer_run_again_takes_the_channels_of_its_first_run(again: str) -> None:
    """PyTorch's Conv2d(3, 4) refuses 4 channels wherever it runs; its parameters are of 3."""
    model = spec(f"""
        input: [3, 8, 8]
        model:
          children:
            a: {{type: Conv2d, out_channels: 4, kernel_size: 1, shared: c}}
            b: {again}
    """)
    with pytest.raises(ShapeError) as caught:
        engine.infer(model, model.input)
    assert str(caught.value) == (
        "net.yaml:6:8: b: Conv2d a runs again here on 4@8×8, but it is one module, whose "
        "parameters were made for its first input, 3@8×8"
    )


def test_a_shared_layer_in_a_waiting_module_has_one_row() -> None:
    """The later place runs the shared layer first, where its row shows it; the use of its
    module runs it again, and counts its parameters in that module too, but once in all."""
    model = spec("""
        input: [3, 8, 8]
        model:
          children:
            blk:
              run: false
              children:
                act: {type: PReLU, num_parameters: 3, shared: a}
            x: {type: PReLU, num_parameters: 3, shared: a}
            y: {use: blk}
    """)
    result = engine.infer(model, model.input)
    assert [row.path for row in result.rows] == ["blk", "blk.act"]
    assert [row.params for row in result.rows] == [3, 3]  # blk holds act: its parameters
    assert result.total_params == 3


def test_a_step_that_does_not_run_leaves_the_flow_alone() -> None:
    """`a` runs only at the use after it, on the pool's output, as without its from:."""
    text = """
        input: [3, 8, 8]
        model:
          children:
            p: {type: MaxPool2d, kernel_size: 2}
            a: {type: Conv2d, out_channels: 4, kernel_size: 1, run: false, from: input}
            b: {use: a}
    """
    try:
        model = spec(text)
    except SpecError:
        return  # or refuse the from:
    assert str(rows(model)["a"].input) == "3@4×4"  # now 3@8×8: the use runs on the input


def test_from_in_a_block_body_is_refused_or_taken() -> None:
    text = """
        input: [3, 8, 8]
        blocks:
          B: {from: input, type: Conv2d, out_channels: 4, kernel_size: 1}
        model:
          children:
            p: {type: MaxPool2d, kernel_size: 2}
            b: B
    """
    try:
        model = spec(text)
    except SpecError:
        return
    assert str(rows(model)["b"].input) == "3@8×8"  # now 3@4×4: the from: had no effect


def test_a_shared_block_must_run_where_it_is_shared() -> None:
    """A one-layer block shared with run: false would be a layer that no place runs first."""
    message = str(
        failure("""
        input: [3, 8, 8]
        blocks:
          Act: {type: SiLU}
        model:
          children:
            a: {type: Act, shared: s, run: false}
            b: ReLU
        """)
    )
    assert message == "net.yaml:7:28: shared: expected a name, for a layer that runs here"
