"""Record what PyTorch itself says, as test data for shapecalc's tests.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.14.1 torchvision==0.29.1
    /tmp/tv/bin/python tools/record_torch.py [constructs] [per_use] [resnet18] [windows]
        [constructs_nd] [examples] [r3d_18]

(tools/record_zoo.py records the built-in models.) It writes tests/data/torch_constructs.json
(for tests/specs/constructs.yaml, each module's path, type and parameters, and at each of
several sizes its output shape and MACs, or the module running when PyTorch raised and its
message, with each axis's largest field and step measured over every output position),
tests/data/torch_per_use.json (the same for tests/specs/per_use.yaml at two sizes),
tests/data/torch_resnet18.json (every module's path, type, output shape and
parameter count for torchvision's resnet18 at many input sizes),
tests/data/torch_windows.json (the output height of conv2d, max_pool2d and avg_pool2d over
a grid of sizes and arguments, or which error PyTorch raises: "padding" or "too small"),
and, for specs of any rank and their twins below (tests/specs/constructs_{1d,2d,3d}.yaml;
examples/audio_1d, volume_3d, decoder and unet; torchvision's r3d_18), at several input
shapes each module's row, or where PyTorch refused the input the leaf that was running,
and at some shapes each module's fields along every axis: tests/data/torch_constructs_nd.json,
tests/data/torch_examples.json and tests/data/torch_r3d_18.json.

MACs are FlopCounterMode's count ÷ 2 for each leaf module, which is the convention behind
torchvision's published GFLOPS.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import torch
import torchvision
from torch import nn
from torch.nn import functional
from torch.utils.flop_counter import FlopCounterMode
from twins import (  # the twins, beside this script
    Constructs,
    Constructs1d,
    Constructs2d,
    Constructs3d,
    FeatureExtractor,
    Generator,
    PerUse,
    UNet,
    UNet3d,
)

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


def leaf_macs(counter: FlopCounterMode, start: int) -> int:
    """MACs of the leaf that ran since `counter` stood at `start`: FlopCounterMode's count ÷ 2.

    For Conv1d/2d/3d this is output elements × in_channels/groups × kernel elements, for
    Linear output elements × in_features (torchvision's GFLOPS are these MACs), for a
    transposed convolution input elements × out_channels/groups × kernel elements; norms,
    pools, pads, upsampling and activations count nothing.
    """
    flops = counter.get_total_flops() - start
    assert flops % 2 == 0, flops
    return int(flops // 2)


def module_rows(
    model: nn.Module, size: tuple[int, ...], device: str, channels: int = 3
) -> list[dict[str, Any]]:
    """Run one forward pass on a channels×size input (any number of spatial axes); return
    each module's output shape (no batch), params and MACs.

    A module that runs twice is recorded where it first runs; a container that never runs
    (a ModuleList) has its last module's shape that ran, and a module that never runs at all
    none (None). One that returns a dict or tuple (a segmentation backbone) has its first
    tensor's. A module's MACs are its leaves' (work done in forward() outside any module
    counts nothing).
    """
    shapes: dict[str, list[int] | None] = {}
    macs: dict[str, int] = {}
    started: dict[str, int] = {}
    counter = FlopCounterMode(display=False)
    modules = [(path, module) for path, module in model.named_modules() if path]
    leaves = {path for path, module in modules if not list(module.children())}

    def enter(path: str) -> Any:
        def note(_module: nn.Module, _inputs: Any) -> None:
            if path not in shapes:
                started.setdefault(path, counter.get_total_flops())

        return note

    def leave(path: str) -> Any:
        def record(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
            if path not in shapes:
                shapes[path] = list(first_tensor(out).shape[1:])
                macs[path] = leaf_macs(counter, started[path]) if path in leaves else 0

        return record

    handles = [module.register_forward_pre_hook(enter(path)) for path, module in modules]
    handles += [module.register_forward_hook(leave(path)) for path, module in modules]
    try:
        with torch.no_grad(), counter:
            model(torch.zeros(1, channels, *size, device=device))
    finally:
        for handle in handles:
            handle.remove()
    for path, module in reversed(modules):  # a ModuleList never runs: its last module's
        if path not in shapes:
            ran = [f"{path}.{name}" for name, _ in module.named_children()]
            shapes[path] = next((shapes[sub] for sub in reversed(ran) if shapes[sub]), None)
    return [
        {
            "path": path,
            "type": type(module).__name__,
            "shape": shapes[path],
            "params": sum(p.numel() for p in module.parameters()),
            "macs": sum(
                macs.get(f"{path}.{sub}" if sub else path, 0) for sub, _ in module.named_modules()
            ),
        }
        for path, module in modules
    ]


def first_tensor(out: Any) -> torch.Tensor:
    """Return a module's output tensor: the first of a dict's or tuple's."""
    while not isinstance(out, torch.Tensor):
        out = next(iter(out.values())) if isinstance(out, dict) else out[0]
    return out


