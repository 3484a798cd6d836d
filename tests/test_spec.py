"""The spec language: top-level keys, containers, blocks, parameters, repeat and when."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import spec

from shapecalc.engine import infer
from shapecalc.errors import SpecError
from shapecalc.layers.conv import Conv2d
from shapecalc.limits import MAX_INCLUDES
from shapecalc.modules import Combine, Container, Leaf, Model, Module, Reuse
from shapecalc.shape import Shape
from shapecalc.spec import build_model, load_spec
from shapecalc.spec.loader import parse


def rows(model: Model) -> list[str]:
    """List the registered modules as `path type depth`, in named_modules() order."""
    out: list[str] = []

    def visit(module: Module) -> None:
        if not isinstance(module, Reuse) and not module.functional and module is not model.root:
            out.append(f"{module.path} {module.type} {module.depth}")
        if isinstance(module, Container):
            for branch in module.branches:
                for child in branch:
                    visit(child)

    visit(model.root)
    return out


def test_top_level() -> None:
    model = spec("""
        description: two layers
        input: [3, 8, 8]
        model: {children: {conv: {type: Conv2d, out_channels: 4, kernel_size: 3}, act: ReLU}}
    """)
    assert (model.name, model.description, model.input, model.type) == (
        "net",
        "two layers",
        Shape((3, 8, 8)),
        "Sequential",
    )
    assert rows(model) == ["conv Conv2d 1", "act ReLU 1"]


def test_a_list_is_a_sequential_numbered_from_zero() -> None:
    model = spec("""
        name: stack
        input: [3, 8, 8]
        model:
          - {type: Conv2d, out_channels: 4, kernel_size: 3}
          - [ReLU, {type: MaxPool2d, kernel_size: 2}]
          - {type: Flatten, functional: true}
          - Identity
    """)
    assert model.name == "stack"
    assert rows(model) == [
        "0 Conv2d 1",
        "1 Sequential 1",
        "1.0 ReLU 2",
        "1.1 MaxPool2d 2",
        "2 Identity 1",
    ]


BLOCKS = """
    input: [3, 32, 32]
    blocks:
      conv3x3:                  # a factory: its module is a Conv2d
        params: [out, stride: 1]
        type: Conv2d
        out_channels: $out
        kernel_size: 3
        stride: $stride
        padding: 1
      Block:
        params: [width, stride: 1, project: false]
        add:
          - conv: {type: conv3x3, out: $width, stride: $stride}
            act: ReLU
          - proj: {type: Conv2d, out_channels: $width, kernel_size: 1, stride: $stride,
                   when: $project}
      Stage:
        params: [block, width, count]
        type: Sequential
        children:
          - {type: $block, width: $width, stride: 2, project: true}
          - {type: $block, width: $width, repeat: "${count - 1}", when: "${count > 1}"}
