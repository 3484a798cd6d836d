"""Record what torch.export says of the dynamic shapes `--format dynamic` declares.

For each model, the very snippet `shapecalc MODEL --input HxW --format dynamic` writes is
run to make `dynamic_shapes`; the model must export with them and the exported program run
at the smallest sizes they declare, and the same declaration one step lower (each minimum
less one, or one multiple less) must fail. Run in an environment with torch, torchvision
and shapecalc:

    python tools/record_export.py            # writes tests/data/torch_export.json

tests/test_dynamic.py holds what shapecalc declares today to what this recorded.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch.export import Dim, export

import shapecalc

MODELS = ["resnet18", "vgg11", "alexnet", "squeezenet1_1", "mobilenet_v2", "regnet_y_400mf"]
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "torch_export.json"


def declared(name: str) -> tuple[str, dict[int, Any], Any]:
    """Return the snippet shapecalc writes, and the `dynamic_shapes` and example it makes."""
    code = shapecalc.render(shapecalc.infer(name, "HxW"), "dynamic")
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # shapecalc's own output, run as a user would
    return code, namespace["dynamic_shapes"]["x"], namespace["example"]


def smallest(dim: Any) -> int:
    """Return a Dim's smallest size: its minimum, or a derived Dim's of its root's."""
    return int(dim.fn(dim.root.min)) if hasattr(dim, "root") else int(dim.min)


def lowered(dim: Any) -> Any:
    """Return the Dim one step lower: its minimum less one, of its root for a derived one."""
    if hasattr(dim, "root"):
        return dim.fn(Dim(dim.root.__name__, min=dim.root.min - 1))
    return Dim(dim.__name__, min=dim.min - 1)


def exports(name: str, dims: dict[int, Any], example: Any) -> str | None:
    """Return None if the model exports with these dims and runs at their smallest sizes."""
    model = getattr(torchvision.models, name)(weights=None).eval()
    low = [smallest(dims[axis]) for axis in (2, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            program = export(model, (example,), dynamic_shapes={"x": dims})
            with torch.no_grad():
                program.module()(torch.randn(1, 3, *low))
        except Exception as error:  # what torch says is the record
            return f"{type(error).__name__}: {str(error).strip().splitlines()[0][:300]}"
    return None


def record(name: str) -> dict[str, object]:
    code, dims, example = declared(name)
    lower = {axis: lowered(dim) for axis, dim in dims.items()}
    return {
        "declared": code,
        "smallest": [smallest(dims[axis]) for axis in (2, 3)],
        "exports": exports(name, dims, example),
        "one_less": exports(name, lower, example),
    }


def main() -> int:
    records = {}
    for name in sys.argv[1:] or MODELS:
        records[name] = record(name)
        print(name, {key: value for key, value in records[name].items() if key != "declared"})
    OUT.write_text(json.dumps(records, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
