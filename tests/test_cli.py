"""The command line: every format, the built-in list, and every error with its exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from test_listing import document_listing

from shapecalc import __version__

Run = Callable[..., Result]
SWEEP = (
    "use START:STOP or START:STOP:STEP with 1 ≤ START ≤ STOP, STEP ≥ 1 and at most 100,000 sizes"
)
BAD_SIZE = (
    "is not a size; use 224 (every spatial size), 224x320 (H×W), 3x224x224 (C×H×W), 1x3x224x224 "
    "(a batch of one), 1x16000 (C×L) or 3x16x112x112 (C×D×H×W), each a whole number ≥ 1 or a "
    "spatial size's name (HxW: formulas), separated by x or commas, in brackets or not"
)


def test_tree_by_default(run: Run) -> None:
    result = run("resnet18", "--input", "224")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()[1:]
    assert result.stdout.startswith("input 3@224×224\n")  # the root row shows the output
    assert lines[0].split() == ["output", "params", "MACs", "field"]
    assert lines[1].split() == ["resnet18", "ResNet", "1000", "11.7M", "1.81G"]
    assert lines[2].split() == ["├──", "conv1", "Conv2d", "64@112×112", "9.41K", "118M", "7"]
    assert lines[68].split() == ["└──", "fc", "Linear", "1000", "513K", "512K", "all"]
    assert lines[69:] == [
        "output     1000",
        "params     11,689,512 (46.76 MB as float32)",
        "MACs       1,814,073,344 (1.81 G; FLOPs = 2 × MACs = 3.63 G)",
        "memory     input 0.60 + activations 26.90 + params 46.76 = 74.26 MB "
        "(float32; 1 MB = 10^6 B)",
        "torchinfo  87.11 MB: outputs of layers with weights, twice (39.75), in place of "
        "activations",
    ]
    assert result.stderr == ""


def test_listing_is_the_documents(run: Run) -> None:
    result = run("resnet18", "-f", "listing")
    assert (result.exit_code, result.stdout) == (0, document_listing())


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        pytest.param("224", [3, 224, 224], id="square"),
        pytest.param("97x131", [3, 97, 131], id="h-x-w"),
        pytest.param("97×131", [3, 97, 131], id="times-sign"),
        pytest.param("3x1x500", [3, 1, 500], id="c-x-h-x-w"),
        pytest.param("3*64*32", [3, 64, 32], id="star"),
    ],
)
def test_input_sizes(run: Run, size: str, expected: list[int]) -> None:
    result = run("resnet18", "--input", size, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["input"], data["output"], len(data["layers"])) == (expected, [1000], 67)


def test_spec_file_by_path(run: Run, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(
        "input: [1, 28, 28]\nmodel: [{type: Conv2d, out_channels: 4, kernel_size: 5}]\n"
    )
    result = run(str(path), "-f", "listing")
    assert (result.exit_code, result.stdout) == (0, "Input:1@28*28\n0:4@24*24\n")


def test_list(run: Run) -> None:
    result = run("--list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["model", "input", "params", "MACs", "description"]
    resnet18 = next(line for line in lines if line.startswith("resnet18 "))
    assert resnet18.split()[:4] == ["resnet18", "3×224×224", "11.7M", "1.81G"]
    assert not any(line.startswith("_") for line in lines)  # libraries are not models


@pytest.mark.parametrize(
    ("name", "start"),
    [
        pytest.param("r18.md", "**resnet18** · 3@224×224\n\n| layer ", id="markdown"),
        pytest.param("r18.csv", "path,name,type,depth,", id="csv"),
        pytest.param("r18.json", '{\n  "model": "resnet18"', id="json"),
        pytest.param("r18.html", "<!DOCTYPE html>", id="html"),
        pytest.param("r18.svg", "<svg", id="svg"),
        pytest.param("r18.txt", "input 3@224×224\n         ", id="text-tree"),
    ],
)
def test_output_file_format_follows_its_extension(
    run: Run, tmp_path: Path, name: str, start: str
) -> None:
    target = tmp_path / name
    result = run("resnet18", "--output", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.read_text(encoding="utf-8").startswith(start)


def test_output_format_given_wins_over_the_extension(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "r18.txt"
    assert run("resnet18", "-f", "listing", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8") == document_listing()


def test_output_with_an_unknown_extension(run: Run, tmp_path: Path) -> None:
    result = run("resnet18", "-o", str(tmp_path / "r18.pdf"))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --output: cannot tell a format from 'r18.pdf'; name one with --format\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_output_into_a_missing_folder(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "gone" / "r18.md"
    result = run("resnet18", "-o", str(target))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {target}: cannot write: No such file or directory\n",
    )


def test_depth_and_columns(run: Run) -> None:
    result = run("resnet18", "-f", "csv", "--depth", "1", "--columns", "path,output,macs")
    assert result.stdout.splitlines() == [
        "path,output,macs",
        "conv1,64×112×112,118013952",
        "bn1,64×112×112,0",
        "relu,64×112×112,0",
        "maxpool,64×56×56,0",
        "layer1,64×56×56,462422016",
        "layer2,128×28×28,411041792",
        "layer3,256×14×14,411041792",
        "layer4,512×7×7,411041792",
        "avgpool,512×1×1,0",
        "fc,1000,512000",
    ]
    table = run("resnet18", "-f", "table", "-d", "1").stdout.splitlines()
    assert table[0] == "resnet18 · 3@224×224"
    assert table[1].split() == ["layer", "type", "window", "output", "params", "MACs", "field"]
    assert len(table) == 1 + 2 + 10 + 2 + 6  # caption, heading, rows, totals, summary


def test_version_and_help(run: Run) -> None:
    assert run("--version").stdout == f"shapecalc {__version__}\n"
    help_text = run("--help").stdout
    assert "shapecalc resnet18 --input 97x131" in help_text
    assert (
        "--format [tree|table|listing|json|markdown|csv|html|svg|dynamic|mermaid|dot]" in help_text
    )


def test_no_color_is_respected(run: Run) -> None:
    forced = run("resnet18", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[36m" in forced.stdout
    plain = run("resnet18", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[3" not in plain.stdout


def test_explain(run: Run) -> None:
    result = run("resnet18", "--explain", "-f", "listing")
    assert result.stdout.splitlines()[1] == (
        "conv1:64@112*112 # 112 = ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1"
    )
    tree = run("resnet18", "-e")
    assert "64@112×112   9.41K   118M      7  112 = ⌊(224 + 2·3 − 1·(7 − 1) − 1) / 2⌋ + 1" in (
        tree.stdout
    )


def test_dtype(run: Run) -> None:
    result = run("resnet18", "--dtype", "float16", "-f", "json")
    assert json.loads(result.stdout)["memory"]["param_bytes"] == 2 * 11_689_512
    assert (
        "params     11,689,512 (23.38 MB as float16)"
        in run("resnet18", "--dtype", "float16").stdout
    )


def test_warnings_go_to_stderr_under_the_output(run: Run) -> None:
    result = run("resnet18", "-i", "225", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["uneven"]) == 16
    lines = result.stderr.splitlines()
    assert lines[0] == "note: the total stride is 32; clean input sizes near 225: 224 or 256"
    assert lines[1].startswith("warning: conv1 (Conv2d): input 225×225 is not a multiple")
    assert run("resnet18", "-i", "225", "--quiet").stderr == ""


def test_sweep(run: Run) -> None:
    result = run("resnet18", "--sweep", "222:226:2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["input", "222", "224", "226"]
    assert lines[2].endswith("clean")
    data = json.loads(run("resnet18", "--sweep", "1:1024", "-f", "json").stdout)
    assert len(data) == 1024
    assert [item["input"] for item in data if item["status"] == "clean"] == [
        32 * n for n in range(1, 33)
    ]


def test_smallest(run: Run, write_spec: Callable[[str], Path]) -> None:
    result = run("resnet18", "--smallest")
    assert result.stdout == (
        "smallest input for resnet18:\n  H: 1 (with W = 224)\n  W: 1 (with H = 224)\n"
        "  square: 1×1\n"
    )
    path = write_spec(
        "input: [1, 32, 40]\nmodel: [{type: Conv2d, out_channels: 4, kernel_size: [5, 3]}]\n"
    )
    assert run(str(path), "--smallest").stdout.splitlines()[1:] == [
        "  H: 5 (with W = 40)",
        "  W: 3 (with H = 32)",
        "  square: 5×5",
    ]


USAGE_ERRORS = [
    pytest.param(["resnet18", "-i", "0"], f"--input: '0' {BAD_SIZE}", id="zero"),
    pytest.param(["resnet18", "-i", "-3"], f"--input: '-3' {BAD_SIZE}", id="negative"),
    pytest.param(["resnet18", "-i", "a1b"], f"--input: 'a1b' {BAD_SIZE}", id="letters-and-digits"),
    pytest.param(["resnet18", "-i", "Hx"], f"--input: 'Hx' {BAD_SIZE}", id="symbol-trailing-x"),
    pytest.param(
        ["resnet18", "-i", "Cx224x224"],
        "--input: a symbol stands for a spatial size: the channels and batch are numbers",
        id="symbolic-channels",
    ),
    pytest.param(
        ["resnet18", "-i", "Bx3xHxW"],
        "--input: a batch is a number, not a symbol",
        id="symbolic-batch",
    ),
    pytest.param(
        ["resnet18", "-i", "HxW", "-i", "224"],
        "--input: a size with symbols is for one model's rows: give numbers here",
        id="symbols-side-by-side",
    ),
    pytest.param(["resnet18", "-i", "224x"], f"--input: '224x' {BAD_SIZE}", id="trailing-x"),
    pytest.param(["resnet18", "-i", "1x2x3x4x5x6"], f"--input: '1x2x3x4x5x6' {BAD_SIZE}", id="six"),
    pytest.param(
        ["resnet18", "-i", "1x2x3x4x5"],
        "--input: the model takes a C×H×W input (3@224×224): give one size, 2 (H×W), 3 "
        "(C×H×W) or 4 (1×C×H×W), not 5",
        id="five-for-two-axes",
    ),
    pytest.param(
        ["resnet18", "-i", "8x3x224x224", "--smallest"],
        "--input: a batch of 8: shapes here are one sample's; give the sizes without it (a "
        "report's --batch, or render's batch=, scales the MACs and memory)",
        id="batch-of-eight-to-smallest",
    ),
    pytest.param(["resnet18", "-i", "²"], f"--input: '²' {BAD_SIZE}", id="superscript-digit"),
    pytest.param(
        ["resnet18", "-i", "9" * 5000],
        f"--input: '{'9' * 80}…' {BAD_SIZE}",
        id="digits-beyond-int-conversion",
    ),
    pytest.param(
        ["resnet18", "-f", "xml"],
        "--format: 'xml' is not one of 'tree', 'table', 'listing', 'json', 'markdown', 'csv', "
        "'html', 'svg', 'dynamic', 'mermaid', 'dot'.",
        id="format",
    ),
    pytest.param(
        ["resnet18", "--colour"],
        "--colour: no such option (did you mean --columns?); see shapecalc --help",
        id="unknown-option",
    ),
    pytest.param(
        ["resnet18", "--inptu", "3"],
        "--inptu: no such option (did you mean --input?); see shapecalc --help",
        id="misspelt-option",
    ),
    pytest.param(
        [],
        "missing MODEL: a built-in name (see --list) or a spec file; see shapecalc --help",
        id="no-model",
    ),
    pytest.param(
        ["resnet18", "extra"],
        "Got unexpected extra argument (extra); see shapecalc --help",
        id="extra",
    ),
    pytest.param(
        ["resnet18", "--sweep", "10:1"],
        f"--sweep: '10:1' is not a sweep; {SWEEP}",
        id="sweep-backwards",
    ),
    pytest.param(
        ["resnet18", "--sweep", "0:5"], f"--sweep: '0:5' is not a sweep; {SWEEP}", id="sweep-zero"
    ),
    pytest.param(
        ["resnet18", "--sweep", "1:200001"],
        f"--sweep: '1:200001' is not a sweep; {SWEEP}",
        id="sweep-too-long",
    ),
    pytest.param(
        ["resnet18", "--dtype", "int4"],
        "--dtype: 'int4' is not one of 'float32', 'float16', 'bfloat16', 'float64', 'int8'.",
        id="dtype",
    ),
    pytest.param(
        ["resnet18", "--depth", "0"], "--depth: 0 is not in the range x>=1.", id="depth-zero"
    ),
    pytest.param(
        ["resnet18", "--columns", "layer,flops"],
        "--columns: no column 'flops'; the "
        "columns are layer, path, name, from, type, depth, kernel, stride, padding, window, "
        "input, output, params, macs, attention, bytes, field, field_stride, arithmetic, rounded",
        id="unknown-column",
    ),
    pytest.param(
        ["resnet18", "--view", "chart"],
        "--view: 'chart' is not one of 'table', 'tree', 'graph'.",
        id="view",
    ),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_usage_errors_exit_2(run: Run, args: list[str], message: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


def test_hxw_on_a_model_that_takes_vectors(run: Run, write_spec: Callable[[str], Path]) -> None:
    path = write_spec("input: [512]\nmodel: [{type: Linear, out_features: 10}]\n")
    result = run(str(path), "-i", "7x7")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --input: the model takes a 512 input, not a map\n",
    )


SPEC_ERRORS = [
    pytest.param(
        "model: [\n",
        "net.yaml:2:1: invalid YAML: did not find expected node content "
        "(while parsing a flow node at line 2)",
        id="malformed",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: Conv2D, out_channels: 4}]\n",
        "net.yaml:2:9: unknown type 'Conv2D': no layer or block has that name "
        "(did you mean 'Conv2d'?)",
        id="unknown-type",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: MaxPool2d}]\n",
        "net.yaml:2:9: 0: MaxPool2d needs kernel_size",
        id="missing-argument",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel: [{type: BatchNorm2d, num_features: 4}]\n",
        "net.yaml:2:43: 0: BatchNorm2d: num_features is 4 but the input is 3@8×8 (C = 3)",
        id="channels",
    ),
    pytest.param(
        "input: [3, 8, 8]\nmodel:\n  - {type: MaxPool2d, kernel_size: 4}\n"
        "  - {type: MaxPool2d, kernel_size: 4}\n",
        "net.yaml:4:5: 1: MaxPool2d: input 3@2×2 is too small: the output would be 0×0 "
        "(H: ⌊(2 + 2·0 − 1·(4 − 1) − 1) / 4⌋ + 1 = 0; "
        "W: ⌊(2 + 2·0 − 1·(4 − 1) − 1) / 4⌋ + 1 = 0)",
        id="collapse",
    ),
]


@pytest.mark.parametrize(("text", "message"), SPEC_ERRORS)
def test_spec_and_shape_errors_exit_1(
    run: Run, write_spec: Callable[[str], Path], text: str, message: str
) -> None:
    path = write_spec(text)
    where = str(path).removesuffix("net.yaml")
    expected = (
        f"error: {where}{message}\n" if message.startswith("net.yaml") else (f"error: {message}\n")
    )
    for fmt in ("json", "listing", "tree"):
        result = run(str(path), "-f", fmt)
        assert (result.exit_code, result.stderr) == (1, expected)
        # Only the tree shows how far a shape error got, and says it stopped.
        assert result.stdout == "" or (fmt == "tree" and "✗ stopped at" in result.stdout)


def test_a_collapse_shows_the_tree_up_to_the_failing_layer(run: Run) -> None:
    result = run("alexnet", "--input", "40")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "input 3@40×40"
    assert lines[2].split() == ["alexnet", "AlexNet", "…"]
    assert lines[3].split() == ["└──", "features", "Sequential", "…"]
    assert lines[4].split() == ["├──", "0", "Conv2d", "64@9×9", "23.3K", "1.88M", "11"]
    assert lines[-2].split() == ["└──", "12", "MaxPool2d", "…"]
    assert lines[-1] == "✗ stopped at features.12: see the error below"
    assert result.stderr.startswith(
        "error: alexnet.yaml:21:9: features.12: MaxPool2d: input 256@1×1 is too small"
    )


def test_unknown_model_missing_file_and_directory_exit_1(run: Run, tmp_path: Path) -> None:
    unknown = run("resnet19")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        (
            "error: resnet19: no built-in model or spec file of that name (did you mean "
            "'resnet18'?); `shapecalc --list` shows the built-in models\n"
        ),
    )
    missing = run(str(tmp_path / "gone.yaml"))
    assert (missing.exit_code, missing.stderr) == (
        1,
        f"error: {tmp_path}/gone.yaml: no such file\n",
    )
    directory = run(str(tmp_path))
    assert (directory.exit_code, directory.stderr) == (
        1,
        f"error: {tmp_path}: is a directory, not a spec file\n",
    )


def shapecalc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shapecalc", *args], capture_output=True, text=True, check=False
    )


def test_python_dash_m_and_exit_status() -> None:
    ok = shapecalc("resnet18", "-f", "listing", "-i", "97x131", "--quiet")
    assert (ok.returncode, ok.stdout.splitlines()[1], ok.stderr) == (0, "conv1:64@49*66", "")
    bad = shapecalc("resnet18", "-i", "0")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.startswith("error: --input: '0' is not a size")
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("fmt", ["json", "listing", "tree"])
def test_a_reader_that_is_gone_gets_no_traceback(fmt: str) -> None:
    """Standard output closed before anything is written, as `| head` can leave it."""
    with subprocess.Popen(
        [sys.executable, "-m", "shapecalc", "resnet18", "-f", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait() == 1
    assert stderr == ""


@pytest.mark.parametrize(
    ("closed", "status"),
    [("1", 1), ("2", 0)],
    ids=["stdout-closed", "stderr-closed"],
)
def test_a_stream_closed_from_the_start(closed: str, status: int) -> None:
    """`>&-` starts the command with a stream closed: Python makes it None."""
    command = [sys.executable, "-m", "shapecalc", "resnet18", "-f", "listing"]
    done = subprocess.run(
        ["sh", "-c", f'exec "$@" {closed}>&-', "sh", *command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == status
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("target", ["net.yaml", "_lib.yaml"], ids=["spec", "include"])
def test_output_never_writes_over_a_file_the_run_reads(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("_lib.yaml").write_text("blocks:\n  Act: {type: ReLU}\n", encoding="utf-8")
    Path("net.yaml").write_text("include: _lib.yaml\ninput: [3, 8, 8]\nmodel: Act\n", "utf-8")
    before = Path(target).read_text(encoding="utf-8")
    result = run("net.yaml", "--format", "json", "--output", target)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: --output: '{target}' is a spec this run reads")
    assert Path(target).read_text(encoding="utf-8") == before


def help_examples() -> list[list[str]]:
    """Return the words of each example that the real --help output shows."""
    import re
    import shlex

    from click.testing import CliRunner

    from shapecalc.cli import main

    shown = CliRunner().invoke(main, ["--help"], catch_exceptions=False).stdout
    examples = shown.partition("\n  Examples:\n")[2].splitlines()
    return [shlex.split(re.split(r"\s{2,}", line.strip())[0]) for line in examples if line.strip()]


def test_help_shows_its_examples() -> None:
    examples = help_examples()
    assert len(examples) >= 8
    assert all(words[0] == "shapecalc" for words in examples)
    assert ["shapecalc", "--list"] in examples


@pytest.mark.parametrize("words", help_examples(), ids=" ".join)
def test_every_help_example_runs(
    run: Run, words: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each example runs as written, in a fresh folder: a spec it names is one of your own."""
    monkeypatch.chdir(tmp_path)
    own = (Path(__file__).parent.parent / "examples" / "tinyvgg.yaml").read_text("utf-8")
    for word in words:
        if word.endswith(".yaml"):
            Path(word).write_text(own, encoding="utf-8")
    result = run(*words[1:])
    assert result.exit_code == 0, result.stderr
    written = [Path(words[at + 1]) for at, word in enumerate(words) if word in ("-o", "--output")]
    assert all(path.read_text(encoding="utf-8").strip() for path in written)
    assert result.stdout.strip() or written


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--batch", "8"], id="batch"),
        pytest.param(["-b", "8", "-i", "224"], id="short-and-size"),
        pytest.param(["-i", "8x3x224x224"], id="leading-batch"),
        pytest.param(["-i", "(8, 3, 224, 224)", "--batch", "8"], id="both-agree"),
    ],
)
def test_batch_scales_macs_and_memory(run: Run, args: list[str]) -> None:
    one = json.loads(run("resnet18", "-f", "json").stdout)
    result = run("resnet18", "-f", "json", *args)
    assert result.exit_code == 0, result.stderr
    eight = json.loads(result.stdout)
    assert (eight["batch"], eight["input"], eight["output"]) == (8, [3, 224, 224], [1000])
    assert eight["total_macs"] == 8 * one["total_macs"]
    assert eight["memory"]["activation_bytes"] == 8 * one["memory"]["activation_bytes"]


