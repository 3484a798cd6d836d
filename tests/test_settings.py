"""A spec's top-level parameters, and the values `--set` and `api.load(set=...)` give them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shapecalc import api
from shapecalc.engine import infer
from shapecalc.errors import SpecError, UsageError
from shapecalc.limits import MAX_SPEC_BYTES, MAX_YAML_DEPTH
from shapecalc.spec import load_spec

NET = """\
params: [classes: 10, channels: 3, widths: [4, 8], bias: true, rate: 0.5, label: Net, extra: null]
input: [$channels, 8, 8]
model:
  type: $label
  children:
    conv${i}:
      type: Conv2d
      out_channels: "${widths[i]}"
      kernel_size: 3
      bias: $bias
      repeat: "${len(widths)}"
    pool: {type: AdaptiveAvgPool2d, output_size: 1}
    flatten: {type: Flatten}
    drop: {type: Dropout, p: $rate}
    fc: {type: Linear, out_features: $classes}
"""


@pytest.fixture
def net(write_spec: Callable[..., Path]) -> Path:
    return write_spec(NET)


def load(path: Path, values: dict[str, Any] | None = None) -> api.Model:
    return load_spec(path, "net.yaml", values)


def test_defaults_reach_input_and_model(net: Path) -> None:
    model = load(net)
    result = infer(model, model.input)
    assert model.input.dims == (3, 8, 8)
    assert model.type == "Net"
    assert [row.path for row in result.rows] == ["conv0", "conv1", "pool", "flatten", "drop", "fc"]
    assert result.output.dims == (10,)
    assert [(item.name, item.value, item.given) for item in model.arguments][:2] == [
        ("classes", 10, False),
        ("channels", 3, False),
    ]


@pytest.mark.parametrize(
    ("values", "check"),
    [
        ({"classes": "7"}, lambda m, r: r.output.dims == (7,)),
        ({"channels": "1"}, lambda m, r: m.input.dims == (1, 8, 8)),
        (
            {"widths": "[2, 2, 2]"},
            lambda m, r: [x.path for x in r.rows][:3] == ["conv0", "conv1", "conv2"],
        ),
        ({"bias": "false"}, lambda m, r: r.rows[0].params == 4 * 3 * 9),
        ({"rate": "1"}, lambda m, r: m.root.branches[0][4].layer.p == 1),
        ({"label": "Other"}, lambda m, r: m.type == "Other"),
        ({"extra": "[1, [2]]"}, lambda m, r: m.arguments[-1].value == (1, (2,))),
        ({"classes": "${2 ** 3}"}, lambda m, r: r.output.dims == (8,)),
        ({"classes": 5, "widths": (1,)}, lambda m, r: r.output.dims == (5,) and len(r.rows) == 5),
        ({"bias": False, "rate": 0.25}, lambda m, r: r.rows[0].params == 108),
    ],
    ids=[
        "int",
        "input",
        "list",
        "bool",
        "int-for-float",
        "text",
        "null-takes-any",
        "expression",
        "python-values",
        "python-bool-float",
    ],
)
def test_a_value_set_replaces_the_default(
    net: Path, values: dict[str, Any], check: Callable[..., bool]
) -> None:
    model = load(net, values)
    assert check(model, infer(model, model.input))
    assert {item.name for item in model.arguments if item.given} == set(values)


@pytest.mark.parametrize(
    ("values", "error"),
    [
        (
            {"clases": "7"},
            "--set: net has no parameter 'clases' (did you mean 'classes'?); it has "
            "classes, channels, widths, bias, rate, label, extra",
        ),
        (
            {"classes": "seven"},
            "--set classes: expected a whole number, as the default 10 is, got 'seven'",
        ),
        (
            {"classes": "7.0"},
            "--set classes: expected a whole number, as the default 10 is, got 7.0",
        ),
        (
            {"classes": "true"},
            "--set classes: expected a whole number, as the default 10 is, got true",
        ),
        ({"rate": "high"}, "--set rate: expected a number, as the default 0.5 is, got 'high'"),
        ({"widths": "4"}, "--set widths: expected a list, as the default [4, 8] is, got 4"),
        ({"bias": "1"}, "--set bias: expected true or false, as the default true is, got 1"),
        ({"classes": "{a: 1}"}, "--set classes: expected a value, got a mapping"),
        (
            {"classes": "[1, 2"},
            "--set classes: invalid YAML: did not find expected ',' or ']' "
            "(while parsing a flow sequence at line 1)",
        ),
        (
            {"classes": "!!python/object:os.system x"},
            "--set classes: YAML tag !!python/object:os.system is not supported",
        ),
        ({"classes": "*a"}, "--set classes: YAML aliases (*name) are not supported; use a block"),
        (
            {"classes": "$nothing"},
            "--set classes: unknown name 'nothing'; the parameters here are: none",
        ),
        ({"classes": "${10 ** 1000}"}, None),
        (
            {"classes": "[" * (MAX_YAML_DEPTH + 1)},
            f"--set classes: nesting is deeper than {MAX_YAML_DEPTH} levels",
        ),
        (
            {"label": "x" * MAX_SPEC_BYTES},
            "--set label: the value is longer than what a spec may still hold",
        ),
        (
            {"classes": float("inf")},
            "--set classes: expected a number, bool, None, text or a list of them, got float",
        ),
        (
            {"classes": {1, 2}},
            "--set classes: expected a number, bool, None, text or a list of them, got set",
        ),
        ({"classes": 0}, None),
        ({"label": "x\udcff"}, "--set label: 'x\\udcff' is not UTF-8 text"),
    ],
    ids=[
        "unknown-name",
        "text-for-int",
        "float-for-int",
        "bool-for-int",
        "text-for-float",
        "number-for-list",
        "int-for-bool",
        "mapping",
        "bad-yaml",
        "tag",
        "alias",
        "unknown-name-in-expression",
        "expression-limit",
        "deep",
        "long",
        "python-inf",
        "python-set",
        "bad-for-the-layer",
        "not-utf-8",
    ],
)
def test_a_bad_value_names_the_option(net: Path, values: dict[str, Any], error: str | None) -> None:
    with pytest.raises((UsageError, SpecError)) as caught:
        load(net, values)
    if error is not None:
        assert str(caught.value) == error
    else:
        assert "--set classes" in str(caught.value)


def test_an_error_the_spec_gives_says_what_was_set(net: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load(net, {"classes": "0", "rate": "0.1"})
    assert str(caught.value) == (
        "net.yaml:15:38: fc: out_features: expected an integer ≥ 1, got 0 "
        "(with --set classes=0, --set rate=0.1)"
    )


def test_a_spec_without_params_says_so(write_spec: Callable[..., Path]) -> None:
    path = write_spec("input: [3, 8, 8]\nmodel: ReLU\n")
    with pytest.raises(UsageError) as caught:
        load_spec(path, "net.yaml", {"num_classes": "10"})
    assert str(caught.value) == "--set: net declares no parameters, so 'num_classes' cannot be set"


def test_params_belong_to_the_model_not_an_include(write_spec: Callable[..., Path]) -> None:
    write_spec("params: [x: 1]\nblocks: {A: {type: ReLU}}\n", "_lib.yaml")
    path = write_spec("include: _lib.yaml\ninput: [3, 8, 8]\nmodel: A\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path, "net.yaml")
    assert (
        str(caught.value) == "_lib.yaml:1:1: params belong to the model's spec, not to an include"
    )


def test_the_values_set_share_the_specs_budget(write_spec: Callable[..., Path]) -> None:
    """A spec near the limit leaves a value set only what remains."""
    path = write_spec(
        "params: [label: x]\ninput: [3, 8, 8]\nmodel: {type: ReLU}\n#"
        + "x" * (MAX_SPEC_BYTES - 100)
    )
    with pytest.raises(UsageError) as caught:
        load_spec(path, "net.yaml", {"label": "y" * 200})
    assert "longer than what a spec may still hold" in str(caught.value)


def test_api_load_takes_set() -> None:
    model = api.load("resnet18", set={"num_classes": 10, "in_channels": 1})
    result = api.infer(model, "28x28")
    assert (result.input.dims, result.output.dims) == ((1, 28, 28), (10,))


@pytest.mark.parametrize(
    ("model", "size", "error"),
    [
        (
            "resnet18",
            "1x28x28",
            "--input: the model is built for 3 input channels (its in_channels "
            "parameter): add --set in_channels=1 to build it for 1",
        ),
        (
            "r3d_18",
            "4x16x112x112",
            "--input: the model is built for 3 input channels (its "
            "in_channels parameter): add --set in_channels=4 to build it for 4",
        ),
    ],
    ids=["resnet18", "video"],
)
def test_other_channels_say_how_to_set_them(model: str, size: str, error: str) -> None:
    with pytest.raises(UsageError) as caught:
        api.infer(model, size)
    assert str(caught.value) == error


def run(*args: str) -> Any:
    from click.testing import CliRunner

    from shapecalc.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_json_header_records_what_was_set() -> None:
    import json

    result = run(
        "resnet18",
        "--set",
        "num_classes=10",
        "--set",
        "in_channels=1",
        "-i",
        "28",
        "-f",
        "json",
        "-q",
    )
    head = json.loads(result.stdout)
    assert (result.exit_code, head["input"], head["output"]) == (0, [1, 28, 28], [10])
    assert head["set"] == {"num_classes": 10, "in_channels": 1}
    assert "set" not in json.loads(run("resnet18", "-f", "json", "-q").stdout)


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["resnet18", "--set", "num_classes"],
            "--set: 'num_classes' is not NAME=VALUE, such as num_classes=10",
        ),
        (["resnet18", "--set", "=10"], "--set: '=10' is not NAME=VALUE, such as num_classes=10"),
        (["resnet18", "--set", "a=1", "--set", "a=2"], "--set: 'a' is set twice"),
        (
            ["resnet18", "--set", "num_clases=10"],
            "--set: resnet18 has no parameter 'num_clases' "
            "(did you mean 'num_classes'?); it has num_classes, in_channels",
        ),
        (
            ["resnet18", "--set", "bad\x1b[31m=1"],
            "--set: resnet18 has no parameter 'bad\\x1b[31m'; it has num_classes, in_channels",
        ),
        (["--list", "--set", "num_classes=10"], "--set: --list does not use it; leave it out"),
        (
            ["resnet18", "-i", "1x28x28"],
            "--input: the model is built for 3 input channels (its "
            "in_channels parameter): add --set in_channels=1 to build it for 1",
        ),
    ],
    ids=["no-equals", "no-name", "twice", "unknown", "markup", "list", "channels"],
)
def test_command_line_mistakes(args: list[str], error: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {error}\n")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["alexnet", "--set", "num_classes=10", "--sweep", "64:64"], 1),
        (["resnet18", "--set", "in_channels=1", "--smallest", "-i", "1x64x64"], 0),
    ],
    ids=["sweep", "smallest"],
)
def test_sweep_and_smallest_take_set(args: list[str], line: int) -> None:
    """The sweep's output column says 10 classes; the smallest search runs on one channel."""
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    words = result.stdout.splitlines()[line].split()
    assert (
        words[3] == "10"
        if "--sweep" in args
        else words == ["smallest", "input", "for", "resnet18:"]
    )


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("table", "resnet18 (num_classes=10, in_channels=1) · 1@28×28\n"),
        ("markdown", "**resnet18** (num\\_classes=10, in\\_channels=1) · 1@28×28\n"),
        ("html", "<title>resnet18 (num_classes=10, in_channels=1) · 1@28×28</title>"),
        ("svg", "&#160;".join(["shapecalc", "resnet18", "(num_classes=10,", "in_channels=1)"])),
    ],
    ids=["table", "markdown", "html", "svg"],
)
def test_a_caption_says_what_was_set(fmt: str, shown: str) -> None:
    """A page made with --set must not pass for the model its name alone says."""
    set_ = ("--set", "num_classes=10", "--set", "in_channels=1")
    output = run("resnet18", *set_, "-i", "28", "-d", "1", "-q", "-f", fmt).stdout
    assert shown in output
    plain = run("resnet18", "-d", "1", "-f", fmt).stdout
    assert "num_classes" not in plain and "resnet18 (" not in plain  # defaults say nothing
