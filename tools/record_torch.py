"""Record what PyTorch itself says, as test data for shapecalc's tests.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/tv/bin/python tools/record_torch.py [constructs] [per_use] [resnet18] [windows] [zoo]

It writes tests/data/torch_zoo.json (for every model of the zoo, each module's path, type
and parameters, and at each of several sizes its output shape and MACs, or the module
running when PyTorch raised and its message), tests/data/torch_constructs.json (the same
for tests/specs/constructs.yaml, with each axis's largest field and step measured over
every output position),
tests/data/torch_per_use.json (the same for tests/specs/per_use.yaml at two sizes),
tests/data/torch_resnet18.json (every module's path, type, output shape and
parameter count for torchvision's resnet18 at many input sizes) and
tests/data/torch_windows.json (the output height of conv2d, max_pool2d and avg_pool2d over
a grid of sizes and arguments, or which error PyTorch raises: "padding" or "too small").
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import OrderedDict
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
# Large enough that the centre element's finite fields (up to 435) fit inside the input.
FIELD_SIZES = [(640, 640), (576, 704)]
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


def leaf_macs(module: nn.Module, before: torch.Tensor, after: torch.Tensor) -> int:
    """MACs by the convention behind torchvision's GFLOPS, from the real shapes."""
    if isinstance(module, nn.Conv2d):
        taps = module.kernel_size[0] * module.kernel_size[1]
        return int(after[0].numel() * (before.shape[1] // module.groups) * taps)
    if isinstance(module, nn.Linear):
        return int(after[0].numel() * before.shape[-1])
    return 0


def module_rows(model: nn.Module, size: tuple[int, int], device: str) -> list[dict[str, Any]]:
    """Run one forward pass; return each module's output shape (no batch), params and MACs.

    A module that runs twice is recorded where it first runs.
    """
    shapes: dict[str, list[int]] = {}
    macs: dict[str, int] = {}

    def hook(path: str) -> Any:
        def record(module: nn.Module, inputs: tuple[torch.Tensor], out: torch.Tensor) -> None:
            shapes.setdefault(path, list(out.shape[1:]))
            macs.setdefault(path, leaf_macs(module, inputs[0], out))

        return record

    modules = [(path, module) for path, module in model.named_modules() if path]
    hooks = [module.register_forward_hook(hook(path)) for path, module in modules]
    with torch.no_grad():
        model(torch.zeros(1, 3, *size, device=device))
    for handle in hooks:
        handle.remove()
    return [
        {
            "path": path,
            "type": type(module).__name__,
            "shape": shapes[path],
            "params": sum(p.numel() for p in module.parameters()),
            "macs": sum(
                macs[f"{path}.{sub}" if sub else path] for sub, _ in module.named_modules()
            ),
        }
        for path, module in modules
    ]


def positive_copy(model: nn.Module) -> nn.Module:
    """Make every path from input to output carry a positive gradient.

    Weights become 1/fan-in, biases 0, batch norms the identity, and max-pools average-pools
    of the same geometry, so that the gradient of one output element is non-zero exactly on
    the input positions that element depends on.
    """
    for name, module in list(model.named_children()):
        if isinstance(module, nn.MaxPool2d):
            setattr(
                model,
                name,
                nn.AvgPool2d(module.kernel_size, module.stride, module.padding, module.ceil_mode),
            )
        else:
            positive_copy(module)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.constant_(module.weight, 1.0 / module.weight[0].numel())
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
            module.running_mean.zero_()
            module.running_var.fill_(1.0)
    return model.double().eval()


def support(grad: torch.Tensor, axis: int) -> tuple[int, int]:
    """Return the first and last position along `axis` (2: H, 3: W) where `grad` is non-zero."""
    other = tuple(dim for dim in range(grad.dim()) if dim != axis)
    nonzero = ((grad != 0).sum(dim=other) > 0).nonzero().flatten()
    return int(nonzero[0]), int(nonzero[-1])


def measured_fields(size: tuple[int, int]) -> list[dict[str, Any]]:
    """Measure each module's receptive field and effective stride from input gradients.

    A module that runs twice (BasicBlock's relu) is measured where it first runs, which is
    where its row stands. Sample 0 of a batch of two takes the gradient of the centre output
    position (all channels) alone;
    sample 1 of the centre element plus its next neighbour along H and along W, so that
    the union's growth is the stride. An axis whose field is the whole input is null.
    Fields are measured at sizes where the centre element's finite field fits inside.
    """
    model = positive_copy(torchvision.models.resnet18(weights=None))
    outputs: dict[str, torch.Tensor] = {}
    modules = [(path, module) for path, module in model.named_modules() if path]

    def hook(path: str) -> Any:
        def keep(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
            outputs.setdefault(path, out)  # returning it would replace later calls' outputs

        return keep

    for path, module in modules:
        module.register_forward_hook(hook(path))
    x = torch.ones(2, 3, *size, dtype=torch.float64, requires_grad=True)
    model(x)
    rows = []
    for path, _module in modules:
        out = outputs[path]
        if out.dim() == 4:
            h, w = out.shape[2] // 2, out.shape[3] // 2
            target = out[0, :, h, w].sum() + out[1, :, h, w].sum()
            if out.shape[2] > h + 1 and out.shape[3] > w + 1:
                target = target + out[1, :, h + 1, w].sum() + out[1, :, h, w + 1].sum()
        else:
            target = out[0].sum() + out[1].sum()
        (grad,) = torch.autograd.grad(target, x, retain_graph=True)
        fields: list[int | None] = []
        strides: list[int | None] = []
        for axis, extent in ((2, size[0]), (3, size[1])):
            first, last = support(grad[0:1], axis)
            if first == 0 and last == extent - 1:
                fields.append(None)
                strides.append(None)
                continue
            pair_first, pair_last = support(grad[1:2], axis)
            fields.append(last - first + 1)
            strides.append((pair_last - pair_first) - (last - first))
        rows.append(
            {
                "path": path,
                "receptive_field": fields,
                "effective_stride": strides,
            }
        )
    return rows


class Constructs(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/constructs.yaml: every kind of arithmetic in one network."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, (3, 5), stride=(1, 2), padding=(2, 1), dilation=(2, 1))
        self.pool = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.branch_a = nn.Conv2d(8, 4, 1)
        self.branch_b = nn.Sequential(nn.Conv2d(8, 4, 3, padding=1), nn.ReLU())
        self.avg = nn.AvgPool2d(2, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        self.same = nn.Conv2d(8, 8, 4, padding="same", dilation=2)
        self.adapt = nn.AdaptiveAvgPool2d((10, 7))
        self.head = nn.Linear(7, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.stem(x))
        x = torch.cat([self.branch_a(x), self.branch_b(x)], 1)
        return self.head(self.adapt(self.same(self.avg(x))))


CONSTRUCTS_SIZE = (160, 208)


def axis_fields(
    model: nn.Module, path: str, size: tuple[int, int]
) -> tuple[list[int | None], list[int | None]]:
    """Measure, along H and W, the largest field of `path`'s outputs and the largest step
    between the fields of neighbouring outputs whose fields both stay inside the input.

    One sample per output position along the centre column (for H) and row (for W), in
    one batch, all channels together (a concatenation's field is its largest branch's);
    an axis on which every output sees the whole input is null.
    """
    probe: dict[str, torch.Tensor] = {}

    def keep(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        probe["out"] = out

    handle = dict(model.named_modules())[path].register_forward_hook(keep)
    try:
        model(torch.ones(1, 3, *size, dtype=torch.float64))
        height, width = probe["out"].shape[2], probe["out"].shape[3]
        positions = [(h, width // 2) for h in range(height)]
        positions += [(height // 2, w) for w in range(width)]
        x = torch.ones(len(positions), 3, *size, dtype=torch.float64, requires_grad=True)
        model(x)
        out = probe["out"]
        target = sum(out[n, :, h, w].sum() for n, (h, w) in enumerate(positions))
        (grad,) = torch.autograd.grad(target, x)
    finally:
        handle.remove()
    fields: list[int | None] = []
    steps: list[int | None] = []
    for axis, count, offset in ((0, height, 0), (1, width, height)):
        spans = [support(grad[n : n + 1], 2 + axis) for n in range(offset, offset + count)]
        extent = size[axis]
        if all(span == (0, extent - 1) for span in spans):
            fields.append(None)
            steps.append(None)
            continue
        fields.append(max(last - first + 1 for first, last in spans))
        inside = [first if first > 0 and last < extent - 1 else None for first, last in spans]
        steps.append(max(b - a for a, b in itertools.pairwise(inside) if a and b))
    return fields, steps


class PerUse(nn.Module):  # type: ignore[misc]
    """The twin of tests/specs/per_use.yaml: each use of a block is its own module."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Sequential(nn.MaxPool2d(2))
        self.b = nn.Sequential(nn.AvgPool2d(2))
        self.c = self.named(1, 3, 8, "out")
        self.d = self.named(2, 8, 16, "end")
        self.e = nn.Sequential(nn.Identity())
        self.f = nn.Sequential(nn.Flatten())

    @staticmethod
    def named(stage: int, channels: int, width: int, tail: str) -> nn.Sequential:
        conv = nn.Conv2d(channels, width, 3, padding=1)
        layers = {f"block{stage}": conv, f"act{stage * 10}": nn.ReLU(), tail: nn.Identity()}
        return nn.Sequential(OrderedDict(layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for child in (self.a, self.b, self.c, self.d, self.e, self.f):
            x = child(x)
        return x


PER_USE_SIZES = [(12, 12), (9, 14)]


def record_per_use() -> dict[str, Any]:
    model = PerUse().eval()
    cases = [
        {"input": [3, *size], "rows": module_rows(model, size, "cpu")} for size in PER_USE_SIZES
    ]
    return {"recorded_with": versions(), "model": "per_use", "cases": cases}


def record_constructs() -> dict[str, Any]:
    model = Constructs().eval()
    rows = module_rows(model, CONSTRUCTS_SIZE, "cpu")
    measured = positive_copy(Constructs())
    for row in rows:
        fields, steps = axis_fields(measured, row["path"], CONSTRUCTS_SIZE)
        row["receptive_field"], row["effective_stride"] = fields, steps
    return {
        "recorded_with": versions(),
        "model": "constructs",
        "input": [3, *CONSTRUCTS_SIZE],
        "rows": rows,
    }


def record_resnet18() -> dict[str, Any]:
    cases = []
    model = torchvision.models.resnet18(weights=None).eval()
    for size in RESNET18_SIZES:
        cases.append({"input": [3, *size], "rows": module_rows(model, size, "cpu")})
    meta = torchvision.models.resnet18(weights=None).eval().to("meta")
    for size in RESNET18_HUGE:
        cases.append({"input": [3, *size], "rows": module_rows(meta, size, "meta")})
    fields = [{"input": [3, *size], "rows": measured_fields(size)} for size in FIELD_SIZES]
    return {"recorded_with": versions(), "model": "resnet18", "cases": cases, "fields": fields}


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


# torchvision's builders and their arguments, by the name of the built-in spec.
ZOO: dict[str, tuple[str, dict[str, Any]]] = {
    name: (name, {})
    for name in (
        "resnet18",
        "resnet34",
        "resnet50",
        "resnet101",
        "resnet152",
        "resnext50_32x4d",
        "wide_resnet50_2",
        "vgg11",
        "vgg16",
        "vgg16_bn",
        "alexnet",
        "squeezenet1_0",
        "squeezenet1_1",
        "densenet121",
        "mobilenet_v2",
    )
} | {"googlenet": ("googlenet", {"aux_logits": False, "init_weights": True})}
ZOO_SIZES = [(224, 224), (97, 131), (256, 192), (33, 33), (1, 1)]


def failure(model: nn.Module, size: tuple[int, int]) -> dict[str, str] | None:
    """Run the model; return the module running when PyTorch raised, and what it said."""
    running: list[str] = []

    def enter(path: str) -> Any:
        def note(_module: nn.Module, _inputs: Any) -> None:
            running.append(path)

        return note

    handles = [
        module.register_forward_pre_hook(enter(path))
        for path, module in model.named_modules()
        if path and not list(module.children())
    ]
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, *size))
    except RuntimeError as error:
        return {"path": running[-1], "error": str(error).splitlines()[0]}
    finally:
        for handle in handles:
            handle.remove()
    return None


def record_zoo() -> dict[str, Any]:
    """Every module's path, type, params, and at each size its shape and MACs, or the error."""
    models: dict[str, Any] = {}
    for name, (builder, kwargs) in ZOO.items():
        model = getattr(torchvision.models, builder)(weights=None, **kwargs).eval()
        sizes: dict[str, Any] = {}
        for size in ZOO_SIZES:
            key = f"{size[0]}x{size[1]}"
            failed = failure(model, size)
            if failed:
                sizes[key] = failed
                continue
            rows = module_rows(model, size, "cpu")
            sizes[key] = {
                "shapes": [row["shape"] for row in rows],
                "macs": [row["macs"] for row in rows],
            }
        modules = list(model.named_modules())[1:]
        models[name] = {
            "paths": [path for path, _ in modules],
            "types": [type(module).__name__ for _, module in modules],
            "params": [sum(p.numel() for p in module.parameters()) for _, module in modules],
            "total_params": sum(p.numel() for p in model.parameters()),
            "sizes": sizes,
        }
        print(f"recorded {name}")
    return {"recorded_with": versions(), "models": models}


RECORDS = {
    "constructs": ("torch_constructs.json", record_constructs),
    "per_use": ("torch_per_use.json", record_per_use),
    "resnet18": ("torch_resnet18.json", record_resnet18),
    "windows": ("torch_windows.json", record_windows),
    "zoo": ("torch_zoo.json", record_zoo),
}


def main() -> None:
    """Record what the arguments name (constructs, per_use, resnet18, windows, zoo), else all."""
    DATA.mkdir(parents=True, exist_ok=True)
    for record in sys.argv[1:] or RECORDS:
        file_name, make = RECORDS[record]
        write(file_name, make())


if __name__ == "__main__":
    main()