"""


def test_blocks_parameters_repeat_and_when() -> None:
    model = spec(
        BLOCKS
        + """
    model:
      children:
        stage1: {type: Stage, block: Block, width: 8, count: 3}
        stage2: {type: Stage, block: Block, width: 16, count: 1}
    """
    )
    assert rows(model) == [
        "stage1 Sequential 1",
        "stage1.0 Block 2",
        "stage1.0.conv Conv2d 3",
        "stage1.0.act ReLU 3",
        "stage1.0.proj Conv2d 3",
        "stage1.1 Block 2",
        "stage1.1.conv Conv2d 3",
        "stage1.1.act ReLU 3",
        "stage1.2 Block 2",
        "stage1.2.conv Conv2d 3",
        "stage1.2.act ReLU 3",
        "stage2 Sequential 1",
        "stage2.0 Block 2",
        "stage2.0.conv Conv2d 3",
        "stage2.0.act ReLU 3",
        "stage2.0.proj Conv2d 3",
    ]
    block = model.root
    assert isinstance(block, Container)
    first = block.branches[0][0]
    assert isinstance(first, Container)
    residual = first.branches[0][0]
    assert isinstance(residual, Container)
    assert residual.combine is Combine.ADD
    assert [len(branch) for branch in residual.branches] == [2, 1]
    second = first.branches[0][1]
    assert isinstance(second, Container)
    assert [len(branch) for branch in second.branches] == [2, 0]  # identity shortcut


def test_functional_container_registers_its_children_in_the_parent() -> None:
    model = spec("""
        input: [3, 8, 8]
        blocks:
          Fire:
            params: [squeeze, expand]
            children:
              squeeze: {type: Conv2d, out_channels: $squeeze, kernel_size: 1}
              cat:
                functional: true
                cat:
                  - {expand1x1: {type: Conv2d, out_channels: $expand, kernel_size: 1}}
                  - {expand3x3: {type: Conv2d, out_channels: $expand, kernel_size: 3,
                                 padding: 1}}
        model: [{type: Fire, squeeze: 2, expand: 4}]
    """)
    assert rows(model) == [
        "0 Fire 1",
        "0.squeeze Conv2d 2",
        "0.expand1x1 Conv2d 2",
        "0.expand3x3 Conv2d 2",
    ]


def test_null_leaves_a_module_out() -> None:
    model = spec("""
        input: [3, 8, 8]
        blocks:
          B:
            params: [extra: null]
            children: {a: ReLU, b: $extra}
        model: {children: {x: B, y: {type: B, extra: Sigmoid}}}
    """)
    assert rows(model) == ["x B 1", "x.a ReLU 2", "y B 1", "y.a ReLU 2", "y.b Sigmoid 2"]


def test_leaf_keeps_where_each_argument_was_written() -> None:
    model = spec("""
        input: [3, 8, 8]
        model: {children: {c: {type: Conv2d, out_channels: 4, kernel_size: 3}}}
    """)
    root = model.root
    assert isinstance(root, Container)
    leaf = root.branches[0][0]
    assert isinstance(leaf, Leaf)
    assert (leaf.arg_marks["kernel_size"].line, leaf.arg_marks["kernel_size"].column) == (3, 68)


def test_repeated_names_and_the_index() -> None:
    model = spec("""
        input: [4, 8, 8]
        model:
          type: Block
          dense:
            denselayer${i + 1}:
              repeat: 3
              children: {conv: {type: Conv2d, out_channels: "${2 * (i + 1)}", kernel_size: 1}}
    """)
    assert rows(model) == [
        "denselayer1 Sequential 1",
        "denselayer1.conv Conv2d 2",
        "denselayer2 Sequential 1",
        "denselayer2.conv Conv2d 2",
        "denselayer3 Sequential 1",
        "denselayer3.conv Conv2d 2",
    ]
    root = model.root
    assert isinstance(root, Container)
    assert root.combine is Combine.DENSE


def test_a_null_branch_is_left_out() -> None:
    text = """
        input: [4, 8, 8]
        blocks:
          Block:
            params: [residual]
            add:
              - {conv: {type: Conv2d, out_channels: 4, kernel_size: 3, padding: 1}}
              - "${'identity' if residual else None}"
        model: [{type: Block, residual: true}, {type: Block, residual: false}]
    """
    model = spec(text)
    root = model.root
    assert isinstance(root, Container)
    with_shortcut, without = root.branches[0]
    assert isinstance(with_shortcut, Container) and isinstance(without, Container)
    assert (with_shortcut.combine, len(with_shortcut.branches)) == (Combine.ADD, 2)
    assert (without.combine, len(without.branches)) == (Combine.SEQUENCE, 1)
    assert rows(model) == ["0 Block 1", "0.conv Conv2d 2", "1 Block 1", "1.conv Conv2d 2"]


ERRORS = [
    pytest.param(
        "[1, 2]\n",
        "net.yaml:1:1: a spec is a mapping with input and model (and blocks)",
        id="not-a-mapping",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodle: ReLU\n",
        "net.yaml:2:1: unknown key 'modle' (did "
        "you mean 'model'?); a spec has name, description, include, params, input, blocks, model",
        id="unknown-top-key",
    ),
    pytest.param("model: ReLU\n", "net.yaml:1:1: the spec needs 'input'", id="no-input"),
    pytest.param("input: [3, 8, 8]\n", "net.yaml:1:1: the spec needs 'model'", id="no-model"),
    pytest.param(
        "input: [3, 0, 8]\nmodel: ReLU\n",
        "net.yaml:1:8: input: expected a list of sizes ≥ 1, such as [3, 224, 224]",
        id="bad-input",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [Conv2D]\n",
        "net.yaml:2:9: unknown type 'Conv2D': no layer or block has that name "
        "(did you mean 'Conv2d'?)",
        id="unknown-type",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: Conv2d, out_channels: 4, kernal_size: 3}]\n",
        "net.yaml:2:41: 0: Conv2d has no argument 'kernal_size' (did you mean 'kernel_size'?)",
        id="misspelt-argument",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: Conv2d, out_channels: 4}]\n",
        "net.yaml:2:9: 0: Conv2d needs kernel_size",
        id="missing-argument",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: Conv2d, out_channels: -4, kernel_size: 3}]\n",
        "net.yaml:2:38: 0: out_channels: expected an integer ≥ 1, got -4",
        id="negative-argument",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {children: {a: ReLU}, add: []}\n",
        "net.yaml:2:8: a module has only one of children, add, mul, cat and dense",
        id="two-structures",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {children: {a: ReLU}, stride: 2}\n",
        "net.yaml:2:30: a container takes no argument 'stride'",
        id="container-arg",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {type: Net, add: [[ReLU], []]}\nfoo: 1\n",
        "net.yaml:3:1: unknown key 'foo'; a spec has name, description, include, params, "
        "input, blocks, model",
        id="unknown-top-key-without-hint",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {add: [[ReLU], []]}\n",
        "net.yaml:2:8: a module made by add needs a type (its class name)",
        id="add-without-type",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {type: Net, add: [[ReLU]]}\n",
        "net.yaml:2:25: add takes a list of two or more branches, or [] to join its inputs",
        id="add-one-branch",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {type: Net, add: [{a: ReLU}, {a: ReLU}]}\n",
        "net.yaml:2:38: a module named 'a' is already in the model (line 2)",
        id="duplicate-name-across-branches",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {children: {a.b: ReLU}}\n",
        "net.yaml:2:20: 'a.b' cannot name a module (PyTorch forbids '.' and '')",
        id="dotted-name",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: ReLU, repeat: 0}]\n",
        "net.yaml:2:30: repeat: expected an integer from 1 to 100,000, got 0; use `when` "
        "to leave a module out",
        id="repeat-zero",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: ReLU, repeat: -2}]\n",
        "net.yaml:2:30: repeat: expected an integer from 1 to 100,000, got -2; use "
        "`when` to leave a module out",
        id="repeat-negative",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: ReLU, repeat: 1000000000}]\n",
        "net.yaml:2:30: repeat: expected an integer from 1 to 100,000, got 1000000000; "
        "use `when` to leave a module out",
        id="repeat-absurd",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {children: {a: {type: ReLU, repeat: 2}}}\n",
        "net.yaml:2:44: a repeated child needs a number, in a list, or a name such as "
        "'a${i + 1}' that ${i} makes different",
        id="repeat-named",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: ReLU, when: 1}]\n",
        "net.yaml:2:28: when: expected true or false, got 1",
        id="when-not-bool",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {conv: Conv2d, act: ReLU}\n",
        "net.yaml:2:8: a module needs a type, or children, add or cat; to name children "
        "(conv, act), put them under children:",
        id="children-key-forgotten",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [3]\n",
        "net.yaml:2:9: expected a module, got 3",
        id="number-as-module",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [x], children: [$y]}}\nmodel: [B]\n",
        "net.yaml:3:9: block B needs parameter 'x'",
        id="missing-param",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [x], children: [$y]}}\nmodel: [{type: B, x: 1}]\n",
        "net.yaml:2:38: 0: unknown name 'y'; the parameters here are: x",
        id="unknown-name-in-block",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [x], children: [ReLU]}}\n"
        "model: [{type: B, y: 1}]\n",
        "net.yaml:3:19: block B has no parameter 'y'",
        id="unknown-param",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {children: [B]}}\nmodel: [B]\n",
        "net.yaml:2:25: 0: block B uses itself (B → B)",
        id="self-recursive",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {A: {children: [B]}, B: {children: [A]}}\nmodel: [A]\n",
        "net.yaml:2:45: 0.0: block A uses itself (A → B → A)",
        id="mutually-recursive",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {ReLU: {children: []}}\nmodel: [ReLU]\n",
        "net.yaml:2:10: block 'ReLU' would hide the PyTorch layer of that name",
        id="block-hides-layer",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {repeat: 2, children: []}}\nmodel: [B]\n",
        "net.yaml:2:14: block B: 'repeat' belongs where it is used",
        id="repeat-in-def",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [x]}}\nmodel: [B]\n",
        "net.yaml:2:13: block B needs a type, or children, add or cat",
        id="empty-block",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [x, x], type: ReLU}}\nmodel: [B]\n",
        "net.yaml:2:26: block B: parameter 'x' is listed twice",
        id="duplicate-param",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [type], type: ReLU}}\nmodel: [B]\n",
        "net.yaml:2:23: block B: 'type' is a reserved key, not a parameter",
        id="reserved-param",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: 3, type: ReLU}}\nmodel: [B]\n",
        "net.yaml:2:22: block B: params is a list such as [planes, stride: 1]",
        id="params-not-a-list",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {type: Net, add: [~, ~]}\n",
        "net.yaml:2:25: add: every branch is null",
        id="add-all-null",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {children: {'l${j}': {type: ReLU, repeat: 2}}}\n",
        "net.yaml:2:20: unknown name 'j'; the parameters here are: i",
        id="template-unknown-name",
    ),
    pytest.param(
        "input: [3, 8, 8]\nblocks: {B: {params: [i], type: ReLU}}\nmodel: [B]\n",
        "net.yaml:2:23: block B: 'i' is a reserved key, not a parameter",
        id="index-is-reserved",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: {type: ReLU, functional: true}\n",
        "net.yaml:2:8: the model itself cannot be functional",
        id="functional-root",
    ),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_spec_errors_point_at_the_mistake(text: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        build_model(parse(text, "net.yaml"), source="net.yaml", default_name="net")
    assert str(caught.value) == message


def test_include_shares_blocks(write_spec: Callable[..., Path]) -> None:
    write_spec("blocks:\n  Act: {type: ReLU}\n  Net: {children: {a: Act}}\n", "_lib.yaml")
    main = write_spec(
        "include: _lib.yaml\n"
        "blocks:\n  Act: {type: Sigmoid}   # replaces the library's\n"
        "input: [3, 8, 8]\nmodel: Net\n",
        "net.yaml",
    )
    model = load_spec(main, "net.yaml")
    assert rows(model) == ["a Sigmoid 1"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"net.yaml": "include: gone.yaml\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: no spec file gone.yaml beside net.yaml",
            id="missing",
        ),
        pytest.param(
            {
                "net.yaml": "include: [a.yaml]\ninput: [1]\nmodel: ReLU\n",
                "a.yaml": "include: net.yaml\n",
            },
            "a.yaml:1:10: net.yaml includes itself, through this include",
            id="cycle",
        ),
        pytest.param(
            {
                "net.yaml": "include: [a.yaml, b.yaml]\ninput: [1]\nmodel: ReLU\n",
                "a.yaml": "blocks: {B: {type: ReLU}}\n",
                "b.yaml": "blocks: {B: {type: Tanh}}\n",
            },
            "net.yaml:1:19: block B comes from both a.yaml and b.yaml",
            id="twice",
        ),
        pytest.param(
            {"net.yaml": "include: ../up.yaml\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: '../up.yaml' is outside the spec's folder; includes reach "
            "that folder and those below it",
            id="outside",
        ),
        pytest.param(
            {"net.yaml": "include: sub/../../up.yaml\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: 'sub/../../up.yaml' is outside the spec's folder; includes "
            "reach that folder and those below it",
            id="outside-by-dots",
        ),
        pytest.param(
            {"net.yaml": "include: /etc/passwd.yaml\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: '/etc/passwd.yaml' is not a relative path to a .yaml file",
            id="absolute",
        ),
        pytest.param(
            {"net.yaml": "include: notes.txt\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: 'notes.txt' is not a relative path to a .yaml file",
            id="not-yaml",
        ),
        pytest.param(
            {"net.yaml": 'include: "a\\e[2J.yaml"\ninput: [1]\nmodel: ReLU\n'},
            "net.yaml:1:10: include: 'a\\x1b[2J.yaml' holds '\\x1b', which is not printable: "
            "names and text may not hold control, format or line-separator characters",
            id="control-character",
        ),
        pytest.param(
            {
                "net.yaml": "include: [a.yaml, b.yaml]\ninput: [1]\nmodel: ReLU\n",
                "a.yaml": "blocks: {B: {type: ReLU}}\n" + "#" * 1_200_000 + "\n",
                "b.yaml": "blocks: {C: {type: ReLU}}\n" + "#" * 1_200_000 + "\n",
            },
            "net.yaml:1:19: include: b.yaml: goes beyond the 2,000,000 bytes a spec and its "
            "includes may hold",
            id="shared-budget",
        ),
        pytest.param(
            {"net.yaml": "include: 3\ninput: [1]\nmodel: ReLU\n"},
            "net.yaml:1:10: include: expected a spec file's path, or a list of them",
            id="not-a-path",
        ),
        pytest.param(
            {"net.yaml": "include: a.yaml\ninput: [1]\nmodel: ReLU\n", "a.yaml": "blokcs: {}\n"},
            "a.yaml:1:1: unknown key 'blokcs' (did you mean 'blocks'?); a spec has name, "
            "description, include, params, input, blocks, model",
            id="bad-library",
        ),
    ],
)
def test_include_errors(
    files: dict[str, str], message: str, write_spec: Callable[..., Path]
) -> None:
    paths = {name: write_spec(text, name) for name, text in files.items()}
    with pytest.raises(SpecError) as caught:
        load_spec(paths["net.yaml"], "net.yaml")
    assert str(caught.value) == message


def test_a_library_reached_by_two_paths_is_read_once(write_spec: Callable[..., Path]) -> None:
    """A diamond (two paths to one library) and the same include twice are fine."""
    lib = write_spec("blocks:\n  Act: {type: ReLU}\n", "_lib.yaml")
    a = write_spec("include: _lib.yaml\nblocks:\n  A: {type: Act}\n", "_a.yaml")
    b = write_spec("include: [_lib.yaml, _lib.yaml]\nblocks:\n  B: {type: Act}\n", "_b.yaml")
    main = write_spec(
        "include: [_a.yaml, _b.yaml]\ninput: [3, 8, 8]\nmodel: {children: {a: A, b: B}}\n"
    )
    model = load_spec(main, "net.yaml")
    assert rows(model) == ["a ReLU 1", "b ReLU 1"]
    assert set(model.files) == {str(path.resolve()) for path in (main, lib, a, b)}


def test_include_fan_out_reads_each_file_once(write_spec: Callable[..., Path]) -> None:
    """Each file including the next ten times: 30 files, not 10^30 reads."""
    for n in range(30):
        write_spec(f"include: [{', '.join([f'_f{n + 1}.yaml'] * 10)}]\n", f"_f{n}.yaml")
    write_spec("blocks:\n  Act: {type: ReLU}\n", "_f30.yaml")
    main = write_spec("include: _f0.yaml\ninput: [3, 8, 8]\nmodel: Act\n")
    started = time.perf_counter()
    model = load_spec(main, "net.yaml")
    assert time.perf_counter() - started < 1
    assert len(model.files) == 32


def test_includes_are_bounded(write_spec: Callable[..., Path]) -> None:
    for n in range(MAX_INCLUDES + 1):
        write_spec(f"include: _f{n + 1}.yaml\n", f"_f{n}.yaml")
    write_spec("blocks: {}\n", f"_f{MAX_INCLUDES + 1}.yaml")
    main = write_spec("include: _f0.yaml\ninput: [3, 8, 8]\nmodel: ReLU\n")
    with pytest.raises(SpecError, match=f"a spec may include at most {MAX_INCLUDES} files$"):
        load_spec(main, "net.yaml")


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        pytest.param(os.mkfifo, "a FIFO", id="fifo"),
        pytest.param(os.mkdir, "a directory", id="directory"),
    ],
)
def test_an_include_that_is_not_a_file_says_what_it_is(
    make: Callable[[Path], None], kind: str, write_spec: Callable[..., Path]
) -> None:
    main = write_spec("include: lib.yaml\ninput: [3, 8, 8]\nmodel: ReLU\n")
    make(main.parent / "lib.yaml")
    with pytest.raises(SpecError) as caught:
        load_spec(main, "net.yaml")
    assert str(caught.value).startswith(f"net.yaml:1:10: include: lib.yaml: is {kind}")


def test_include_needs_a_file() -> None:
    with pytest.raises(SpecError, match="include works only in a spec read from a file"):
        spec("include: a.yaml\ninput: [1]\nmodel: ReLU\n")


def test_a_layer_with_an_expression_is_built_at_each_use() -> None:
    """Layers whose arguments are all literal are built once per node; no other is."""
    model = spec("""
        input: [3, 8, 8]
        blocks:
          Widen:
            params: [width]
            children:
              conv: {type: Conv2d, out_channels: $width, kernel_size: [1, $width]}
              norm: {type: BatchNorm2d, eps: 0.001}
        model:
          - {type: Widen, width: 2}
          - {type: Widen, width: 3}
    """)
    rows = infer(model, model.input).rows
    convs = [row.layer for row in rows if isinstance(row.layer, Conv2d)]
    assert [(conv.out_channels, conv.kernel_size) for conv in convs] == [(2, (1, 2)), (3, (1, 3))]
    norms = [row.layer for row in rows if row.type == "BatchNorm2d"]
    assert len(norms) == 2
    assert norms[0] is norms[1]
