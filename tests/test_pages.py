"""The model pages in docs/models are what `python -m shapecalc.pages` makes now."""

from __future__ import annotations

from pathlib import Path

import pytest

from shapecalc import catalog
from shapecalc.formats import Format
from shapecalc.formats import models as listing
from shapecalc.pages import FOLDER, SHOWN, main, pages

ROOT = Path(__file__).resolve().parent.parent
MADE = pages()  # once: every page of 128 models, each with its diagram


@pytest.mark.parametrize(("file_name", "text"), sorted(MADE.items()))
def test_committed_pages_are_fresh(file_name: str, text: str) -> None:
    committed = ROOT / FOLDER / file_name
    assert committed.exists(), f"{committed} is missing: run python -m shapecalc.pages"
    assert committed.read_text(encoding="utf-8") == text, (
        f"{committed} is stale: run python -m shapecalc.pages"
    )


def test_every_builtin_model_has_a_page() -> None:
    made = MADE
    pictures = {f"{name}.svg" for name in SHOWN}
    assert (
        set(made) == {f"{name}.md" for name in catalog.builtin_names()} | {"README.md"} | pictures
    )
    assert "[resnet18](resnet18.md)" in made["README.md"]


def test_page_content() -> None:
    page = MADE["resnet18.md"]
    assert page.startswith("# resnet18\n\nResNet-18 (torchvision)")
    assert "Made by `shapecalc resnet18 --format markdown`" in page
    assert "| conv1          | Conv2d            | 7 s2 p3 | 64@112×112 |" in page
    assert (
        "- **memory**: input 0.60 + activations 26.90 + params 46.76 = 74.26 MB "
        "(float32; 1 MB = 10^6 B)\n"
        "- **torchinfo**: 87.11 MB: outputs of layers with weights, twice (39.75), in place "
        "of activations\n\n## Data flow\n\n`shapecalc resnet18 --depth 2 --format mermaid`"
    ) in page
    assert page.endswith("  class n16 output\n```\n")


def test_main_writes_every_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(tmp_path)])
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(MADE)
    assert f"wrote {tmp_path / 'resnet18.md'}" in capsys.readouterr().out


def test_committed_index_is_fresh() -> None:
    committed = Path(catalog.builtin_dir()) / listing.INDEX
    assert committed.read_text(encoding="utf-8") == listing.index_text(), (
        f"{committed} is stale: run python -m shapecalc.pages"
    )


def test_list_reads_the_index_and_works_out_figures_when_a_spec_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    indexed = listing.entries()
    assert indexed == listing.computed()
    monkeypatch.setattr(listing, "computed", lambda: [("changed", (1,), 0, 0, "", {})])
    assert listing.entries() == indexed  # from the index: nothing recomputed
    monkeypatch.setattr(listing, "checksum", lambda: -1)
    assert listing.entries() == [("changed", (1,), 0, 0, "", {})]


def test_the_list_names_the_parameters_under_its_rows() -> None:
    # torchvision's take num_classes and in_channels, Ultralytics' configs scale and nc
    assert listing.render().endswith(
        "\n`shapecalc info MODEL` shows a model's parameters; some also take dropout,\n"
        "image_size, in_channels, input_size, layer_scale, nc, num_classes,\n"
        "round_nearest, scale, stochastic_depth_prob, width_mult.\n"
    )
    assert "Every model" not in listing.render(Format.CSV)


@pytest.mark.parametrize(
    ("declared", "note"),
    [
        ([], ""),
        ([{}, {}], ""),
        (
            [{"a": 1}, {"a": 2, "b": 3}],
            "\nEvery model takes --set a. `shapecalc info MODEL` shows "
            "a model's parameters;\nsome also take b.\n",
        ),
        (
            [{"a": 1}, {"b": 3}],
            "\n`shapecalc info MODEL` shows a model's parameters; some also take a, b.\n",
        ),
    ],
    ids=["none", "empty", "common-and-some", "none-common"],
)
def test_parameters_note(declared: list[dict[str, object]], note: str) -> None:
    assert listing.parameters_note(declared) == note


def test_the_json_list_gives_each_models_parameters_with_defaults() -> None:
    import json

    models = {item["model"]: item["parameters"] for item in json.loads(listing.render(Format.JSON))}
    assert models["mobilenet_v2"] == {
        "num_classes": 1000,
        "width_mult": 1.0,
        "round_nearest": 8,
        "dropout": 0.2,
        "in_channels": 3,
    }
    assert models["yolov8n"] == {"scale": "n", "nc": 80}
    torchvision = [models[name] for name in models if name not in catalog.ultralytics_configs()]
    assert all("num_classes" in parameters for parameters in torchvision)
    # every built-in's first layer takes 3 channels, as torchvision's, unless set otherwise
    assert all(parameters["in_channels"] == 3 for parameters in torchvision)
