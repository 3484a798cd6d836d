"""Record torchvision's vision transformers (ViT, Swin, MaxViT), one file per model, as test data.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    /tmp/tv/bin/python tools/record_transformers.py [NAME ...]
    /tmp/tv/bin/python tools/record_transformers.py --batches

For each model named (else every one in MODELS) it writes tests/data/transformers/NAME.json in
the structure of tools/record_zoo.py's files: the model built as `get_model(NAME,
weights=None)` builds it (`kwargs` {}), every module's path, type and parameters as
`named_modules()` lists them (`module.parameters()`, recursive, so a module's own parameters,
such as class_token, pos_embedding or relative_position_bias_table, count in it and in each
module above it), and at each size each module's output shape (no batch; a tuple's or dict's
first tensor: nn.MultiheadAttention returns one) and MACs, or where PyTorch refused the input;
and the figures that the model's weights publish in their `meta`, read without downloading
anything (`published`: the DEFAULT weights, unless their model is not this build: vit_h_14's
DEFAULT weights are SWAG_E2E at image_size=518, while `vit_h_14()` builds image_size=224,
whose weights are IMAGENET1K_SWAG_LINEAR_V1).

Keys of `sizes`: "HxW" for the model as built by default; "HxW KEY=VALUE ..." for the model
built with those constructor arguments (ViT's image_size, MaxViT's input_size, which fix the
sizes it takes), whose record also holds its `kwargs`, `params`, `total_params` and, where
some weights are published for that build, `published`. A refusal by the constructor itself
(ViT's image_size not a multiple of its patch, MaxViT's input_size whose blocks' sizes are not
multiples of 7) is recorded like one by forward(), with `path` null.

A size's record: `shapes` and `macs` (one per module), `total_macs`, `attention_macs` (one
per module) and `total_attention_macs`. A refusal: `path`, the innermost module running when
PyTorch raised ("" for the model itself), `leaf`, the last leaf that started (record_zoo's
`path`), `exception` (its type), `error` (its message's first line) and `raised_in` (the
innermost torchvision frame, as file:function:line, and its source line in `code`).

MACs, the convention that reproduces torchvision's published `_ops` (GMACs) for every model
here: FlopCounterMode's count ÷ 2, with MultiheadAttention's fast path turned off
(torch.backends.mha.set_fastpath_enabled(False)) and scaled_dot_product_attention run by its
math backend (torch.nn.attention.sdpa_kernel(SDPBackend.MATH)), so that every product is an
aten op FlopCounterMode has a formula for. As they are, in eval mode under no_grad,
nn.MultiheadAttention runs aten._native_multi_head_attention and FlopCounterMode counts none
of its work (vit_b_16 at 224: 11.271 GMACs, the MLPs, patch convolution and head only); with
the fast path off it runs addmm for its projections but, for Q·Kᵀ and attention·V,
aten._scaled_dot_product_flash_attention_for_cpu, which FlopCounterMode has no formula for
(16.849); with the math
backend too those are two bmm (17.564, as published). Swin (matmul) and MaxViT (einsum) run
bmm in any case.

A module's MACs are inclusive: everything counted from its forward's start to its end, its
own forward() code too (Swin's ShiftedWindowAttention computes its qkv and proj through
F.linear with the weights of its Linear children, which therefore never run: no shape, no
MACs; so does nn.MultiheadAttention with its out_proj). A module that runs twice is recorded
where it first runs; a container that never runs (a ModuleList) has its last child's shape
that ran and its children's MACs summed.

`attention_macs`: the MACs of the attention matrix products only, Q·Kᵀ and attention·V (the
bmm, baddbmm and scaled-dot-product-attention ops run inside nn.MultiheadAttention,
ShiftedWindowAttention(V2) and RelativePositionalMultiHeadAttention), without the
projections (Linear/addmm) or the V2 continuous position bias MLP. Every bmm of these models
runs inside such a module; the script checks that.

With --batches it writes tests/data/transformers_batch.json instead: each model's total MACs
at its default size for a batch of 3, in the same convention.

Each file also lists `module_types` (each distinct type's module and qualified name, in order
of first appearance) and `own_params` (for each module that is not a leaf but holds
parameters of its own, not a child's: their names and shapes).
"""

from __future__ import annotations

import json
import linecache
import sys
import time
from pathlib import Path
from typing import Any

