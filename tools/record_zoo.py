"""Record every built-in model from torchvision itself, one file per model, as test data.

Run where torch and torchvision are installed (never a dependency of shapecalc):

    /tmp/tv/bin/python tools/record_zoo.py [NAME ...]

For each model named (else every one in ZOO) it writes tests/data/zoo/NAME.json: every
module's path, type and parameters as `named_modules()` lists them; at each size of
`sizes(NAME)` (torchvision's evaluation size, 224×224 or its rank's equivalent, odd and
non-square sizes, and tiny ones, where most models fail) each module's output shape and
MACs, or the leaf running when PyTorch raised and what it said; and the figures the
model's default weights publish in their `meta` (`num_params`, and `_ops`: GMACs at the
evaluation size), read without downloading anything.

A module that never runs has no shape (null); one that returns a dict or a tuple (the
segmentation backbones) shows its first tensor's. MACs are FlopCounterMode's count ÷ 2.

    /tmp/tv/bin/python tools/record_zoo.py --arguments

writes tests/data/zoo_arguments.json instead: for every model, each layer's arguments that
change no shape but say what the layer is (`ARGUMENTS`: a dropout's p, a norm's eps and
momentum, inplace, StochasticDepth's mode), so that the tests check those too.

    /tmp/tv/bin/python tools/record_zoo.py --set [NAME KEY=VALUE ...]

writes tests/data/zoo_set.json: each model of `SET` built with constructor arguments, as
`shapecalc NAME --set KEY=VALUE` builds it, recorded as above at two sizes, with its
layers' ARGUMENTS. `in_channels=C` is no torchvision argument: the model's first
convolution is replaced by one taking C channels, as users do (`model.conv1 =
nn.Conv2d(1, 64, 7, 2, 3, bias=False)`). Given a NAME and KEY=VALUE pairs (values as
Python literals), it records that case too, beside those of `SET`.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path
from typing import Any

import torch
import torchvision
from record_torch import failure, module_rows, versions  # beside this script
from torchvision.models import get_model, get_model_weights

FOLDER = Path(__file__).resolve().parent.parent / "tests" / "data" / "zoo"

# torchvision's builders, by the name of the built-in spec, and the arguments that make the
# model the spec describes (weights=None always; no backbone weights either).
_PLAIN = (
    "alexnet",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
    "wide_resnet50_2",
    "wide_resnet101_2",
    "squeezenet1_0",
    "squeezenet1_1",
    "densenet121",
    "densenet161",
    "densenet169",
    "densenet201",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "mobilenet_v3_large",
    *(f"efficientnet_b{n}" for n in range(8)),
    "efficientnet_v2_s",
    "efficientnet_v2_m",
    "efficientnet_v2_l",
    "mnasnet0_5",
    "mnasnet0_75",
    "mnasnet1_0",
    "mnasnet1_3",
    "shufflenet_v2_x0_5",
    "shufflenet_v2_x1_0",
    "shufflenet_v2_x1_5",
    "shufflenet_v2_x2_0",
    *(
        f"regnet_{kind}_{size}"
        for kind in "xy"
        for size in ("400mf", "800mf", "1_6gf", "3_2gf", "8gf", "16gf", "32gf")
    ),
    "regnet_y_128gf",
    "convnext_tiny",
    "convnext_small",
    "convnext_base",
    "convnext_large",
    "r3d_18",
    "mc3_18",
    "r2plus1d_18",
    "s3d",
)
_SEGMENTATION = (
    "fcn_resnet50",
    "fcn_resnet101",
    "deeplabv3_resnet50",
    "deeplabv3_resnet101",
    "deeplabv3_mobilenet_v3_large",
    "lraspp_mobilenet_v3_large",
)
ZOO: dict[str, dict[str, Any]] = (
    {name: {} for name in _PLAIN}
    | {name: {"aux_logits": False, "init_weights": True} for name in ("googlenet", "inception_v3")}
    | {name: {"weights_backbone": None, "aux_loss": False} for name in _SEGMENTATION[:-1]}
    | {"lraspp_mobilenet_v3_large": {"weights_backbone": None}}  # it has no auxiliary head
)
VIDEO = {"r3d_18", "mc3_18", "r2plus1d_18", "s3d"}


def build(name: str) -> torch.nn.Module:
    """Return torchvision's model `name`, as the built-in spec describes it, in eval mode."""
    return get_model(name, weights=None, **ZOO[name]).eval()


