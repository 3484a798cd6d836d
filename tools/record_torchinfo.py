"""Record torchinfo's memory figures for built-in models, to check shapecalc's against.

Run where torch, torchvision and torchinfo are installed (never dependencies of shapecalc):

    /tmp/tv/bin/pip install torchinfo
    /tmp/tv/bin/python tools/record_torchinfo.py [NAMES]

It writes tests/data/torchinfo_memory.json: per model, torchinfo.summary's input size, its
"forward/backward pass size" (total_output_bytes), its parameter bytes and mult-adds, at
batch 1 and the spec's default input size; and for a few models the same at batch 8 (keyed
`resnet18@8`, with FlopCounterMode's count ÷ 2 beside the mult-adds), which shapecalc's
--batch must scale to. NAMES (`resnet18`, `resnet18@8`) records only those, keeping the rest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torch
import torchinfo
import torchvision
from torch.utils.flop_counter import FlopCounterMode

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
BATCH = 8
BATCHED = ["resnet18", "densenet121", "mobilenet_v3_small"]  # also recorded at BATCH


def record(key: str) -> dict[str, Any]:
    """Return torchinfo's figures for one torchvision model, built without weights.

    `key` is the model's name, with `@N` after it for a batch of N.
    """
    name, _, batch_text = key.partition("@")
    batch = int(batch_text or 1)
    model = getattr(torchvision.models, name)(weights=None).eval()
    size = 299 if name == "inception_v3" else 224
    summary = torchinfo.summary(model, input_size=(batch, 3, size, size), verbose=0)
    figures = {
        "model": name,
        "batch": batch,
        "input": [3, size, size],
        "input_bytes": summary.total_input,
        "forward_backward_bytes": summary.total_output_bytes,
        "param_bytes": summary.total_param_bytes,
        "mult_adds": summary.total_mult_adds,
        "torchinfo": torchinfo.__version__,
    }
    if batch > 1:
        counter = FlopCounterMode(display=False)
        with counter, torch.no_grad():
            model(torch.zeros(batch, 3, size, size))
        figures["flop_counter_macs"] = counter.get_total_flops() // 2
    return figures


def main() -> None:
    keys = sys.argv[1:] or [*MODELS, *(f"{name}@{BATCH}" for name in BATCHED)]
    records = json.loads(TARGET.read_text(encoding="utf-8")) if sys.argv[1:] else {}
    records.update({key: record(key) for key in keys})
    TARGET.write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
