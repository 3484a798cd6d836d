"""`shapecalc diff`: two models row by row, every format, the options and the errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from shapecalc import api
from shapecalc.cli._diff import EXAMPLES, command
from shapecalc.formats import Format
from shapecalc.formats.diff import render

Run = Callable[..., Result]
NET = """\
input: [3, 32, 32]
model:
  children:
    stem: {type: Conv2d, out_channels: 16, kernel_size: 3, padding: 1}
    pool: {type: MaxPool2d, kernel_size: 2}
    body:
      children:
        - {type: Conv2d, out_channels: 32, kernel_size: 3, padding: 1}
        - ReLU
    head: {type: AdaptiveAvgPool2d, output_size: 1}
"""
# The edit: a wider stem, a stride instead of the pool, one more layer in the body.
EDITED = (
    NET.replace("out_channels: 16", "out_channels: 24")
    .replace("    pool: {type: MaxPool2d, kernel_size: 2}\n", "")
    .replace(
        "        - ReLU\n",
        "        - ReLU\n        - {type: Conv2d, out_channels: 32, kernel_size: 1}\n",
    )
    .replace(
        "kernel_size: 3, padding: 1}\n    body", "kernel_size: 3, padding: 1, stride: 2}\n    body"
    )
)


@pytest.fixture
def specs(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "net.yaml", tmp_path / "net_v2.yaml"
    a.write_text(NET, encoding="utf-8")
    b.write_text(EDITED, encoding="utf-8")
    return a, b


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (Format.TABLE, "diff_resnet18_resnet34.txt"),
        (Format.MARKDOWN, "diff_resnet18_resnet34.md"),
        (Format.JSON, "diff_resnet18_resnet34.json"),
        (Format.CSV, "diff_resnet18_resnet34.csv"),
    ],
    ids=["table", "markdown", "json", "csv"],
)
def test_resnets_golden(fmt: Format, name: str, golden: Callable[[str, str], None]) -> None:
    golden(name, render(api.compare("resnet18", "resnet34"), fmt, depth=2))


@pytest.mark.parametrize("every", [False, True], ids=["changed", "all"])
def test_an_edited_spec_golden(
    run: Run, specs: tuple[Path, Path], every: bool, golden: Callable[[str, str], None]
) -> None:
    result = run("diff", *map(str, specs), *(["--all"] if every else []))
    assert result.exit_code == 0, result.stderr
    golden(f"diff_edited{'_all' if every else ''}.txt", result.stdout)


def test_added_removed_and_changed_rows(run: Run, specs: tuple[Path, Path]) -> None:
    lines = run("diff", *map(str, specs)).stdout.splitlines()
    marks = {line.split()[1]: line.split()[0] for line in lines[2:] if line[:1] in "+-~"}
    assert marks == {"stem": "~", "pool": "-", "body": "~", "body.0": "~", "body.2": "+"}
    assert lines[2].split()[:6] == ["~", "stem", "Conv2d", "16@32×32", "→", "24@16×16"]


def test_the_json_parses_and_holds_what_it_says(run: Run, specs: tuple[Path, Path]) -> None:
    document = json.loads(run("diff", *map(str, specs), "-f", "json").stdout)
    assert document["counts"] == {"unchanged": 2, "added": 1, "removed": 1, "changed": 3}
    assert len(document["rows"]) == 5
    stem = document["rows"][0]
    assert stem["differs"] == ["output", "params", "macs"]
    assert (stem["a"]["shape"], stem["b"]["shape"]) == ([16, 32, 32], [24, 16, 16])
    everything = json.loads(run("diff", *map(str, specs), "-f", "json", "--all").stdout)
    assert len(everything["rows"]) == 7 and not everything["same"]


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["resnet18", "resnet34"], 0),
        (["resnet18", "resnet34", "--exit-code"], 1),
        (["resnet18", "resnet18", "--exit-code"], 0),
        (["resnet18", "resnet18", "-i", "224", "--exit-code"], 0),
    ],
    ids=["differ", "differ-exit-code", "same-exit-code", "same-at-an-input"],
)
def test_exit_status(run: Run, args: list[str], status: int) -> None:
    assert run("diff", *args).exit_code == status


def test_the_same_input_for_both(run: Run) -> None:
    result = run("diff", "resnet18", "resnet34", "-i", "225", "-d", "1")
    assert result.stdout.splitlines()[0] == "resnet18 → resnet34 · input 3@225×225"


def test_output_file_follows_its_extension(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "changes.md"
    assert run("diff", "resnet18", "resnet34", "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("**resnet18** → **resnet34** · ")


def test_a_spec_is_never_written_over(run: Run, specs: tuple[Path, Path]) -> None:
    a, b = specs
    result = run("diff", str(a), str(b), "-o", str(b), "-f", "table")
    assert result.exit_code == 2
    assert b.read_text(encoding="utf-8") == EDITED


def test_a_missing_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "gone.yaml"
    result = run("diff", "resnet18", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"error: {missing}: no such file\n"


def test_a_bad_spec_in_b_points_at_b(run: Run, specs: tuple[Path, Path]) -> None:
    a, b = specs
    b.write_text(EDITED.replace("kernel_size: 1}", "kernel_size: one}"), encoding="utf-8")
    result = run("diff", str(a), str(b))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {b}:9:")


def test_an_input_one_model_cannot_take_names_its_file(run: Run) -> None:
    result = run("diff", "resnet18", "alexnet", "-i", "30")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: alexnet.yaml:14:9: features.5: MaxPool2d: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "tree"], "--format: 'tree' is not one of"),
        (["-o", "x.html"], "--output: diff cannot tell a format from 'x.html'"),
        (["--columns", "layer"], "--columns: no such option"),
    ],
    ids=["tree", "html", "columns"],
)
def test_usage_errors(run: Run, args: list[str], message: str) -> None:
    result = run("diff", "resnet18", "resnet34", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}")


def test_names_are_data(run: Run, write_spec: Callable[..., Path]) -> None:
    a = write_spec(NET, "a.yaml")
    b = write_spec(NET.replace("head:", "'=[x]|*':"), "b.yaml")
    markdown = run("diff", str(a), str(b), "-f", "markdown").stdout
    assert "| +   | \\=\\[x\\]\\|\\* |" in markdown
    assert "\n'=[x]|*" not in run("diff", str(a), str(b), "-f", "csv").stdout
    assert ",'=[x]|*," in run("diff", str(a), str(b), "-f", "csv").stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash's process substitution")
def test_a_revision_through_the_shell(specs: tuple[Path, Path]) -> None:
    """`<(git show REV:FILE)` hands shapecalc a /dev/fd path: read like any spec file."""
    a, b = specs
    command = f'"{sys.executable}" -m shapecalc diff <(cat "{a}") "{b}" -d 1'
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "-  pool" in done.stdout


def test_every_help_example_that_names_built_ins_runs() -> None:
    """The others name the reader's own files, as the process substitution does."""
    lines = [line.strip().split("  ")[0] for line in EXAMPLES.splitlines()]
    runnable = [line.split()[2:] for line in lines if line.startswith("shapecalc diff resnet")]
    assert len(runnable) == 2
    for args in runnable:
        result = CliRunner().invoke(command, args, catch_exceptions=False)
        assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "args",
    [pytest.param(["--batch", "8"], id="batch"), pytest.param(["-i", "8x3x224x224"], id="input")],
)
def test_a_batch_scales_both(run: Run, args: list[str]) -> None:
    one = json.loads(run("diff", "resnet18", "resnet34", "-f", "json").stdout)
    eight = json.loads(run("diff", "resnet18", "resnet34", "-f", "json", *args).stdout)
    assert "batch" not in one
    assert eight["batch"] == 8
    for side in "ab":
        assert eight[side]["total_macs"] == 8 * one[side]["total_macs"]
        assert eight[side]["total_params"] == one[side]["total_params"]
        assert eight[side]["input"] == [3, 224, 224]
    pairs = zip(one["rows"], eight["rows"], strict=True)
    cells = [(before[side], after[side]) for before, after in pairs for side in "ab"]
    assert len(cells) > 8
    for before, after in cells:
        assert (after and after["macs"]) == (before and 8 * before["macs"])
    table = run("diff", "resnet18", "resnet34", "-d", "1", *args).stdout.splitlines()
    assert table[0] == "resnet18 → resnet34 · input 8 × 3@224×224 · shapes per sample"
    assert table[-3] == "MACs    14,512,586,752 → 29,310,091,264 (+14,797,504,512)"
    assert table[-2] == "memory  266.78 MB → 407.56 MB (+140.78 MB; as float32, a batch of 8)"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_a_batch_of_one_changes_nothing(run: Run, fmt: str) -> None:
    plain = run("diff", "resnet18", "resnet34", "-f", fmt).stdout
    assert run("diff", "resnet18", "resnet34", "-f", fmt, "-b", "1").stdout == plain
    assert run("diff", "resnet18", "resnet34", "-f", fmt, "-i", "1x3x224x224").stdout == plain


def test_a_batch_given_twice_must_agree(run: Run) -> None:
    result = run("diff", "resnet18", "resnet34", "-i", "8x3x224x224", "-b", "4")
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --batch: 4 is not --input's batch of 8: give the batch once\n",
    )
