"""Record what PyTorch itself says, as test data for shapecalc's tests.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/tv/bin/python tools/record_torch.py

It writes tests/data/torch_resnet18.json (every module's path, type, output shape and
parameter count for torchvision's resnet18 at many input sizes) and
tests/data/torch_windows.json (the output height of conv2d, max_pool2d and avg_pool2d over
a grid of sizes and arguments, or which error PyTorch raises: "padding" or "too small").
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import torch
import torchvision
from torch import nn
from torch.nn import functional

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

# (H, W) sizes: square and not, tiny, odd, and huge (run on the meta device: shapes only).
RESNET18_SIZES = [
    (224, 224),
    (1, 1),
    (1, 500),
    (500, 1),
    (2, 3),
    (7, 9),
    (31, 33),
    (32, 32),
    (63, 64),
    (97, 131),
    (225, 225),
    (256, 192),
    (299, 299),
    (513, 513),
    (1000, 37),
]
RESNET18_HUGE = [(4096, 8192), (100_000, 3), (1_000_000_000, 1)]
WINDOW_GRID = {
    "size": range(1, 11),
    "kernel": range(1, 6),
    "stride": range(1, 5),
    "padding": range(3),
    "dilation": range(1, 4),
    "ceil_mode": (False, True),
}


def versions() -> dict[str, str]:
    return {
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "python": sys.version.split()[0],
        "script": "tools/record_torch.py",
    }


def module_rows(model: nn.Module, size: tuple[int, int], device: str) -> list[dict[str, Any]]:
    """Run one forward pass and return each module's output shape, without the batch."""
    shapes: dict[str, list[int]] = {}
    hooks = [
        module.register_forward_hook(
            lambda _m, _i, out, path=path: shapes.__setitem__(path, list(out.shape[1:]))
        )
        for path, module in model.named_modules()
        if path
    ]
    with torch.no_grad():
        model(torch.zeros(1, 3, *size, device=device))
    for hook in hooks:
        hook.remove()
    return [
        {
            "path": path,
            "type": type(module).__name__,
            "shape": shapes[path],
            "params": sum(p.numel() for p in module.parameters()),
        }
        for path, module in model.named_modules()
        if path
    ]


def record_resnet18() -> dict[str, Any]:
    cases = []
    model = torchvision.models.resnet18(weights=None).eval()
    for size in RESNET18_SIZES:
        cases.append({"input": [3, *size], "rows": module_rows(model, size, "cpu")})
    meta = torchvision.models.resnet18(weights=None).eval().to("meta")
    for size in RESNET18_HUGE:
        cases.append({"input": [3, *size], "rows": module_rows(meta, size, "meta")})
    return {"recorded_with": versions(), "model": "resnet18", "cases": cases}


def window_size(op: str, case: dict[str, Any]) -> int | str:
    """Return PyTorch's output height for one H-axis case, or the kind of error it raises."""
    x = torch.zeros(1, 1, case["size"], 1)
    k, s, p, d = case["kernel"], case["stride"], case["padding"], case["dilation"]
    try:
        if op == "conv2d":
            out = functional.conv2d(
                x, torch.zeros(1, 1, k, 1), stride=(s, 1), padding=(p, 0), dilation=(d, 1)
            )
        elif op == "max_pool2d":
            out = functional.max_pool2d(
                x, (k, 1), (s, 1), (p, 0), (d, 1), ceil_mode=case["ceil_mode"]
            )
        else:
            out = functional.avg_pool2d(x, (k, 1), (s, 1), (p, 0), ceil_mode=case["ceil_mode"])
    except RuntimeError as error:
        message = str(error)
        if "pad should be" in message:
            return "padding"
        if "too small" in message or "can't be greater" in message:
            return "too small"
        raise
    return int(out.shape[2])


def record_windows() -> dict[str, Any]:
    keys = list(WINDOW_GRID)
    cases: list[list[Any]] = []
    for values in itertools.product(*WINDOW_GRID.values()):
        case = dict(zip(keys, values, strict=True))
        for op in ("conv2d", "max_pool2d", "avg_pool2d"):
            if op == "conv2d" and case["ceil_mode"]:
                continue
            if op == "avg_pool2d" and case["dilation"] != 1:
                continue
            cases.append([op, *values, window_size(op, case)])
    return {
        "recorded_with": versions(),
        "columns": ["op", *keys, "output"],
        "cases": cases,
    }


def write(name: str, data: dict[str, Any]) -> None:
    path = DATA / name
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(DATA.parent.parent)} ({path.stat().st_size:,} bytes)")


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    write("torch_resnet18.json", record_resnet18())
    write("torch_windows.json", record_windows())


if __name__ == "__main__":
    main()