def evaluation_size(name: str) -> tuple[int, ...]:
    """Return the spatial input size of the default weights' evaluation (frames first for
    video, whose clips are 16 frames)."""
    transforms = get_model_weights(name).DEFAULT.transforms()
    crop = getattr(transforms, "crop_size", None) or transforms.resize_size
    height, width = (crop * 2)[:2]
    return (16, height, width) if name in VIDEO else (height, width)


def sizes(name: str) -> list[tuple[int, ...]]:
    """Return the sizes to record `name` at: its evaluation size first."""
    others: list[tuple[int, ...]] = [(224, 224), (97, 131), (256, 192), (33, 33), (1, 1)]
    if name in VIDEO:
        others = [(16, 112, 112), (8, 97, 131), (5, 33, 47), (1, 1, 1)]
    default = evaluation_size(name)
    return [default, *(size for size in others if size != default)]


def published(name: str) -> dict[str, Any]:
    weights = get_model_weights(name).DEFAULT
    return {
        "weights": str(weights),
        "num_params": weights.meta["num_params"],
        "gmacs": weights.meta["_ops"],
    }


def record(name: str) -> dict[str, Any]:
    """Every module's path, type, params, and at each size its shape and MACs, or the error."""
    model = build(name)
    recorded: dict[str, Any] = {}
    for size in sizes(name):
        key = "x".join(map(str, size))
        failed = failure(model, size)
        if failed:
            recorded[key] = failed
            continue
        rows = module_rows(model, size, "cpu")
        recorded[key] = {
            "shapes": [row["shape"] for row in rows],
            "macs": [row["macs"] for row in rows],
        }
    modules = list(model.named_modules())[1:]
    return {
        "recorded_with": versions() | {"script": "tools/record_zoo.py"},
        "builder": name,
        "kwargs": ZOO[name],
        "default": list(sizes(name)[0]),
        "published": published(name),
        "paths": [path for path, _ in modules],
        "types": [type(module).__name__ for _, module in modules],
        "params": [sum(p.numel() for p in module.parameters()) for _, module in modules],
        "total_params": sum(p.numel() for p in model.parameters()),
        "sizes": recorded,
    }


ARGUMENTS = ("p", "eps", "momentum", "inplace", "mode")


def arguments() -> dict[str, Any]:
    """Every model's layers' ARGUMENTS, by path, where a layer has any."""
    models = {}
    for name in ZOO:
        found = {}
        for path, module in build(name).named_modules():
            given = {key: getattr(module, key) for key in ARGUMENTS if hasattr(module, key)}
            if path and not list(module.children()) and given:
                found[path] = given
        models[name] = found
    return {"recorded_with": versions() | {"script": "tools/record_zoo.py"}, "models": models}


# Models built with constructor arguments, as `--set` builds the built-in specs.
SET: list[tuple[str, dict[str, Any]]] = [
    *((name, {"num_classes": 10}) for name in ("resnet18", "resnet50", "vgg11", "densenet121")),
    *((name, {"num_classes": 10}) for name in ("mobilenet_v3_small", "convnext_tiny")),
    *((name, {"num_classes": 10}) for name in ("regnet_y_400mf", "squeezenet1_1", "r3d_18")),
    ("efficientnet_b0", {"num_classes": 10, "dropout": 0.5, "stochastic_depth_prob": 0.3}),
    ("fcn_resnet50", {"num_classes": 2}),
    ("resnet18", {"in_channels": 1}),
    ("resnet18", {"in_channels": 1, "num_classes": 10}),
    ("shufflenet_v2_x1_0", {"in_channels": 1, "num_classes": 10}),
    ("mnasnet0_5", {"in_channels": 4}),
    *((name, {"in_channels": 1}) for name in ("vgg11", "alexnet", "squeezenet1_1", "densenet121")),
    *((name, {"in_channels": 1}) for name in ("mobilenet_v2", "efficientnet_b0", "convnext_tiny")),
    *((name, {"in_channels": 1}) for name in ("googlenet", "inception_v3", "s3d")),
    ("vgg11_bn", {"in_channels": 1, "num_classes": 10}),
    ("mobilenet_v3_small", {"in_channels": 1, "num_classes": 10}),
    ("efficientnet_v2_s", {"in_channels": 4}),
    ("lraspp_mobilenet_v3_large", {"in_channels": 1}),
    ("deeplabv3_mobilenet_v3_large", {"in_channels": 4, "num_classes": 2}),
    ("mobilenet_v2", {"width_mult": 0.5}),
    ("mobilenet_v2", {"width_mult": 1.4, "num_classes": 10}),
]