@pytest.mark.parametrize("fmt", ["tree", "table", "json", "markdown", "csv", "html", "svg"])
def test_a_batch_of_one_changes_nothing(run: Run, fmt: str) -> None:
    plain = run("resnet18", "-d", "1", "-f", fmt).stdout
    assert run("resnet18", "-d", "1", "-f", fmt, "--batch", "1").stdout == plain
    assert run("resnet18", "-d", "1", "-f", fmt, "-i", "1x3x224x224").stdout == plain
    assert run("resnet18", "-d", "1", "-f", fmt, "--batch", "2").stdout != plain


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--batch", "8", "-i", "4x3x224x224"],
            "--batch: 8 is not --input's batch of 4: give the batch once",
            id="batch-and-input-disagree",
        ),
        pytest.param(
            ["--batch", "8", "-i", "1x3x224x224"],
            "--batch: 8 is not --input's batch of 1: give the batch once",
            id="batch-and-input-of-one",
        ),
        pytest.param(
            ["-i", "8x3x224x224", "-i", "4x3x320x320"],
            "--input: batches of 4 and 8: sizes side by side share one batch; give it once, "
            "with --batch",
            id="side-by-side-batches-differ",
        ),
        pytest.param(
            ["--batch", "0"],
            "--batch: '0' is not a batch; use a whole number from 1 to 1,000,000",
            id="zero",
        ),
        pytest.param(
            ["--batch", "1000001"],
            "--batch: '1000001' is not a batch; use a whole number from 1 to 1,000,000",
            id="beyond-the-limit",
        ),
        pytest.param(
            ["-i", "1000001x3x224x224"],
            "--input: a batch of 1,000,001: give one from 1 to 1,000,000",
            id="input-beyond-the-limit",
        ),
        pytest.param(
            ["--batch", "8", "-f", "listing"],
            "--batch: the listing format shows no MACs or bytes for a batch to scale; these "
            "use it: csv, dot, html, json, markdown, mermaid, svg, table, tree",
            id="listing",
        ),
        pytest.param(
            ["--batch", "8", "--sweep", "200:230"],
            "--batch: --sweep does not use it; leave it out",
            id="sweep",
        ),
    ],
)
def test_batch_refused(run: Run, args: list[str], message: str) -> None:
    result = run("resnet18", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


def test_batch_applies_to_every_input_side_by_side(run: Run) -> None:
    result = run("resnet18", "-d", "1", "-i", "224", "-i", "320", "--batch", "8")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "inputs 8 × 3@224×224, 8 × 3@320×320 · shapes per sample"
    assert lines[-4:] == [
        "output  8 × 1000 | 8 × 1000",
        "params  11,689,512 (46.76 MB as float32)",
        "MACs    14.5 G | 29.6 G",
        "memory  266.78 MB | 495.73 MB (float32, a batch of 8)",
    ]
    given_once = run("resnet18", "-d", "1", "-i", "8x3x224x224", "-i", "320")
    assert given_once.stdout == result.stdout
    sides = ("resnet18", "-i", "224", "-i", "320", "-f", "json")
    one, eight = (json.loads(run(*sides, *more).stdout) for more in ([], ["-b", "8"]))
    assert eight["batch"] == 8
    totals = [[each["total_macs"] for each in made["results"]] for made in (one, eight)]
    assert totals[1] == [8 * count for count in totals[0]] == [14_512_586_752, 29_613_260_800]