import torch
import torchvision
from record_torch import first_tensor, versions  # beside this script
from torch import nn
from torch.nn.attention import SDPBackend, sdpa_kernel
from torch.utils.flop_counter import FlopCounterMode
from torchvision.models import get_model, get_model_weights

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "data" / "transformers"
SCRIPT = "tools/record_transformers.py"

Size = tuple[int, int]
Build = tuple[dict[str, Any], list[Size]]

# For each model: the sizes to record the default build at (its evaluation size first), and
# other builds (constructor arguments) with theirs.
_VIT_SIZES: list[Size] = [(224, 224), (225, 225), (224, 225), (384, 384)]
MODELS: dict[str, dict[str, Any]] = {
    **{
        name: {
            "sizes": _VIT_SIZES,
            "builds": [
                ({"image_size": 384}, [(384, 384), (224, 224)]),
                ({"image_size": 225}, [(225, 225)]),
            ],
        }
        for name in ("vit_b_16", "vit_b_32", "vit_l_32")
    },
    "vit_l_16": {
        "sizes": _VIT_SIZES,
        "builds": [
            ({"image_size": 384}, [(384, 384), (224, 224)]),
            ({"image_size": 512}, [(512, 512)]),  # its SWAG_E2E weights
            ({"image_size": 225}, [(225, 225)]),
        ],
    },
    "vit_h_14": {
        "sizes": [(224, 224), (225, 225), (224, 225), (518, 518)],
        "builds": [
            ({"image_size": 518}, [(518, 518), (224, 224)]),  # its DEFAULT (SWAG_E2E) weights
            ({"image_size": 225}, [(225, 225)]),
        ],
    },
    **{
        name: {"sizes": [(224, 224), (256, 256), (97, 131), (288, 320), (16, 16), (4, 4), (3, 3)]}
        for name in ("swin_t", "swin_s", "swin_b")
    },
    **{
        name: {"sizes": [(256, 256), (224, 224), (97, 131), (288, 320), (16, 16), (4, 4), (3, 3)]}
        for name in ("swin_v2_t", "swin_v2_s", "swin_v2_b")
    },
    "maxvit_t": {
        "sizes": [(224, 224), (221, 223), (225, 225), (240, 240), (220, 224), (448, 448)],
        "builds": [
            ({"input_size": (448, 448)}, [(448, 448), (224, 224)]),
            ({"input_size": (224, 448)}, [(224, 448)]),  # built, but grid attention refuses
            ({"input_size": (240, 240)}, [(240, 240)]),
        ],
    },
}

ATTENTION = (
    "MultiheadAttention",
    "ShiftedWindowAttention",
    "ShiftedWindowAttentionV2",
    "RelativePositionalMultiHeadAttention",
)
_aten = torch.ops.aten
PRODUCTS = (
    _aten.bmm,
    _aten.baddbmm,
    _aten._scaled_dot_product_efficient_attention,
    _aten._scaled_dot_product_flash_attention,
    _aten._scaled_dot_product_cudnn_attention,
)


def build(name: str, kwargs: dict[str, Any]) -> nn.Module:
    """Return torchvision's model `name` built with `kwargs` (weights=None), in eval mode."""
    return get_model(name, weights=None, **kwargs).eval()


def key(size: Size, kwargs: dict[str, Any]) -> str:
    """Name a size as `sizes` does: "384x384", or "384x384 image_size=384" for a build."""
    return " ".join(["x".join(map(str, size)), *(f"{k}={v!r}" for k, v in kwargs.items())])


def published(name: str, model: nn.Module, size: Size) -> dict[str, Any] | None:
    """The published figures of the weights made for this build: DEFAULT if it is, else the
    one whose parameter count and smallest size are the build's and `size`; else None."""
    total = sum(p.numel() for p in model.parameters())
    enum = get_model_weights(name)
    for weights in [enum.DEFAULT, *enum]:
        if weights.meta["num_params"] == total and tuple(weights.meta["min_size"]) == size:
            return {
                "weights": str(weights),
                "num_params": weights.meta["num_params"],
                "gmacs": weights.meta["_ops"],
            }
    return None


def counting() -> Any:
    """The context that makes FlopCounterMode count what torchvision's `_ops` count."""
    torch.backends.mha.set_fastpath_enabled(False)
    return sdpa_kernel(SDPBackend.MATH)


