"""Ultralytics' YOLO configs against the ultralytics package: rows, totals, failures.

tools/record_ultralytics.py recorded each built-in config, and the hand-written ones in
examples/yolo/, from ultralytics 8.4.190 into tests/data/ultralytics/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from shapecalc import catalog
from shapecalc.engine import Result, attempt, infer
from shapecalc.errors import Mark, ShapeError, SpecError
from shapecalc.formats import summary
from shapecalc.shape import Shape
from shapecalc.spec import load_spec
from shapecalc.spec.source import YScalar
from shapecalc.spec.yolo import activation, guess_scale
from shapecalc.valid import Valid

ROOT = Path(__file__).resolve().parent.parent
RECORDED = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((DATA / "ultralytics").glob("*.json"))
}
CUSTOM = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((DATA / "ultralytics" / "custom").glob("*.json"))
}
BUILT = [name for name, data in CUSTOM.items() if "sizes" in data]


def model_of(name: str) -> Any:
    if name in CUSTOM:
        path = ROOT / CUSTOM[name]["config"]["file"]
        return load_spec(path, CUSTOM[name]["config"]["file"])
    return catalog.load(name)


def expected_rows(recorded: dict[str, Any], size: str) -> list[tuple[Any, ...]]:
    """Every module's row as recorded, with shapecalc's convention for a container that never
    runs (a ModuleList; the model's Sequential, whose layers DetectionModel runs one by one):
    its last child's output that ran, and its children's MACs, as tools/record_torch.py
    records them."""
    shapes, macs = list(recorded["sizes"][size]["shapes"]), list(recorded["sizes"][size]["macs"])
    paths = recorded["paths"]
    for index in reversed(range(len(paths))):
        if shapes[index] is not None:
            continue
        prefix = paths[index] + "."
        children = [
            at
            for at, path in enumerate(paths)
            if path.startswith(prefix) and "." not in path[len(prefix) :]
        ]
        ran = [at for at in children if shapes[at] is not None]
        shapes[index] = shapes[ran[-1]] if ran else None
        macs[index] = sum(macs[at] or 0 for at in children) if ran else 0
    rows = zip(paths, recorded["types"], shapes, recorded["params"], macs, strict=True)
    return [tuple(row) for row in rows]


CASES = [
    pytest.param(name, size, id=f"{name}-{size}")
    for name, data in {**RECORDED, **{name: CUSTOM[name] for name in BUILT}}.items()
    for size in data["sizes"]
]


def test_every_built_in_config_is_recorded() -> None:
    assert set(RECORDED) == set(catalog.ultralytics_configs())
    assert len(RECORDED) == 50  # YOLOv8 and YOLO11, five tasks, five scales


@pytest.mark.parametrize(("name", "size"), CASES)
def test_model_matches_ultralytics(name: str, size: str) -> None:
    recorded = RECORDED.get(name) or CUSTOM[name]
    expected = recorded["sizes"][size]
    model = model_of(name)
    shape = Shape((3, *(int(part) for part in size.split("x"))))
    if "error" in expected:
        with pytest.raises(ShapeError) as caught:
            infer(model, shape)
        assert caught.value.where.endswith(f" {expected['path']}"), str(caught.value)
        return
    result = infer(model, shape)
    got = [
        (row.path, row.type, row.shape and list(row.shape.dims), row.params, row.macs)
        for row in result.rows
    ]
    assert got == expected_rows(recorded, size)
    assert list(result.output.dims) == expected["output"]
    assert result.total_macs == expected["total_macs"]
    assert result.total_params == recorded["total_params"]


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_totals_are_ultralytics_own(name: str) -> None:
    """Parameters as the config's comment states them, where it states the model's; GFLOPs
    (2 × MACs at 640) as Ultralytics' model_info gives them for the fused model, whose
    convolutions and matrix products FlopCounterMode counts: the unfused figure counts its
    BatchNorms too, and the comments of the -seg and -cls configs predate their heads'."""
    recorded = RECORDED[name]
    result = infer(catalog.load(name), Shape((3, 640, 640)))
    fused = recorded["info"]["fused"]["640"]
    assert round(2 * result.total_macs / 1e9, 1) == round(fused["gflops"], 1)
    assert result.total_params == recorded["info"]["640"]["parameters"]
    published = recorded["published"]
    if published.get("parameters") and recorded["config"]["task"] != "classify":
        assert result.total_params == published["parameters"]
    elif published.get("parameters"):  # the -cls comments were made with 80 classes
        eighty = catalog.load(name, {"nc": 80})
        assert infer(eighty, eighty.input).total_params == published["parameters"]
    if recorded["config"]["task"] != "classify":  # thop also counts a classifier's pool
        # Ultralytics' unfused figure: thop counts 8 FLOPs for each BatchNorm output element
        norms = sum(
            row.shape.numel for row in result.rows if row.type == "BatchNorm2d" and row.shape
        )
        unfused = (2 * result.total_macs + 8 * norms) / 1e9
        assert unfused == pytest.approx(recorded["info"]["640"]["gflops"], rel=1e-9)
    said = summary.ultralytics(result)
    layers = recorded["info"]["640"]["layers"]
    assert said.startswith(f"{layers} layers, {recorded['total_params']:,} parameters, ")
    if recorded["config"]["task"] != "classify":  # a classifier's stride is 1, by definition
        strides = ", ".join(str(int(stride)) for stride in recorded["stride"])
        assert said.endswith(f"; strides {strides}")


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_default_input_and_stride(name: str) -> None:
    recorded = RECORDED[name]
    model = catalog.load(name)
    size = 224 if recorded["config"]["task"] == "classify" else 640
    assert model.input.dims == (3, size, size)
    assert (
        model.type
        == {
            "detect": "DetectionModel",
            "segment": "SegmentationModel",
            "classify": "ClassificationModel",
            "pose": "PoseModel",
            "obb": "OBBModel",
        }[recorded["config"]["task"]]
    )


def test_a_broken_from_fails_where_ultralytics_does() -> None:
    """Ultralytics fails building yolov8n-broken.yaml, in its stride pass at 256×256, at
    layer 11's Concat; so does shapecalc, saying what each input gives."""
    build = CUSTOM["yolov8n-broken"]["build_error"]
    with pytest.raises(ShapeError) as caught:
        infer(model_of("yolov8n-broken"), Shape((3, 256, 256)))
    assert caught.value.where.endswith(f" model.{build['layer']}")
    assert str(caught.value) == (
        "examples/yolo/yolov8n-broken.yaml:30:6: model.11: Concat concatenates inputs of "
        "different H×W (or not C×H×W): from -1 gives 256@16×16, from 4 gives 64@32×32"
    )


@pytest.mark.parametrize(
    ("name", "raised", "message"),
    [
        pytest.param(
            "yolov8n-badindex",
            "IndexError",  # list index out of range, in parse_model
            "examples/yolo/yolov8n-badindex.yaml:29:6: layer 11: from: 99 is no earlier layer: "
            "it takes 0 to 10, or -1 to -11",
            id="from-out-of-range",
        ),
        pytest.param(
            "yolo11n-psa",
            "AssertionError",  # C2PSA's constructor asserts c1 == c2
            "examples/yolo/yolo11n-psa.yaml:28:13: layer 10: C2PSA keeps its channels, but it "
            "takes 256 and the row makes 128 (Ultralytics asserts c1 == c2)",
            id="channels-changed",
        ),
    ],
)
def test_a_config_ultralytics_cannot_build_is_refused_with_its_row(
    name: str, raised: str, message: str
) -> None:
    """Where Ultralytics raises building the model, shapecalc names the row, its layer and
    what it could take."""
    build = CUSTOM[name]["build_error"]
    assert build["type"] == raised
    with pytest.raises(SpecError) as caught:
        model_of(name)
    assert str(caught.value) == message
    assert f"layer {build['layer']}: " in message


@pytest.mark.parametrize(
    ("source", "scale"),
    [
        ("yolov8n.yaml", "n"),
        ("yolo11x-seg.yaml", "x"),
        ("my/yolov8s-p2.yaml", "s"),
        ("yoloe-11m.yaml", "m"),
        ("yolov8.yaml", ""),
        ("custom.yaml", ""),
    ],
    ids=["v8", "v11-seg", "custom", "yoloe", "none", "other"],
)
def test_scale_is_guessed_from_the_file_name_as_ultralytics_does(source: str, scale: str) -> None:
    assert guess_scale(source) == scale


def test_yaml_name_finds_the_built_in_config() -> None:
    assert catalog.locate("yolov8n.yaml")[1] == "yolov8n.yaml"
    assert catalog.locate("yolov8n.yaml")[0].endswith("ultralytics/yolov8.yaml")


def test_set_chooses_scale_and_classes() -> None:
    """Each level's last class convolution (128 channels in, at scale s) makes nc outputs."""
    model = catalog.load("yolov8n", {"scale": "s", "nc": 20})
    result = infer(model, model.input)
    assert result.output.dims == (4 + 20, 8400)
    small = infer(catalog.load("yolov8s"), model.input).total_params
    assert result.total_params == small - 3 * (80 - 20) * (128 + 1)


def test_valid_sizes_are_ultralytics_rule_made_exact() -> None:
    """Ultralytics asks for multiples of 32; the exact rule also takes the sizes just below
    each multiple of 32 (25 to 31 more than one), where every Concat still lines up."""
    from shapecalc import api

    model = catalog.load("yolov8n")
    (found,) = api.valid_sizes(api.infer(model, "3xHx640"))
    assert isinstance(found, Valid)
    assert (found.period, found.residues) == (32, (0, 25, 26, 27, 28, 29, 30, 31))
    brute = [
        size for size in range(1, 200) if attempt(model, Shape((3, size, 640))).__class__ is Result
    ]
    assert brute == [size for size in range(1, 200) if size in found]


def test_the_tree_json_and_tables_say_where_inputs_come_from() -> None:
    from click.testing import CliRunner

    from shapecalc.cli import main

    tree = CliRunner().invoke(main, ["yolov8n", "--depth", "2"]).output
    assert "├── 11 ← [-1, 6]       Concat" in tree
    assert "└── 22 ← [15, 18, 21]  Detect" in tree
    layers = json.loads(CliRunner().invoke(main, ["yolov8n", "-f", "json"]).output)["layers"]
    taking = {layer["path"]: layer["from"] for layer in layers if "from" in layer}
    assert taking == {
        "model.11": [-1, 6],
        "model.14": [-1, 4],
        "model.17": [-1, 12],
        "model.20": [-1, 9],
        "model.22": [15, 18, 21],
    }
    records = CliRunner().invoke(main, ["yolov8n", "-f", "csv", "--depth", "2"]).output
    assert records.startswith("path,from,name,type,")
    assert 'model.22,"[15, 18, 21]",22,Detect,' in records
    listing = CliRunner().invoke(main, ["yolov8n", "-f", "listing"]).output
    assert "\t11:384@40*40\n" in listing  # a Concat is a leaf, as in PyTorch: it shows its shape
    plain = CliRunner().invoke(main, ["resnet18", "-f", "csv"]).output
    assert "from" not in plain.splitlines()[0]  # only a graph's rows take from elsewhere


@pytest.mark.parametrize(
    ("written", "made"),
    [
        ("nn.ReLU()", {"type": "ReLU"}),
        ("torch.nn.ReLU6()", {"type": "ReLU6"}),
        ("nn.LeakyReLU(0.1)", {"type": "LeakyReLU", "negative_slope": 0.1}),
        (
            "nn.LeakyReLU(negative_slope=0.2, inplace=True)",
            {"type": "LeakyReLU", "negative_slope": 0.2, "inplace": True},
        ),
    ],
    ids=["relu", "torch-nn", "positional", "keywords"],
)
def test_activation_is_read_as_a_layer(written: str, made: dict[str, object]) -> None:
    node = activation(YScalar(written, Mark("c.yaml", 3, 13)))
    assert {str(key.value): value.value for key, value in node.entries} == made  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "written",
    [
        "nn.Foo()",
        "lambda x: x",
        "nn.ReLU(x)",
        "__import__('os').system('true')",
        "nn.LeakyReLU(1, 2, 3)",
        "7",
    ],
    ids=["unknown", "lambda", "name", "import", "too-many", "number"],
)
def test_activation_is_never_evaluated(written: str) -> None:
    with pytest.raises(SpecError, match=r"^c\.yaml:3:13: activation: "):
        activation(YScalar(written, Mark("c.yaml", 3, 13)))


