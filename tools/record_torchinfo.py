"""Record torchinfo's memory figures for built-in models, to check shapecalc's against.

Run where torch, torchvision and torchinfo are installed (never dependencies of shapecalc):

    /tmp/tv/bin/pip install torchinfo
    /tmp/tv/bin/python tools/record_torchinfo.py [NAMES]

It writes tests/data/torchinfo_memory.json: per model, torchinfo.summary's input size, its
"forward/backward pass size" (total_output_bytes), its parameter bytes and mult-adds, at
batch 1 and the spec's default input size.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torchinfo
import torchvision

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "data" / "torchinfo_memory.json"
MODELS = [
    "resnet18",
    "densenet121",
    "mobilenet_v3_small",
    "efficientnet_b0",
    "convnext_tiny",
    "vgg11",
    "squeezenet1_0",
    "regnet_y_400mf",
    "shufflenet_v2_x0_5",
    "mnasnet0_5",
    "inception_v3",
]


def record(name: str) -> dict[str, Any]:
    """Return torchinfo's figures for one torchvision model, built without weights."""
    model = getattr(torchvision.models, name)(weights=None).eval()
    size = 299 if name == "inception_v3" else 224
    summary = torchinfo.summary(model, input_size=(1, 3, size, size), verbose=0)
    return {
        "input": [3, size, size],
        "input_bytes": summary.total_input,
        "forward_backward_bytes": summary.total_output_bytes,
        "param_bytes": summary.total_param_bytes,
        "mult_adds": summary.total_mult_adds,
        "torchinfo": torchinfo.__version__,
    }


def main() -> None:
    names = sys.argv[1:] or MODELS
    TARGET.write_text(
        json.dumps({name: record(name) for name in names}, indent=1) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
