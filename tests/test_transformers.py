"""torchvision's vision transformers as recorded by tools/record_transformers.py (issue 18).

The recording is first held to what torchvision publishes, then the specs to the recording,
row by row, at every size it took or refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_zoo import assert_rows

from shapecalc import catalog
from shapecalc.engine import infer
from shapecalc.errors import ShapeError, SpecError
from shapecalc.shape import Shape

DATA = Path(__file__).resolve().parent / "data" / "transformers"
RECORDED = {
    path.stem: json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA.glob("*.json"))
}
# Each model's MACs for a batch, by tools/record_transformers.py --batches.
BATCHED = json.loads((DATA.parent / "transformers_batch.json").read_text(encoding="utf-8"))
MODELS = ["vit_b_16", "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14", "swin_t", "swin_s",
          "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b", "maxvit_t"]  # fmt: skip


def builds(record: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Return the sizes whose build's weights publish figures: the default build at its
    default size, and each other build (`384x384 image_size=384`) whose record has its own."""
    default = "x".join(map(str, record["default"]))
    found = [(default, record["sizes"][default], record["published"])]
    for key, size in record["sizes"].items():
        if " " in key and "published" in size and "shapes" in size:
            found.append((key, size, size["published"]))
    return found


def test_every_model_of_the_issue_is_recorded() -> None:
    assert sorted(RECORDED) == sorted(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_the_recording_reproduces_the_published_figures(name: str) -> None:
    """Parameters exactly; GMACs (FlopCounterMode ÷ 2, attention counted) to their precision."""
    for key, size, published in builds(RECORDED[name]):
        params = size.get("total_params", RECORDED[name]["total_params"])
        assert params == published["num_params"], key
        places = len(repr(published["gmacs"]).partition(".")[2])
        assert round(size["total_macs"] / 1e9, places) == published["gmacs"], key


@pytest.mark.parametrize("name", MODELS)
def test_every_size_ran_or_says_where_it_was_refused(name: str) -> None:
    record = RECORDED[name]
    count = len(record["paths"])
    for key, size in record["sizes"].items():
        if "shapes" in size:
            assert len(size["shapes"]) == len(size["macs"]) == count == len(size["attention_macs"])
            assert 0 < size["total_attention_macs"] < size["total_macs"], key
        else:
            assert {"path", "exception", "error"} <= set(size), key
    assert any("error" in size for size in record["sizes"].values()), "a size it refuses"


CASES = [(name, key) for name in MODELS for key in RECORDED[name]["sizes"]]


def case_id(value: object) -> str:
    return str(value).replace(" ", "-").replace(", ", "x")


@pytest.mark.parametrize(("name", "key"), CASES, ids=case_id)
def test_matches_torchvision(name: str, key: str) -> None:
    """Every row at every size torchvision takes, built as recorded (`image_size=384`,
    `input_size=(448, 448)`); each size it refuses refused in the module PyTorch was running
    (or in work of its forward()), and each build it refuses refused as the spec loads."""
    record, size = RECORDED[name], RECORDED[name]["sizes"][key]
    shape = Shape((3, *(int(part) for part in key.split(" ", maxsplit=1)[0].split("x"))))
    values = size.get("kwargs", {})
    if "error" in size and size["path"] is None:  # refused by the constructor
        with pytest.raises(SpecError, match="is not a multiple of"):
            catalog.load(name, values)
        return
    model = catalog.load(name, values)
    if "error" in size:
        with pytest.raises(ShapeError) as refused:
            infer(model, shape)
        assert refused.value.path == size["path"] or refused.value.path.startswith(
            f"{size['path']}." if size["path"] else ""
        )
        return
    result = infer(model, shape)
    assert_rows(result, {**record, **size}, size)
    assert result.total_macs == size["total_macs"]
    # the attention's matrix products, counted apart by the recording's hooks
    assert [row.attention_macs for row in result.rows] == size["attention_macs"]
    assert result.attention_macs == size["total_attention_macs"]


@pytest.mark.parametrize("name", MODELS)
def test_the_specs_reproduce_the_published_figures(name: str) -> None:
    """Parameters exactly, GMACs to their printed places, for each build with weights."""
    for key, size, published in builds(RECORDED[name]):
        model = catalog.load(name, size.get("kwargs", {}))
        result = infer(model, Shape((3, *map(int, key.split(" ")[0].split("x")))), fields=False)
        assert result.total_params == published["num_params"], key
        places = len(repr(published["gmacs"]).partition(".")[2])
        assert round(result.total_macs / 1e9, places) == published["gmacs"], key


@pytest.mark.parametrize(
    ("name", "size", "built"),
    [("vit_b_16", 225, 224), ("vit_b_16", 224, 384), ("vit_l_32", 256, 224)],
    ids=case_id,
)
def test_vit_refuses_any_size_but_its_own(name: str, size: int, built: int) -> None:
    model = catalog.load(name, {"image_size": built})
    with pytest.raises(ShapeError, match=f"the input must be {built}×{built}, the size the model"):
        infer(model, Shape((3, size, size)))


@pytest.mark.parametrize("name", MODELS)
def test_a_batch_multiplies_the_macs_but_those_of_work_on_buffers(name: str) -> None:
    """Swin V2's cpb_mlp runs on its relative_coords_table, once a pass whatever the batch."""
    recorded = BATCHED["models"][name]
    result = infer(catalog.load(name), Shape((3, *recorded["size"])), fields=False)
    assert result.batch_macs(BATCHED["batch"]) == recorded["total_macs"]
    assert (result.unbatched_macs > 0) is name.startswith("swin_v2")
