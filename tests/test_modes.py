"""No option is silently ignored: each mode and format takes what it uses, or refuses it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from shapecalc.cli import EXAMPLES

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["resnet18", "--list"],
            "--list: lists every built-in model: leave out MODEL",
            id="list-model",
        ),
        pytest.param(
            ["--list", "-i", "64"], "--input: --list does not use it; leave it out", id="list-input"
        ),
        pytest.param(
            ["--list", "--depth", "1"],
            "--depth: --list does not use it; leave it out",
            id="list-depth",
        ),
        pytest.param(
            ["resnet18", "--sweep", "1:9", "--depth", "1"],
            "--depth: --sweep does not use it; leave it out",
            id="sweep-depth",
        ),
        pytest.param(
            ["resnet18", "--sweep", "1:9", "--input", "64"],
            "--input: --sweep does not use it; leave it out",
            id="sweep-input",
        ),
        pytest.param(
            ["resnet18", "--sweep", "1:9", "--smallest"],
            "--smallest: --sweep does not use it; leave it out",
            id="two-modes",
        ),
        pytest.param(
            ["resnet18", "--smallest", "--explain"],
            "--explain: --smallest does not use it; leave it out",
            id="smallest-explain",
        ),
        pytest.param(
            ["resnet18", "--smallest", "--dtype", "int8"],
            "--dtype: --smallest does not use it; leave it out",
            id="smallest-dtype",
        ),
        pytest.param(
            ["resnet18", "--sweep", "1:9", "--format", "tree"],
            "--format: --sweep writes table, json, csv or markdown, not tree",
            id="sweep-tree",
        ),
        pytest.param(
            ["resnet18", "--smallest", "--format", "csv"],
            "--format: --smallest writes table or json, not csv",
            id="smallest-csv",
        ),
        pytest.param(
            ["--list", "--output", "models.svg"],
            "--output: --list writes table, json, csv or markdown, not svg",
            id="list-by-extension",
        ),
        pytest.param(
            ["resnet18", "--columns", "layer"],
            "--columns: the tree format has no columns; these use it: csv, dot, html, markdown, "
            "mermaid, svg, table",
            id="tree-columns",
        ),
        pytest.param(
            ["resnet18", "-f", "json", "--columns", "layer"],
            "--columns: the json format has no columns; these use it: csv, dot, html, markdown, "
            "mermaid, svg, table",
            id="json-columns",
        ),
        pytest.param(
            ["resnet18", "-f", "html", "--view", "tree", "--columns", "layer"],
            "--columns: the tree view has no columns; use --view table",
            id="tree-view-columns",
        ),
        pytest.param(
            ["resnet18", "-f", "markdown", "--view", "tree"],
            "--view: the markdown format has one view; these use it: html, svg",
            id="markdown-view",
        ),
        pytest.param(
            ["resnet18", "-f", "json", "--explain"],
            "--explain: the json format holds no arithmetic; these use it: csv, html, listing, "
            "markdown, svg, table, tree",
            id="json-explain",
        ),
        pytest.param(
            ["resnet18", "-f", "listing", "--dtype", "float16"],
            "--dtype: the listing format shows no bytes; these use it: csv, dot, html, json, "
            "markdown, mermaid, svg, table, tree",
            id="listing-dtype",
        ),
    ],
)
def test_an_option_that_would_change_nothing_is_refused(
    run: Run, args: list[str], message: str
) -> None:
    result = run(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["resnet18", "--dtype", "float32", "-f", "json"], id="default-dtype-named"),
        pytest.param(["resnet18", "--view", "table", "-f", "svg"], id="view-for-svg"),
        pytest.param(["resnet18", "-f", "csv", "-c", "path,macs", "-e", "-d", "1"], id="csv"),
        pytest.param(["resnet18", "-f", "listing", "-e", "-q"], id="listing"),
        pytest.param(["resnet18", "--smallest", "-i", "64"], id="smallest-input"),
    ],
)
def test_an_option_that_is_used_is_accepted(run: Run, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0, result.stderr


def test_a_sweep_in_every_format_it_writes(run: Run) -> None:
    table = run("resnet18", "--sweep", "223:225").stdout
    assert table.splitlines()[0].split()[:3] == ["input", "conv1", "maxpool"]
    records = list(
        csv.DictReader(io.StringIO(run("resnet18", "--sweep", "223:225", "-f", "csv").stdout))
    )
    assert [(record["input"], record["conv1"], record["status"]) for record in records] == [
        ("223", "112", "uneven: conv1"),
        ("224", "112", "clean"),
        (
            "225",
            "113",
            "uneven: conv1, maxpool, layer2.0.conv1, layer2.0.downsample.0, layer3.0.conv1, "
            "layer3.0.downsample.0, layer4.0.conv1, layer4.0.downsample.0",
        ),
    ]
    markdown = run("resnet18", "--sweep", "223:225", "-f", "markdown").stdout.splitlines()
    assert markdown[0].startswith("| input | conv1 | maxpool |")
    assert re.fullmatch(r"\| -+: \| :-+ (\| :-+ )*\|", markdown[1])
    assert markdown[3].startswith("|   224 | 112   | 56      |")
    assert len(json.loads(run("resnet18", "--sweep", "223:225", "-f", "json").stdout)) == 3


def test_the_smallest_input_as_json(run: Run) -> None:
    found = json.loads(run("resnet18", "--smallest", "-f", "json", "-i", "3x64x64").stdout)
    assert found == {
        "model": "resnet18",
        "input": [3, 64, 64],
        "height": 1,
        "width": 1,
        "square": 1,
        "searched_up_to": 392,
    }


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_the_list_in_every_format_it_writes(run: Run, fmt: str) -> None:
    text = run("--list", "-f", fmt).stdout
    if fmt == "json":
        models = json.loads(text)
        first = {"model": "alexnet", "input": [3, 224, 224], "params": 61100840, "macs": 714188480}
        assert {key: models[0][key] for key in first} == first
    elif fmt == "csv":
        records = list(csv.DictReader(io.StringIO(text)))
        assert (records[0]["model"], records[0]["params"]) == ("alexnet", "61100840")
    else:
        assert text.splitlines()[2].startswith("| alexnet ")


def test_a_txt_output_is_each_modes_plain_text(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "sweep.txt"
    result = run("resnet18", "--sweep", "224:225", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").splitlines()[0].startswith("input  conv1")


def examples() -> list[list[str]]:
    lines = [line.strip().split("  ")[0] for line in EXAMPLES.splitlines() if "shapecalc " in line]
    return [line.split()[1:] for line in lines]


@pytest.mark.parametrize("args", examples(), ids=" ".join)
def test_every_help_example_runs_as_shown(
    args: list[str], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("my_net.yaml").write_text(  # the reader's own spec, which the example names
        "input: [3, 32, 32]\nmodel: [{type: Conv2d, out_channels: 8, kernel_size: 3}]\n",
        encoding="utf-8",
    )
    result = run(*args)
    assert (result.exit_code, result.stderr.startswith("error")) == (0, False), result.stderr