def set_key(name: str, kwargs: dict[str, Any]) -> str:
    """Name a case as its command line would: `resnet18 num_classes=10`."""
    return " ".join([name, *(f"{key}={value!r}" for key, value in kwargs.items())])


def with_channels(model: torch.nn.Module, channels: int) -> torch.nn.Module:
    """Replace the model's first convolution by one that takes `channels` channels."""
    path, conv = next(
        (path, module)
        for path, module in model.named_modules()
        if isinstance(module, torch.nn.modules.conv._ConvNd)
    )
    parent = model.get_submodule(path.rpartition(".")[0])
    new = type(conv)(
        channels,
        conv.out_channels,
        conv.kernel_size,
        conv.stride,
        conv.padding,
        conv.dilation,
        conv.groups,
        conv.bias is not None,
    )
    setattr(parent, path.rpartition(".")[2], new)
    return model


def set_sizes(name: str) -> list[tuple[int, ...]]:
    """Return the evaluation size and another the model can take: the third of `sizes`
    (256×192, 97×131 or 5×33×47), but 13×227×241 for S3D: smaller clips leave less than
    its last 2×7×7 average pool takes."""
    default, odd = sizes(name)[:3:2]
    return [default, (13, 227, 241) if name == "s3d" else odd]


def record_set(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Record `name` built with `kwargs` at its evaluation size and an odd one."""
    given = dict(kwargs)
    channels = given.pop("in_channels", 3)
    model = get_model(name, weights=None, **ZOO[name], **given).eval()
    if channels != 3:
        model = with_channels(model, channels)
    recorded: dict[str, Any] = {}
    for size in set_sizes(name):
        key = "x".join(map(str, (channels, *size)))
        rows = module_rows(model, size, "cpu", channels)
        recorded[key] = {
            "shapes": [row["shape"] for row in rows],
            "macs": [row["macs"] for row in rows],
        }
    modules = list(model.named_modules())[1:]
    layers = {}
    for path, module in modules:
        found = {key: getattr(module, key) for key in ARGUMENTS if hasattr(module, key)}
        if not list(module.children()) and found:
            layers[path] = found
    return {
        "builder": name,
        "set": kwargs,
        "paths": [path for path, _ in modules],
        "types": [type(module).__name__ for _, module in modules],
        "params": [sum(p.numel() for p in module.parameters()) for _, module in modules],
        "total_params": sum(p.numel() for p in model.parameters()),
        "sizes": recorded,
        "arguments": layers,
    }


def main_set(words: list[str]) -> None:
    """Record SET, and the case `words` names (NAME KEY=VALUE ...), in zoo_set.json."""
    cases = list(SET)
    if words:
        pairs = (word.partition("=") for word in words[1:])
        cases.append((words[0], {key: ast.literal_eval(value) for key, _, value in pairs}))
    models = {set_key(name, kwargs): record_set(name, kwargs) for name, kwargs in cases}
    path = FOLDER.parent / "zoo_set.json"
    recorded = {"recorded_with": versions() | {"script": "tools/record_zoo.py"}, "models": models}
    path.write_text(json.dumps(recorded, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


def main() -> None:
    """Record the models named as arguments, else all; or, with --arguments, their layers'."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)  # leave the other cores to whatever else the machine runs
    if sys.argv[1:2] == ["--set"]:
        main_set(sys.argv[2:])
        return
    if sys.argv[1:] == ["--arguments"]:
        path = FOLDER.parent / "zoo_arguments.json"
        path.write_text(json.dumps(arguments(), separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {path}")
        return
    for name in sys.argv[1:] or ZOO:
        if name not in ZOO:
            sys.exit(f"no model {name!r} in ZOO")
        path = FOLDER / f"{name}.json"
        path.write_text(json.dumps(record(name), separators=(",", ":")) + "\n", encoding="utf-8")
        size = path.stat().st_size
        print(f"wrote {path.relative_to(FOLDER.parent.parent.parent)} ({size:,} bytes)")


if __name__ == "__main__":
    assert torchvision.__version__.startswith("0.29"), torchvision.__version__
    main()
