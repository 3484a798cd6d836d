"""Several --input sizes side by side: every format, a size that fails, and the options."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from shapecalc import api
from shapecalc.formats import Format
from shapecalc.formats.side import MARK, render
from shapecalc.modules import Model

Run = Callable[..., Result]
SIZES = (224, 320, 225)


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        (Format.TREE, "side_resnet18.tree.txt"),
        (Format.TABLE, "side_resnet18.table.txt"),
        (Format.MARKDOWN, "side_resnet18.md"),
        (Format.JSON, "side_resnet18.json"),
        (Format.CSV, "side_resnet18.csv"),
    ],
    ids=["tree", "table", "markdown", "json", "csv"],
)
def test_side_by_side_golden(
    resnet18: Model, fmt: Format, name: str, golden: Callable[[str, str], None]
) -> None:
    sides = api.side_by_side(resnet18, SIZES)
    golden(name, render(sides, fmt, depth=2))


def test_one_input_is_the_report_as_it_was(run: Run, resnet18: Model) -> None:
    result = run("resnet18", "-i", "224")
    assert result.stdout == api.render(api.infer(resnet18, 224), "tree")


def test_the_tree_has_a_column_per_input_and_marks_rows_out_of_step(run: Run) -> None:
    result = run("resnet18", "-i", "224", "-i", "225", "-d", "1", "-q")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "inputs 3@224×224, 3@225×225"
    assert lines[1].split() == ["3@224×224", "3@225×225", "params"]
    conv1 = next(line for line in lines if "conv1" in line)
    assert conv1.split()[-4:-2] == ["64@112×112", "64@113×113"] and conv1.endswith(MARK)
    assert not next(line for line in lines if " bn1 " in line).endswith(MARK)
    assert "MACs    1.81 G | 2.05 G" in result.stdout


def test_the_json_holds_each_input_and_a_list_per_row(run: Run) -> None:
    result = run("resnet18", "-i", "224", "-i", "320", "-f", "json")
    document = json.loads(result.stdout)
    assert document["inputs"] == [[3, 224, 224], [3, 320, 320]]
    assert [each["total_macs"] for each in document["results"]] == [1814073344, 3701657600]
    conv1 = document["layers"][0]
    assert conv1["shapes"] == [[64, 112, 112], [64, 160, 160]] and conv1["in_step"]
    assert len(document["layers"]) == len(api.infer("resnet18").rows)


def test_an_input_that_fails_shows_its_column_up_to_the_failure(run: Run) -> None:
    result = run("alexnet", "-i", "224", "-i", "30", "-d", "2", "-q")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    pool = next(line for line in lines if "── 5 " in line)
    assert pool.split()[3:6] == ["MaxPool2d", "192@13×13", "…"]
    assert next(line for line in lines if "── 6 " in line).split()[4:6] == ["384@13×13", "664K"]
    assert "stopped  3@30×30 at features.5: MaxPool2d: input 192@2×2 is too small" in result.stdout
    assert "MACs     714 M | stopped" in result.stdout
    assert result.stderr.startswith("error: input 3@30×30: alexnet.yaml:14:9: features.5: ")


def test_one_error_line_however_many_inputs_stop(run: Run) -> None:
    result = run("alexnet", "-i", "10", "-i", "30", "-f", "json")
    assert result.exit_code == 1
    (error,) = result.stderr.splitlines()
    assert error.startswith("error: input 3@10×10 (1 more stopped, as the output says): ")
    stops = [each["stopped"]["path"] for each in json.loads(result.stdout)["results"]]
    assert stops == ["features.2", "features.5"]  # 10 stops sooner


def test_warnings_are_labelled_with_their_input(run: Run) -> None:
    result = run("resnet18", "-i", "224", "-i", "225", "-d", "1")
    lines = result.stderr.splitlines()
    assert lines[0].startswith("note: 3@225×225: the total stride is 32")
    assert lines[1].startswith("warning: 3@225×225: conv1 (Conv2d): input 225×225")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "listing"], "--format: several inputs are shown as tree, table, markdown"),
        (["-f", "html"], "--format: several inputs are shown as tree"),
        (["-c", "layer"], "--columns: several inputs side by side leave it out"),
        (["--explain"], "--explain: several inputs side by side leave it out"),
        (["--smallest"], "--input: --smallest takes one size; give --input once"),
    ],
    ids=["listing", "html", "columns", "explain", "smallest"],
)
def test_what_side_by_side_refuses(run: Run, args: list[str], message: str) -> None:
    result = run("resnet18", "-i", "224", "-i", "225", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {message}")


def test_output_file_follows_its_extension(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "sides.md"
    result = run("resnet18", "-i", "224", "-i", "320", "-d", "1", "-o", str(target), "-q")
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").startswith("**resnet18** · 3@224×224, 3@320×320\n")


def test_names_are_data(run: Run, write_spec: Callable[[str], Path]) -> None:
    path = write_spec(
        "input: [1, 8, 8]\nmodel:\n  children:\n    '[b]x|y*': {type: MaxPool2d, kernel_size: 2}\n"
    )
    markdown = run(str(path), "-i", "8", "-i", "16", "-f", "markdown").stdout
    assert "| \\[b\\]x\\|y\\* |" in markdown
    tree = run(str(path), "-i", "8", "-i", "16").stdout
    assert "└── [b]x|y*  MaxPool2d   1@4×4  1@8×8" in tree