def as_tuple(value: int | tuple[int, ...], rank: int) -> tuple[int, ...]:
    """Return a layer's int-or-tuple argument as one value per spatial axis."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * rank


class Windows(nn.Module):  # type: ignore[misc]
    """A max pool's windows, each summed: a positive path from every position one covers.

    Stands for a dilated max pool in a positive copy (average pools have no dilation): the
    input is zero-padded as the pool pads it (and on the right as far as ceil mode reaches),
    summed by a depthwise convolution of ones, and cut to the pool's own output size.
    """

    def __init__(self, pool: nn.Module) -> None:
        super().__init__()
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rank = x.dim() - 2
        kernel, stride, padding, dilation = (
            as_tuple(getattr(self.pool, name), rank)
            for name in ("kernel_size", "stride", "padding", "dilation")
        )
        with torch.no_grad():
            out = self.pool(x).shape[2:]
        pads: list[int] = []
        for axis in reversed(range(rank)):
            reach = (out[axis] - 1) * stride[axis] + dilation[axis] * (kernel[axis] - 1) + 1
            pads += [padding[axis], max(reach - x.shape[2 + axis] - padding[axis], 0)]
        ones = torch.ones(x.shape[1], 1, *kernel, dtype=x.dtype, device=x.device)
        conv = (functional.conv1d, functional.conv2d, functional.conv3d)[rank - 1]
        summed = conv(
            functional.pad(x, pads), ones, stride=stride, dilation=dilation, groups=x.shape[1]
        )
        return summed[(..., *(slice(0, size) for size in out))]


AVERAGE_OF = {
    nn.MaxPool1d: nn.AvgPool1d,
    nn.MaxPool2d: nn.AvgPool2d,
    nn.MaxPool3d: nn.AvgPool3d,
    nn.AdaptiveMaxPool1d: nn.AdaptiveAvgPool1d,
    nn.AdaptiveMaxPool2d: nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool3d: nn.AdaptiveAvgPool3d,
}
# Layers that mix positions only through statistics or across channels: measured as the
# identity, as batch norm in eval mode is (a field counts the positions a layer's window
# reaches, not those a normalisation's statistics come from).
POINTWISE = (
    nn.modules.instancenorm._InstanceNorm,
    nn.GroupNorm,
    nn.LayerNorm,
    nn.LocalResponseNorm,
    nn.Softmax,
    nn.LogSoftmax,
)
# Pads that copy input positions into the border: measured as zero pads of the same widths,
# so that a circular pad does not wrap a field around to the far side.
ZERO_PAD_OF = {
    nn.ReflectionPad1d: nn.ConstantPad1d,
    nn.ReflectionPad2d: nn.ConstantPad2d,
    nn.ReflectionPad3d: nn.ConstantPad3d,
    nn.ReplicationPad1d: nn.ConstantPad1d,
    nn.ReplicationPad2d: nn.ConstantPad2d,
    nn.ReplicationPad3d: nn.ConstantPad3d,
    nn.CircularPad1d: nn.ConstantPad1d,
    nn.CircularPad2d: nn.ConstantPad2d,
    nn.CircularPad3d: nn.ConstantPad3d,
}


def positive_stand_in(module: nn.Module) -> nn.Module | None:
    """Return what stands for `module` in a positive copy, or None to keep it."""
    kind = type(module)
    if kind in (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d):
        rank = int(kind.__name__[-2])
        if as_tuple(module.dilation, rank) != (1,) * rank:
            return Windows(module)
        return AVERAGE_OF[kind](module.kernel_size, module.stride, module.padding, module.ceil_mode)
    if kind in AVERAGE_OF:
        return AVERAGE_OF[kind](module.output_size)
    if isinstance(module, POINTWISE):
        return nn.Identity()
    if kind in ZERO_PAD_OF:
        return ZERO_PAD_OF[kind](module.padding, 0.0)
    return None


def positive_copy(model: nn.Module) -> nn.Module:
    """Make every path from input to output carry a positive gradient.

    Weights of convolutions (transposed too) and linear layers become 1/fan-in, biases 0,
    batch norms the identity, and the layers `positive_stand_in` names are replaced, so that
    the gradient of one output element is non-zero exactly on the input positions that
    element depends on. Upsampling (nearest, linear) and average or power pools already
    carry positive gradients.
    """
    for name, module in list(model.named_children()):
        stand_in = positive_stand_in(module)
        if stand_in is None:
            positive_copy(module)
        else:
            setattr(model, name, stand_in)
    for module in model.modules():
        if isinstance(module, (nn.modules.conv._ConvNd, nn.Linear)):
            nn.init.constant_(module.weight, 1.0 / module.weight[0].numel())
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.modules.batchnorm._BatchNorm):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
            module.running_mean.zero_()
            module.running_var.fill_(1.0)
    return model.double().eval()


def support(grad: torch.Tensor, axis: int) -> tuple[int, int]:
    """Return the first and last position along `axis` (2 is the first spatial axis) where
    `grad` is non-zero."""
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


CONSTRUCTS_SIZE = (160, 208)


class Reached(Exception):  # noqa: N818 - not an error: a forward pass stopped on purpose
    """Stops a forward pass at the module being measured, carrying its output."""

    def __init__(self, out: torch.Tensor) -> None:
        super().__init__()
        self.out = out


def output_at(model: nn.Module, path: str, x: torch.Tensor) -> torch.Tensor:
    """Run `model` on `x` as far as `path`'s first run; return that run's output."""

    def stop(_module: nn.Module, _inputs: Any, out: torch.Tensor) -> None:
        raise Reached(out)

    handle = dict(model.named_modules())[path].register_forward_hook(stop)
    try:
        model(x)
    except Reached as reached:
        return reached.out
    finally:
        handle.remove()
    raise LookupError(f"{path} did not run")


def standing(model: nn.Module, path: str, shape: tuple[int, ...]) -> str:
    """Return the module whose output stands for `path`'s: itself, or for a container that
    never runs (a ModuleList), its last child that does, as module_rows takes its shape."""
    try:
        output_at(model, path, torch.ones(1, *shape, dtype=torch.float64))
    except LookupError:
        children = [name for name, _ in dict(model.named_modules())[path].named_children()]
        for name in reversed(children):
            try:
                return standing(model, f"{path}.{name}", shape)
            except LookupError:
                continue
        raise
    return path


def probe_positions(count: int, limit: int | None) -> range:
    """Every position of an axis, or the `limit` around its centre."""
    if limit is None or count <= limit:
        return range(count)
    first = count // 2 - limit // 2
    return range(first, first + limit)


def probe_spans(
    model: nn.Module, path: str, shape: tuple[int, ...], probes: list[tuple[int, ...]], chunk: int
) -> list[torch.Tensor]:
    """Return, for each probed output position (all channels), the gradient's non-zero
    positions along each spatial axis of the input, as booleans."""
    found: list[torch.Tensor] = []
    for begin in range(0, len(probes), chunk):
        part = probes[begin : begin + chunk]
        x = torch.ones(len(part), *shape, dtype=torch.float64, requires_grad=True)
        out = output_at(model, path, x)
        target = sum(out[(n, slice(None), *where)].sum() for n, where in enumerate(part))
        (grad,) = torch.autograd.grad(target, x)
        nonzero = grad != 0
        for n in range(len(part)):
            found.append(nonzero[n])
    return found


def span(nonzero: torch.Tensor, axis: int) -> tuple[int, int] | None:
    """Return the first and last position along spatial `axis` of a C×… mask, or None for
    an output that sees only padding (the last position of an output_padding, say)."""
    if not nonzero.any():
        return None
    return support(nonzero[None], 2 + axis)


def axis_fields(
    model: nn.Module,
    path: str,
    shape: tuple[int, ...],
    *,
    limit: int | None = None,
    chunk: int = 64,
    note_edges: bool = False,
) -> list[dict[str, int | None]] | None:
    """Measure, along each spatial axis of a C×… input, the fields of `path`'s outputs.

    One sample per output position along the line through the output's centre parallel to
    that axis (every position, or the `limit` nearest the centre), all channels together
    (a concatenation's field is its largest branch's). Per axis: `receptive_field`, the
    largest field; `smallest_field`, the smallest among outputs whose field stays inside
    the input; `effective_stride` and `smallest_stride`, the largest and smallest step
    between the fields of neighbouring outputs that both stay inside (after a transposed
    convolution or an upsampling, steps differ, and may be 0 or negative), null if no two
    neighbours' fields show one. "The input" is the part the layer's outputs reach at all
    (a strided dilated convolution may never reach some edge positions). An axis on which
    every output sees the whole of it is all null; a flattened output is measured only if
    it sees the whole (else None). With `note_edges`, a field whose largest is reached only
    at an edge is printed.
    """
    path = standing(model, path, shape)
    x = torch.ones(1, *shape, dtype=torch.float64, requires_grad=True)
    out = output_at(model, path, x)
    (grad,) = torch.autograd.grad(out.sum(), x)
    bounds = [span(grad[0] != 0, axis) for axis in range(len(shape) - 1)]
    if out.dim() != x.dim():
        return whole_fields(model, path, shape, bounds)
    centre = [count // 2 for count in out.shape[2:]]
    probes: list[tuple[int, ...]] = []
    owners: list[int] = []
    for axis, count in enumerate(out.shape[2:]):
        for position in probe_positions(count, limit):
            probes.append((*centre[:axis], position, *centre[axis + 1 :]))
            owners.append(axis)
    masks = probe_spans(model, path, shape, probes, chunk)
    fields = []
    for axis, edges in enumerate(bounds):
        assert edges is not None, path
        found = [
            span(mask, axis) for mask, owner in zip(masks, owners, strict=True) if owner == axis
        ]
        fields.append(reach(found, edges, path, note_edges=note_edges))
    return fields


WHOLE = {
    "receptive_field": None,
    "effective_stride": None,
    "smallest_field": None,
    "smallest_stride": None,
}


def reach(
    found: list[tuple[int, int] | None],
    edges: tuple[int, int],
    path: str,
    *,
    note_edges: bool = False,
) -> dict[str, int | None]:
    """Summarise the spans of neighbouring outputs' fields along one axis whose reachable
    positions run from `edges[0]` to `edges[1]`; outputs that see only padding have none."""
    low, high = edges
    spans = [one for one in found if one is not None]
    if all(one == edges for one in spans):
        return dict(WHOLE)
    inside = [one if one and low < one[0] and one[1] < high else None for one in found]
    steps = [b[0] - a[0] for a, b in itertools.pairwise(inside) if a and b]
    if not steps:  # fields too wide to fit: steps between starts, or between ends, not cut
        steps = [step for a, b in itertools.pairwise(found) if (step := shift(a, b, edges))]
    if not steps:  # two outputs, each cut by an edge: a stride no measurement shows
        print(f"note: {path}: no stride: no two neighbouring fields inside {low}..{high}")
    sizes = [last - first + 1 for first, last in (one for one in inside if one)]
    largest = max(last - first + 1 for first, last in spans)
    if note_edges and max(sizes, default=0) < largest:
        # Cut short by the input, or a field that ends at the edge by nature (an adaptive
        # pool's first and last windows): printed, for a person to judge.
        print(f"note: {path}: the largest field ({largest}) meets an edge of {low}..{high}")
    return {
        "receptive_field": largest,
        "effective_stride": max(steps, default=None),
        "smallest_field": min(sizes, default=None),
        "smallest_stride": min(steps, default=None),
    }


def shift(
    a: tuple[int, int] | None, b: tuple[int, int] | None, edges: tuple[int, int]
) -> int | None:
    """Return how far field `b` lies past field `a`, by their starts if neither is cut at
    the low edge, else by their ends if neither is cut at the high edge."""
    if a is None or b is None:
        return None
    if a[0] > edges[0] and b[0] > edges[0]:
        return b[0] - a[0]
    if a[1] < edges[1] and b[1] < edges[1]:
        return b[1] - a[1]
    return None


def whole_fields(
    model: nn.Module,
    path: str,
    shape: tuple[int, ...],
    bounds: list[tuple[int, int] | None],
) -> list[dict[str, int | None]] | None:
    """Return all-null fields if a flattened output's first, middle and last element each
    see the whole reachable input along every axis, else None: not measured."""
    x = torch.ones(1, *shape, dtype=torch.float64, requires_grad=True)
    out = output_at(model, path, x).flatten()
    for index in (0, len(out) // 2, len(out) - 1):
        (grad,) = torch.autograd.grad(out[index], x, retain_graph=True)
        for axis, edges in enumerate(bounds):
            if span(grad[0] != 0, axis) != edges:
                print(f"note: {path}: a flattened output that sees part of the input")
                return None
    return [dict(WHOLE) for _ in shape[1:]]


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
        axes = axis_fields(measured, row["path"], (3, *CONSTRUCTS_SIZE))
        assert axes is not None, row["path"]
        row["receptive_field"] = [axis["receptive_field"] for axis in axes]
        row["effective_stride"] = [axis["effective_stride"] for axis in axes]
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


class Twin(NamedTuple):
    """A spec and its PyTorch twin: the sizes to record, and those whose fields to measure.

    `narrow` builds the copy whose fields are measured (fields do not depend on channel
    counts, so a narrow copy measures big networks quickly); `limit` probes only that many
    output positions about the centre of each axis (enough for a periodic pattern), `chunk`
    that many at once.
    """

    spec: str
    build: Callable[[], nn.Module]
    sizes: list[tuple[int, ...]]
    fields: list[tuple[int, ...]]
    narrow: Callable[[], nn.Module] | None = None
    limit: int | None = None
    chunk: int = 64


# Input shapes are C then the spatial sizes, as a spec's `input`.
CONSTRUCTS_ND = {
    "constructs_1d": Twin(
        "tests/specs/constructs_1d.yaml",
        Constructs1d,
        [(2, 160), (2, 175), (2, 97), (2, 41), (2, 371), (2, 1001)],
        [(2, 371), (2, 1001)],
    ),
    "constructs_2d": Twin(
        "tests/specs/constructs_2d.yaml",
        Constructs2d,
        [(3, 64, 80), (3, 97, 131), (3, 19, 23), (3, 160, 121)],
        [(3, 64, 80), (3, 97, 131), (3, 160, 121)],
    ),
    "constructs_3d": Twin(
        "tests/specs/constructs_3d.yaml",
        Constructs3d,
        [(2, 12, 40, 36), (2, 9, 37, 53), (2, 5, 17, 19), (2, 20, 96, 88)],
        [(2, 20, 96, 88)],
        limit=24,
        chunk=16,
    ),
}
EXAMPLES = {
    "audio_1d": Twin(
        "examples/audio_1d.yaml",
        FeatureExtractor,
        [(1, 16000), (1, 12345), (1, 400), (1, 399)],
        [(1, 16000)],
        narrow=lambda: FeatureExtractor(width=8),
    ),
    "volume_3d": Twin(
        "examples/volume_3d.yaml",
        UNet3d,
        [(1, 32, 64, 64), (1, 8, 36, 20), (1, 52, 56, 60), (1, 13, 20, 28)],
        [(1, 52, 56, 60)],
        narrow=lambda: UNet3d(width=1),
        limit=12,
        chunk=16,
    ),
    "decoder": Twin(
        "examples/decoder.yaml",
        Generator,
        [(100, 1, 1), (100, 3, 5), (100, 16, 13)],
        [(100, 16, 13)],
        narrow=lambda: Generator(width=2),
        limit=64,
    ),
    "unet": Twin(
        "examples/unet.yaml",
        UNet,
        [(1, 572, 572), (1, 573, 637), (1, 380, 396), (1, 188, 204), (1, 140, 140)],
        [(1, 380, 396)],
        narrow=lambda: UNet(width=2),
        limit=32,
    ),
}
R3D_18 = {
    "r3d_18": Twin(
        "examples/r3d_18.yaml",
        lambda: torchvision.models.video.r3d_18(weights=None),
        [(3, 16, 112, 112), (3, 13, 97, 131)],
        [],
    ),
}


def record_case(twin: Twin, shape: tuple[int, ...]) -> dict[str, Any]:
    """Every module's row at one input shape (with fields where asked), or the failure."""
    model = twin.build().eval()
    failed = failure_at(model, shape)
    if failed:
        return {"input": list(shape), "failure": failed}
    rows = module_rows(model, shape[1:], "cpu", channels=shape[0])
    if shape in twin.fields:
        measured = positive_copy((twin.narrow or twin.build)())
        for row in rows:
            axes = axis_fields(
                measured, row["path"], shape, limit=twin.limit, chunk=twin.chunk, note_edges=True
            )
            if axes is not None:
                row.update({key: [axis[key] for axis in axes] for key in WHOLE})
    return {"input": list(shape), "fields": shape in twin.fields, "rows": rows}