def products(counter: FlopCounterMode) -> int:
    """The flops of attention matrix products counted so far."""
    found = counter.flop_counts["Global"]
    return sum(found.get(op, 0) for op in PRODUCTS)


def halve(flops: int) -> int:
    assert flops % 2 == 0, flops
    return flops // 2


REFUSALS = (RuntimeError, AssertionError, ValueError)


def at(model: nn.Module, size: Size) -> dict[str, Any]:
    """Run the model once on a 1×3×size input: each module's shape, MACs and attention MACs;
    or, where PyTorch refused the input, the module running, the last leaf started, and what
    it raised where."""
    modules = [(path, module) for path, module in model.named_modules() if path]
    shapes: dict[str, list[int] | None] = {}
    macs: dict[str, int] = {}
    attention: dict[str, int] = {}
    started: dict[str, tuple[int, int]] = {}
    counter = FlopCounterMode(display=False)
    running: list[str] = []  # the modules whose forward runs, outermost first
    leaves: list[str] = []  # the leaves started, in order
    # attention modules running, product flops counted while none ran, and at the last hook
    state = {"inside": 0, "outside": 0, "last": 0}

    def watch() -> None:
        now = products(counter)
        if not state["inside"]:
            state["outside"] += now - state["last"]
        state["last"] = now

    def enter(path: str, module: nn.Module) -> Any:
        leaf = not list(module.children())
        attends = type(module).__name__ in ATTENTION

        def note(_module: nn.Module, _inputs: Any) -> None:
            watch()
            state["inside"] += attends
            running.append(path)
            if leaf:
                leaves.append(path)
            if path not in shapes:
                started.setdefault(path, (counter.get_total_flops(), products(counter)))

        return note

    def leave(path: str, module: nn.Module) -> Any:
        attends = type(module).__name__ in ATTENTION

        def note(_module: nn.Module, _inputs: Any, out: Any) -> None:
            watch()
            state["inside"] -= attends
            running.pop()
            if path and path not in shapes:
                shapes[path] = list(first_tensor(out).shape[1:])
                flops, product = started[path]
                macs[path] = halve(counter.get_total_flops() - flops)
                attention[path] = halve(products(counter) - product)

        return note

    handles = []
    for path, module in model.named_modules():
        handles.append(module.register_forward_pre_hook(enter(path, module)))
        handles.append(module.register_forward_hook(leave(path, module)))
    try:
        with torch.no_grad(), counting(), counter:
            model(torch.zeros(1, 3, *size))
    except REFUSALS as error:
        return refusal(error, running[-1], leaves[-1] if leaves else None)
    finally:
        for handle in handles:
            handle.remove()
    watch()
    assert not state["outside"], f"{state['outside']} product flops outside attention modules"
    never_ran(modules, shapes, macs, attention)
    return {
        "shapes": [shapes[path] for path, _ in modules],
        "macs": [macs[path] for path, _ in modules],
        "total_macs": halve(counter.get_total_flops()),
        "attention_macs": [attention[path] for path, _ in modules],
        "total_attention_macs": halve(products(counter)),
    }


def never_ran(
    modules: list[tuple[str, nn.Module]],
    shapes: dict[str, list[int] | None],
    macs: dict[str, int],
    attention: dict[str, int],
) -> None:
    """Fill in the modules that never ran: a ModuleList has its last child's shape that ran
    and its children's MACs summed; a leaf no shape and no MACs."""
    for path, module in reversed(modules):
        if path not in shapes:
            ran = [f"{path}.{name}" for name, _ in module.named_children()]
            shapes[path] = next((shapes[sub] for sub in reversed(ran) if shapes.get(sub)), None)
            macs[path] = sum(macs.get(sub, 0) for sub in ran)
            attention[path] = sum(attention.get(sub, 0) for sub in ran)


def refusal(error: BaseException, path: str | None, leaf: str | None) -> dict[str, Any]:
    """A refusal's record: the module running (None: the constructor refused), the last leaf
    started, the exception's type and message, and where in torchvision it was raised."""
    return {
        "path": path,
        "leaf": leaf,
        "exception": type(error).__name__,
        "error": str(error).splitlines()[0],
        **raised_in(error),
    }