def test_a_spec_replaces_the_shared_activation_with_its_own_block(tmp_path: Path) -> None:
    """A spec that includes the library may name Conv.default_act, as a config's activation."""
    shutil.copy(ROOT / "specs" / "_ultralytics.yaml", tmp_path / "_ultralytics.yaml")
    path = tmp_path / "net.yaml"
    path.write_text(
        "include: _ultralytics.yaml\n"
        "input: [3, 32, 32]\n"
        "blocks:\n"
        "  DefaultAct: {type: Hardswish}\n"
        "model: [{type: Conv, c1: 3, c2: 8, k: 3, s: 2}, {type: Conv, c1: 8, c2: 8, k: 3}]\n",
        encoding="utf-8",
    )
    result = infer(load_spec(path, "net.yaml"), Shape((3, 32, 32)))
    assert [(row.path, row.type) for row in result.rows] == [
        ("0", "Conv"),
        ("0.conv", "Conv2d"),
        ("0.bn", "BatchNorm2d"),
        ("0.act", "Hardswish"),
        ("1", "Conv"),
        ("1.conv", "Conv2d"),
        ("1.bn", "BatchNorm2d"),
    ]


@pytest.mark.parametrize(
    ("setting", "code", "said"),
    [
        ("nc=20", 0, "ultralytics  129 layers, 3,014,748 parameters, 8.1 GFLOPs (fused)"),
        ("scale=s", 0, "ultralytics  129 layers, 11,166,560 parameters, 28.6 GFLOPs (fused)"),
        ("nc=0", 2, "error: --set nc: expected a whole number of classes ≥ 1, got 0"),
        ("scale=q", 2, "error: --set scale: no scale 'q'; this config has n, s, m, l, x"),
        ("foo=1", 2, "error: --set: yolov8n has no parameter 'foo'; it has scale, nc"),
    ],
    ids=["classes", "scale", "no-classes", "no-such-scale", "unknown"],
)
def test_set_as_the_command_line_writes_it(setting: str, code: int, said: str) -> None:
    from click.testing import CliRunner

    from shapecalc.cli import main

    done = CliRunner().invoke(main, ["yolov8n", "--set", setting, "--depth", "1"])
    assert done.exit_code == code
    assert said in done.output


def test_strides_follow_the_heads_from_as_resolved(tmp_path: Path) -> None:
    """A head taking `-1` takes the layer before it, whose stride is 32, not itself."""
    text = (ROOT / "specs" / "ultralytics" / "yolov8.yaml").read_text(encoding="utf-8")
    path = tmp_path / "yolov8n-minus.yaml"
    path.write_text(text.replace("[[15, 18, 21], 1, Detect", "[[15, 18, -1], 1, Detect"))
    result = infer(load_spec(path, "yolov8n-minus.yaml"), Shape((3, 640, 640)))
    assert summary.ultralytics(result).endswith("; strides 8, 16, 32")