def record_twins(twins: dict[str, Twin]) -> dict[str, Any]:
    """Record each twin at each of its sizes, saying how long each took."""
    specs: dict[str, Any] = {}
    for name, twin in twins.items():
        cases = []
        for shape in twin.sizes:
            began = time.perf_counter()
            cases.append(record_case(twin, shape))
            took = time.perf_counter() - began
            print(f"recorded {name} at {'×'.join(map(str, shape))} in {took:.1f} s")
        specs[name] = {"spec": twin.spec, "cases": cases}
    return {"recorded_with": versions(), "specs": specs}


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


def failure(model: nn.Module, size: tuple[int, ...], channels: int = 3) -> dict[str, str] | None:
    """Run the model; return the module running when PyTorch raised, and what it said."""
    failed = failure_at(model, (channels, *size))
    return None if failed is None else {"path": failed["path"], "error": failed["error"]}


def failure_at(model: nn.Module, shape: tuple[int, ...]) -> dict[str, Any] | None:
    """Run the model on a `shape` input; return the last leaf that started when PyTorch
    raised, what it said, and whether that leaf was still running (`in_leaf`: False when
    the error came from forward() code after it, such as a torch.cat)."""
    running: list[str] = []
    finished: set[str] = set()

    def enter(path: str) -> Any:
        def note(_module: nn.Module, _inputs: Any) -> None:
            running.append(path)

        return note

    def leave(path: str) -> Any:
        def note(_module: nn.Module, _inputs: Any, _out: Any) -> None:
            finished.add(path)

        return note

    leaves = [
        (path, module)
        for path, module in model.named_modules()
        if path and not list(module.children())
    ]
    handles = [module.register_forward_pre_hook(enter(path)) for path, module in leaves]
    handles += [module.register_forward_hook(leave(path)) for path, module in leaves]
    try:
        with torch.no_grad():
            model(torch.zeros(1, *shape))
    except RuntimeError as error:
        path = running[-1]
        return {"path": path, "error": str(error).splitlines()[0], "in_leaf": path not in finished}
    finally:
        for handle in handles:
            handle.remove()
    return None


RECORDS = {
    "constructs": ("torch_constructs.json", record_constructs),
    "per_use": ("torch_per_use.json", record_per_use),
    "resnet18": ("torch_resnet18.json", record_resnet18),
    "windows": ("torch_windows.json", record_windows),
    "constructs_nd": ("torch_constructs_nd.json", lambda: record_twins(CONSTRUCTS_ND)),
    "examples": ("torch_examples.json", lambda: record_twins(EXAMPLES)),
    "r3d_18": ("torch_r3d_18.json", lambda: record_twins(R3D_18)),
}


def main() -> None:
    """Record what the arguments name (the keys of RECORDS), else all."""
    DATA.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # leave the other cores to whatever else the machine runs
    for record in sys.argv[1:] or RECORDS:
        file_name, make = RECORDS[record]
        write(file_name, make())


if __name__ == "__main__":
    main()