def raised_in(error: BaseException) -> dict[str, str]:
    """The innermost torchvision frame of `error`'s traceback (file:Class.function:line), and
    its source line."""
    package = Path(torchvision.__file__).parent
    frames = []
    tb = error.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if Path(code.co_filename).is_relative_to(package):
            frames.append((code, tb.tb_lineno))
        tb = tb.tb_next
    if not frames:
        return {"raised_in": "", "code": ""}
    code, line = frames[-1]
    where = Path(code.co_filename).relative_to(package.parent).as_posix()
    text = linecache.getline(code.co_filename, line).strip()
    return {"raised_in": f"{where}:{code.co_qualname}:{line}", "code": text}


def described(model: nn.Module) -> dict[str, Any]:
    modules = list(model.named_modules())[1:]
    return {
        "paths": [path for path, _ in modules],
        "types": [type(module).__name__ for _, module in modules],
        "params": [sum(p.numel() for p in module.parameters()) for _, module in modules],
        "total_params": sum(p.numel() for p in model.parameters()),
    }


def record(name: str) -> dict[str, Any]:
    """Every module's path, type, params, and at each size its shape and MACs, or the error."""
    plan = MODELS[name]
    model = build(name, {})
    default = plan["sizes"][0]
    recorded: dict[str, Any] = {}
    for size in plan["sizes"]:
        started = time.time()
        recorded[key(size, {})] = at(model, size)
        print(f"  {name} {key(size, {})}: {time.time() - started:.1f}s", flush=True)
    here = described(model)
    modules = list(model.named_modules())
    types = list(dict.fromkeys(f"{type(m).__module__}.{type(m).__qualname__}" for _, m in modules))
    own = {
        path or "(model)": {n: list(p.shape) for n, p in module.named_parameters(recurse=False)}
        for path, module in modules
        if list(module.children()) and list(module.parameters(recurse=False))
    }
    figures = published(name, model, default)
    del model
    for kwargs, sizes in plan.get("builds", []):
        try:
            other = build(name, kwargs)
        except REFUSALS as error:
            for size in sizes:
                recorded[key(size, kwargs)] = {"kwargs": kwargs, **refusal(error, None, None)}
            continue
        there = described(other)
        for size in sizes:
            started = time.time()
            found = at(other, size)
            if "shapes" in found:
                weights = published(name, other, size)
                extra = {"params": there["params"], "total_params": there["total_params"]}
                found = {**extra, **({"published": weights} if weights else {}), **found}
            recorded[key(size, kwargs)] = {"kwargs": kwargs, **found}
            print(f"  {name} {key(size, kwargs)}: {time.time() - started:.1f}s", flush=True)
        del other
    return {
        "recorded_with": versions() | {"script": SCRIPT},
        "builder": name,
        "kwargs": {},
        "default": list(default),
        "published": figures,
        **here,
        "module_types": types,
        "own_params": own,
        "sizes": recorded,
    }


BATCH = 3
BATCHES = FOLDER.parent / "transformers_batch.json"


def batches() -> None:
    """Record each model's total MACs at its default size for a batch of BATCH: what the
    batch multiplies, and what it does not (Swin V2's cpb_mlp runs on a buffer, once a pass)."""
    found = {}
    for name, plan in MODELS.items():
        model = build(name, {})
        counter = FlopCounterMode(display=False)
        with torch.no_grad(), counting(), counter:
            model(torch.zeros(BATCH, 3, *plan["sizes"][0]))
        found[name] = {
            "size": list(plan["sizes"][0]),
            "total_macs": halve(counter.get_total_flops()),
        }
        print(f"  {name}: {found[name]}", flush=True)
        del model
    record = {"recorded_with": versions() | {"script": SCRIPT}, "batch": BATCH, "models": found}
    BATCHES.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {BATCHES.name}")


def main() -> None:
    """Record the models named as arguments, else all; with --batches, `batches()`."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # leave the other cores to whatever else the machine runs
    if sys.argv[1:] == ["--batches"]:
        batches()
        return
    for name in sys.argv[1:] or MODELS:
        if name not in MODELS:
            sys.exit(f"no model {name!r} in MODELS")
        started = time.time()
        path = FOLDER / f"{name}.json"
        path.write_text(json.dumps(record(name), separators=(",", ":")) + "\n", encoding="utf-8")
        size = path.stat().st_size
        took = time.time() - started
        shown = path.relative_to(FOLDER.parent.parent.parent)
        print(f"wrote {shown} ({size:,} bytes, {took:.0f}s)")


if __name__ == "__main__":
    assert torchvision.__version__.startswith("0.29"), torchvision.__version__
    main()
